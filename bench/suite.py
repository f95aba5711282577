"""Runs items 2-6 of the benchmark suite and writes bench/results/<machine>/suite.json.

Called by bench/run_suite.sh, which builds, runs item 1 (bench/run_boltzmann.sh) and resolves the
environment knobs into the options below. Every measurement is one `innosim run` process with
`--profile-json`: the engine reports its own wall time, phase times, output time and agent counts;
this script adds what only the parent can see (the process's wall time and peak RSS).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMAT_VERSION = 1

# Item 4: the extra `innosim run` arguments of each output mode, in the order of the table.
OUTPUT_MODES = {
    "default": [],
    "metrics_only": ["--set", "output.snapshot_every=0", "--set", "output.events=false"],
    "none": ["--no-output"],
}


# ---- the machine and the code ---------------------------------------------------------------------

def cpu_model() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def memory_bytes() -> int | None:
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return None


def machine_info(name: str) -> dict:
    # The load at the start says whether the numbers were taken on a quiet machine (on a shared
    # 2-core machine another build halves them).
    return {"name": name, "hostname": socket.gethostname(), "cpu_model": cpu_model(),
            "cores": len(os.sched_getaffinity(0)), "memory_bytes": memory_bytes(),
            "load_average_at_start": round(os.getloadavg()[0], 2)}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def commit_info() -> dict:
    # What the suite itself writes (results, the BENCHMARKS.md block) does not make the code dirty.
    changes = git("status", "--porcelain", "--", ".", ":!bench/results", ":!BENCHMARKS.md")
    return {"commit": git("rev-parse", "--short", "HEAD"), "has_uncommitted_changes": bool(changes)}


# ---- one measured run -----------------------------------------------------------------------------

def run_measured(args: list[str], log: Path) -> tuple[float, int]:
    """Runs `args` with output to `log`; returns (wall seconds, peak RSS in bytes) of that process.

    os.wait4 gives the resource usage of exactly this child. getrusage(RUSAGE_CHILDREN) would not:
    its ru_maxrss is the largest over every child waited for so far, so after the big run every
    smaller one would report the big one's peak.
    """
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
    if process.returncode != 0:
        sys.exit(f"bench/suite.py: {' '.join(args)} failed (exit {process.returncode}):\n"
                 f"{log.read_text(encoding='utf-8')[-4000:]}")
    return seconds, usage.ru_maxrss * 1024  # Linux reports KiB


def measure(options: argparse.Namespace, label: str, *, steps: int | None, threads: int | None,
            extra: list[str]) -> dict:
    """One `innosim run` of the suite's scenario: the engine's profile plus wall time, peak RSS, file size."""
    scratch = Path(options.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    profile_path, output_path = scratch / f"{label}.profile.json", scratch / f"{label}.h5"
    args = [options.innosim, "run", options.scenario, "--quiet", "--replicates", "1",
            "--profile-json", str(profile_path)]
    if steps is not None:
        args += ["--set", f"steps={steps}"]
    if threads is not None:
        args += ["--threads", str(threads)]
    args += extra if "--no-output" in extra else ["-o", str(output_path), "--force", *extra]
    print(f"bench/suite.py: {label}: {' '.join(args)}", flush=True)
    seconds, peak_rss = run_measured(args, scratch / f"{label}.log")
    profile = json.loads(profile_path.read_text(encoding="utf-8"))
    output_bytes = output_path.stat().st_size if output_path.exists() else None
    for leftover in (profile_path, output_path):  # full-scale outputs are gigabytes
        leftover.unlink(missing_ok=True)
    return {"label": label, "command": " ".join(args[1:]), "threads": profile["threads"],
            "steps": profile["steps"], "process_seconds": seconds, "peak_rss_bytes": peak_rss,
            "output_bytes": output_bytes, "profile": profile}


def per_agent(total: float, agents: int) -> float | None:
    return total / agents if agents else None


# ---- the items ------------------------------------------------------------------------------------

def reference_model(options: argparse.Namespace, cores: int) -> dict:
    """Item 1, measured by bench/run_boltzmann.sh: its JSON lines, plus the thread counts it skipped."""
    lines = Path(options.boltzmann).read_text(encoding="utf-8").splitlines()
    return {"source": options.boltzmann, "rows": [json.loads(line) for line in lines if line.strip()],
            "not_measured": not_measured(options.threads, cores)}


def not_measured(threads: list[int], cores: int) -> list[dict]:
    return [{"threads": t, "reason": f"machine has {cores} cores"} for t in threads if t > cores]


def national(options: argparse.Namespace) -> dict:
    """Item 2: the scenario as shipped (default output, all cores): speed and memory per agent."""
    run = measure(options, "national", steps=options.steps, threads=None, extra=[])
    profile = run["profile"]
    run["bytes_per_agent_at_step_0"] = per_agent(run["peak_rss_bytes"], profile["agents_at_step_0"])
    run["bytes_per_agent_at_peak"] = per_agent(run["peak_rss_bytes"], profile["peak_agents"])
    return run


def fastest_of_each(options: argparse.Namespace, variants: dict[str, dict], repeats: int) -> dict[str, dict]:
    """Runs every variant (label -> measure()'s keyword arguments) `repeats` times, the variants in
    turn, and keeps each one's fastest run, marked with `repeats`.

    The differences measured (a thread more, an output mode) are often no larger than the run-to-run
    noise of a shared machine; taking turns spreads slow spells over all variants.
    """
    best: dict[str, dict] = {}
    for repeat in range(repeats):
        for key, arguments in variants.items():
            run = dict(measure(options, f"{key}-{repeat + 1}", **arguments), repeats=repeats)
            if key not in best or run["process_seconds"] < best[key]["process_seconds"]:
                best[key] = run
    return best


def thread_scaling(options: argparse.Namespace, cores: int) -> dict:
    """Item 3: without an output file, so that the serial HDF5 writes do not hide the scaling."""
    measurable = [t for t in options.threads if t <= cores]
    best = fastest_of_each(options, {f"threads-{t}": {"steps": options.scaling_steps, "threads": t,
                                                      "extra": ["--no-output"]} for t in measurable},
                           options.scaling_repeats)
    rows = [best[f"threads-{t}"] if t <= cores else {"threads": t, "not_measured": f"machine has {cores} cores"}
            for t in options.threads]
    add_speed_ups([row for row in rows if "not_measured" not in row])
    return {"scenario": options.scenario, "rows": rows}


def add_speed_ups(measured: list[dict]) -> None:
    """Speed-up and parallel efficiency against the fewest threads measured (1 unless THREADS omits it)."""
    if not measured:
        return
    base = min(measured, key=lambda row: row["threads"])
    for row in measured:
        row["speed_up"] = base["process_seconds"] / row["process_seconds"]
        row["parallel_efficiency"] = row["speed_up"] * base["threads"] / row["threads"]
        row["speed_up_baseline_threads"] = base["threads"]


def output_overhead(options: argparse.Namespace) -> dict:
    """Item 4: the same run with the full output, metrics only, and no file (fastest of each)."""
    best = fastest_of_each(options, {f"output-{mode}": {"steps": options.output_steps, "threads": None,
                                                        "extra": extra} for mode, extra in OUTPUT_MODES.items()},
                           options.output_repeats)
    rows = [dict(best[f"output-{mode}"], mode=mode) for mode in OUTPUT_MODES]
    bare = rows[-1]["process_seconds"]
    for row in rows:
        row["overhead_vs_none"] = row["process_seconds"] / bare - 1.0
    return {"scenario": options.scenario, "rows": rows}


def phases(national_run: dict) -> dict:
    """Item 5: the phase table of item 2's run (the engine's --profile-json)."""
    profile = national_run["profile"]
    return {"source": "national", "steps": profile["steps"], "threads": profile["threads"],
            "phases": profile["phases"], "phase_seconds_total": profile["phase_seconds_total"],
            "output_seconds": profile["output_seconds"],
            "output_wait_seconds": profile.get("output_wait_seconds", 0.0), "wall_seconds": profile["wall_seconds"]}


def phase_bytes(national_run: dict, machine_threads: int) -> dict:
    """Item 6: the bytes each phase of item 2's run touches per step (bench/phase_bytes.py, from the
    code's column widths and the profile's rows) and the floor they give at the machine's memory
    bandwidth (bench/stream_copy.py, STREAM copy on all cores)."""
    sys.path.insert(0, str(REPO / "bench"))
    import phase_bytes as counting  # noqa: E402 (bench/ is not a package)
    import stream_copy  # noqa: E402
    bandwidth = stream_copy.copy_bandwidth(machine_threads, 512, 5)
    profile = national_run["profile"]
    steps = max(profile["steps"] * profile["replicates"], 1)
    return {"bandwidth": bandwidth,
            "mean_rows": {p["kind"]: p["row_steps"] / steps for p in profile.get("populations", [])},
            "rows": counting.table(profile, bandwidth["bytes_per_second"])}


# ---- the document ---------------------------------------------------------------------------------

def write_json_atomically(path: Path, document: dict) -> None:
    # A suite that dies while writing keeps the previous suite.json, never half of one.
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--threads", type=lambda text: [int(t) for t in text.split()], required=True,
                        help='thread counts, e.g. "1 2 4 8 16"')
    parser.add_argument("--steps", type=int, help="steps of item 2 (default: the scenario's)")
    parser.add_argument("--scaling-steps", type=int, help="steps per run of item 3")
    parser.add_argument("--output-steps", type=int, help="steps per run of item 4")
    parser.add_argument("--scaling-repeats", type=int, default=2,
                        help="item 3: rounds over the thread counts; each keeps its fastest run")
    parser.add_argument("--output-repeats", type=int, default=2,
                        help="item 4: rounds over the three modes; each keeps its fastest run")
    parser.add_argument("--boltzmann", required=True, help="item 1's JSON lines")
    parser.add_argument("--quick", action="store_true", help="QUICK=1: scaled down, not a benchmark")
    parser.add_argument("--innosim", default=str(REPO / "build" / "innosim"))
    parser.add_argument("--scratch", required=True, help="folder for output files and logs")
    parser.add_argument("--out", required=True, help="suite.json to write")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    options = parse_options(argv)
    machine = machine_info(options.machine)
    document = {
        "format": "innosim-bench-suite", "format_version": FORMAT_VERSION,
        "command": "bash bench/run_suite.sh",
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": options.quick,
        "machine": machine, **commit_info(),
        "settings": {"scenario": options.scenario, "threads": options.threads, "steps": options.steps,
                     "scaling_steps": options.scaling_steps, "output_steps": options.output_steps,
                     "scaling_repeats": options.scaling_repeats, "output_repeats": options.output_repeats},
    }
    document["reference_model"] = reference_model(options, machine["cores"])
    document["national"] = national(options)
    document["thread_scaling"] = thread_scaling(options, machine["cores"])
    document["output_overhead"] = output_overhead(options)
    document["phases"] = phases(document["national"])
    document["phase_bytes"] = phase_bytes(document["national"], machine["cores"])
    write_json_atomically(Path(options.out), document)
    print(f"bench/suite.py: wrote {options.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
