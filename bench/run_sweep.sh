#!/usr/bin/env bash
# Sweep benchmark: runs per minute of a small Boltzmann sweep (40 points x 2 replicates, 1,000
# agents, 100 steps) and the overhead of `innosim sweep`'s machinery over the same runs done bare,
# on 1 and 2 threads (or THREADS="1 2 4"); writes bench/results/<machine>/sweep.jsonl and prints a
# Markdown table for the "Sweeps" section of BENCHMARKS.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare sweep
threads=${THREADS:-"1 2"}
for t in $threads; do
  build/bench_sweep --points 40 --agents 1000 --steps 100 --replicates 2 --threads "$t" --repeats 3 | tee -a "$out"
done
/usr/bin/python3 - "$out" "$machine" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print(f"\nMachine `{sys.argv[2]}`:\n")
print("| points x replicates | agents | steps | threads | bare runs (s) | sweep (s) | runs/min | sweep overhead | planning (s) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['points']} x {r['replicates']} | {r['agents']:,} | {r['steps']} | {r['threads']} | {r['bare_seconds']:.2f} | "
          f"{r['sweep_seconds']:.2f} | {r['runs_per_minute']:.0f} | {r['overhead_percent']:+.1f}% | {r['plan_seconds']:.2f} |")
PY
