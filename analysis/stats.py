"""Replicate statistics: means with t-intervals, paired and Welch differences, ratios.

Replicates of a stochastic simulation are independent draws, so the replicate
mean of a metric has a Student t-interval. Two scenarios run with the same seed
share their random numbers replicate by replicate (common random numbers), so
the difference of replicate r of the variant and replicate r of the base
removes most of the noise both share: the paired interval is the one to
report. The Welch interval ignores the pairing; it is shown for comparison and
is the honest one when the seeds differ.

All functions take arrays whose first axis is the replicate and work on every
other position (every step) at once. NaN marks a value the model could not
define (a rate with nothing to divide by); it is left out, and `n` counts what
remains.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import AnalysisInputError

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """An estimate with its two-sided confidence interval, elementwise over the non-replicate axes.

    `low` and `high` are NaN where fewer than two values exist: one replicate
    says nothing about the spread.
    """

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray
    confidence: float = CONFIDENCE

    @property
    def half_width(self) -> np.ndarray:
        return (self.high - self.low) / 2.0

    def excludes_zero(self) -> np.ndarray:
        """True where the whole interval lies on one side of zero (a difference we can sign)."""
        return (self.low > 0) | (self.high < 0)


@contextmanager
def _quiet_nan_reductions():
    """All-NaN slices are expected (a rate undefined at every replicate); their NaN result is the answer."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _t_quantile(n: np.ndarray, confidence: float) -> np.ndarray:
    """The t quantile for n-1 degrees of freedom; NaN where n < 2."""
    df = np.where(n >= 2, n - 1, np.nan)
    return stats.t.ppf(0.5 + confidence / 2.0, df)


def mean_interval(values, confidence: float = CONFIDENCE) -> Interval:
    """Replicate mean with its t-interval: values [replicates, ...] -> per position."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 0 or values.shape[0] == 0:
        raise AnalysisInputError("need at least one replicate to compute a mean")
    finite = np.isfinite(values)
    n = finite.sum(axis=0)
    with _quiet_nan_reductions():
        masked = np.where(finite, values, np.nan)
        mean = np.nanmean(masked, axis=0)
        sd = np.nanstd(masked, axis=0, ddof=1) if values.shape[0] >= 2 else np.full_like(mean, np.nan)
    sd = np.where(n >= 2, sd, np.nan)
    half = _t_quantile(n, confidence) * sd / np.sqrt(np.maximum(n, 1))
    return Interval(mean, mean - half, mean + half, n, confidence)


def require_pairs(base: np.ndarray, variant: np.ndarray, what: str = "") -> None:
    """Pairing needs replicate r of both runs to exist; a shape mismatch is the user's to fix."""
    if base.shape != variant.shape:
        label = f"{what}: " if what else ""
        raise AnalysisInputError(
            f"{label}paired comparison needs the same replicates and steps; base has shape "
            f"{list(base.shape)}, variant {list(variant.shape)} (run both with the same --replicates and steps)")


def paired_difference(base, variant, confidence: float = CONFIDENCE) -> Interval:
    """Mean of (variant_r - base_r) over replicates r with its t-interval (common random numbers)."""
    base = np.asarray(base, dtype=np.float64)
    variant = np.asarray(variant, dtype=np.float64)
    require_pairs(base, variant)
    return mean_interval(variant - base, confidence)


def welch_difference(base, variant, confidence: float = CONFIDENCE) -> Interval:
    """Difference of means (variant - base) with the Welch interval, ignoring any pairing.

    Degrees of freedom by Welch–Satterthwaite; `n` is the smaller group size.
    """
    base_interval = mean_interval(base, confidence)
    variant_interval = mean_interval(variant, confidence)
    base = np.asarray(base, dtype=np.float64)
    variant = np.asarray(variant, dtype=np.float64)
    with _quiet_nan_reductions():
        base_var = np.nanvar(np.where(np.isfinite(base), base, np.nan), axis=0, ddof=1)
        variant_var = np.nanvar(np.where(np.isfinite(variant), variant, np.nan), axis=0, ddof=1)
        n_base = base_interval.n
        n_variant = variant_interval.n
        se_base = base_var / n_base
        se_variant = variant_var / n_variant
        se = np.sqrt(se_base + se_variant)
        df = (se_base + se_variant) ** 2 / (
            se_base ** 2 / (n_base - 1) + se_variant ** 2 / (n_variant - 1))
    valid = (n_base >= 2) & (n_variant >= 2)
    # Both groups constant: the difference is exact (df is 0/0); a zero-width interval says so.
    df = np.where(valid & (se == 0), np.inf, df)
    df = np.where(valid, df, np.nan)
    estimate = variant_interval.estimate - base_interval.estimate
    half = stats.t.ppf(0.5 + confidence / 2.0, df) * se
    half = np.where(valid, half, np.nan)
    return Interval(estimate, estimate - half, estimate + half, np.minimum(n_base, n_variant), confidence)


def window_mean(values, window: int) -> np.ndarray:
    """Each replicate's mean over the last `window` steps: [replicates, steps+1] -> [replicates].

    This is how targets and "averaged over the last N steps" comparisons smooth
    a noisy end state; NaN steps are left out.
    """
    values = np.asarray(values, dtype=np.float64)
    if window < 1:
        raise AnalysisInputError(f"the window must be at least 1 step, got {window}")
    if window > values.shape[1]:
        raise AnalysisInputError(
            f"the window of {window} steps is longer than the run "
            f"({values.shape[1]} values, steps 0..{values.shape[1] - 1})")
    with _quiet_nan_reductions():
        return np.nanmean(values[:, -window:], axis=1)


def ratio_interval(numerator, denominator, confidence: float = CONFIDENCE) -> Interval:
    """Ratio of paired mean differences, mean(numerator)/mean(denominator), with a delta-method interval.

    Used for cost-effectiveness: the change in an outcome per yuan of extra
    spending, both paired by replicate. When the denominator's own interval
    contains zero the ratio is unbounded and the interval is NaN (the table
    says "n/a"), as Fieller's theorem warns.
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    keep = np.isfinite(numerator) & np.isfinite(denominator)
    numerator, denominator = numerator[keep], denominator[keep]
    n = len(numerator)
    nan = Interval(np.float64(np.nan), np.float64(np.nan), np.float64(np.nan), np.int64(n), confidence)
    if n < 1:
        return nan
    mean_num, mean_den = numerator.mean(), denominator.mean()
    if mean_den == 0:
        return nan
    ratio = mean_num / mean_den
    if n < 2:
        return Interval(np.float64(ratio), np.float64(np.nan), np.float64(np.nan), np.int64(n), confidence)
    den_interval = mean_interval(denominator, confidence)
    if not den_interval.excludes_zero() and den_interval.half_width > 0:
        return Interval(np.float64(ratio), np.float64(np.nan), np.float64(np.nan), np.int64(n), confidence)
    covariance = np.cov(numerator, denominator, ddof=1)
    variance = (covariance[0, 0] - 2 * ratio * covariance[0, 1] + ratio ** 2 * covariance[1, 1]) / (
        n * mean_den ** 2)
    half = _t_quantile(np.int64(n), confidence) * np.sqrt(max(variance, 0.0))
    return Interval(np.float64(ratio), np.float64(ratio - half), np.float64(ratio + half), np.int64(n), confidence)


def paired_p_value(differences) -> float:
    """Two-sided p of the paired t-test that the mean of `differences` (one per replicate pair) is 0.

    Constant differences have no spread: p is 0 when they are all non-zero, 1 when all zero.
    """
    differences = np.asarray(differences, dtype=np.float64)
    differences = differences[np.isfinite(differences)]
    if differences.size < 2:
        return float("nan")
    if np.ptp(differences) == 0:
        return 0.0 if differences[0] != 0 else 1.0
    return float(stats.ttest_1samp(differences, 0.0).pvalue)


def welch_p_value(base, variant) -> float:
    """Two-sided p of Welch's unpaired t-test (no equal-variance assumption), same conventions."""
    base = np.asarray(base, dtype=np.float64)
    variant = np.asarray(variant, dtype=np.float64)
    base, variant = base[np.isfinite(base)], variant[np.isfinite(variant)]
    if base.size < 2 or variant.size < 2:
        return float("nan")
    if np.ptp(base) == 0 and np.ptp(variant) == 0:
        return 0.0 if base[0] != variant[0] else 1.0
    return float(stats.ttest_ind(variant, base, equal_var=False).pvalue)


def holm_adjust(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values: family-wise error controlled over the K tests, never below the
    raw p, never above Bonferroni's. NaN stays NaN and does not count as a test."""
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(order) - rank) * p[index]))
        adjusted[index] = running
    return adjusted


def bonferroni_adjust(p_values) -> np.ndarray:
    """Bonferroni's adjusted p-values: each p times the number of tests K, at most 1."""
    p = np.asarray(p_values, dtype=np.float64)
    return np.minimum(1.0, p * np.isfinite(p).sum())


def welch_ratio_interval(base_numerator, variant_numerator, base_denominator, variant_denominator,
                         confidence: float = CONFIDENCE) -> Interval:
    """(mean variant_num - mean base_num) / (mean variant_den - mean base_den), unpaired, delta method.

    The unpaired counterpart of ratio_interval, for runs whose replicates cannot be paired: each run's
    numerator and denominator are paired within the run (same replicate), the two runs independent.
    NaN interval when the denominator's own Welch interval contains zero (the ratio is unbounded).
    """
    groups = []
    for numerator, denominator in ((base_numerator, base_denominator), (variant_numerator, variant_denominator)):
        numerator = np.asarray(numerator, dtype=np.float64)
        denominator = np.asarray(denominator, dtype=np.float64)
        keep = np.isfinite(numerator) & np.isfinite(denominator)
        groups.append((numerator[keep], denominator[keep]))
    (bn, bd), (vn, vd) = groups
    n = min(bn.size, vn.size)
    nan = Interval(np.float64(np.nan), np.float64(np.nan), np.float64(np.nan), np.int64(n), confidence)
    if n < 1:
        return nan
    mean_num, mean_den = vn.mean() - bn.mean(), vd.mean() - bd.mean()
    if mean_den == 0:
        return nan
    ratio = mean_num / mean_den
    if n < 2:
        return Interval(np.float64(ratio), np.float64(np.nan), np.float64(np.nan), np.int64(n), confidence)
    den_interval = welch_difference(bd, vd, confidence)
    if not den_interval.excludes_zero() and den_interval.half_width > 0:
        return Interval(np.float64(ratio), np.float64(np.nan), np.float64(np.nan), np.int64(n), confidence)
    variance = 0.0
    for numerator, denominator in ((bn, bd), (vn, vd)):
        covariance = np.cov(numerator, denominator, ddof=1)
        variance += (covariance[0, 0] - 2 * ratio * covariance[0, 1] + ratio ** 2 * covariance[1, 1]) / numerator.size
    variance /= mean_den ** 2
    # Degrees of freedom of the smaller run: conservative where Welch–Satterthwaite has no simple form.
    half = _t_quantile(np.int64(n), confidence) * np.sqrt(max(variance, 0.0))
    return Interval(np.float64(ratio), np.float64(ratio - half), np.float64(ratio + half), np.int64(n), confidence)
