"""`python3 -m analysis preset-facts`: seed fact -> encoding -> what the run shows (docs/presets.md).

The end-to-end case runs the real engine on a tiny preset (the one-region baseline shortened to four
quarters with one procurement instrument) and a variant that removes the instrument: procurement's
money is its own outcome, so preset − variant must equal the preset's spending exactly. Seconds.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import preset_facts
from analysis.errors import AnalysisInputError

REPO = Path(__file__).resolve().parents[2]

PRESET = f"""\
base: {REPO / "scenarios" / "national_one_region.yaml"}
steps: 4
ecosystem:
  policies:
    - {{type: procurement, name: "demonstration cases", start_step: 1, budget_yuan: 4.0e8, purchases_yuan: 5.0e6}}
"""

FACTS = """\
preset: tiny.yaml
seed: "000"
facts:
  - fact: "demonstration cases | bought by the government"
    quote: "示范应用"
    encoding: "a procurement instrument"
    shows:
      metric: procurement_spend
      aggregate: sum
      variant:
        label: "without the purchases"
        ecosystem: {policies: [{name: "demonstration cases", remove: true}]}
  - fact: "firms"
    encoding: "the baseline's SMEs"
    shows: {metric: sme_count, aggregate: last}
"""

DOCUMENT = """# Presets

## tiny

<!-- preset-facts:tiny:begin -->
old
<!-- preset-facts:tiny:end -->
"""


@pytest.fixture
def facts_file(tmp_path) -> Path:
    (tmp_path / "tiny.yaml").write_text(PRESET)
    (tmp_path / "facts").mkdir()
    path = tmp_path / "facts" / "tiny.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_a_variant_row_gives_the_level_and_the_paired_change(innosim, facts_file, tmp_path, analysis_cli):
    document = tmp_path / "presets.md"
    document.write_text(DOCUMENT)
    result = analysis_cli("preset-facts", facts_file, "--replicates", "2", "--innosim", innosim,
                          "--update", document, "--quiet")
    assert result.returncode == 0, result.stderr
    block = document.read_text()
    rows = [line for line in block.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 2
    # Three cells: a '|' inside a fact is escaped, the seed's words are quoted.
    assert rows[0].count(" | ") == 2 and "demonstration cases \\| bought" in rows[0] and "「示范应用」" in rows[0]
    # 5 M yuan a quarter over steps 1..4 (start_step 1): 20 M in every replicate, none without it.
    assert "`procurement_spend` (summed over the run, yuan): 2e+07 [2e+07, 2e+07]" in rows[0]
    assert "preset − without the purchases: +2e+07 [2e+07, 2e+07]" in rows[0]
    assert "covers 0" not in rows[0]
    assert "`sme_count` (at the end" in rows[1] and "preset −" not in rows[1]
    assert "2 replicates of seed" in block and "(4 quarters)" in block and "facts from seed 000" in block


def test_an_update_without_the_presets_markers_fails_before_any_run(facts_file, tmp_path, analysis_cli):
    document = tmp_path / "presets.md"
    document.write_text("# Presets\n")
    result = analysis_cli("preset-facts", facts_file, "--innosim", "/nonexistent/innosim", "--update", document)
    assert result.returncode == 2
    assert "<!-- preset-facts:tiny:begin -->" in result.stderr and "found 0 pairs" in result.stderr
    assert document.read_text() == "# Presets\n"


def test_a_misspelt_metric_is_named_with_the_nearest(innosim, facts_file, analysis_cli):
    facts_file.write_text(FACTS.replace("metric: sme_count", "metric: sme_cont"), encoding="utf-8")
    result = analysis_cli("preset-facts", facts_file, "--replicates", "1", "--innosim", innosim, "--quiet")
    assert result.returncode == 2
    assert "has no metric 'sme_cont'; did you mean 'sme_count'?" in result.stderr


def test_every_problem_of_a_facts_file_is_reported(tmp_path):
    (tmp_path / "facts").mkdir()
    path = tmp_path / "facts" / "bad.yaml"
    path.write_text("preset: missing.yaml\nfacts:\n  - fact: x\n    shows: {metric: m, aggregate: median}\n"
                    "  - fact: y\n    encoding: z\n    shows: {metric: m, variant: {label: v}}\n")
    with pytest.raises(AnalysisInputError) as error:
        preset_facts.read_facts(path)
    message = str(error.value)
    for expected in ("preset 'missing.yaml' is not a file", "missing 'seed'", "facts[0]: missing 'encoding'",
                     "aggregate 'median' is not one of sum, last, mean, growth",
                     "facts[1]: shows: variant: 'ecosystem' must be a non-empty mapping"):
        assert expected in message


def test_the_shipped_facts_files_are_valid():
    for path in sorted(preset_facts.FACTS_FOLDER.glob("*.yaml")):
        facts = preset_facts.read_facts(path)
        assert facts.facts, path
        assert facts.preset.is_file(), path
