"""The HTML report: one self-contained file a person can mail, archive or open offline.

Everything is inline (CSS in <style>, charts as base64 PNG), nothing is
fetched. Sections: result pipeline funnel, time series with 95% bands, policy
comparison (when variants are given), calibration against targets (when a
targets file is given), firm-size distribution, and each run's manifest. A
section whose data the runs lack says so instead of vanishing, so a reader
knows it was looked for.

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
from .comparison import DEFAULT_WINDOW, compare_runs
from .errors import AnalysisInputError, quoted
from .formatting import estimate_with_interval, interval, number, percent
from .load import Run, open_run
from .output_file import check_output, write_atomically
from .summary import summarise_run
from .targets import Targets, fit_table, read_targets, run_moments

TEMPLATES = Path(__file__).resolve().parent / "templates"
FIRM_PANEL = "firm"
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
        rows = [[row.metric, row.unit, number(row.mean), interval(row.low, row.high)]
                for row in table.itertuples()]
        sections.append({"label": run.label, "step": run.steps, "replicates": run.replicates, "rows": rows})
    return sections


def comparison_section(runs: list[Run], window: int) -> dict | None:
    if len(runs) < 2:
        return None
    comparisons = [compare_runs(runs[0], variant, window) for variant in runs[1:]]
    tables = []
    for comparison in comparisons:
        rows = [[row.metric, row.unit, number(row.base_end), number(row.variant_end), number(row.diff_end),
                 interval(row.diff_end_low, row.diff_end_high), percent(row.relative_change),
                 number(row.diff_window), interval(row.diff_window_low, row.diff_window_high),
                 interval(row.welch_low, row.welch_high),
                 *([estimate_with_interval(row.per_yuan, row.per_yuan_low, row.per_yuan_high)]
                   if comparison.has_spending else []),
                 "yes" if row.is_significant else "no"]
                for row in comparison.table.itertuples()]
        tables.append({"variant": comparison.variant, "window": comparison.window, "rows": rows,
                       "has_spending": comparison.has_spending, "notes": comparison.notes,
                       "is_paired_by_seed": comparison.is_paired_by_seed})
    common = sorted(set(runs[0].metric_names) & {name for run in runs[1:] for name in run.metric_names})
    return {"base": runs[0].label, "tables": tables, "figure": figures.comparison_figure(comparisons),
            "differences": figures.difference_figures(runs[0], runs[1:], common)}


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
    values = [(run, figures.funnel_values(run)) for run in runs]
    values = [(run, v) for run, v in values if v is not None]
    names = ", ".join(figures.STAGE_METRIC_PREFIX + stage for stage in figures.STAGES)
    if not values:
        return {"note": f"No result-pipeline funnel: the runs lack the metrics {names}."}
    rows = [[stage, *(number(v[i]) for _, v in values)] for i, stage in enumerate(figures.STAGES)]
    return {"labels": [run.label for run, _ in values], "rows": rows,
            "figure": figures.funnel_figure([run for run, _ in values], [v for _, v in values])}


def render(context: dict) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.get_template("report.html.j2").render(**context)


def build_report(runs: list[Run], targets: Targets | None = None, window: int = DEFAULT_WINDOW,
                 title: str | None = None) -> str:
    """The report's HTML for runs (the first is the base, the others variants compared with it)."""
    metrics = sorted({name for run in runs for name in run.metric_names})
    context = {
        "title": title or f"innosim report: {runs[0].label}",
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "runs": [{"label": run.label, "path": str(run.path), "model": run.manifest.get("model", "?"),
                  "replicates": run.replicates, "steps": run.steps} for run in runs],
        "funnel": funnel_section(runs),
        "time_series": figures.time_series_figures(runs, metrics) if metrics else [],
        "summaries": summary_section(runs),
        "comparison": comparison_section(runs, window),
        "calibration": calibration_section(runs[0], targets) if targets else None,
        "firm_size": firm_size_section(runs),
        "manifests": manifest_section(runs),
    }
    return render(context)


def write_report(run_paths: list, output, targets_path=None, force: bool = False,
                 window: int = DEFAULT_WINDOW, title: str | None = None) -> Path:
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
        html = build_report(runs, targets, window, title)
    write_atomically(html, output, force)
    return output
