# Shared start of the benchmark scripts (sourced): builds with benchmarks on, and prepares an empty
# bench/results/<machine>/<NAME>.jsonl, whose path it leaves in $out (MACHINE names the machine).
bench_prepare() {
  cd "$(dirname "${BASH_SOURCE[1]}")/.."
  bash scripts/build.sh -DINNOSIM_BENCH=ON >/dev/null
  machine=${MACHINE:-$(hostname)-$(nproc)cores}
  mkdir -p "bench/results/$machine"
  out="bench/results/$machine/$1.jsonl"
  : >"$out"
}
