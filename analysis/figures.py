"""The report's charts, as inline PNG data URIs (the report must open without network or files).

Figures are built with matplotlib's object API on the Agg canvas, never
pyplot: no global figure registry to leak and no display needed.
"""
from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .comparison import difference_series
from .load import Run
from .summary import time_series

# Tableau 10: distinguishable, colour-blind-safer than the defaults of old.
COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
          "#9c755f", "#bab0ac"]
PANELS_PER_FIGURE = 12
COLUMNS = 3
DPI = 96
STAGES = ("research", "development", "commercialization", "industrialization")
STAGE_METRIC_PREFIX = "results_by_stage_"
# The funnel's cumulative counters, as shares: reached commercialization / created, industrialization / commercialization.
FLOW_METRICS = ("results_applied_share", "applied_industrialized_share")
FUNNEL_STAGES = ("created", "commercialization", "industrialization")


def color(index: int) -> str:
    return COLORS[index % len(COLORS)]


def data_uri(figure: Figure) -> str:
    """The figure as 'data:image/png;base64,...', to go straight into an <img src>."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _axis_label(name: str, unit: str) -> str:
    return f"{name} [{unit}]" if unit else name


def _small_multiples(metrics: list[str], plot_panel, legend_entries: int) -> list[str]:
    """One panel per metric, in figures of at most 12 panels so that none grows too tall to read."""
    uris = []
    for start in range(0, len(metrics), PANELS_PER_FIGURE):
        chunk = metrics[start:start + PANELS_PER_FIGURE]
        rows = -(-len(chunk) // COLUMNS)
        figure = Figure(figsize=(4.0 * COLUMNS, 2.8 * rows), layout="constrained")
        axes = figure.subplots(rows, COLUMNS, squeeze=False).ravel()
        for ax, name in zip(axes, chunk):
            plot_panel(ax, name)
            ax.set_xlabel("step", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        for ax in axes[len(chunk):]:
            ax.set_visible(False)
        if legend_entries > 1:
            handles, labels = axes[0].get_legend_handles_labels()
            figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                          ncols=min(legend_entries, 4), frameon=False)
        uris.append(data_uri(figure))
    return uris


def _unit(runs: list[Run], name: str) -> str:
    return next((run.metric_info(name).unit for run in runs if run.has_metric(name)), "")


def time_series_figures(runs: list[Run], metrics: list[str]) -> list[str]:
    """Each metric over time: each run's replicate mean and 95% band."""
    def plot(ax, name):
        for index, run in enumerate(runs):
            if run.has_metric(name):
                _line_with_band(ax, time_series(run, name), color(index), run.label)
        ax.set_title(_axis_label(name, _unit(runs, name)), fontsize=9)

    return _small_multiples(metrics, plot, len(runs))


def difference_figures(base: Run, variants: list[Run], metrics: list[str]) -> list[str]:
    """Each metric's paired difference variant - base over time, with its 95% band and the zero line.

    Where the band leaves zero the policy has moved the metric; when it does
    so shows how fast the policy acts.
    """
    def plot(ax, name):
        for index, variant in enumerate(variants):
            if variant.has_metric(name):
                _line_with_band(ax, difference_series(base, variant, name), color(index + 1),
                                f"{variant.label} - {base.label}")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_title(_axis_label(f"Δ {name}", _unit([base], name)), fontsize=9)

    return _small_multiples(metrics, plot, len(variants))


def _line_with_band(ax, series, line_color: str, label: str) -> None:
    ax.plot(series["step"], series["mean"], color=line_color, lw=1.5, label=label)
    ax.fill_between(series["step"], series["low"], series["high"], color=line_color, alpha=0.25, lw=0)


def comparison_figure(comparisons) -> str:
    """Each variant's change at the end relative to the base mean, in percent, with the paired 95% interval.

    Relative changes put metrics of different units on one axis; metrics
    whose base mean is zero have no relative change and are left out.
    """
    names = sorted({name for c in comparisons for name in c.table["metric"]})
    figure = Figure(figsize=(8, max(2.5, 0.35 * len(names) * max(1, len(comparisons)) + 1)), layout="constrained")
    ax = figure.subplots()
    height = 0.8 / len(comparisons)
    for index, comparison in enumerate(comparisons):
        table = comparison.table.set_index("metric")
        for position, name in enumerate(names):
            if name not in table.index:
                continue
            row = table.loc[name]
            if not np.isfinite(row["relative_change"]):
                continue
            scale = 100.0 / abs(row["base_end"])
            y = position + (index - (len(comparisons) - 1) / 2) * height
            error = None
            if np.isfinite(row["diff_end_low"]):
                error = [[(row["diff_end"] - row["diff_end_low"]) * scale],
                         [(row["diff_end_high"] - row["diff_end"]) * scale]]
            ax.errorbar(row["relative_change"] * 100, y, xerr=error, fmt="o", color=color(index + 1),
                        capsize=3, label=comparison.variant if position == 0 else None)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("change at the end vs base mean (%), paired 95% interval", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=8, loc="best")
    return data_uri(figure)


def stage_stocks(run: Run) -> list[float] | None:
    """Live results in each stage at the last step (replicate means), or None when a stage metric is missing.

    A stock, not a funnel: a result stays at TRL 9 once industrialized, so the last stage can hold
    more results than the one before it.
    """
    names = [STAGE_METRIC_PREFIX + stage for stage in STAGES]
    if not all(run.has_metric(name) for name in names):
        return None
    return [float(np.nanmean(run.metric(name)[:, -1])) for name in names]


def funnel_flows(run: Run) -> list[float] | None:
    """Of all results created over the run, the share that reached each funnel stage (replicate means).

    Cumulative flows from the model's own counters: created (1), reached commercialization
    (results_applied_share), reached industrialization (that times applied_industrialized_share).
    Each stage is a subset of the one before, so the funnel never widens. None without the metrics.
    """
    if not all(run.has_metric(name) for name in FLOW_METRICS):
        return None
    applied = run.metric(FLOW_METRICS[0])[:, -1]
    industrialized = applied * run.metric(FLOW_METRICS[1])[:, -1]
    return [1.0, float(np.nanmean(applied)), float(np.nanmean(industrialized))]


def funnel_figure(runs: list[Run], flows: list[list[float] | None], stocks: list[list[float] | None]) -> str:
    """Left: the funnel of cumulative flows (share of results created reaching each stage); right: the stock
    of live results by stage now. Either panel is left out when no run has its metrics."""
    panels = [kind for kind, values in (("flows", flows), ("stocks", stocks)) if any(v is not None for v in values)]
    figure = Figure(figsize=(5.5 * len(panels), 3.0), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False).ravel()
    for ax, kind in zip(axes, panels):
        values, stages = (flows, FUNNEL_STAGES) if kind == "flows" else (stocks, STAGES)
        drawn = [(index, run, v) for index, (run, v) in enumerate(zip(runs, values)) if v is not None]
        height = 0.8 / len(drawn)
        for slot, (index, run, stage_values) in enumerate(drawn):
            positions = np.arange(len(stages)) + (slot - (len(drawn) - 1) / 2) * height
            scale = 100.0 if kind == "flows" else 1.0
            ax.barh(positions, np.asarray(stage_values) * scale, height=height, color=color(index), label=run.label)
        ax.set_yticks(range(len(stages)), stages)
        ax.invert_yaxis()
        if kind == "flows":
            ax.set_title("funnel: share of results created that reached the stage", fontsize=9)
            ax.set_xlabel("% of results created (cumulative, replicate mean)", fontsize=8)
        else:
            ax.set_title("stock: live results in each stage now", fontsize=9)
            ax.set_xlabel("results at the last step (replicate mean)", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    if len(runs) > 1:
        axes[0].legend(fontsize=8)
    return data_uri(figure)


def firm_size_figure(runs: list[Run], sizes: list[np.ndarray], field: str, unit: str) -> str:
    """Complementary CDF of firm size on log–log axes: a power-law (Zipf) tail is a straight line.

    The CCDF rather than a histogram: no binning choices, and the tail, where
    the firm-size literature looks, keeps every firm.
    """
    figure = Figure(figsize=(6, 4), layout="constrained")
    ax = figure.subplots()
    for index, (run, values) in enumerate(zip(runs, sizes)):
        values = values[np.isfinite(values) & (values > 0)]
        if values.size == 0:
            continue
        sizes, counts = np.unique(values, return_counts=True)
        # Ties (integer head counts) get one point each: the share of firms with size >= s.
        share_at_least = (values.size - np.cumsum(counts) + counts) / values.size
        ax.loglog(sizes, share_at_least, marker=".", ls="none", ms=3, color=color(index), label=run.label)
    ax.set_xlabel(_axis_label(f"firm {field}", unit))
    ax.set_ylabel("share of firms at least this size")
    ax.grid(alpha=0.3, which="both")
    if len(runs) > 1:
        ax.legend(fontsize=8)
    return data_uri(figure)
