"""`python3 -m analysis instrument-effects`: the generated per-100-M-yuan table of docs/MODEL.md.

The end-to-end case runs the real engine on the national baseline shortened to a few quarters, with
three reference instruments: one that spends (procurement), one given no budget (a risk pool with
budget 0) and one that has no money at all (IP reform). Seconds, not minutes.
"""
from __future__ import annotations

import pytest

from analysis import instrument_effects as effects
from analysis.errors import AnalysisInputError

REFERENCES = """\
instruments:
  - type: procurement
    policy: {type: procurement, name: "purchases", start_step: 1, budget_yuan: 4.0e8, purchases_yuan: 5.0e6}
    source: "scenarios/jiangxi.yaml"
    metric: procurement_spend
    aggregate: sum
  - type: risk_pool
    policy: {type: risk_pool, name: "empty pool", agent_kind: sme, start_step: 1, loss_share: 0.5, budget_yuan: 0}
    source: "a pool with no money"
    metric: risk_pool_paid
    aggregate: sum
  - type: ip_reform
    policy: {type: ip_reform, name: "reform", agent_kind: university, start_step: 1, transfer_multiplier: 2}
    source: "scenarios/policies/ip_reform.yaml"
    metric: licences
    aggregate: sum
"""

DOCUMENT = f"""# Model

Before the table.

{effects.BEGIN_MARKER}
old text
{effects.END_MARKER}

After the table.
"""


def test_the_table_has_a_row_per_type_and_an_unfunded_instrument_reports_no_spending(innosim, tmp_path,
                                                                                     analysis_cli):
    references = tmp_path / "reference.yaml"
    references.write_text(REFERENCES)
    document = tmp_path / "MODEL.md"
    document.write_text(DOCUMENT)
    markdown = tmp_path / "effects.md"
    result = analysis_cli("instrument-effects", "--references", references, "--replicates", "2",
                          "--set", "steps=4", "--types", "procurement,risk_pool,ip_reform", "--innosim", innosim,
                          "--markdown", markdown, "--update", document, "--quiet")
    assert result.returncode == 0, result.stderr
    block = markdown.read_text()
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    assert [row.split(" | ")[0] for row in rows] == ["| `procurement`", "| `risk_pool`", "| `ip_reform`"]
    assert block.splitlines()[2].count(" | ") == len(effects.HEADERS) - 1
    procurement, pool, reform = (row.split(" | ") for row in rows)
    # Procurement's money is its outcome here: every yuan spent is a yuan of purchases, so the
    # effect per 100 M yuan is 1e8 exactly in every replicate (an interval of zero width).
    assert procurement[1] == "20 M yuan" and procurement[4] == "1e+08 [1e+08, 1e+08]"
    for unfunded in (pool, reform):
        assert unfunded[1] == "0 yuan" and unfunded[4].startswith("spent nothing")
    assert pool[5].rstrip(" |") == reform[5].rstrip(" |") == "no money came in"
    assert "2 replicates of seed 2023" in block and "`scenarios/national.yaml` (4 quarters)" in block
    updated = document.read_text()
    assert updated == DOCUMENT.replace("old text\n", block)


def test_an_update_without_markers_fails_before_any_run(tmp_path, analysis_cli):
    document = tmp_path / "MODEL.md"
    document.write_text("# Model\n\nno markers\n")
    result = analysis_cli("instrument-effects", "--types", "procurement", "--innosim", "/nonexistent/innosim",
                          "--update", document)
    assert result.returncode == 2
    assert "must hold the markers" in result.stderr and "found 0 pairs" in result.stderr
    assert document.read_text() == "# Model\n\nno markers\n"


def test_the_shipped_references_cover_every_instrument_type_once():
    from pathlib import Path

    header = (Path(__file__).resolve().parents[2] / "models" / "ecosystem" / "parameters.hpp").read_text()
    declared = header.split("enum class PolicyType")[1].split("};")[0]
    types = [line.strip().rstrip(",") for line in declared.splitlines()[1:] if line.strip().rstrip(",")]
    assert len(types) == 21
    assert sorted(reference.type for reference in effects.read_references()) == sorted(types)


def test_unknown_types_and_aggregates_are_input_errors(tmp_path):
    references = effects.read_references()
    with pytest.raises(AnalysisInputError, match="no reference instrument of type procurment"):
        effects.select(references, ["procurment"])
    bad = tmp_path / "bad.yaml"
    bad.write_text(REFERENCES.replace("aggregate: sum", "aggregate: total", 1))
    with pytest.raises(AnalysisInputError, match="aggregate 'total' is not one of sum, last, mean"):
        effects.read_references(bad)


def test_the_effect_is_taken_per_replicate_and_replicates_that_spent_nothing_are_left_out(write_run):
    """Replicate r's effect is its own change over its own spending (not a ratio of means); one that
    spent nothing has no ratio and the table says how many did."""
    import numpy as np

    steps = 4
    change = np.array([2.0, 6.0, 3.0])         # per replicate, summed over steps 1..T
    spent = np.array([1e8, 2e8, 0.0])          # per replicate
    base_out = np.tile(np.arange(steps + 1, dtype=float), (3, 1))
    variant_out = base_out.copy()
    variant_out[:, 1:] += change[:, None] / steps

    def per_step(total):
        return np.hstack([np.zeros((3, 1)), np.repeat(total[:, None] / steps, steps, axis=1)])

    accounts = {"instrument.x.committed": per_step(np.full(3, 4e8)), "instrument.x.spent": per_step(spent),
                "instrument.x.returned": np.zeros((3, steps + 1)),
                "instrument.x.unspent": np.tile(np.full(steps + 1, 1e8), (3, 1)),
                "instrument.x.beneficiaries": np.zeros((3, steps + 1))}
    base = write_run("base.h5", {"out": base_out})
    variant = write_run("variant.h5", {"out": variant_out, **accounts})
    reference = effects.Reference("procurement", {"type": "procurement"}, "test", "out", "sum")
    from analysis.load import open_run

    with open_run(base) as b, open_run(variant) as v:
        effect = effects.effect_of(reference, b, v)
    assert effect.per_100m_yuan.estimate == pytest.approx(2.5)   # mean of 2/1 and 6/2; replicate 3 left out
    assert int(effect.per_100m_yuan.n) == 2 and not effect.spent_nothing
    assert effect.change.estimate == pytest.approx(change.mean())
    assert effects.table_rows([effect])[0][4].endswith("(2 of 3 replicates spent money)")


def test_a_setting_goes_into_both_base_and_variant(tmp_path):
    """An instrument whose agents the baseline lacks (incubators) is measured against a base that has them."""
    import yaml
    from pathlib import Path

    base = Path("scenarios/national.yaml")
    setting = {"incubator_place_cost_yuan": 1e5, "regions": {"national": {"incubators": 34}}}
    own_base = yaml.safe_load(effects.variant_scenario(base, None, setting))
    variant = yaml.safe_load(effects.variant_scenario(base, {"type": "incubator_support"}, setting))
    assert own_base["ecosystem"] == setting
    assert variant["ecosystem"] == {**setting, "policies": [{"type": "incubator_support"}]}
    plain = yaml.safe_load(effects.variant_scenario(base, {"type": "procurement"}))
    assert plain["ecosystem"] == {"policies": [{"type": "procurement"}]}
    shipped = {reference.type: reference for reference in effects.read_references()}
    assert sum(region["incubators"] for region in shipped["incubator_support"].setting["regions"].values()) == 34
    assert shipped["procurement"].setting is None
