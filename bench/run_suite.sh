#!/usr/bin/env bash
# The benchmark suite in one command (issue 7):
#
#   bash bench/run_suite.sh
#
# measures on this machine
#   1. the reference model: agent-steps/s at N = 10^4, 10^5, 10^6 (bench/run_boltzmann.sh);
#   2. SCENARIO as shipped (default output, all cores): wall time, agent-steps/s, peak RSS, bytes per
#      agent at step 0 and at the peak agent count;
#   3. thread scaling on SCENARIO without an output file: speed-up and parallel efficiency;
#   4. HDF5 output overhead on SCENARIO: default output vs metrics only vs no file;
#   5. time per phase of a step, from run 2 (`innosim run --profile-json`);
# writes bench/results/<machine>/suite.json (one JSON document; item 1's raw lines stay in
# boltzmann.jsonl beside it) and regenerates the block between <!-- suite:begin --> and
# <!-- suite:end --> in BENCHMARKS.md (bench/suite_markdown.py; never edit that block by hand).
# At full length on 2 cores it takes about 40 minutes (one national_full run is about 6.5).
#
# Environment (defaults in brackets):
#   MACHINE        name of the results folder [<hostname>-<cores>cores]
#   THREADS        thread counts of items 1 and 3 ["1 2 4 8 16"]; counts above the machine's cores
#                  are not run and are recorded as "not measured: machine has N cores"
#   SCENARIO       the large scenario of items 2-5 [scenarios/national_full.yaml]
#   STEPS          steps of run 2 [the scenario's]
#   SCALING_STEPS  steps of each run of item 3 [the scenario's]; e.g. 40 for a shorter suite
#   OUTPUT_STEPS   steps of each run of item 4 [the scenario's]; e.g. 40 for a shorter suite
#   SCALING_REPEATS rounds of item 3's runs, each thread count keeping its fastest [2]
#   OUTPUT_REPEATS rounds of item 4's three runs, each mode keeping its fastest [2]
#   QUICK=1        scale everything down (scenarios/national.yaml, a few steps, N <= 10^5, one
#                  repeat) to test the suite in a minute or two; its numbers are not benchmarks and
#                  the generated block says so
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_setup  # now at the repository root, with $machine

threads=${THREADS:-1 2 4 8 16}
quick_flag=()
if [[ ${QUICK:-0} == 1 ]]; then
  quick_flag=(--quick)
  : "${SCENARIO:=scenarios/national.yaml}" "${STEPS:=8}" "${SCALING_STEPS:=4}" "${OUTPUT_STEPS:=4}" \
    "${SCALING_REPEATS:=1}" "${OUTPUT_REPEATS:=1}"
  boltzmann_env=(BOLTZMANN_AGENTS="10000 100000" BOLTZMANN_STEPS=10 BOLTZMANN_REPEATS=1)
else
  boltzmann_env=()
fi
scenario=${SCENARIO:-scenarios/national_full.yaml}

# Item 1. THREADS is passed on; run_boltzmann.sh skips the counts above the cores itself.
env MACHINE="$machine" THREADS="$threads" "${boltzmann_env[@]}" bash bench/run_boltzmann.sh

# Items 2-5. Output files go to a scratch folder under build/ (ignored by git) and are deleted
# after each run: a full-scale output is gigabytes.
steps_flags=()
[[ -n ${STEPS:-} ]] && steps_flags+=(--steps "$STEPS")
[[ -n ${SCALING_STEPS:-} ]] && steps_flags+=(--scaling-steps "$SCALING_STEPS")
[[ -n ${OUTPUT_STEPS:-} ]] && steps_flags+=(--output-steps "$OUTPUT_STEPS")
[[ -n ${SCALING_REPEATS:-} ]] && steps_flags+=(--scaling-repeats "$SCALING_REPEATS")
[[ -n ${OUTPUT_REPEATS:-} ]] && steps_flags+=(--output-repeats "$OUTPUT_REPEATS")
results="bench/results/$machine"
/usr/bin/python3 bench/suite.py --machine "$machine" --scenario "$scenario" --threads "$threads" \
  "${steps_flags[@]}" "${quick_flag[@]}" --boltzmann "$results/boltzmann.jsonl" \
  --scratch build/bench-suite --out "$results/suite.json"

/usr/bin/python3 bench/suite_markdown.py "$results/suite.json" BENCHMARKS.md
echo "bench/run_suite.sh: wrote $results/suite.json and the suite block of BENCHMARKS.md"
