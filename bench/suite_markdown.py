"""Regenerates the benchmark suite's block of BENCHMARKS.md from a suite.json.

    /usr/bin/python3 bench/suite_markdown.py bench/results/<machine>/suite.json [BENCHMARKS.md]

Only the lines between `<!-- suite:begin -->` and `<!-- suite:end -->` are replaced; every byte
outside them (the marker lines included) is kept, so the hand-written text around the tables is
never touched and the numbers inside are never written by hand. bench/run_suite.sh writes the
suite.json (its keys are described there and in bench/suite.py).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BEGIN = "<!-- suite:begin -->"
END = "<!-- suite:end -->"
NOT_MEASURED = "not measured"


# ---- number formats -------------------------------------------------------------------------------

def seconds(value: float) -> str:
    # Three decimals for the short runs of QUICK=1 and phases, one for minutes-long runs.
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def rate(value: float) -> str:
    return f"{value:.3g}"


def mib(value_bytes: float | None) -> str:
    if value_bytes is None:
        return "–"
    value = value_bytes / 2**20
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def signed_percent(fraction: float) -> str:
    return f"{100 * fraction:+.1f}%"


def table(header: list[str], align: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|",
            *("| " + " | ".join(row) + " |" for row in rows)]


# ---- the sections ---------------------------------------------------------------------------------

def heading(suite: dict) -> list[str]:
    machine = suite["machine"]
    memory = f", {machine['memory_bytes'] / 2**30:.0f} GiB memory" if machine.get("memory_bytes") else ""
    commit = f"`{suite['commit']}`" + (" + uncommitted changes" if suite["has_uncommitted_changes"] else "")
    date = suite["date_utc"].replace("T", " ").replace("Z", " UTC")
    lines = [f"Machine `{machine['name']}` ({machine['cpu_model']}, {machine['cores']} cores{memory}, load "
             f"average {machine['load_average_at_start']} at the start), commit {commit}, {date}; "
             f"`{suite['command']}`, raw results in `bench/results/{machine['name']}/suite.json`."]
    if suite.get("quick"):
        lines += ["", "**QUICK=1: everything scaled down to test the suite; these numbers are not benchmarks.**"]
    return lines


def reference_model_section(section: dict) -> list[str]:
    rows = section["rows"]
    return ["### 1. Reference model (Boltzmann wealth model)", "",
            "`bench/run_boltzmann.sh`: N agents on a sqrt(N) x sqrt(N) torus; the step loop only (set-up "
            "excluded); each row the fastest of its runs (more runs at small N, where a run lasts "
            "milliseconds); peak RSS of the whole process.", "",
            *reference_model_table(section["rows"], section["not_measured"])]


def reference_model_table(rows: list[dict], not_measured: list[dict]) -> list[str]:
    """Item 1's table, also printed by bench/run_boltzmann.sh (bench/table.py)."""
    single = {row["agents"]: row["seconds_best"] for row in rows if row["threads"] == 1}
    steps = rows[0]["steps"] if rows else 0
    body = []
    for row in rows:
        speed_up = f"{single[row['agents']] / row['seconds_best']:.2f}x" if row["agents"] in single else "–"
        # Four significant digits: a 10^4-agent run lasts a few milliseconds.
        body.append([count(row["agents"]), row["grid"], str(row["threads"]), str(len(row["seconds_all"])),
                     f"{row['seconds_best']:.4g}", rate(row["agent_steps_per_second"]),
                     rate(row["agent_steps_per_second_per_thread"]), speed_up, f"{row['peak_rss_mib']:.0f}"])
    for skipped in not_measured:
        body.append(["", "", str(skipped["threads"]), "", f"{NOT_MEASURED}: {skipped['reason']}", "", "", "", ""])
    return table(["agents", "grid", "threads", "runs", f"fastest run (s, {steps} steps)", "agent-steps/s",
                  "per thread", "speed-up vs 1 thread", "peak RSS (MiB)"],
                 ["---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"], body)


def national_section(run: dict, scenario: str) -> list[str]:
    profile = run["profile"]
    row = [str(profile["steps"]), str(profile["threads"]), seconds(run["process_seconds"]),
           rate(profile["agent_steps_per_second"]), count(profile["agents_at_step_0"]),
           count(profile["peak_agents"]), mib(run["peak_rss_bytes"]), count(run["bytes_per_agent_at_step_0"]),
           count(run["bytes_per_agent_at_peak"]), seconds(profile["output_seconds"]),
           seconds(profile.get("output_wait_seconds", 0.0)),
           percent(profile.get("output_wait_seconds", 0.0) / run["process_seconds"])]
    return [f"### 2. `{scenario}`: speed and memory", "",
            "One replicate, the scenario's own output settings, all cores. Wall time is the whole process (scenario loading "
            "and set-up included); agent-steps/s is the engine's (agents alive summed over steps, over "
            "its run time); bytes per agent = peak RSS / agents alive at step 0, and / the most alive "
            "at any step.", "",
            *table(["steps", "threads", "wall (s)", "agent-steps/s", "agents at step 0", "peak agents",
                    "peak RSS (MiB)", "bytes per agent at step 0", "bytes per agent at peak",
                    "HDF5 writer busy (s)", "run waited for it (s)", "waited share of wall"],
                   ["---:"] * 12, [row])]


def repeats_phrase(rows: list[dict], variant: str, variants: str) -> str:
    """How the runs of item 3 or 4 were taken: "one run per mode" or "each mode's fastest of 2 runs, ..."."""
    repeats = rows[0].get("repeats", 1) if rows else 1
    if repeats == 1:
        return f"one run per {variant}"
    return f"each {variant}'s fastest of {repeats} runs, the {variants} run in turn"


def scaling_section(section: dict) -> list[str]:
    body = []
    for row in section["rows"]:
        if "not_measured" in row:
            body.append([str(row["threads"]), "", f"{NOT_MEASURED}: {row['not_measured']}", "", "", ""])
            continue
        body.append([str(row["threads"]), str(row["steps"]), seconds(row["process_seconds"]),
                     rate(row["profile"]["agent_steps_per_second"]), f"{row['speed_up']:.2f}x",
                     percent(row["parallel_efficiency"])])
    measured = [row for row in section["rows"] if "not_measured" not in row]
    return ["### 3. Thread scaling", "",
            f"`{section['scenario']}` without an output file (`--no-output`), one replicate; "
            f"{repeats_phrase(measured, 'thread count', 'counts')}; speed-up and parallel efficiency (speed-up / "
            "threads) against the fewest threads measured.", "",
            *table(["threads", "steps", "wall (s)", "agent-steps/s", "speed-up", "parallel efficiency"],
                   ["---:"] * 6, body),
            *serial_part_lines(measured)]


def phase_ms(row: dict) -> dict[str, float]:
    return {phase["name"]: phase["ms_per_step"] for phase in row["profile"]["phases"]}


def serial_part_lines(measured: list[dict]) -> list[str]:
    """Amdahl's law fitted to the 1- and 2-thread runs' phase times: T(t) = S + P/t gives the serial
    part S = 2 T(2) - T(1) of each phase. Where no more threads could be measured, this says what
    the measured two imply for 16: a projection, printed as one."""
    by_threads = {row["threads"]: row for row in measured}
    if 1 not in by_threads or 2 not in by_threads:
        return []
    one, two = phase_ms(by_threads[1]), phase_ms(by_threads[2])
    serial = {name: max(0.0, 2 * two[name] - one[name]) for name in one if name in two}
    total_one = sum(one.values())
    total_serial = min(total_one, sum(serial.values()))
    if total_one <= 0:
        return []
    fraction = total_serial / total_one
    speed_up_16 = 1 / (fraction + (1 - fraction) / 16)
    largest = sorted(serial.items(), key=lambda item: -item[1])[:3]
    return ["", f"*Serial part, from these two runs* (a projection, not a measurement): fitting T(t) = S + P/t "
            f"to each phase's ms per step on 1 and 2 threads gives S = {total_serial:,.1f} of "
            f"{total_one:,.1f} ms per step on 1 thread ({percent(fraction)}); largest in "
            + ", ".join(f"`{name}` {ms:,.1f}" for name, ms in largest)
            + f". If S stayed serial and P scaled perfectly, 16 threads would run at most {speed_up_16:.1f}x "
            f"faster than 1 ({percent(speed_up_16 / 16)} parallel efficiency). S = 2 T(2) - T(1) carries twice "
            "the noise of T(2): on a shared machine, repeat the runs (SCALING_REPEATS) before reading much into it."]


OUTPUT_MODE_NAMES = {
    "default": "default (metrics, snapshots, events)",
    "metrics_only": "metrics only (`output.snapshot_every=0`, `output.events=false`)",
    "none": "none (`--no-output`)",
}


def output_section(section: dict) -> list[str]:
    body = [[OUTPUT_MODE_NAMES.get(row["mode"], row["mode"]), str(row["steps"]), seconds(row["process_seconds"]),
             seconds(row["profile"]["output_seconds"]), seconds(row["profile"].get("output_wait_seconds", 0.0)),
             percent(row["profile"].get("output_wait_seconds", 0.0) / row["process_seconds"]),
             signed_percent(row["overhead_vs_none"]), mib(row["output_bytes"]), mib(row["peak_rss_bytes"])]
            for row in section["rows"]]
    return ["### 4. HDF5 output overhead", "",
            f"`{section['scenario']}`, one replicate, all cores; {repeats_phrase(section['rows'], 'mode', 'modes')}. "
            "The HDF5 writer runs on a background thread while the next steps compute: *writer "
            "busy* is its time, *run waited* the time the steps waited for it; *wall vs none* compares the "
            "whole process with the run that writes no file.", "",
            *table(["output", "steps", "wall (s)", "writer busy (s)", "run waited (s)", "waited share of wall",
                    "wall vs none", "file (MiB)", "peak RSS (MiB)"],
                   ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"], body)]


def phases_section(section: dict) -> list[str]:
    body = [[f"`{phase['name']}`", seconds(phase["seconds"]), percent(phase["share"]),
             seconds(phase["ms_per_step"])] for phase in section["phases"]]
    body += [["all phases", seconds(section["phase_seconds_total"]), percent(1.0),
              seconds(sum(phase["ms_per_step"] for phase in section["phases"]))],
             ["output (HDF5, background thread)", seconds(section["output_seconds"]), "", ""],
             ["waiting for output", seconds(section.get("output_wait_seconds", 0.0)), "", ""],
             ["wall time (engine)", seconds(section["wall_seconds"]), "", ""]]
    return ["### 5. Time per phase of a step", "",
            f"Run 2 (`innosim run --profile-json`; {section['steps']} steps, {section['threads']} threads), "
            "phases in the order a step runs them; share of the time in phases.", "",
            *table(["phase", "seconds", "share", "ms per step"], ["---", "---:", "---:", "---:"], body)]


def phase_bytes_section(section: dict) -> list[str]:
    bandwidth = section["bandwidth"]
    mean_rows = ", ".join(f"{kind} {count(rows)}" for kind, rows in section["mean_rows"].items())
    body = []
    for row in sorted(section["rows"], key=lambda r: -r["ms_per_step"]):
        if row["ms_per_step"] < 1.0:
            continue
        per_row = ", ".join(f"{kind} {width}" for kind, width in sorted(row["bytes_per_row"].items()))
        floor = row["floor_ms"]
        body.append([f"`{row['phase']}`", str(row["columns"]), per_row, f"{row['bytes_per_step'] / 1e6:,.1f}",
                     seconds(row["ms_per_step"]), seconds(floor),
                     f"{row['ms_per_step'] / floor:,.0f}x" if floor else ""])
    return ["### 6. Bytes per phase and the bandwidth floor", "",
            "Phases of item 5 taking at least 1 ms a step. *Bytes per row*: the widths of the columns the "
            "phase's code names (`bench/phase_bytes.py` reads them from models/ecosystem), by population; "
            "*MB per step*: those widths x the population's mean rows per step in item 2's run (one pass "
            "over every row of each column: an estimate of the traffic, not a measurement). *Floor*: those "
            "bytes at the measured bandwidth, "
            f"{bandwidth['bytes_per_second'] / 1e9:,.1f} GB/s (`bench/stream_copy.py`: STREAM copy, "
            f"{bandwidth['threads']} threads, 2 x {bandwidth['array_mib']} MiB, best of {bandwidth['repeats']}). "
            f"Mean rows per step: {mean_rows}.", "",
            *table(["phase", "columns named", "bytes per row", "MB per step", "ms per step", "floor (ms)",
                    "measured / floor"], ["---", "---:", "---", "---:", "---:", "---:", "---:"], body)]


def render(suite: dict) -> str:
    """The Markdown that goes between the markers (without them)."""
    scenario = suite["settings"]["scenario"]
    sections = [
        [f"<!-- Generated by bench/suite_markdown.py from bench/results/{suite['machine']['name']}/suite.json; "
         "do not edit: run `bash bench/run_suite.sh`. -->"],
        heading(suite),
        reference_model_section(suite["reference_model"]),
        national_section(suite["national"], scenario),
        scaling_section(suite["thread_scaling"]),
        output_section(suite["output_overhead"]),
        phases_section(suite["phases"]),
    ]
    if "phase_bytes" in suite:  # suites from before item 6
        sections.append(phase_bytes_section(suite["phase_bytes"]))
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


# ---- the file -------------------------------------------------------------------------------------

def replace_block(text: str, block: str, name: str = "BENCHMARKS.md") -> str:
    """`text` with the lines between the markers replaced by `block`; everything else kept byte for byte."""
    begins, ends = text.count(BEGIN), text.count(END)
    if begins != 1 or ends != 1:
        raise ValueError(f"{name}: expected one '{BEGIN}' and one '{END}' line, found {begins} and {ends}; "
                         "put the two markers where the suite's tables belong")
    begin, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    if end < begin:
        raise ValueError(f"{name}: '{END}' comes before '{BEGIN}'")
    return text[:begin] + "\n" + block.rstrip("\n") + "\n" + text[end:]


def update_file(suite_path: Path, markdown_path: Path) -> None:
    suite = json.loads(suite_path.read_text(encoding="utf-8"))
    text = markdown_path.read_text(encoding="utf-8")
    updated = replace_block(text, render(suite), markdown_path.name)
    # Written beside and renamed, so an interrupted update never leaves half a BENCHMARKS.md.
    partial = markdown_path.with_name(f"{markdown_path.name}.partial-{os.getpid()}")
    partial.write_text(updated, encoding="utf-8")
    os.replace(partial, markdown_path)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        update_file(Path(argv[0]), Path(argv[1] if len(argv) == 2 else "BENCHMARKS.md"))
    except KeyError as error:
        print(f"bench/suite_markdown.py: {argv[0]} has no key {error}; was it written by bench/suite.py?",
              file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"bench/suite_markdown.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
