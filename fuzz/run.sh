#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), one after the other, seeded with the
# shipped scenarios and sweeps and the bad-input catalogue. Corpora grow in BUILD/fuzz-corpus/
# (kept between runs, not committed); a finding is written to BUILD/fuzz-findings/ and fails the
# script. Reproduce one with: BUILD/fuzz_scenario BUILD/fuzz-findings/crash-...
#   bash fuzz/run.sh build-fuzz 60
# Build first: CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DINNOSIM_FUZZ=ON -DINNOSIM_TESTS=OFF
#              cmake --build build-fuzz --target fuzz_scenario fuzz_sweep
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build=$(realpath "$1")
seconds=${2:-60}
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/scenario" "$seeds/sweep" "$build/fuzz-findings"
cp scenarios/*.yaml tests/bad_inputs/*.yaml tests/bad_inputs/include/*.yaml "$seeds/scenario/"
# The sweep fuzzer's base scenario sits next to the sweep file as boltzmann.yaml.
for sweep in scenarios/sweeps/*.yaml tests/bad_inputs/sweeps/*.yaml; do
  [[ -e $sweep ]] || continue
  sed -E 's#^scenario: .*#scenario: boltzmann.yaml#' "$sweep" >"$seeds/sweep/$(basename "$(dirname "$sweep")")-$(basename "$sweep")"
done

status=0
for target in scenario sweep; do
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus"
  echo "== fuzz_$target for $seconds s"
  # Messages and base: paths are resolved against the working directory: run in an empty one.
  work=$(mktemp -d)
  if ! (cd "$work" && "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -dict="$root/fuzz/$target.dict" -artifact_prefix="$build/fuzz-findings/$target-" \
    "$corpus" "$seeds/$target" >"$build/fuzz-$target.log" 2>&1); then
    status=1
    echo "fuzz_$target found a problem; see $build/fuzz-$target.log and $build/fuzz-findings/" >&2
    grep -E "^(==[0-9]+==|SUMMARY|fuzz_)" "$build/fuzz-$target.log" | head -20 >&2 || true
  fi
  rm -rf "$work"
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov: " "$build/fuzz-$target.log" | tail -3
done
exit $status
