"""`innosim run --profile-json FILE`: the machine-readable profile bench/run_suite.sh reads.

Runs the real engine on the reference model (small: 5 steps) through conftest's `innosim` fixture,
which fails rather than skips without build/innosim (or $INNOSIM_BIN).
"""
import json
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "boltzmann.yaml"
AGENTS, STEPS, REPLICATES = 400, 5, 2
# The reference model's step, in order (models/boltzmann, docs/writing-a-model.md).
BOLTZMANN_PHASES = ["move", "index_cells", "give_money"]


def run_with_profile(innosim: Path, profile_path: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [str(innosim), "run", str(SCENARIO), "--set", f"steps={STEPS}", "--set", f"boltzmann.agents={AGENTS}",
            "--replicates", str(REPLICATES), "--profile", "--profile-json", str(profile_path), *extra]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def text_table_phases(stdout: str) -> list[str]:
    """Phase names of the --profile table printed by the same run: the rows between header and output."""
    table = stdout.split("Time per phase (all replicates):\n", 1)[1]
    names = [line.split()[0] for line in table.splitlines()[1:] if line.strip()]
    return names[:names.index("output")]


@pytest.fixture(scope="module")
def profile_run(innosim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("profile")
    result = run_with_profile(innosim, folder / "profile.json", "-o", str(folder / "run.h5"))
    assert result.returncode == 0, result.stderr
    return result, json.loads((folder / "profile.json").read_text(encoding="utf-8")), folder


def test_profile_json_names_the_models_phases_in_step_order(profile_run):
    result, profile, _ = profile_run
    names = [phase["name"] for phase in profile["phases"]]
    assert names == BOLTZMANN_PHASES
    assert names == text_table_phases(result.stdout)  # the same phases as the table --profile prints


def test_profile_json_shares_sum_to_one_and_times_agree(profile_run):
    _, profile, _ = profile_run
    phases = profile["phases"]
    assert sum(phase["share"] for phase in phases) == pytest.approx(1.0, abs=1e-9)
    assert profile["phase_seconds_total"] == pytest.approx(sum(phase["seconds"] for phase in phases))
    for phase in phases:
        assert phase["seconds"] >= 0 and phase["calls"] == STEPS * REPLICATES
        assert phase["ms_per_step"] == pytest.approx(1e3 * phase["seconds"] / phase["calls"])
    assert profile["wall_seconds"] > 0 and 0 <= profile["output_seconds"] <= profile["wall_seconds"]


def test_profile_json_describes_the_run(profile_run):
    result, profile, _ = profile_run
    assert profile["format"] == "innosim-profile" and profile["format_version"] == 1
    assert (profile["model"], profile["steps"], profile["replicates"]) == ("boltzmann", STEPS, REPLICATES)
    # The reference model neither births nor kills: every step acts on all agents.
    assert profile["agents_at_step_0"] == profile["peak_agents"] == AGENTS
    assert profile["agent_steps"] == AGENTS * STEPS * REPLICATES
    assert profile["agent_steps_per_second"] == pytest.approx(profile["agent_steps"] / profile["wall_seconds"])
    summary_rate = float(re.search(r"\(([0-9.e+]+) agent-steps/s\)", result.stdout).group(1))
    assert profile["agent_steps_per_second"] == pytest.approx(summary_rate, rel=0.01)


def test_profile_json_counts_each_populations_rows(profile_run):
    _, profile, _ = profile_run
    # The reference model has one population of AGENTS agents: rows summed over steps (and
    # replicates) equal the agent-steps.
    assert profile["populations"] == [{"kind": "agent", "rows_at_step_0": AGENTS, "peak_rows": AGENTS,
                                       "row_steps": AGENTS * STEPS * REPLICATES}]


def test_profile_json_leaves_no_partial_file(profile_run):
    _, _, folder = profile_run
    assert sorted(p.name for p in folder.iterdir()) == ["profile.json", "run.h5"]


def test_an_unwritable_profile_path_is_an_output_error(innosim, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    result = run_with_profile(innosim, blocker / "profile.json", "--no-output")
    assert result.returncode == 3  # documented in --help: 3 output problem
    assert f"innosim: cannot create the folder of '{blocker / 'profile.json'}'" in result.stderr


def test_help_documents_profile_json(innosim):
    result = subprocess.run([str(innosim), "run", "--help"], capture_output=True, text=True, timeout=60)
    assert "--profile-json FILE" in result.stdout
