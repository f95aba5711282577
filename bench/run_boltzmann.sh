#!/usr/bin/env bash
# Benchmarks the reference model at N = 10^4, 10^5, 10^6 for 100 steps on 1 and 2 threads (or the
# thread counts in THREADS="1 2 4 8 16"), writes bench/results/<machine>/boltzmann.jsonl and prints
# a Markdown table for BENCHMARKS.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare boltzmann
threads=${THREADS:-"1 2"}
for n in 10000 100000 1000000; do
  for t in $threads; do
    build/bench_boltzmann --agents "$n" --steps 100 --threads "$t" --repeats 3 | tee -a "$out"
  done
done
/usr/bin/python3 bench/table.py "$out" "$machine"
