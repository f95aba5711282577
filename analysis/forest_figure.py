"""The report's forest plot: each variant's change at the end per metric, on a bounded axis.

Relative change (% of the base) puts metrics of different units on one axis, but a metric whose
base is 0 has none, and those are often the biggest effects (an instrument's take-up going from
0 to 72%); they get a panel of their own, in absolute change. Wide intervals of noisy metrics
would stretch the axis until every effect is a dot at 0, so the axis is fitted to the estimates,
and interval ends beyond it are clipped and marked with an arrow.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .figures import color, data_uri

MOST_ROWS = 20
ROW_HEIGHT_INCHES = 0.32
# The axis spans the estimates with this much room; interval ends beyond it are clipped.
MARGIN = 1.5


def forest_rows(comparisons, objective: str | None = None) -> tuple[list[str], int]:
    """Metrics worth a row: the objective, then those some variant changes distinguishably, by size.

    At most MOST_ROWS, so the figure's height is bounded; returns (names, how many were left out).
    """
    sizes = {}
    for comparison in comparisons:
        for row in comparison.table.itertuples():
            if not row.is_significant:
                continue
            size = abs(row.relative_change) if np.isfinite(row.relative_change) else np.inf
            sizes[row.metric] = max(sizes.get(row.metric, 0.0), size)
    ordered = sorted(sizes, key=lambda name: -sizes[name])
    if objective and any(objective in set(c.table["metric"]) for c in comparisons):
        ordered = [objective] + [name for name in ordered if name != objective]
    return ordered[:MOST_ROWS], max(0, len(ordered) - MOST_ROWS)


def _axis_limit(values: np.ndarray) -> float:
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0 or finite.max() == 0:
        return 1.0
    # A single huge estimate (a tiny base) would flatten the others: past 10 points, at most 3 times the
    # 90th percentile; the outlier is then clipped like an interval end, its value written beside it.
    largest = finite.max()
    if finite.size >= 10 and np.quantile(finite, 0.9) > 0:
        largest = min(largest, 3 * np.quantile(finite, 0.9))
    return MARGIN * largest


def _panel(ax, comparisons, names: list[str], value_of, label: str) -> int:
    """One panel: per metric a row, per variant a point with its interval; returns how many ends were clipped."""
    points = []
    for index, comparison in enumerate(comparisons):
        table = comparison.table.set_index("metric")
        for position, name in enumerate(names):
            if name in table.index:
                estimate, low, high = value_of(table.loc[name])
                offset = (index - (len(comparisons) - 1) / 2) * (0.8 / len(comparisons))
                points.append((index, position + offset, estimate, low, high))
    limit = _axis_limit(np.array([p[2] for p in points], dtype=float))
    clipped, labelled = 0, set()
    for index, y, estimate, low, high in points:
        shown = np.clip([estimate, low, high], -limit, limit)
        if np.isfinite(low):
            ax.plot([shown[1], shown[2]], [y, y], color=color(index + 1), lw=1.5)
        for end, edge, marker in ((low, -limit, "<"), (high, limit, ">"), (estimate, -limit, "<"), (estimate, limit, ">")):
            if np.isfinite(end) and (end < edge if marker == "<" else end > edge):
                ax.plot(edge, y, marker=marker, color=color(index + 1), ms=7)
                clipped += 1
        if abs(estimate) > limit:
            ax.annotate(f"{estimate:+.3g}", (shown[0], y), textcoords="offset points",
                        xytext=(-8 if estimate > 0 else 8, 4), ha="right" if estimate > 0 else "left", fontsize=7)
        ax.plot(shown[0], y, "o", color=color(index + 1), ms=5,
                label=None if index in labelled else comparisons[index].variant)
        labelled.add(index)
    ax.set_xlim(-limit * 1.05, limit * 1.05)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel(label, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return clipped


def forest_figure(comparisons, names: list[str]) -> tuple[str, int]:
    """The bounded forest plot of `names` and how many interval ends it clipped (the caption says so)."""
    relative = [n for n in names if any(n in set(c.table["metric"]) and
                                        np.isfinite(c.table.set_index("metric").at[n, "relative_change"])
                                        for c in comparisons)]
    absolute = [n for n in names if n not in relative]
    panels = [p for p in ((relative, "relative"), (absolute, "absolute")) if p[0]]
    heights = [len(p[0]) for p in panels] or [1]
    figure = Figure(figsize=(8, ROW_HEIGHT_INCHES * sum(heights) + 1.2 * len(heights)), layout="constrained")
    axes = figure.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights}).ravel()
    clipped = 0
    for ax, (panel_names, kind) in zip(axes, panels):
        if kind == "relative":
            def value_of(row):
                scale = 100.0 / abs(row["base_end"])
                return row["diff_end"] * scale, row["diff_end_low"] * scale, row["diff_end_high"] * scale
            label = "change at the end vs the base (% of the base), 95% interval"
        else:
            def value_of(row):
                return row["diff_end"], row["diff_end_low"], row["diff_end_high"]
            label = "base 0: absolute change at the end (metric's own unit), 95% interval"
        clipped += _panel(ax, comparisons, panel_names, value_of, label)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        axes[0].legend(fontsize=8, loc="best")
    return data_uri(figure), clipped
