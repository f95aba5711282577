#!/usr/bin/env bash
# Runs the paired policy-effect tests (test cases named "paired: ...") over several seeds: with
# INNOSIM_TEST_SEEDS=N every check_paired_effect repeats its check for seeds 11 .. 11+N-1, each with
# its own replicates, and prints one "paired-effect:" line per seed. Prints, per effect, on how many
# seeds its 95% interval excluded zero in the expected direction (docs/reliability.md, "Policy
# effects over seeds"). On demand, not in CI.
#   scripts/test_multiseed.sh [seeds=10] [build dir=build]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seeds=${1:-10}
build=${2:-build}
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINNOSIM_MPI=OFF >/dev/null
fi
cmake --build "$build" --target test_models -j "${JOBS:-2}" >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The run fails when an effect fails on some seed; the table below is the result.
INNOSIM_TEST_SEEDS=$seeds "$build/test_models" -tc='paired:*' >"$log" 2>&1 || true
echo "Policy effects over $seeds seeds (each: holds / seeds; 95% interval of the paired difference)"
grep -o 'MESSAGE: paired-effect: .*' "$log" | sed 's/^MESSAGE: paired-effect: //' |
  awk -F' [|] ' '{
      k = $1; n[k]++; if ($5 == "holds") h[k]++; else { f[k] = f[k] " " $2 }
      if (!(k in order)) { order[k] = ++count; keys[count] = k }
    }
    END {
      for (i = 1; i <= count; ++i) {
        k = keys[i]
        printf "%2d / %2d  %s%s\n", h[k] + 0, n[k], k, (f[k] == "" ? "" : "   (fails on" f[k] ")")
      }
    }'
grep -E '^\[doctest\] test cases' "$log" || true
