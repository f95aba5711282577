"""`python3 -m analysis` summary and compare end to end on fixture files, and the shape of its errors."""
import io

import h5py
import numpy as np
import pandas as pd
import pytest
from scipy import stats


def read_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), keep_default_na=True)


def test_help_teaches_each_command_with_examples(analysis_cli):
    result = analysis_cli("--help")
    assert result.returncode == 0
    for command in ("summary", "compare", "sensitivity", "calibrate", "report"):
        assert command in result.stdout
        assert f"python3 -m analysis {command} " in result.stdout  # an example of each
    sub = analysis_cli("compare", "--help")
    assert sub.returncode == 0 and "examples:" in sub.stdout and "--window" in sub.stdout


def test_help_defaults_match_the_library():
    from analysis import calibrate, cli, sensitivity
    assert cli.BOOTSTRAP_RESAMPLES == sensitivity.BOOTSTRAP_RESAMPLES
    assert cli.CALIBRATION_BUDGET == calibrate.DEFAULT_BUDGET
    assert cli.CALIBRATION_METHODS == calibrate.METHODS
    assert cli.CALIBRATION_WEIGHTINGS == calibrate.WEIGHTINGS
    assert cli.JACOBIAN_STEP == calibrate.JACOBIAN_STEP


def test_summary_reports_replicate_means_and_t_intervals(write_run, analysis_cli):
    rng = np.random.default_rng(21)
    gini = rng.uniform(0, 0.6, size=(5, 11))
    path = write_run("run.h5", {"gini": gini, "wealth_total": np.full((5, 11), 300.0)},
                     units={"gini": "1", "wealth_total": "units"})
    result = analysis_cli("summary", path, "--csv")
    assert result.returncode == 0, result.stderr
    table = read_csv(result.stdout).set_index("metric")
    last = gini[:, -1]
    low, high = stats.t.interval(0.95, df=4, loc=last.mean(), scale=stats.sem(last))
    assert table.loc["gini", "mean"] == pytest.approx(last.mean())
    assert table.loc["gini", "low"] == pytest.approx(low) and table.loc["gini", "high"] == pytest.approx(high)
    assert table.loc["wealth_total", "low"] == table.loc["wealth_total", "high"] == 300.0
    assert (table["step"] == 10).all() and table.loc["gini", "unit"] == "1"


def test_summary_text_names_the_run_and_shows_units(write_run, analysis_cli):
    path = write_run("run.h5", {"wealth_max": np.array([[1.0, 4.0], [1.0, 6.0]])}, units={"wealth_max": "units"},
                     manifest={"model": "boltzmann", "seed": 9})
    result = analysis_cli("summary", path)
    assert result.returncode == 0, result.stderr
    assert "model boltzmann, seed 9, 2 replicates, 1 steps" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("wealth_max"))
    assert row.split()[:3] == ["wealth_max", "units", "5"]


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.h5", "cannot open '{path}': no such file"),
    (lambda tmp: (tmp / "notes.txt").write_text("hello") and tmp / "notes.txt",
     "'{path}' is not a readable HDF5 file (truncated or not HDF5)"),
])
def test_bad_run_files_are_one_line_and_exit_status_2(tmp_path, analysis_cli, make, message):
    path = make(tmp_path)
    result = analysis_cli("summary", path)
    assert result.returncode == 2
    assert result.stderr == "error: " + message.format(path=path) + "\n"
    assert result.stdout == ""


def test_foreign_hdf5_file_is_refused_by_every_reading_command(tmp_path, analysis_cli):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as file:
        file["x"] = [1, 2, 3]
    expected = f"error: '{path}' is not an innosim output (no 'format' attribute at the root)\n"
    for args in (["summary", path], ["compare", path, path], ["report", path, "-o", tmp_path / "r.html"]):
        result = analysis_cli(*args)
        assert (result.returncode, result.stderr) == (2, expected)
    assert not (tmp_path / "r.html").exists()


def test_usage_mistakes_are_one_line_without_traceback(analysis_cli):
    result = analysis_cli("summary")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "the following arguments are required: RUN.h5" in result.stderr
    assert analysis_cli("compare", "a.h5", "b.h5", "--window", "0").returncode == 2


def test_compare_recovers_a_known_policy_effect_with_paired_intervals(paired_runs, analysis_cli):
    base, variant, details = paired_runs
    result = analysis_cli("compare", base, variant, "--window", "5", "--csv")
    assert result.returncode == 0, result.stderr
    table = read_csv(result.stdout).set_index("metric")
    effect = 2.0 * details["steps"]
    row = table.loc["output"]
    expected = details["variant_output"][:, -1] - details["base_output"][:, -1]
    assert row["diff_end"] == pytest.approx(expected.mean())
    assert row["diff_end_low"] < effect < row["diff_end_high"]
    # Common random numbers: the shared noise cancels in pairs but not in the Welch interval.
    assert (row["diff_end_high"] - row["diff_end_low"]) < (row["welch_high"] - row["welch_low"]) / 5
    assert row["is_significant"]
    window = (details["variant_output"][:, -5:] - details["base_output"][:, -5:]).mean()
    assert row["diff_window"] == pytest.approx(window)
    # 100 yuan more in each of the 20 steps buys `effect` more output: effect / 2000 per yuan, times 1e8.
    assert row["per_100m_yuan"] == pytest.approx(expected.mean() / (100.0 * details["steps"]) * 1e8)
    assert row["spending_change_yuan"] == pytest.approx(100.0 * details["steps"])
    assert table.loc["unchanged", "diff_end"] == 0 and not table.loc["unchanged", "is_significant"]
    assert np.isnan(table.loc["government_spending", "per_100m_yuan"])


def test_compare_text_explains_the_columns(paired_runs, analysis_cli):
    base, variant, _ = paired_runs
    result = analysis_cli("compare", base, variant)
    assert result.returncode == 0, result.stderr
    assert "base base (8 replicates, seed 42); 1 variant: variant" in result.stdout
    assert "vs the base base, paired 95% interval" in result.stdout and result.stderr == ""
    header = next(line for line in result.stdout.splitlines() if line.startswith("metric "))
    assert header.split() == ["metric", "unit", "base", "(end)", "variant"]
    output_row = next(line for line in result.stdout.splitlines() if line.startswith("output "))
    assert output_row.endswith(" *")  # the effect is signed


def test_compare_warns_when_seeds_differ(write_run, analysis_cli):
    values = np.arange(6, dtype=float).reshape(2, 3)
    base = write_run("base.h5", {"m": values}, manifest={"seed": 1})
    variant = write_run("variant.h5", {"m": values + 1}, manifest={"seed": 2})
    result = analysis_cli("compare", base, variant)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: the seeds differ (1 vs 2): replicates are not common random numbers, so read the Welch interval",
        "warning: only 2 replicates: intervals are very wide; run more with --replicates before trusting them"]
    assert "per 100 M yuan" not in result.stdout  # no government_spending metric


def test_compare_falls_back_to_welch_when_replicate_counts_differ(write_run, analysis_cli):
    rng = np.random.default_rng(3)
    base = write_run("base.h5", {"m": rng.normal(0, 1, (4, 3)), "z": np.zeros((4, 3))})
    variant = write_run("variant.h5", {"m": rng.normal(5, 1, (3, 3)), "z": np.zeros((3, 3))})
    result = analysis_cli("compare", base, variant, "--csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"warning: '{base}' has 4 replicates and '{variant}' has 3: replicates cannot be "
                             "paired, so these intervals are Welch (unpaired) and wider; run both with the same "
                             "--replicates and seed for paired ones\n")
    row = read_csv(result.stdout).set_index("metric").loc["m"]
    assert not row["is_paired"]
    assert (row["diff_end_low"], row["diff_end_high"]) == (pytest.approx(row["welch_low"]),
                                                          pytest.approx(row["welch_high"]))
    text = analysis_cli("compare", base, variant)
    header = next(line for line in text.stdout.splitlines() if line.startswith("metric "))
    assert header.split()[-2:] == ["variant", "(Welch)"]


def test_compare_refuses_runs_of_different_lengths_naming_the_files(write_run, analysis_cli):
    base = write_run("base.h5", {"m": np.zeros((4, 3))})
    variant = write_run("variant.h5", {"m": np.zeros((4, 5))})
    result = analysis_cli("compare", base, variant)
    assert result.returncode == 2
    assert result.stderr == (f"error: '{base}' has 2 steps and '{variant}' has 4: runs compared at the end must "
                             "have the same number of steps (run both with the same scenario length)\n")
