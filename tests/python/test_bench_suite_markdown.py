"""bench/suite_markdown.py: the BENCHMARKS.md block generated from a suite.json.

A tiny hand-made suite.json with round numbers, so each expected table cell is known without running
anything; the file around the markers must come back byte for byte.
"""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "suite_markdown.py"

# bench/ is scripts, not a package: load the generator from its file.
_spec = importlib.util.spec_from_file_location("suite_markdown", SCRIPT)
suite_markdown = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(suite_markdown)

MIB = 2**20


def profile(*, threads=2, steps=10, wall=4.0, output=1.0, wait=0.5, rate=2.5e6, agents=1000, peak=1500,
            phases=None):
    phases = phases or [{"name": "grow", "seconds": 2.0, "share": 0.75, "calls": steps, "ms_per_step": 200.0},
                        {"name": "trade", "seconds": 2.0 / 3, "share": 0.25, "calls": steps,
                         "ms_per_step": 200.0 / 3}]
    return {"threads": threads, "steps": steps, "replicates": 1, "wall_seconds": wall, "output_seconds": output,
            "output_wait_seconds": wait,
            "agent_steps_per_second": rate, "agents_at_step_0": agents, "peak_agents": peak,
            "phase_seconds_total": sum(p["seconds"] for p in phases), "phases": phases}


def run(label, seconds, **profile_options):
    return {"label": label, "threads": profile_options.get("threads", 2), "steps": profile_options.get("steps", 10),
            "process_seconds": seconds, "peak_rss_bytes": 100 * MIB, "output_bytes": 30 * MIB,
            "profile": profile(**profile_options)}


def fake_suite():
    national = run("national", 5.0)
    national.update(bytes_per_agent_at_step_0=100 * MIB / 1000, bytes_per_agent_at_peak=100 * MIB / 1500)
    one, two = run("threads-1", 8.0, threads=1), run("threads-2", 5.0, threads=2)
    one.update(speed_up=1.0, parallel_efficiency=1.0)
    two.update(speed_up=1.6, parallel_efficiency=0.8)
    modes = [dict(run(f"output-{m}", s), mode=m, overhead_vs_none=o)
             for m, s, o in (("default", 6.0, 0.5), ("metrics_only", 4.4, 0.1), ("none", 4.0, 0.0))]
    modes[-1]["output_bytes"] = None
    return {
        "format": "innosim-bench-suite", "format_version": 1, "command": "bash bench/run_suite.sh",
        "date_utc": "2026-11-23T12:00:00Z", "quick": False,
        "machine": {"name": "test-box", "hostname": "h", "cpu_model": "Test CPU 9000", "cores": 2,
                    "memory_bytes": 8 * 2**30, "load_average_at_start": 0.1},
        "commit": "abc1234", "has_uncommitted_changes": False,
        "settings": {"scenario": "scenarios/big.yaml", "threads": [1, 2, 4]},
        "reference_model": {
            "rows": [{"agents": 10000, "grid": "100x100", "steps": 100, "threads": t, "seconds_best": s,
                      "seconds_all": [s, s, s], "agent_steps_per_second": 1e6 / s,
                      "agent_steps_per_second_per_thread": 1e6 / s / t, "peak_rss_mib": 6.0}
                     for t, s in ((1, 0.006684), (2, 0.006948))],
            "not_measured": [{"threads": 4, "reason": "machine has 2 cores"}]},
        "national": national,
        "thread_scaling": {"scenario": "scenarios/big.yaml",
                           "rows": [one, two, {"threads": 4, "not_measured": "machine has 2 cores"}]},
        "output_overhead": {"scenario": "scenarios/big.yaml", "rows": modes},
        "phases": {"source": "national", "steps": 10, "threads": 2, "phases": national["profile"]["phases"],
                   "phase_seconds_total": 8.0 / 3, "output_seconds": 1.0, "output_wait_seconds": 0.5,
                   "wall_seconds": 4.0},
    }


def rows_of(block: str, heading: str) -> list[str]:
    """The table lines (header and separator excluded) of the section that starts with `heading`."""
    section = block.split(heading, 1)[1].split("\n### ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return lines[2:]


def test_heading_names_machine_commit_and_date():
    block = suite_markdown.render(fake_suite())
    assert ("Machine `test-box` (Test CPU 9000, 2 cores, 8 GiB memory, load average 0.1 at the start), "
            "commit `abc1234`, 2026-11-23 12:00:00 UTC") in block
    assert "uncommitted" not in block and "QUICK" not in block


def test_quick_and_dirty_runs_say_so():
    suite = fake_suite()
    suite.update(quick=True, has_uncommitted_changes=True)
    block = suite_markdown.render(suite)
    assert "commit `abc1234` + uncommitted changes" in block
    assert "QUICK=1: everything scaled down to test the suite; these numbers are not benchmarks." in block


def test_tables_hold_the_suites_numbers():
    block = suite_markdown.render(fake_suite())
    assert rows_of(block, "### 1.") == [
        "| 10,000 | 100x100 | 1 | 3 | 0.006684 | 1.5e+08 | 1.5e+08 | 1.00x | 6 |",
        "| 10,000 | 100x100 | 2 | 3 | 0.006948 | 1.44e+08 | 7.2e+07 | 0.96x | 6 |",
        "|  |  | 4 |  | not measured: machine has 2 cores |  |  |  |  |"]
    assert rows_of(block, "### 2.") == [
        "| 10 | 2 | 5.000 | 2.5e+06 | 1,000 | 1,500 | 100 | 104,858 | 69,905 | 1.000 | 0.500 | 10.0% |"]
    assert rows_of(block, "### 3.") == [
        "| 1 | 10 | 8.000 | 2.5e+06 | 1.00x | 100.0% |",
        "| 2 | 10 | 5.000 | 2.5e+06 | 1.60x | 80.0% |",
        "| 4 |  | not measured: machine has 2 cores |  |  |  |"]
    output_rows = rows_of(block, "### 4.")
    assert output_rows[0] == "| default (metrics, snapshots, events) | 10 | 6.000 | 1.000 | 0.500 | 8.3% | +50.0% | 30 | 100 |"
    assert output_rows[2] == "| none (`--no-output`) | 10 | 4.000 | 1.000 | 0.500 | 12.5% | +0.0% | – | 100 |"
    assert rows_of(block, "### 5.") == [
        "| `grow` | 2.000 | 75.0% | 200.0 |",
        "| `trade` | 0.667 | 25.0% | 66.7 |",
        "| all phases | 2.667 | 100.0% | 266.7 |",
        "| output (HDF5, background thread) | 1.000 |  |  |",
        "| waiting for output | 0.500 |  |  |",
        "| wall time (engine) | 4.000 |  |  |"]


def test_items_3_and_4_say_how_many_runs_each_variant_kept_the_fastest_of():
    suite = fake_suite()
    block = suite_markdown.render(suite)
    assert "one replicate; one run per thread count; speed-up" in block
    assert "all cores; one run per mode. The HDF5 writer" in block
    for row in suite["thread_scaling"]["rows"] + suite["output_overhead"]["rows"]:
        row["repeats"] = 2
    block = suite_markdown.render(suite)
    assert "each thread count's fastest of 2 runs, the counts run in turn; speed-up" in block
    assert "each mode's fastest of 2 runs, the modes run in turn. The HDF5 writer" in block


def test_item_3_fits_the_serial_part_to_the_1_and_2_thread_phase_times():
    # grow: 100 ms on 1 thread, 60 on 2 -> S = 20; trade: 50 and 25 -> S = 0 (perfectly parallel).
    # S = 20 of 150 ms (13.3%); 16 threads: 1 / (2/15 + 13/15/16) = 5.33x, 33.3% efficiency.
    suite = fake_suite()
    rows = suite["thread_scaling"]["rows"]
    for row, grow, trade in ((rows[0], 100.0, 50.0), (rows[1], 60.0, 25.0)):
        row["profile"]["phases"] = [{"name": "grow", "seconds": 1.0, "share": 0.5, "calls": 10, "ms_per_step": grow},
                                    {"name": "trade", "seconds": 1.0, "share": 0.5, "calls": 10,
                                     "ms_per_step": trade}]
    block = suite_markdown.render(suite)
    assert ("gives S = 20.0 of 150.0 ms per step on 1 thread (13.3%); largest in `grow` 20.0, `trade` 0.0. If S "
            "stayed serial and P scaled perfectly, 16 threads would run at most 5.3x faster than 1 (33.3% parallel "
            "efficiency).") in block
    # Without a 1-thread run there is nothing to fit.
    suite["thread_scaling"]["rows"] = rows[1:]
    assert "Serial part" not in suite_markdown.render(suite)


def test_only_the_block_between_the_markers_changes(tmp_path):
    # Trailing spaces and blank lines at the end: a generator that tidied the file would lose them.
    before = "# Benchmarks  \n\nHand-written intro, kept: 1.23 s.\n\n<!-- suite:begin -->\n"
    after = "<!-- suite:end -->\n\n## Older section \n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\n"
    markdown = tmp_path / "BENCHMARKS.md"
    markdown.write_text(before + "placeholder that must go\n" + after, encoding="utf-8")
    suite_json = tmp_path / "suite.json"
    suite_json.write_text(json.dumps(fake_suite()), encoding="utf-8")

    result = subprocess.run([sys.executable, str(SCRIPT), str(suite_json), str(markdown)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith(before) and text.endswith(after)
    assert "placeholder that must go" not in text
    assert text[len(before):-len(after)] == suite_markdown.render(fake_suite())

    # Regenerating from the same suite.json is a fixed point.
    subprocess.run([sys.executable, str(SCRIPT), str(suite_json), str(markdown)], check=True, timeout=60)
    assert markdown.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("text", ["no markers at all\n", "<!-- suite:begin -->\nonly the start\n",
                                  "<!-- suite:end -->\nx\n<!-- suite:begin -->\n",
                                  "<!-- suite:begin -->\n<!-- suite:end -->\n<!-- suite:begin -->\n"])
def test_a_file_without_one_pair_of_markers_is_refused_and_left_alone(tmp_path, text):
    markdown = tmp_path / "BENCHMARKS.md"
    markdown.write_text(text, encoding="utf-8")
    suite_json = tmp_path / "suite.json"
    suite_json.write_text(json.dumps(fake_suite()), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), str(suite_json), str(markdown)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "BENCHMARKS.md:" in result.stderr and "<!-- suite:begin -->" in result.stderr
    assert markdown.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BENCHMARKS.md", "suite.json"]  # no partial file


def test_the_real_benchmarks_md_has_one_suite_block():
    # bench/run_suite.sh ends by regenerating this block; a lost marker would fail it after a long run.
    text = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    suite_markdown.replace_block(text, "x")
