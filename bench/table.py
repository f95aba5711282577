"""Turns a benchmark JSON-lines file into the Markdown table kept in BENCHMARKS.md."""
import json
import subprocess
import sys
from datetime import datetime, timezone


def main(path: str, machine: str) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    single = {r["agents"]: r["seconds_best"] for r in rows if r["threads"] == 1}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"\nMachine `{machine}`, commit `{commit}`, {datetime.now(timezone.utc):%Y-%m-%d}:\n")
    # The header names the repeats and steps the rows were run with (run_boltzmann.sh's REPEATS, STEPS).
    repeats, steps = (len(rows[0]["seconds_all"]), rows[0]["steps"]) if rows else (0, 0)
    print(f"| agents | grid | threads | best of {repeats} (s, {steps} steps) | agent-steps/s | per thread | "
          "speed-up vs 1 thread | peak RSS (MiB) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        speedup = single.get(r["agents"], float("nan")) / r["seconds_best"]
        print(f"| {r['agents']:,} | {r['grid']} | {r['threads']} | {r['seconds_best']:.3f} | "
              f"{r['agent_steps_per_second']:.3g} | {r['agent_steps_per_second_per_thread']:.3g} | "
              f"{speedup:.2f}x | {r['peak_rss_mib']:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
