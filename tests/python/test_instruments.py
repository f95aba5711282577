"""Per-instrument accounts (analysis/instruments.py) on what the engine really writes, and how the
summary of `innosim run`, the report and compare show them."""
import subprocess

import numpy as np
import pytest

from analysis import instruments, open_run
from analysis.comparison import compare_runs

# Three instruments on a small economy: a grant budget that runs out, one that does not, one with
# no money, and SMEs repaying repayable grants.
SCENARIO = """model: ecosystem
seed: 5
replicates: 2
steps: 10
ecosystem:
  initial_state: {spin_up_quarters: 4}
  universities: 6
  institutes: 4
  lead_firms: 4
  smes: 250
  policies:
    - {type: rd_grant, name: "Small grants", budget_yuan: 3.0e5, grant_yuan: 1.0e5}
    - {type: rd_grant, name: "Large grants", budget_yuan: 1.0e9, grant_yuan: 1.0e5}
    - {type: pilot_voucher, name: "Vouchers (none)", budget_yuan: 0}
    - {type: repayable_grant, name: "Repayable", budget_yuan: 2.0e6, grant_yuan: 1.0e5, agent_kind: sme,
       end_step: 2}
"""
BUDGETS = {"small_grants": 3.0e5, "large_grants": 1.0e9, "vouchers_none": 0.0, "repayable": 2.0e6}


@pytest.fixture(scope="module")
def instrument_run(innosim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("instruments")
    scenario = folder / "grants.yaml"
    scenario.write_text(SCENARIO)
    output = folder / "grants.h5"
    result = subprocess.run([str(innosim), "run", str(scenario), "-o", str(output)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return output, result.stdout


def test_spending_reads_each_instruments_accounts_per_replicate(instrument_run):
    path, _ = instrument_run
    with open_run(path) as run:
        frame = instruments.spending(run)
        steps = instruments.spending(run, per_step=True)
    assert sorted(frame["instrument"].unique()) == sorted(BUDGETS)
    assert len(frame) == len(BUDGETS) * 2  # two replicates
    names = frame.drop_duplicates("instrument").set_index("instrument")
    assert names.at["small_grants", "name"] == "Small grants" and names.at["small_grants", "type"] == "rd_grant"
    assert names.at["vouchers_none", "type"] == "pilot_voucher"
    for row in frame.itertuples():
        assert row.committed == pytest.approx(BUDGETS[row.instrument])
        # The account's balance is what came in less what went out.
        assert row.spent + row.unspent - row.returned == pytest.approx(row.committed, abs=0.01)
    by = frame.groupby("instrument")
    assert (by.get_group("vouchers_none")[["spent", "unspent", "beneficiaries"]] == 0).all().all()
    assert by.get_group("small_grants")["ran_out_step"].notna().all()
    assert by.get_group("small_grants")["spent"].eq(3.0e5).all()
    assert by.get_group("large_grants")["ran_out_step"].isna().all()
    assert (by.get_group("large_grants")["beneficiaries"] > 0).all()
    assert (by.get_group("repayable")["returned"] > 0).all()
    # Per step: the identity holds at every step, not only at the end.
    for (_, _), group in steps.groupby(["instrument", "replicate"]):
        group = group.sort_values("step")
        balance = np.cumsum(group["committed"] - group["spent"] + group["returned"])
        assert np.allclose(balance, group["unspent"], atol=0.01)


def test_ran_out_step_is_the_first_step_with_less_than_one_percent_left():
    committed = np.array([0, 100.0, 0, 0, 0])
    returned = np.zeros(5)
    assert instruments.ran_out_step(committed, returned, np.array([0, 60.0, 20, 0.5, 0.5])) == 3
    assert np.isnan(instruments.ran_out_step(committed, returned, np.array([0, 60.0, 20, 2, 2])))
    assert np.isnan(instruments.ran_out_step(np.zeros(5), returned, np.zeros(5)))  # no money came in


def test_the_run_summary_says_which_instrument_ran_out_and_which_left_money(instrument_run):
    path, stdout = instrument_run
    summary = _summary(path)
    ran_out = int(summary.at["small_grants", "ran_out_step"])
    assert f"'Small grants' (rd_grant): budget 3e+05, spent 3e+05, returned 0, unspent 0; ran out at step {ran_out}" \
        in stdout
    left = 100 * summary.at["large_grants", "unspent_share"]
    assert f"'Large grants' (rd_grant): budget 1e+09" in stdout and f"left {left:.1f}% unspent" in stdout
    assert "'Vouchers (none)' (pilot_voucher): budget 0, spent 0, returned 0, unspent 0; no money came in" in stdout


def test_the_report_folds_instruments_into_their_own_section(instrument_run, tmp_path, analysis_cli):
    path, _ = instrument_run
    report = tmp_path / "report.html"
    result = analysis_cli("report", path, "-o", report)
    assert result.returncode == 0, result.stderr
    html = report.read_text()
    section = html[html.index('<details class="section" id="instruments">'):]
    section = section[:section.index("</details>")]
    assert "<h2>Instruments (4)</h2>" in section and "<td>Small grants</td>" in section
    assert "ran out at step" in section and "100.0% unspent" not in section
    # Not among the model's metrics: no time series or summary row per instrument metric.
    assert "instrument.small_grants" not in html


def test_compare_leaves_instrument_accounts_out_unless_named(instrument_run):
    path, _ = instrument_run
    with open_run(path) as base, open_run(path) as variant:
        comparison = compare_runs(base, variant)
        assert not any(instruments.is_instrument_metric(name) for name in comparison.table["metric"])
        assert any("instrument.*" in note for note in comparison.notes)
        named = compare_runs(base, variant, metrics=["instrument.small_grants.spent"])
        assert list(named.table["metric"]) == ["instrument.small_grants.spent"]


def test_summary_lists_instruments_once_each_after_the_models_metrics(instrument_run, analysis_cli):
    path, _ = instrument_run
    result = analysis_cli("summary", path)
    assert result.returncode == 0, result.stderr
    metrics, accounts = result.stdout.split("\ninstruments over steps 1..10")
    assert "instrument." not in metrics and "sme_count" in metrics
    lines = {line.split("  ")[0]: line for line in accounts.splitlines()}
    assert {"Small grants", "Large grants", "Vouchers (none)", "Repayable"} <= set(lines)
    assert lines["Small grants"].rstrip().endswith("ran out at step " +
                                                   str(int(_summary(path).at["small_grants", "ran_out_step"])))
    assert lines["Vouchers (none)"].rstrip().endswith("no money came in")
    csv = analysis_cli("summary", path, "--csv")
    assert csv.stdout.count("instrument.") == 4 * len(instruments.PARTS)


def _summary(path):
    with open_run(path) as run:
        return instruments.summary(run).set_index("instrument")
