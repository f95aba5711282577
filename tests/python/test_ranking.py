"""Ranking K variants against a base: order, multiple-comparison correction, effect per 100 M yuan,
the Welch fallback and the command line's layout, on run files with known effects."""
import os

import numpy as np
import pytest
from scipy import stats

from analysis import open_run
from analysis.ranking import rank_variants
from analysis.stats import bonferroni_adjust, holm_adjust
from conftest import run_analysis

REPLICATES, STEPS = 10, 8
SPENDING = 1e7  # yuan per step in the base


def write_variants(write_run, effects: dict, *, extra_spending: dict | None = None, replicates: dict | None = None,
                   noise: float = 0.001, seed: int = 7):
    """A base and one run per variant: `share` raised by effects[name] on top of noise all runs share
    (common random numbers) plus a little of each run's own; spending raised by extra_spending[name] per step."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, 0.02, (REPLICATES, 1)) + rng.normal(0, 0.005, (REPLICATES, STEPS + 1))
    units = {"share": "1", "government_spending": "yuan/quarter", "firms": "firms"}

    def write(name, effect, extra, count):
        spending = np.full((count, STEPS + 1), SPENDING + extra)
        spending[:, 0] = 0
        metrics = {"share": 0.3 + shared[:count] + effect + rng.normal(0, noise, (count, STEPS + 1)),
                   "government_spending": spending, "firms": 1000 + 100 * shared[:count]}
        return write_run(f"{name}.h5", metrics, units=units)

    base = write("base", 0.0, 0.0, REPLICATES)
    variants = [write(name, effect, (extra_spending or {}).get(name, 0.0), (replicates or {}).get(name, REPLICATES))
                for name, effect in effects.items()]
    return base, variants


def rank(base_path, variant_paths, objective="share", **options):
    runs = [open_run(path) for path in [base_path, *variant_paths]]
    try:
        return rank_variants(runs[0], runs[1:], objective, **options)
    finally:
        for run in runs:
            run.close()


def test_holm_and_bonferroni_adjust_known_p_values():
    p = np.array([0.01, 0.04, 0.03, np.nan])
    assert holm_adjust(p)[:3] == pytest.approx([0.03, 0.06, 0.06])  # 3*0.01, max(2*0.03, .), max(1*0.04, 0.06)
    assert np.isnan(holm_adjust(p)[3])
    assert bonferroni_adjust(p)[:3] == pytest.approx([0.03, 0.12, 0.09])


def test_variants_are_ranked_by_their_known_effect_in_either_direction(write_run):
    base, variants = write_variants(write_run, {"small": 0.01, "large": 0.03, "middle": 0.02, "harmful": -0.01})
    ranking = rank(base, variants)
    assert list(ranking.table["variant"]) == ["large", "middle", "small", "harmful"]
    assert list(ranking.table["rank"]) == [1, 2, 3, 4]
    for row in ranking.table.itertuples():
        effect = {"large": 0.03, "middle": 0.02, "small": 0.01, "harmful": -0.01}[row.variant]
        assert row.change_low < effect < row.change_high
        assert row.is_distinguishable
    # Neighbours differ by 0.01 (0.02 for small -> harmful) and the pairing makes that visible.
    assert ranking.table["lead_over_next"][:3].to_numpy() == pytest.approx([0.01, 0.01, 0.02], abs=0.003)
    assert (ranking.table["lead_over_next_low"][:3] > 0).all()
    assert np.isnan(ranking.table["lead_over_next"].iloc[-1])
    lowest_first = rank(base, variants, maximize=False)
    assert list(lowest_first.table["variant"]) == ["harmful", "small", "middle", "large"]
    assert lowest_first.table["lead_over_next"][:3].to_numpy() == pytest.approx([0.02, 0.01, 0.01], abs=0.003)


def test_the_correction_is_applied_over_the_k_tests_with_the_base(write_run):
    # Own noise as large as the effect: the raw p-values sit between 0.001 and 0.2.
    base, variants = write_variants(write_run, {"a": 0.004, "b": 0.006, "c": 0.0}, noise=0.006, seed=12)
    ranking = rank(base, variants)
    with open_run(base) as run:
        base_end = run.metric("share")[:, -1]
    raw = {}
    for path in variants:
        with open_run(path) as run:
            raw[path.stem] = stats.ttest_rel(run.metric("share")[:, -1], base_end).pvalue
    table = ranking.table.set_index("variant")
    assert table["p"].to_dict() == pytest.approx(raw)
    names = sorted(raw, key=raw.get)
    holm = np.maximum.accumulate([min(1.0, (3 - i) * raw[name]) for i, name in enumerate(names)])
    assert [table.at[name, "p_adjusted"] for name in names] == pytest.approx(holm)
    assert (table["p_adjusted"] >= table["p"]).all() and (table["p_adjusted"] > table["p"]).any()
    assert list(table["is_distinguishable"]) == list(table["p_adjusted"] < 0.05)
    # Simultaneous intervals: each at 1 - 0.05/3, so wider than a lone 95% interval.
    assert ranking.interval_confidence == pytest.approx(1 - 0.05 / 3)
    with open_run(variants[0]) as run:
        differences = run.metric("share")[:, -1] - base_end
    half = stats.t.ppf(1 - 0.05 / 6, REPLICATES - 1) * stats.sem(differences)
    assert table.at["a", "change_high"] - table.at["a", "change"] == pytest.approx(half)
    bonferroni = rank(base, variants, correction="bonferroni").table.set_index("variant")
    assert bonferroni["p_adjusted"].to_dict() == pytest.approx({k: min(1.0, 3 * v) for k, v in raw.items()})


def test_effect_per_100m_yuan_keeps_the_sign_of_the_effect(write_run):
    # 2.5 M yuan more per step over 8 steps: 20 M yuan; 'thrifty' spends 20 M less for the same gain.
    base, variants = write_variants(
        write_run, {"costly": 0.02, "thrifty": 0.02, "wasteful": -0.01},
        extra_spending={"costly": 2.5e6, "thrifty": -2.5e6, "wasteful": 2.5e6})
    table = rank(base, variants).table.set_index("variant")
    assert table.at["costly", "spending_change_yuan"] == pytest.approx(2e7)
    assert table.at["thrifty", "spending_change_yuan"] == pytest.approx(-2e7)
    for name, effect in (("costly", 0.02), ("thrifty", 0.02), ("wasteful", -0.01)):
        per_100m = effect / 2e7 * 1e8
        assert table.at[name, "per_100m_yuan"] == pytest.approx(per_100m, rel=0.2)
        assert table.at[name, "per_100m_yuan_low"] < per_100m < table.at[name, "per_100m_yuan_high"]
    assert table.at["thrifty", "per_100m_yuan"] > 0 and table.at["wasteful", "per_100m_yuan"] < 0


def test_effect_per_100m_yuan_is_blank_when_spending_does_not_change(write_run, tmp_path):
    base, variants = write_variants(write_run, {"free": 0.02, "paid": 0.01}, extra_spending={"paid": 1e6})
    table = rank(base, variants).table.set_index("variant")
    assert np.isnan(table.at["free", "per_100m_yuan"]) and np.isnan(table.at["free", "per_100m_yuan_low"])
    assert table.at["paid", "per_100m_yuan"] == pytest.approx(0.01 / 8e6 * 1e8, rel=0.2)
    result = run_analysis("compare", base, *variants, "--objective", "share")
    assert result.returncode == 0, result.stderr
    free = next(line for line in result.stdout.splitlines() if " free " in line and "yuan" in line)
    assert free.rstrip().endswith("blank†")
    paid = next(line for line in result.stdout.splitlines() if " paid " in line and "yuan" in line)
    assert paid.rstrip().endswith("share") and "+8 M yuan" in paid
    assert "† blank: the spending change is not distinguishable from 0" in " ".join(result.stdout.split())


def test_mismatched_replicates_fall_back_to_welch_with_a_warning_naming_files_and_counts(write_run):
    base, variants = write_variants(write_run, {"full": 0.02, "short": 0.03}, replicates={"short": 6},
                                    extra_spending={"full": 1e6, "short": 1e6})
    ranking = rank(base, variants)
    assert ranking.warnings == [f"'{base}' has 10 replicates and '{variants[1]}' has 6: replicates cannot be "
                                "paired, so these intervals are Welch (unpaired) and wider; run both with the same "
                                "--replicates and seed for paired ones"]
    table = ranking.table.set_index("variant")
    assert list(ranking.table["variant"]) == ["short", "full"]
    assert table.at["full", "is_paired"] and not table.at["short", "is_paired"]
    # Welch keeps the shared noise in, so the unpaired interval is much wider than the paired one.
    width = table["change_high"] - table["change_low"]
    assert width["short"] > 3 * width["full"]
    assert table.at["short", "change_low"] < 0.03 < table.at["short", "change_high"]
    assert np.isfinite(table.at["short", "per_100m_yuan_low"])


def test_two_replicates_get_a_caution(write_run):
    base = write_run("base.h5", {"share": np.array([[0.1, 0.2], [0.1, 0.3]])})
    variant = write_run("variant.h5", {"share": np.array([[0.1, 0.25], [0.1, 0.36]])})
    ranking = rank(base, [variant])
    assert ranking.warnings == ["only 2 replicates: intervals are very wide (a t-interval on 1 degree of freedom); "
                                "run more with --replicates before trusting the order"]
    result = run_analysis("compare", base, variant, "--objective", "share")
    assert "warning: only 2 replicates: intervals are very wide" in result.stderr


def test_compare_command_ranks_side_by_side_within_the_terminal_width(write_run):
    base, variants = write_variants(write_run, {"vouchers": 0.01, "risk_pool": 0.03, "insurance": 0.02},
                                    extra_spending={"vouchers": 1e6, "risk_pool": 1e6, "insurance": 1e6})
    result = run_analysis("compare", base, *variants, "--objective", "share", "--metric", "firms",
                          env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    ranked = [line.split()[1] for line in lines if line[:1] in "123" and "[" in line and "yuan" not in line]
    assert ranked[:3] == ["risk_pool", "insurance", "vouchers"]
    prose = " ".join(result.stdout.split())  # wrapped at 80 columns
    assert "p adjusted by Holm" in prose and "(Bonferroni: each at 98.33%)" in prose
    per_budget = next(line for line in lines if line.startswith("1 ") and "M yuan" in line)
    assert per_budget.split()[1] == "risk_pool" and per_budget.rstrip().endswith("share")
    metric_rows = [line.split()[0] for line in lines if line.startswith(("share ", "firms "))]
    assert set(metric_rows) == {"share", "firms"} and "government_spending" not in result.stdout.split("per 100")[0]
    wide = run_analysis("compare", base, *variants, "--metrics", "share,firms", env={**os.environ, "COLUMNS": "250"})
    assert sum(line.startswith("metric ") for line in wide.stdout.splitlines()) == 1  # one table when it fits


def test_unknown_metric_or_objective_gets_a_did_you_mean(write_run):
    base, variants = write_variants(write_run, {"a": 0.01})
    for option in ("--metrics", "--metric", "--objective"):
        result = run_analysis("compare", base, *variants, option, "shrae")
        assert result.returncode == 2
        assert result.stderr == (f"error: '{base}' has no metric 'shrae'; did you mean 'share'? "
                                 "(metrics: firms, government_spending, share)\n")


def test_ranked_csv_is_tidy_with_the_rank_of_each_variant(write_run):
    import io

    import pandas as pd
    base, variants = write_variants(write_run, {"a": 0.01, "b": 0.02})
    result = run_analysis("compare", base, *variants, "--objective", "share", "--metrics", "firms", "--csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert len(table) == 4 and set(table["metric"]) == {"share", "firms"}
    assert table.groupby("variant")["rank"].first().to_dict() == {"a": 2, "b": 1}


def test_ranking_without_variants_or_with_an_unknown_correction_is_refused(write_run):
    from analysis import AnalysisInputError
    base, variants = write_variants(write_run, {"a": 0.01})
    with pytest.raises(AnalysisInputError, match=r"^ranking needs at least one variant besides the base$"):
        rank(base, [])
    with pytest.raises(AnalysisInputError, match=r"^unknown correction 'sidak' \(corrections: holm, bonferroni\)$"):
        rank(base, variants, correction="sidak")
