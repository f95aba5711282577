# shellcheck shell=bash
# Shared start of the benchmark scripts (sourced).

# bench_setup: goes to the repository root, builds with benchmarks on, and names the machine:
# $machine (MACHINE, or <hostname>-<cores>cores) with its folder bench/results/<machine>/ created.
# The path is taken from this file, not the caller, so scripts run from anywhere.
bench_setup() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || return
  bash scripts/build.sh -DINNOSIM_BENCH=ON >/dev/null
  machine=${MACHINE:-$(hostname)-$(nproc)cores}
  mkdir -p "bench/results/$machine"
}

# bench_prepare NAME: bench_setup, then an empty bench/results/<machine>/NAME.jsonl, whose path it
# leaves in $out.
bench_prepare() {
  bench_setup
  out="bench/results/$machine/$1.jsonl"
  : >"$out"
}

# bench_threads_that_fit "1 2 4 8 16": the counts not above this machine's cores. A benchmark on
# more threads than cores measures time-slicing, not scaling, so those counts are left out (and
# bench/run_suite.sh records them as not measured).
bench_threads_that_fit() {
  local cores fit=() t
  cores=$(nproc)
  for t in $1; do
    if ((t <= cores)); then fit+=("$t"); fi
  done
  echo "${fit[*]}"
}
