"""Funding mixes (issue 17, item 3): a simplex sweep over the shares of three instruments of one
total budget runs, and every point's per-instrument accounts show each instrument was given its
share of the total: "same budget" checked from the output, not assumed from the scenario."""
import subprocess

import numpy as np
import pytest

from analysis import instruments, open_run
from analysis.sweep import open_sweep

TOTAL_YUAN = 3.0e7
# What each instrument's committed money may differ from share x total: budgets move in whole fen.
RELATIVE_TOLERANCE = 1e-6

SCENARIO = f"""model: ecosystem
seed: 3
replicates: 1
steps: 4
ecosystem:
  initial_state: {{spin_up_quarters: 2}}
  universities: 4
  institutes: 2
  lead_firms: 3
  smes: 120
  mix_total_budget_yuan: {TOTAL_YUAN}
  policies:
    - {{type: pilot_voucher, name: "Vouchers", subsidy_share: 0.5, mix_share: 0.4}}
    - {{type: risk_pool, name: "Risk pool", loss_share: 0.5, agent_kind: sme, mix_share: 0.3}}
    - {{type: first_unit_insurance, name: "Insurance", premium_subsidy_share: 0.5, mix_share: 0.3}}
    - {{type: rd_grant, name: "Grants outside the mix", budget_yuan: 1.0e6, grant_yuan: 1.0e5}}
"""
SHARES = {"ecosystem.policies[Vouchers].mix_share": "vouchers",
          "ecosystem.policies[Risk pool].mix_share": "risk_pool",
          "ecosystem.policies[Insurance].mix_share": "insurance"}
SWEEP = "scenario: mix.yaml\ndesign: simplex\nlevels: 3\nparameters:\n" + "".join(
    f"  '{path}': {{}}\n" for path in SHARES)


@pytest.fixture(scope="module")
def mix_sweep(innosim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mix")
    (folder / "mix.yaml").write_text(SCENARIO)
    (folder / "mix-sweep.yaml").write_text(SWEEP)
    result = subprocess.run([str(innosim), "sweep", str(folder / "mix-sweep.yaml"), "-o", str(folder / "out"),
                             "--quiet"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return open_sweep(folder / "out")


def test_a_simplex_sweep_covers_the_lattice_of_three_shares(mix_sweep):
    assert mix_sweep.method == "simplex"
    assert mix_sweep.names == list(SHARES)
    assert mix_sweep.design.shape == (6, 3)  # shares in halves: C(2 + 3 - 1, 3 - 1)
    assert np.allclose(mix_sweep.design.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert {tuple(row) for row in np.round(mix_sweep.design * 2).astype(int)} == {
        (0, 0, 2), (0, 1, 1), (0, 2, 0), (1, 0, 1), (1, 1, 0), (2, 0, 0)}


def test_every_point_gives_each_instrument_its_share_of_the_same_total(mix_sweep):
    for shares, path in zip(mix_sweep.design, mix_sweep.point_paths):
        with open_run(path) as run:
            committed = instruments.spending(run).set_index("instrument")["committed"]
        for share, slug in zip(shares, SHARES.values()):
            assert committed[slug] == pytest.approx(share * TOTAL_YUAN, rel=RELATIVE_TOLERANCE, abs=0.01)
        assert sum(committed[slug] for slug in SHARES.values()) == pytest.approx(TOTAL_YUAN, rel=RELATIVE_TOLERANCE)
        # The instrument outside the mix keeps its own budget at every point.
        assert committed["grants_outside_the_mix"] == pytest.approx(1.0e6, rel=RELATIVE_TOLERANCE)


def test_shares_that_do_not_sum_to_one_are_refused_naming_the_sum(innosim, tmp_path):
    scenario = tmp_path / "mix.yaml"
    scenario.write_text(SCENARIO.replace("mix_share: 0.4", "mix_share: 0.5"))
    result = subprocess.run([str(innosim), "check", str(scenario)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert f"{scenario}:11:26: the funding mix's shares (mix_share) must sum to 1 (within 1e-9), got 1.1" in result.stderr
    assert f"'Vouchers' 0.5 ({scenario}:13:" in result.stderr
