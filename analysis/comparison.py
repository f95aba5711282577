"""Policy comparison: each metric of a variant run against a base run, paired by replicate.

With common random numbers (both runs from the same seed) replicate r of the
variant and replicate r of the base share their random draws, so their
difference isolates the policy's effect; the paired interval is the one to
read. The Welch interval, which ignores the pairing, is given alongside: when
the seeds differ it is the honest one, and when they agree the gap between the
two shows what the pairing bought. Runs with different replicate counts cannot
be paired at all: every interval is then Welch's, and a note names the files
and their counts (analysis/pairing.py).

Cost-effectiveness divides each metric's difference at the end by the
difference in total government spending over the run, per 100 M yuan. The
spending metric is read as a flow (yuan per step), so its total is the sum over
steps 1..T (step 0 is the initial state, before any policy acts). The result
carries the sign of the effect: a variant that spends less gets its effect per
100 M yuan *saved* (`spending_change_yuan` < 0 says so), never a flipped sign.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalysisInputError, quoted, unknown_name_message
from .instruments import model_metric_names
from .load import Run
from .pairing import Pairing, difference, pairing
from .stats import CONFIDENCE, Interval, mean_interval, ratio_interval, welch_difference, welch_ratio_interval, window_mean

SPENDING_METRIC = "government_spending"
DEFAULT_WINDOW = 10
# Cost-effectiveness is quoted per this much extra spending: a budget line a planner reads.
BUDGET_UNIT_YUAN = 1e8
BUDGET_UNIT_LABEL = "100 M yuan"


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
    is_paired: bool = True


@dataclass(frozen=True)
class SpendingChange:
    """Per replicate, each run's total spending over the run, and whether they pair replicate by replicate."""

    base_totals: np.ndarray
    variant_totals: np.ndarray
    is_paired: bool

    def interval(self, confidence: float = CONFIDENCE) -> Interval:
        """The change in total spending, variant - base, in yuan."""
        return difference(self.base_totals, self.variant_totals, self.is_paired, confidence)


def compare_runs(base: Run, variant: Run, window: int = DEFAULT_WINDOW,
                 spending_metric: str = SPENDING_METRIC, metrics: list[str] | None = None) -> Comparison:
    """Differences (variant - base) per metric, at the end and over the last `window` steps.

    Paired by replicate when the replicate counts agree, Welch otherwise (with a note).
    `metrics` restricts the table to those names (each must be in both runs).
    """
    window = min(window, base.steps + 1)
    how = pairing(base, variant)
    # Per-instrument accounts (five metrics per instrument, analysis/instruments.py) are compared
    # only when named: the instruments usually differ between the runs being compared.
    base_names, variant_names = model_metric_names(base.metric_names), model_metric_names(variant.metric_names)
    common = [name for name in base_names if name in variant_names]
    if not common:
        raise AnalysisInputError(f"{quoted(base.path)} and {quoted(variant.path)} have no metric in common")
    notes = [how.warning] if how.warning else []
    if metrics is None:
        only = sorted(set(base_names) ^ set(variant_names))
        if only:
            notes.append(f"metrics in only one of the runs, not compared: {', '.join(only)}")
        if len(base_names) < len(base.metric_names) or len(variant_names) < len(variant.metric_names):
            notes.append("per-instrument accounts (instrument.*) are not compared unless named with --metrics; "
                         "analysis.instruments.spending(run) reads them")
    else:
        check_metric_names(metrics, [base, variant])
        common = list(metrics)
    spending = spending_change(base, variant, spending_metric, how)
    rows = [_compare_metric(base, variant, name, window, how, spending if name != spending_metric else None)
            for name in common]
    return Comparison(base.label, variant.label, window, how.is_common_random_numbers, spending is not None,
                      pd.DataFrame(rows), notes, how.is_paired)


def check_metric_names(names: list[str], runs: list[Run]) -> None:
    """AnalysisInputError naming the file and the nearest metric for each name a run lacks."""
    problems = []
    for name in names:
        for run in runs:
            if not run.has_metric(name):
                problems.append(unknown_name_message(quoted(run.path), "metric", name, run.metric_names))
                break
    if problems:
        raise AnalysisInputError("\n".join(problems))


def difference_series(base: Run, variant: Run, name: str) -> pd.DataFrame:
    """Difference variant - base of one metric at every step (paired, or Welch): columns step, mean, low, high, n."""
    how = pairing(base, variant)
    change = difference(base.metric(name), variant.metric(name), how.is_paired)
    return pd.DataFrame({"step": np.arange(change.estimate.size), "mean": change.estimate,
                         "low": change.low, "high": change.high, "n": change.n})


def spending_change(base: Run, variant: Run, metric: str, how: Pairing | None = None) -> SpendingChange | None:
    """Each run's total spending over steps 1..T per replicate; None when either run lacks the metric."""
    if not (base.has_metric(metric) and variant.has_metric(metric)):
        return None
    how = how or pairing(base, variant)
    return SpendingChange(np.nansum(base.metric(metric)[:, 1:], axis=1),
                          np.nansum(variant.metric(metric)[:, 1:], axis=1), how.is_paired)


def effect_per_budget(base_end, variant_end, spending: SpendingChange,
                      confidence: float = CONFIDENCE) -> Interval:
    """Change in a metric per BUDGET_UNIT_YUAN of spending change, signed like the change itself.

    Dividing by |spending change| keeps the sign of the effect: more output for less money is a
    positive number per 100 M yuan saved, not a negative one per 100 M yuan spent. NaN interval
    (and the table leaves it blank) where the spending change is not distinguishable from 0.
    """
    if not spending.interval(confidence).excludes_zero():
        nan = np.float64(np.nan)
        return Interval(nan, nan, nan, np.int64(len(spending.base_totals)), confidence)
    if spending.is_paired:
        ratio = ratio_interval(np.asarray(variant_end) - np.asarray(base_end),
                               spending.variant_totals - spending.base_totals, confidence)
    else:
        ratio = welch_ratio_interval(base_end, variant_end, spending.base_totals, spending.variant_totals, confidence)
    direction = np.sign(spending.variant_totals.mean() - spending.base_totals.mean()) or 1.0
    low, high = (ratio.low, ratio.high) if direction > 0 else (-ratio.high, -ratio.low)
    return Interval(ratio.estimate * direction * BUDGET_UNIT_YUAN, low * BUDGET_UNIT_YUAN,
                    high * BUDGET_UNIT_YUAN, ratio.n, confidence)


def _compare_metric(base: Run, variant: Run, name: str, window: int, how: Pairing,
                    spending: SpendingChange | None) -> dict:
    base_values, variant_values = base.metric(name), variant.metric(name)
    end = difference(base_values[:, -1], variant_values[:, -1], how.is_paired)
    over_window = difference(window_mean(base_values, window), window_mean(variant_values, window), how.is_paired)
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
        "is_significant": bool(end.excludes_zero()), "pairs": int(end.n), "is_paired": how.is_paired,
        "spending_change_yuan": np.nan,
        "per_100m_yuan": np.nan, "per_100m_yuan_low": np.nan, "per_100m_yuan_high": np.nan,
    }
    if spending is not None:
        per_budget = effect_per_budget(base_values[:, -1], variant_values[:, -1], spending)
        row.update(spending_change_yuan=float(spending.interval().estimate),
                   per_100m_yuan=float(per_budget.estimate), per_100m_yuan_low=float(per_budget.low),
                   per_100m_yuan_high=float(per_budget.high))
    return row
