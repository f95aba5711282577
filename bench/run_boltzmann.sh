#!/usr/bin/env bash
# Benchmarks the reference model at N = 10^4, 10^5, 10^6 for 100 steps on 1 and 2 threads, writes
# bench/results/<machine>/boltzmann.jsonl and prints a Markdown table. Part of bench/run_suite.sh,
# which puts the table into BENCHMARKS.md.
# Environment (defaults in brackets): MACHINE, THREADS ["1 2"; counts above the cores are skipped],
# BOLTZMANN_AGENTS ["10000 100000 1000000"], BOLTZMANN_STEPS [100], BOLTZMANN_REPEATS [3; the fastest
# run is reported].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare boltzmann
threads=$(bench_threads_that_fit "${THREADS:-1 2}")
for n in ${BOLTZMANN_AGENTS:-10000 100000 1000000}; do
  for t in $threads; do
    build/bench_boltzmann --agents "$n" --steps "${BOLTZMANN_STEPS:-100}" --threads "$t" \
      --repeats "${BOLTZMANN_REPEATS:-3}" | tee -a "$out"
  done
done
/usr/bin/python3 bench/table.py "$out" "$machine"
