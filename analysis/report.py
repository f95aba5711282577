"""The HTML report: one self-contained file a person can mail, archive or open offline.

Everything is inline (CSS in <style>, charts as base64 PNG), nothing is
fetched. With variants, the first screen answers the planner's question: it
states it (objective, region, declared budgets), ranks the variants on the
objective with corrected intervals (analysis/ranking.py) and draws effect
against spending; everything else follows, folded: every metric compared
(with a bounded forest plot), the result pipeline funnel, time series with 95%
bands, calibration against targets (when a targets file is given), firm-size
distribution and each run's manifest. A single run's report shows those
sections open. Given an `analysis optimize` folder (--optimization), the best mix it found comes
first: the recommendation, the confirmation with paired intervals and the response surface. A section whose data the runs lack says so instead of
vanishing, so a reader knows it was looked for.

The file is written to a temporary name beside the output and renamed onto
it, so a report is either complete or absent; an existing report is kept
unless --force.
"""
from __future__ import annotations

import datetime
from contextlib import ExitStack
from pathlib import Path

import jinja2
import numpy as np

from . import figures
from .compare_text import p_text
from .comparison import DEFAULT_WINDOW, compare_runs
from .errors import AnalysisInputError, quoted
from .forest_figure import forest_figure, forest_rows
from .instruments import is_instrument_metric, model_metric_names
from .instruments import status as instrument_status
from .instruments import summary as instrument_summary
from .formatting import human_unit, interval, number, percent, signed_with_interval, yuan
from .load import Run, open_run
from .output_file import check_output, write_atomically
from .ranking import rank_variants
from .ranking_figure import effect_vs_spending_figure
from .scenario_facts import declared_budget_yuan, regions
from .summary import summarise_run
from .targets import Targets, fit_table, read_targets, run_moments

TEMPLATES = Path(__file__).resolve().parent / "templates"
FIRM_PANEL = "firm"
# The objective a report ranks on when none is given: the share of results that reached production.
DEFAULT_OBJECTIVES = ("results_applied_share", "patent_industrialization_rate")
FIRM_SIZE_FIELDS = ("employees", "revenue")
# The manifest's scenario text is shown on its own, folded; the rest as a table in this order.
MANIFEST_ORDER = ("model", "seed", "replicates", "steps", "threads", "innosim_version", "git_commit",
                  "build_type", "created_utc", "hostname", "command_line", "scenario_sha256")


def manifest_section(runs: list[Run]) -> list[dict]:
    sections = []
    for run in runs:
        manifest = run.manifest
        keys = [key for key in MANIFEST_ORDER if key in manifest]
        keys += sorted(key for key in manifest if key not in MANIFEST_ORDER and key != "scenario_yaml")
        sections.append({"label": run.label, "path": str(run.path),
                         "rows": [(key, str(manifest[key])) for key in keys],
                         "scenario_yaml": manifest.get("scenario_yaml", "")})
    return sections


def summary_section(runs: list[Run]) -> list[dict]:
    sections = []
    for run in runs:
        table = summarise_run(run)
        table = table[~table["metric"].map(is_instrument_metric)]
        rows = [[row.metric, row.unit, number(row.mean), interval(row.low, row.high)]
                for row in table.itertuples()]
        sections.append({"label": run.label, "step": run.steps, "replicates": run.replicates, "rows": rows})
    return sections


def instruments_section(runs: list[Run]) -> dict:
    """Each run's instruments: budget (committed), spent, returned, unspent at the end, whether it ran out."""
    rows = []
    for run in runs:
        for row in instrument_summary(run).itertuples():
            rows.append([run.label, row.name, row.type, yuan(row.committed), yuan(row.spent), yuan(row.returned),
                         yuan(row.unspent), instrument_status(row), number(row.beneficiaries)])
    return {"rows": rows, "count": len(rows)}


def comparison_section(runs: list[Run], window: int, objective: str | None = None) -> dict | None:
    """Every metric side by side (one column per variant), the bounded forest plot and differences over time."""
    if len(runs) < 2:
        return None
    comparisons = [compare_runs(runs[0], variant, window) for variant in runs[1:]]
    first = comparisons[0].table
    rows = []
    for metric in first["metric"]:
        unit = first.set_index("metric").at[metric, "unit"]
        cells = [metric, human_unit(unit, metric), number(first.set_index("metric").at[metric, "base_end"])]
        for comparison in comparisons:
            table = comparison.table.set_index("metric")
            cells.append(_change_cell(table.loc[metric]) if metric in table.index else {"text": "", "note": ""})
        rows.append(cells)
    names, left_out = forest_rows(comparisons, objective)
    forest, clipped = forest_figure(comparisons, names) if names else (None, 0)
    common = sorted(set(model_metric_names(runs[0].metric_names))
                    & {name for run in runs[1:] for name in run.metric_names})
    notes = list(dict.fromkeys(note for comparison in comparisons for note in comparison.notes))
    return {"base": runs[0].label, "variants": [c.variant for c in comparisons], "rows": rows, "notes": notes,
            "kinds": ["paired" if c.is_paired else "Welch" for c in comparisons],
            "figure": forest, "forest_rows": len(names), "left_out": left_out, "clipped": clipped,
            "differences": figures.difference_figures(runs[0], runs[1:], common)}


def _change_cell(row) -> dict:
    """'+x [low, high]' with the relative change beside it, or the note that the base is 0 (absolute only)."""
    text = signed_with_interval(row["diff_end"], row["diff_end_low"], row["diff_end_high"])
    if np.isfinite(row["relative_change"]):
        note = percent(row["relative_change"])
    else:
        note = "base 0" if row["base_end"] == 0 else ""
    return {"text": text, "note": note, "is_significant": bool(row["is_significant"])}


def answer_section(runs: list[Run], objective: str | None, maximize: bool, correction: str) -> dict | None:
    """The first screen with variants: the question, the ranked variants and effect against spending."""
    if len(runs) < 2:
        return None
    is_default = objective is None
    objective = objective or default_objective(runs)
    ranking = rank_variants(runs[0], runs[1:], objective, maximize=maximize, correction=correction)
    unit = human_unit(ranking.unit, objective)
    budgets = {run.label: declared_budget_yuan(run) for run in runs}
    rows = []
    for row in ranking.table.itertuples():
        per_budget = ""
        if np.isfinite(row.per_100m_yuan):
            per_budget = signed_with_interval(row.per_100m_yuan, row.per_100m_yuan_low, row.per_100m_yuan_high)
        rows.append({"rank": row.rank, "variant": row.variant,
                     "change": signed_with_interval(row.change, row.change_low, row.change_high),
                     "is_distinguishable": bool(row.is_distinguishable), "p": p_text(row.p_adjusted),
                     "lead": signed_with_interval(row.lead_over_next, row.lead_over_next_low, row.lead_over_next_high)
                     if row.rank < len(ranking.table) else "",
                     "budget": yuan(budgets[row.variant]) if budgets[row.variant] is not None else "",
                     "spending": signed_with_interval(row.spending_change_yuan / 1e6, row.spending_change_low / 1e6,
                                                      row.spending_change_high / 1e6),
                     "per_budget": per_budget})
    metric_info = runs[0].metric_info(objective)
    return {"objective": objective, "unit": unit, "description": metric_info.description,
            "better": "higher" if maximize else "lower", "is_default_objective": is_default,
            "regions": regions(runs[0]), "base": runs[0].label,
            "base_budget": yuan(budgets[runs[0].label]) if budgets[runs[0].label] is not None else None,
            "variants": len(runs) - 1, "steps": runs[0].steps, "replicates": ranking.replicates,
            "correction": correction.capitalize(), "interval_confidence": f"{ranking.interval_confidence:.2%}",
            "has_spending": ranking.has_spending, "rows": rows,
            "has_blank": any(not r["per_budget"] for r in rows) and ranking.has_spending,
            "warnings": ranking.warnings, "figure": effect_vs_spending_figure(ranking)}


def default_objective(runs: list[Run]) -> str:
    """The objective when none is given: the ecosystem's headline outcome, else the first shared metric."""
    shared = [name for name in runs[0].metric_names if all(run.has_metric(name) for run in runs[1:])]
    if not shared:
        raise AnalysisInputError(f"{quoted(runs[0].path)} and the variants have no metric in common")
    return next((name for name in DEFAULT_OBJECTIVES if name in shared), shared[0])


def calibration_section(run: Run, targets: Targets) -> dict:
    table = fit_table(targets, run_moments(run, targets))
    rows = [[row.metric, number(row.target), interval(row.band_low, row.band_high), number(row.model),
             number(row.scaled_error, 3),
             "not in run" if row.inside is None else ("yes" if row.inside else "no")]
            for row in table.itertuples()]
    inside = sum(1 for row in table.itertuples() if row.inside)
    return {"path": str(targets.path), "window": targets.window, "rows": rows, "inside": inside,
            "count": len(rows), "run": run.label}


def firm_size_section(runs: list[Run]) -> dict:
    with_panel = [run for run in runs if FIRM_PANEL in run.panel_kinds()]
    field = next((f for f in FIRM_SIZE_FIELDS if any(f in run.panel_fields(FIRM_PANEL) for run in with_panel)), None)
    if field is None:
        return {"note": f"No firm-size distribution: the runs have no /agents/{FIRM_PANEL} panel with "
                        f"{' or '.join(FIRM_SIZE_FIELDS)}."}
    used, sizes = [], []
    for run in with_panel:
        if field not in run.panel_fields(FIRM_PANEL):
            continue
        panel = run.panel(FIRM_PANEL, [field])
        last = panel[panel["step"] == panel["step"].max()]
        used.append(run)
        sizes.append(last[field].to_numpy(dtype=np.float64))
    unit = used[0].panel_unit(FIRM_PANEL, field)
    return {"field": field, "firms": int(sum(s.size for s in sizes)),
            "figure": figures.firm_size_figure(used, sizes, field, unit)}


def funnel_section(runs: list[Run]) -> dict:
    """The funnel of cumulative flows (never widening) beside the stock of live results by stage."""
    flows = [figures.funnel_flows(run) for run in runs]
    stocks = [figures.stage_stocks(run) for run in runs]
    if all(v is None for v in flows + stocks):
        names = ", ".join([*figures.FLOW_METRICS, *(figures.STAGE_METRIC_PREFIX + stage for stage in figures.STAGES)])
        return {"note": f"No result-pipeline funnel: the runs lack the metrics {names}."}
    flow_runs = [(run, v) for run, v in zip(runs, flows) if v is not None]
    stock_runs = [(run, v) for run, v in zip(runs, stocks) if v is not None]
    return {"flow_labels": [run.label for run, _ in flow_runs],
            "flow_rows": [[stage, *(percent_level(v[i]) for _, v in flow_runs)]
                          for i, stage in enumerate(figures.FUNNEL_STAGES)],
            "stock_labels": [run.label for run, _ in stock_runs],
            "stock_rows": [[stage, *(number(v[i]) for _, v in stock_runs)] for i, stage in enumerate(figures.STAGES)],
            "figure": figures.funnel_figure(runs, flows, stocks)}


def percent_level(fraction: float) -> str:
    return f"{100 * fraction:.3g}%"


def optimization_section(folder) -> dict | None:
    """The first screen's best-mix answer from an `analysis optimize` folder (optimization.json)."""
    if folder is None:
        return None
    import base64

    from . import optimize_output

    data = optimize_output.read(folder)

    def mix(shares: dict) -> str:
        return ", ".join(f"{name} {share:.2f}" for name, share in shares.items())

    def span(d: dict) -> str:
        return f"{number(d['estimate'])} [{number(d['low'])}, {number(d['high'])}]"

    rec = data["recommended"]
    rows = [[c["label"], c["role"], mix(c["mix"]), f"{number(c['predicted']['mean'])} ± {c['predicted']['sd']:.2g}",
             span(c["confirmed"]), span(c["difference_from_recommended"])] for c in data["confirmation"]]
    figure = None
    if data.get("response_figure"):
        png = (Path(folder) / data["response_figure"]).read_bytes()
        figure = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    runs = data["simulator_runs"]
    method = (f"{len(data['points'])} mixes simulated ({data['settings']['replicates']} replicates each, common random "
              f"numbers), Gaussian-process emulator (leave-one-out RMSE {number(data['emulator']['loo_rmse'])}), "
              f"expected improvement; {runs['search']} + {runs['confirmation']} simulator runs, "
              f"{data['wall_seconds']:.0f} s. Details: {Path(folder) / optimize_output.SUMMARY_FILE}.")
    return {"scenario": data["scenario"], "objective": data["objective"], "mix": mix(rec["mix"]),
            "confirmed": span(rec["confirmed"]), "replicates": data["settings"]["confirm_replicates"],
            "predicted": f"{number(rec['predicted']['mean'])} ± {rec['predicted']['sd']:.2g}",
            "tied": ", ".join(rec["tied"]), "rows": rows, "figure": figure, "method": method}


def render(context: dict) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.get_template("report.html.j2").render(**context)


def build_report(runs: list[Run], targets: Targets | None = None, window: int = DEFAULT_WINDOW,
                 title: str | None = None, objective: str | None = None, maximize: bool = True,
                 correction: str = "holm", optimization=None) -> str:
    """The report's HTML for runs (the first is the base, the others variants compared with it).

    With variants the details are folded below the answer (the ranked variants); a single run's
    report shows every section open.
    """
    # The model's own metrics; the per-instrument accounts get their own folded section.
    metrics = sorted({name for run in runs for name in model_metric_names(run.metric_names)})
    answer = answer_section(runs, objective, maximize, correction)
    context = {
        "answer": answer,
        "optimization": optimization_section(optimization),
        "title": title or f"innosim report: {runs[0].label}",
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "runs": [{"label": run.label, "path": str(run.path), "model": run.manifest.get("model", "?"),
                  "replicates": run.replicates, "steps": run.steps} for run in runs],
        "funnel": funnel_section(runs),
        "time_series": figures.time_series_figures(runs, metrics) if metrics else [],
        "summaries": summary_section(runs),
        "instruments": instruments_section(runs),
        "comparison": comparison_section(runs, window, answer["objective"] if answer else None),
        "calibration": calibration_section(runs[0], targets) if targets else None,
        "firm_size": firm_size_section(runs),
        "manifests": manifest_section(runs),
    }
    return render(context)


def write_report(run_paths: list, output, targets_path=None, force: bool = False,
                 window: int = DEFAULT_WINDOW, title: str | None = None, objective: str | None = None,
                 maximize: bool = True, correction: str = "holm", optimization=None) -> Path:
    """Reads the runs (and targets), builds the report and writes it atomically; returns its path."""
    output = Path(output)
    check_output(output, force)
    if not run_paths:
        raise AnalysisInputError("give at least one run file")
    for path in run_paths:
        if Path(path).exists() and output.exists() and Path(path).samefile(output):
            raise AnalysisInputError(f"refusing to write the report over its input {quoted(path)}; "
                                     "choose another -o")
    targets = read_targets(targets_path) if targets_path else None
    with ExitStack() as stack:
        runs = [stack.enter_context(open_run(path)) for path in run_paths]
        html = build_report(runs, targets, window, title, objective, maximize, correction, optimization)
    write_atomically(html, output, force)
    return output
