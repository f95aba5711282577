"""Policy comparison: each metric of a variant run against a base run, paired by replicate.

With common random numbers (both runs from the same seed) replicate r of the
variant and replicate r of the base share their random draws, so their
difference isolates the policy's effect; the paired interval is the one to
read. The Welch interval, which ignores the pairing, is given alongside: when
the seeds differ it is the honest one, and when they agree the gap between the
two shows what the pairing bought.

Cost-effectiveness divides each metric's paired difference at the end by the
paired difference in total government spending over the run. The spending
metric is read as a flow (yuan per step), so its total is the sum over steps
1..T (step 0 is the initial state, before any policy acts).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalysisInputError, quoted
from .load import Run
from .stats import mean_interval, paired_difference, ratio_interval, require_pairs, welch_difference, window_mean

SPENDING_METRIC = "government_spending"
DEFAULT_WINDOW = 10


@dataclass(frozen=True)
class Comparison:
    """A variant against the base: one table row per metric both runs have, and notes for the reader."""

    base: str
    variant: str
    window: int
    is_paired_by_seed: bool
    has_spending: bool
    table: pd.DataFrame
    notes: list[str]


def _seed(run: Run):
    return run.manifest.get("seed")


def compare_runs(base: Run, variant: Run, window: int = DEFAULT_WINDOW,
                 spending_metric: str = SPENDING_METRIC) -> Comparison:
    """Paired and Welch differences (variant - base) per metric, at the end and over the last `window` steps."""
    window = min(window, base.steps + 1)
    common = [name for name in base.metric_names if variant.has_metric(name)]
    if not common:
        raise AnalysisInputError(f"{quoted(base.path)} and {quoted(variant.path)} have no metric in common")
    notes = []
    is_paired = _seed(base) is not None and _seed(base) == _seed(variant)
    if not is_paired:
        notes.append(f"the seeds differ ({_seed(base)} vs {_seed(variant)}): replicates are not common random "
                     "numbers, so read the Welch interval")
    only = sorted(set(base.metric_names) ^ set(variant.metric_names))
    if only:
        notes.append(f"metrics in only one of the runs, not compared: {', '.join(only)}")
    spending_change = _spending_change(base, variant, spending_metric)
    rows = [_compare_metric(base, variant, name, window, spending_change if name != spending_metric else None)
            for name in common]
    return Comparison(base.label, variant.label, window, is_paired, spending_change is not None,
                      pd.DataFrame(rows), notes)


def difference_series(base: Run, variant: Run, name: str) -> pd.DataFrame:
    """Paired difference variant - base of one metric at every step: columns step, mean, low, high, n."""
    base_values, variant_values = base.metric(name), variant.metric(name)
    require_pairs(base_values, variant_values, name)
    difference = paired_difference(base_values, variant_values)
    return pd.DataFrame({"step": np.arange(difference.estimate.size), "mean": difference.estimate,
                         "low": difference.low, "high": difference.high, "n": difference.n})


def _spending_change(base: Run, variant: Run, metric: str) -> np.ndarray | None:
    """Per replicate, the variant's total spending over the run minus the base's; None without the metric."""
    if not (base.has_metric(metric) and variant.has_metric(metric)):
        return None
    base_values, variant_values = base.metric(metric), variant.metric(metric)
    require_pairs(base_values, variant_values, metric)
    return np.nansum(variant_values[:, 1:], axis=1) - np.nansum(base_values[:, 1:], axis=1)


def _compare_metric(base: Run, variant: Run, name: str, window: int, spending_change) -> dict:
    base_values, variant_values = base.metric(name), variant.metric(name)
    require_pairs(base_values, variant_values, name)
    end = paired_difference(base_values[:, -1], variant_values[:, -1])
    over_window = paired_difference(window_mean(base_values, window), window_mean(variant_values, window))
    welch = welch_difference(base_values[:, -1], variant_values[:, -1])
    base_end = float(mean_interval(base_values[:, -1]).estimate)
    variant_end = float(mean_interval(variant_values[:, -1]).estimate)
    row = {
        "metric": name, "unit": base.metric_info(name).unit,
        "base_end": base_end, "variant_end": variant_end,
        "diff_end": float(end.estimate), "diff_end_low": float(end.low), "diff_end_high": float(end.high),
        "diff_window": float(over_window.estimate), "diff_window_low": float(over_window.low),
        "diff_window_high": float(over_window.high),
        "welch_low": float(welch.low), "welch_high": float(welch.high),
        "relative_change": float(end.estimate) / abs(base_end) if base_end and np.isfinite(base_end) else np.nan,
        "is_significant": bool(end.excludes_zero()), "pairs": int(end.n),
        "per_yuan": np.nan, "per_yuan_low": np.nan, "per_yuan_high": np.nan,
    }
    if spending_change is not None:
        ratio = ratio_interval(variant_values[:, -1] - base_values[:, -1], spending_change)
        row.update(per_yuan=float(ratio.estimate), per_yuan_low=float(ratio.low), per_yuan_high=float(ratio.high))
    return row
