"""An optimisation's result as files: optimization.json, summary.md and two pictures.

  DIR/optimization.json   everything below, machine-readable (format innosim-optimization, version 1)
  DIR/summary.md          the answer in words and tables
  DIR/response.png        the emulator's response surface (ternary plot; three instruments only)
  DIR/traces.png          the objective along each share (Cox direction through the recommended mix)
  DIR/points/             the simulator's run files, one per mix (kept: a re-run reuses them)

Each file is written under a temporary name and renamed (analysis.output_file).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from .optimize import Result, confirmed_interval
from .output_file import write_atomically

JSON_FILE = "optimization.json"
SUMMARY_FILE = "summary.md"
RESPONSE_FILE = "response.png"
TRACES_FILE = "traces.png"
FORMAT = "innosim-optimization"


def _mix(names, shares) -> dict:
    return {name: round(float(share), 4) for name, share in zip(names, shares)}


def to_dict(result: Result, context: dict) -> dict:
    names = result.space.names
    confirmed = []
    for c in result.confirmed:
        confirmed.append({"label": c.label, "role": c.role, "mix": _mix(names, c.shares),
                          "replicates": int(len(c.values)), "confirmed": confirmed_interval(c),
                          # On the search's replicates: what the emulator's prediction is comparable with
                          # (common random numbers: the extra replicates move every mix alike).
                          "simulated_on_search_replicates": float(np.mean(c.values[:result.settings.replicates])),
                          "values": c.values.tolist(),
                          "predicted": {"mean": c.predicted, "sd": c.predicted_sd},
                          "difference_from_recommended": c.difference})
    recommended = result.recommended
    return {
        "format": FORMAT, "format_version": 1, **context,
        "instruments": [{"name": n, "min": float(lo), "max": float(hi)}
                        for n, lo, hi in zip(names, result.space.lower, result.space.upper)],
        "settings": {k: getattr(result.settings, k) for k in
                     ("runs", "initial", "batch", "replicates", "confirm_replicates", "top", "maximize", "seed")},
        "recommended": {"label": recommended.label, "mix": _mix(names, recommended.shares),
                        "confirmed": confirmed_interval(recommended),
                        "predicted": {"mean": recommended.predicted, "sd": recommended.predicted_sd},
                        "tied": [c.label for c in result.confirmed if c is not recommended and c.difference
                                 and c.difference["low"] <= 0.0 <= c.difference["high"]]},
        "emulator": {"kernel": result.emulator.kernel, "loo_rmse": result.loo_rmse,
                     "replicate_mean_sd": result.noise_sd},
        "points": [{"mix": _mix(names, s), "mean": float(v), "round": int(r), "values": rv.tolist()}
                   for s, v, r, rv in zip(result.shares, result.values, result.rounds, result.replicate_values)],
        "confirmation": confirmed,
        "traces": result.traces,
        "simulator_runs": {"search": result.search_runs, "confirmation": result.confirmation_runs,
                           "total": result.search_runs + result.confirmation_runs},
        "wall_seconds": round(result.wall_seconds, 1),
    }


def _format_mix(mix: dict) -> str:
    return ", ".join(f"{name} {share:.2f}" for name, share in mix.items())


def _interval(d: dict) -> str:
    return f"{d['estimate']:.4g} [{d['low']:.4g}, {d['high']:.4g}]"


def markdown(data: dict) -> str:
    rec = data["recommended"]
    runs = data["simulator_runs"]
    lines = [
        f"# Best funding mix: {data['scenario']}", "",
        f"Objective: {data['objective']}. Instruments: "
        + ", ".join(f"{i['name']} ({i['min']:g}..{i['max']:g})" for i in data["instruments"]) + ".", "",
        f"**Recommended mix: {_format_mix(rec['mix'])}.** Confirmed objective {_interval(rec['confirmed'])} "
        f"(95% interval, {data['settings']['confirm_replicates']} replicates); the emulator predicted "
        f"{rec['predicted']['mean']:.4g} ± {rec['predicted']['sd']:.2g}.",
        ("Not distinguishable from it at this many replicates: " + ", ".join(rec["tied"]) + "."
         if rec["tied"] else "Every other confirmed mix is distinguishable from it."), "",
        "## Confirmation (common random numbers)", "",
        f"| mix | role | shares | predicted | simulated, first {data['settings']['replicates']} replicates | "
        f"simulated, {data['settings']['confirm_replicates']} replicates (95%) | difference from recommended (paired 95%) |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in data["confirmation"]:
        lines.append(f"| {c['label']} | {c['role']} | {_format_mix(c['mix'])} | {c['predicted']['mean']:.4g} ± "
                     f"{c['predicted']['sd']:.2g} | {c['simulated_on_search_replicates']:.4g} | {_interval(c['confirmed'])} | "
                     f"{_interval(c['difference_from_recommended'])} |")
    lines += [
        "", "The emulator was fitted to the search's replicates: compare its prediction with the first "
        "simulated column. The confirmation's further replicates shift every mix alike (common random "
        "numbers), so the differences, not the levels, carry over.", "", "## Emulator", "",
        f"Gaussian process `{data['emulator']['kernel']}` on {len(data['points'])} simulated mixes "
        f"({data['settings']['initial']} space-filling, the rest by expected improvement in batches of "
        f"{data['settings']['batch']}); leave-one-out RMSE {data['emulator']['loo_rmse']:.3g} "
        f"(the standard deviation of a mix's replicate mean beyond what common random numbers share: "
        f"{data['emulator']['replicate_mean_sd']:.3g}).", "",
        f"Simulator runs: {runs['search']} for the search ({data['settings']['replicates']} replicates each), "
        f"{runs['confirmation']} for the confirmation; wall time {data['wall_seconds']:.0f} s "
        "(runs found finished in the folder are reused and not counted).", "",
        f"![response surface]({RESPONSE_FILE})" if data.get("response_figure") else "",
        f"![response to each share]({TRACES_FILE})", "",
    ]
    return "\n".join(lines)


def _ternary_xy(shares):
    shares = np.atleast_2d(shares)
    return shares[:, 1] + 0.5 * shares[:, 2], shares[:, 2] * np.sqrt(3) / 2


def response_figure(result: Result, objective_text: str) -> bytes | None:
    """Ternary plot of the emulator's mean over the simplex (three instruments), with the simulated,
    the recommended and the shipped mixes."""
    if result.space.dimension != 3:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.tri as mtri

    m = 60
    lattice = np.array([(i / m, j / m, (m - i - j) / m) for i in range(m + 1) for j in range(m + 1 - i)])
    mean, _ = result.emulator.predict(lattice)
    x, y = _ternary_xy(lattice)
    figure, axes = plt.subplots(figsize=(6.4, 5.6))
    contour = axes.tricontourf(mtri.Triangulation(x, y), mean, levels=14, cmap="viridis")
    figure.colorbar(contour, ax=axes, label=f"{objective_text} (emulator mean)")
    px, py = _ternary_xy(result.shares)
    axes.scatter(px, py, c="white", edgecolors="black", s=22, label="simulated mixes", zorder=3)
    shipped = next(c for c in result.confirmed if c.role == "shipped")
    sx, sy = _ternary_xy(shipped.shares)
    axes.scatter(sx, sy, marker="s", c="orange", edgecolors="black", s=60, label="shipped mix", zorder=4)
    rx, ry = _ternary_xy(result.recommended.shares)
    axes.scatter(rx, ry, marker="*", c="red", edgecolors="black", s=220, label="recommended mix", zorder=5)
    axes.plot([0, 1, 0.5, 0], [0, 0, np.sqrt(3) / 2, 0], color="black", linewidth=1)
    names = result.space.names
    axes.text(-0.03, -0.05, names[0], ha="left", va="top")
    axes.text(1.03, -0.05, names[1], ha="right", va="top")
    axes.text(0.5, np.sqrt(3) / 2 + 0.03, names[2], ha="center", va="bottom")
    axes.set_xlim(-0.08, 1.08)
    axes.set_ylim(-0.2, 0.98)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8, frameon=False)
    axes.set_title("Objective over the funding mixes\n(each corner: that instrument alone)", fontsize=10)
    return _png(figure)


def traces_figure(result: Result, objective_text: str) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    for name, trace in result.traces.items():
        share, mean, sd = (np.array(trace[k]) for k in ("share", "mean", "sd"))
        line, = axes.plot(share, mean, label=name)
        axes.fill_between(share, mean - 2 * sd, mean + 2 * sd, color=line.get_color(), alpha=0.15)
    axes.set_xlabel("the instrument's share (the others keep the recommended mix's proportions)")
    axes.set_ylabel(objective_text)
    axes.legend(fontsize=8, frameon=False)
    axes.set_title("Response to each share: emulator mean ± 2 sd", fontsize=10)
    figure.tight_layout()
    return _png(figure)


def _png(figure) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _write_bytes(data: bytes, path: Path) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def write(result: Result, folder, context: dict) -> dict:
    """Writes the four files into `folder` (existing result files are replaced: the caller checked --force)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = to_dict(result, context)
    response = response_figure(result, data["objective_text"])
    data["response_figure"] = RESPONSE_FILE if response else None
    data["traces_figure"] = TRACES_FILE
    if response:
        _write_bytes(response, folder / RESPONSE_FILE)
    _write_bytes(traces_figure(result, data["objective_text"]), folder / TRACES_FILE)
    write_atomically(markdown(data), folder / SUMMARY_FILE, force=True)
    # The JSON last: its presence marks a finished optimisation.
    write_atomically(json.dumps(data, indent=1) + "\n", folder / JSON_FILE, force=True)
    return data


def read(folder) -> dict:
    from .errors import AnalysisInputError, quoted

    path = Path(folder) / JSON_FILE
    if not path.exists():
        raise AnalysisInputError(f"{quoted(folder)} has no {JSON_FILE}; is it the folder of `analysis optimize`?")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise AnalysisInputError(f"{quoted(path)} is not an optimisation result (format '{data.get('format')}')")
    return data
