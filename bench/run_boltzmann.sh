#!/usr/bin/env bash
# Benchmarks the reference model at N = 10^4, 10^5, 10^6 for 100 steps on 1 and 2 threads, writes
# bench/results/<machine>/boltzmann.jsonl and prints a Markdown table. Part of bench/run_suite.sh,
# which puts the table into BENCHMARKS.md.
# Environment (defaults in brackets): MACHINE, THREADS ["1 2"; counts above the cores are skipped],
# BOLTZMANN_AGENTS ["10000 100000 1000000"], BOLTZMANN_STEPS [100], BOLTZMANN_REPEATS [runs per row;
# the fastest is reported; by default 10^6 / N, at least 3: 100 at 10^4, whose 100 steps last ~7 ms,
# so that one slow run under load does not decide the 1-vs-2-thread comparison].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_prepare boltzmann
threads=$(bench_threads_that_fit "${THREADS:-1 2}")
for n in ${BOLTZMANN_AGENTS:-10000 100000 1000000}; do
  for t in $threads; do
    build/bench_boltzmann --agents "$n" --steps "${BOLTZMANN_STEPS:-100}" --threads "$t" \
      --repeats "${BOLTZMANN_REPEATS:-$((n >= 333334 ? 3 : 1000000 / n))}" | tee -a "$out"
  done
done
/usr/bin/python3 bench/table.py "$out" "$machine"
