"""analysis/stats.py: t-intervals, paired (common random numbers) and Welch differences, ratios."""
import numpy as np
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.stats import mean_interval, paired_difference, ratio_interval, welch_difference, window_mean


def test_mean_interval_matches_the_student_t_formula_per_step():
    values = np.random.default_rng(1).normal(3.0, 2.0, size=(6, 5))
    interval = mean_interval(values)
    for step in range(5):
        column = values[:, step]
        low, high = stats.t.interval(0.95, df=5, loc=column.mean(), scale=stats.sem(column))
        assert interval.estimate[step] == pytest.approx(column.mean())
        assert interval.low[step] == pytest.approx(low)
        assert interval.high[step] == pytest.approx(high)
    assert interval.n.tolist() == [6] * 5


def test_mean_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(2)
    true_mean = 1.5
    samples = rng.normal(true_mean, 4.0, size=(5, 8000))  # 8000 experiments of 5 replicates each
    interval = mean_interval(samples)
    coverage = np.mean((interval.low <= true_mean) & (true_mean <= interval.high))
    # Binomial noise of the coverage is 0.0024; a normal quantile instead of t would cover only ~88%.
    assert 0.94 < coverage < 0.96


def test_one_replicate_gives_a_mean_but_no_interval():
    interval = mean_interval(np.array([[2.0, 3.0]]))
    assert interval.estimate.tolist() == [2.0, 3.0]
    assert np.isnan(interval.low).all() and np.isnan(interval.high).all()


def test_undefined_values_are_left_out_and_counted():
    values = np.array([[1.0, np.nan], [3.0, np.nan], [np.nan, np.nan]])
    interval = mean_interval(values)
    assert interval.estimate[0] == 2.0 and interval.n.tolist() == [2, 0]
    assert np.isnan(interval.estimate[1])


def test_paired_interval_is_narrower_than_welch_under_common_random_numbers():
    rng = np.random.default_rng(3)
    shared = rng.normal(0, 10, size=20)           # what both runs draw from the same seed
    base = 50 + shared + rng.normal(0, 1, size=20)
    variant = 53 + shared + rng.normal(0, 1, size=20)
    paired = paired_difference(base, variant)
    welch = welch_difference(base, variant)
    assert paired.estimate == pytest.approx(welch.estimate)
    assert paired.half_width < welch.half_width / 3
    assert paired.low < 3 < paired.high
    assert paired.excludes_zero()


def test_welch_interval_agrees_with_scipys_welch_test():
    rng = np.random.default_rng(4)
    base, variant = rng.normal(0, 1, size=12), rng.normal(0.9, 3, size=7)
    interval = welch_difference(base, variant)
    p_value = stats.ttest_ind(variant, base, equal_var=False).pvalue
    # A 95% interval excludes zero exactly when the two-sided test rejects at 5%.
    assert bool(interval.excludes_zero()) == (p_value < 0.05)
    for confidence in (0.5, 0.9, 0.99):
        narrow = welch_difference(base, variant, confidence)
        assert bool(narrow.excludes_zero()) == (p_value < 1 - confidence)


def test_paired_difference_needs_the_same_replicates():
    with pytest.raises(AnalysisInputError, match=r"base has shape \[4, 3\], variant \[3, 3\]"):
        paired_difference(np.zeros((4, 3)), np.zeros((3, 3)))


def test_window_mean_averages_the_last_steps_of_each_replicate():
    values = np.arange(12, dtype=float).reshape(2, 6)
    np.testing.assert_allclose(window_mean(values, 3), [values[0, 3:].mean(), values[1, 3:].mean()])
    with pytest.raises(AnalysisInputError, match="window of 7 steps is longer than the run"):
        window_mean(values, 7)


def test_ratio_interval_recovers_a_constant_cost_effectiveness():
    rng = np.random.default_rng(5)
    spending = rng.normal(1e6, 1e5, size=30)
    outcome = 2e-5 * spending + rng.normal(0, 0.5, size=30)
    ratio = ratio_interval(outcome, spending)
    assert ratio.low < 2e-5 < ratio.high
    assert ratio.estimate == pytest.approx(outcome.mean() / spending.mean())


def test_ratio_is_undefined_when_spending_does_not_change():
    ratio = ratio_interval(np.array([1.0, 2.0, 3.0]), np.array([-1.0, 1.0, 0.5]))
    assert np.isnan(ratio.low) and np.isnan(ratio.high)


def test_welch_ratio_with_fixed_spending_is_the_welch_interval_scaled():
    """When each run's spending is the same in every replicate, the unpaired ratio's delta-method interval is
    exactly the Welch interval of the outcome divided by the spending change (up to the t quantile's df)."""
    from analysis.stats import welch_difference, welch_ratio_interval
    rng = np.random.default_rng(4)
    base, variant = rng.normal(1.0, 0.2, 8), rng.normal(1.5, 0.2, 6)
    ratio = welch_ratio_interval(base, variant, np.full(8, 100.0), np.full(6, 300.0))
    assert float(ratio.estimate) == pytest.approx((variant.mean() - base.mean()) / 200.0)
    welch = welch_difference(base, variant)
    half = np.sqrt(base.var(ddof=1) / 8 + variant.var(ddof=1) / 6) / 200.0
    assert float(ratio.high - ratio.estimate) == pytest.approx(stats.t.ppf(0.975, 5) * half)
    assert float(ratio.low) < float(welch.low) / 200.0 + 1e-12  # the smaller run's df: at least as wide
    unbounded = welch_ratio_interval(base, variant, rng.normal(100, 10, 8), rng.normal(100, 10, 6))
    assert np.isnan(unbounded.low) and np.isnan(unbounded.high)
