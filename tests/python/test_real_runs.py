"""The analysis on files made by the real engine: `innosim run` on the Boltzmann reference model.

Needs the innosim executable: $INNOSIM_BIN, or build/innosim (scripts/build.sh
builds it). Without it these tests fail and say so, rather than skip: the
loaders must be checked against what the engine really writes.
"""
import re
import subprocess
from pathlib import Path

import numpy as np

from analysis import open_run

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "boltzmann.yaml"
AGENTS = 300
STEPS = 20
BOLTZMANN_METRICS = {"gini", "wealth_max", "share_without_wealth", "wealth_total"}


def run_innosim(binary: Path, output: Path, *sets: str, seed=None, replicates=None) -> Path:
    args = [str(binary), "run", str(SCENARIO), "-o", str(output), "--quiet",
            "--set", f"boltzmann.agents={AGENTS}", "--set", f"steps={STEPS}"]
    for override in sets:
        args += ["--set", override]
    if seed is not None:
        args += ["--seed", str(seed)]
    if replicates is not None:
        args += ["--replicates", str(replicates)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
    return output


def test_loader_reads_what_the_engine_writes(innosim, tmp_path):
    # 3 agents per cell, so that exchanges happen within 20 steps
    path = run_innosim(innosim, tmp_path / "run.h5", "boltzmann.width=10", "boltzmann.height=10",
                       seed=3, replicates=3)
    with open_run(path) as run:
        manifest = run.manifest
        assert manifest["model"] == "boltzmann"
        assert (manifest["seed"], manifest["replicates"], manifest["steps"]) == (3, 3, STEPS)
        assert "boltzmann" in manifest["scenario_yaml"] and len(manifest["scenario_sha256"]) == 64
        assert BOLTZMANN_METRICS <= set(run.metric_names)
        assert (run.replicates, run.steps) == (3, STEPS)
        np.testing.assert_array_equal(run.metric("wealth_total"), AGENTS)   # wealth is conserved
        gini = run.metric("gini")
        assert gini.shape == (3, STEPS + 1) and np.all((gini >= 0) & (gini <= 1))
        assert gini[:, 0].max() == 0 and gini[:, -1].min() > 0               # everyone starts equal
        tidy = run.metrics()
        assert len(tidy) == len(run.metric_names) * 3 * (STEPS + 1)
        panel = run.panel("agent")
        assert {"replicate", "step", "id", "x", "y", "wealth"} <= set(panel.columns)
        totals = panel.groupby(["replicate", "step"])["wealth"].sum()
        assert (totals == AGENTS).all() and len(totals) >= 3


def test_the_same_seed_gives_zero_paired_differences(innosim, tmp_path, analysis_cli):
    base = run_innosim(innosim, tmp_path / "base.h5", seed=11, replicates=3)
    again = run_innosim(innosim, tmp_path / "again.h5", seed=11, replicates=3)
    result = analysis_cli("compare", base, again, "--window", "5", "--csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    assert {row["metric"] for row in rows} >= BOLTZMANN_METRICS
    assert all(float(row["diff_end"]) == 0 and float(row["diff_window"]) == 0 for row in rows)


def test_summary_compare_and_report_on_real_runs(innosim, tmp_path, analysis_cli):
    base = run_innosim(innosim, tmp_path / "base.h5", seed=5, replicates=4)
    dense = run_innosim(innosim, tmp_path / "dense.h5", "boltzmann.width=5", "boltzmann.height=5",
                        seed=5, replicates=4)
    summary = analysis_cli("summary", base)
    assert summary.returncode == 0, summary.stderr
    assert all(any(line.startswith(name + " ") for line in summary.stdout.splitlines())
               for name in BOLTZMANN_METRICS)
    compare = analysis_cli("compare", base, dense)
    assert compare.returncode == 0, compare.stderr
    gini_row = next(line for line in compare.stdout.splitlines() if line.startswith("gini "))
    assert " *" in gini_row  # 12 agents per cell exchange far more than 0.03 per cell: inequality rises
    report = tmp_path / "report.html"
    result = analysis_cli("report", base, dense, "-o", report)
    assert result.returncode == 0, result.stderr
    html = report.read_text()
    # forest plot, differences over time, time series; the effect-vs-spending chart on the first screen
    assert html.count('<img src="data:image/png;base64,') == 3 and 'id="effect-vs-spending"' in html
    assert "<th>dense − base (paired 95%)</th>" in html


def test_calibrate_finds_a_width_that_reproduces_a_target_made_by_the_model(innosim, tmp_path, analysis_cli):
    fixed = ["boltzmann.height=10"]
    reference = run_innosim(innosim, tmp_path / "reference.h5", *fixed, "boltzmann.width=6", seed=8, replicates=2)
    with open_run(reference) as run:
        target = run.metric("share_without_wealth")[:, -5:].mean()
    half_band = max(0.02, 0.1 * target)
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"window: 5\ntargets:\n  share_without_wealth:\n    value: {target:.6f}\n"
                       f"    band: [{target - half_band:.6f}, {target + half_band:.6f}]\n")
    result = analysis_cli(
        "calibrate", targets, SCENARIO, "--param", "boltzmann.width=2:30:int",
        "--set", f"boltzmann.agents={AGENTS}", "--set", f"steps={STEPS}", "--set", fixed[0],
        "--seed", "8", "--replicates", "2", "--budget", "24", "--innosim", innosim)
    assert result.returncode == 0, result.stderr
    assert "1 of 1 targets inside their band" in result.stdout
    assert "best: --set boltzmann.width=" in result.stdout
    assert result.stderr.count("run ") <= 24   # the budget holds


def test_calibrate_names_a_target_metric_the_model_lacks(innosim, tmp_path, analysis_cli):
    targets = tmp_path / "targets.yaml"
    targets.write_text("window: 2\ntargets:\n  gnii: {value: 0.5, band: [0.4, 0.6]}\n")
    result = analysis_cli("calibrate", targets, SCENARIO, "--param", "boltzmann.width=2:4:int",
                          "--set", f"boltzmann.agents={AGENTS}", "--set", f"steps={STEPS}",
                          "--budget", "4", "--quiet", "--innosim", innosim)
    assert result.returncode == 2
    assert result.stderr == (f"error: scenario '{SCENARIO}' (model boltzmann) has no metric 'gnii'; "
                             f"did you mean 'gini'? (targeted in '{targets}')\n")


def test_ranking_nansha_variants_on_real_runs(innosim, tmp_path, analysis_cli):
    """A planner's question on the ecosystem model: nansha plus first-unit insurance, plus vouchers, and
    a variant identical to the base; 40 quarters, 3 replicates on common random numbers. The
    insurance budget is large enough to last the 40 quarters (it pays subsidies and claims)."""
    nansha = REPO / "scenarios" / "nansha.yaml"
    policies = {"insurance": '{type: first_unit_insurance, name: "first-unit insurance", start_step: 5, '
                             "premium_subsidy_share: 0.8, claim_complexity: 0.1, budget_yuan: 1.0e10}",
                "vouchers": '{type: pilot_voucher, name: "pilot vouchers", start_step: 5, subsidy_share: 0.7, '
                            "budget_yuan: 1.0e8}"}
    runs = []
    for name, policy in {"base": None, **policies, "same": None}.items():
        scenario = nansha
        if policy:
            scenario = tmp_path / f"{name}.yaml"
            scenario.write_text(f"base: {nansha}\necosystem:\n  policies:\n    - {policy}\n")
        output = tmp_path / f"{name}.h5"
        args = [str(innosim), "run", str(scenario), "-o", str(output), "--quiet", "--set", "steps=40",
                "--replicates", "3"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
        runs.append(output)
    compare = analysis_cli("compare", *runs, "--objective", "first_unit_insurance_takeup", "--csv")
    assert compare.returncode == 0, compare.stderr
    import io

    import pandas as pd
    table = pd.read_csv(io.StringIO(compare.stdout))
    ranks = table.groupby("variant")["rank"].first()
    assert ranks["insurance"] == 1  # the only variant that offers insurance
    takeup = table[(table["metric"] == "first_unit_insurance_takeup")].set_index("variant")
    assert takeup.at["insurance", "base_end"] == 0 and takeup.at["insurance", "diff_end_low"] > 0
    # Same scenario, same seed: identical runs, no spending change, so no ratio.
    assert (table[table["variant"] == "same"]["diff_end"] == 0).all()
    assert takeup.loc["same", "per_100m_yuan"] != takeup.loc["same", "per_100m_yuan"]  # NaN
    assert takeup.at["insurance", "spending_change_yuan"] > 0 and takeup.at["insurance", "per_100m_yuan"] > 0
    report = tmp_path / "report.html"
    result = analysis_cli("report", *runs, "--objective", "first_unit_insurance_takeup", "-o", report)
    assert result.returncode == 0, result.stderr
    html = report.read_text()
    assert "(regions: nansha, hong_kong)" in html and "<td>insurance</td>" in html
    flows = html[html.index('id="funnel-flows"'):]
    shares = [float(v) for v in re.findall(r"<td>([\d.]+)%</td>", flows[:flows.index("</table>")])]
    assert len(shares) == 3 * 4 and all(shares[i] >= shares[i + 4] for i in range(8))  # never widens


def test_msm_calibration_end_to_end_writes_estimates_standard_errors_and_a_j_test(innosim, tmp_path, analysis_cli):
    import json
    fixed = ["boltzmann.height=10"]
    reference = run_innosim(innosim, tmp_path / "reference.h5", *fixed, "boltzmann.width=6", seed=8, replicates=3)
    with open_run(reference) as run:
        means = {name: run.metric(name)[:, -5:].mean() for name in ("share_without_wealth", "gini")}
    targets = tmp_path / "targets.yaml"
    targets.write_text("window: 5\ntargets:\n" + "".join(
        f"  {name}: {{value: {value:.6f}, band: [{value - 0.05:.6f}, {value + 0.05:.6f}]}}\n"
        for name, value in means.items()))
    output = tmp_path / "calibration.json"
    result = analysis_cli(
        "calibrate", targets, SCENARIO, "--param", "boltzmann.width=2:30:int", "--start", "boltzmann.width=8",
        "--set", f"boltzmann.agents={AGENTS}", "--set", f"steps={STEPS}", "--set", fixed[0],
        "--seed", "8", "--replicates", "3", "--budget", "4", "--innosim", innosim, "--json", output,
        "--markdown", tmp_path / "calibration.md")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("run ") <= 4   # the search budget holds (the Jacobian's runs are not logged)
    document = json.loads(output.read_text())
    assert document["effective_moments"] == 2 and document["j_test"]["dof"] == 1
    assert 0 <= document["j_test"]["p_value"] <= 1
    assert document["pilot"] == {"boltzmann.width": 8} and document["replicates"] == 3
    (row,) = document["parameters"]
    assert 2 <= row["estimate"] <= 30 and row["standard_error"] > 0
    assert len(document["jacobian"]) == 2 and any(abs(g[0]) > 0 for g in document["jacobian"])
    assert "| `boltzmann.width` |" in (tmp_path / "calibration.md").read_text()
    assert "J = " in result.stdout and "2 effective moments of 2" in result.stdout


def test_calibrate_refuses_to_overwrite_a_result_before_running_anything(innosim, tmp_path, analysis_cli):
    targets = tmp_path / "targets.yaml"
    targets.write_text("window: 2\ntargets:\n  gini: {value: 0.5, band: [0.4, 0.6]}\n")
    existing = tmp_path / "calibration.json"
    existing.write_text("keep me")
    result = analysis_cli("calibrate", targets, SCENARIO, "--param", "boltzmann.width=2:4:int",
                          "--budget", "4", "--quiet", "--innosim", innosim, "--json", existing)
    assert result.returncode == 2
    assert result.stderr == f"error: '{existing}' exists; use --force to replace it\n"
    assert existing.read_text() == "keep me"
