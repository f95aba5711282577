#!/usr/bin/env bash
# Mutation harness (on demand, not in CI): applies each mutant of tests/mutation/mutants.txt, one at a
# time, to a scratch git worktree of HEAD, rebuilds test_models incrementally (ccache), runs the test
# expected to kill it, reports killed / survived, and restores the file.
#   tests/mutation/run.sh [mutant id ...]      (none: all)
# MUTATION_DIR: the scratch worktree (default /tmp/innosim-mutation-<user>); JOBS: build jobs (2).
# A mutant whose build fails counts as killed (by the compiler). Prints a Markdown table.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mutants="$root/tests/mutation/mutants.txt"
scratch=${MUTATION_DIR:-/tmp/innosim-mutation-$(id -un)}
jobs=${JOBS:-2}
if [[ ! -e "$scratch/.git" ]]; then
  git -C "$root" worktree add --detach "$scratch" HEAD >/dev/null
else
  git -C "$scratch" checkout --detach -q "$(git -C "$root" rev-parse HEAD)"
  git -C "$scratch" reset -q --hard
fi
export CCACHE_BASEDIR="$scratch"
if [[ ! -f "$scratch/build/build.ninja" ]]; then
  cmake -S "$scratch" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINNOSIM_MPI=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
echo "building the unmutated tree in $scratch ..." >&2
cmake --build "$scratch/build" --target test_models -j "$jobs" >/dev/null

apply() {  # file original replacement: replaces the one occurrence, or fails
  python3 - "$@" <<'PY'
import sys
path, original, replacement = sys.argv[1], sys.argv[2], sys.argv[3]
unescape = lambda s: s.replace("\\n", "\n").replace("\\t", "\t")
original, replacement = unescape(original), unescape(replacement)
text = open(path).read()
if text.count(original) != 1:
    sys.exit(f"{path}: the original text occurs {text.count(original)} times")
open(path, "w").write(text.replace(original, replacement))
PY
}

echo "| mutant | file | expected test | result |"
echo "|---|---|---|---|"
killed=0
total=0
while IFS=$'\t' read -r id file original replacement test; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  if [[ $# -gt 0 && " $* " != *" $id "* ]]; then continue; fi
  total=$((total + 1))
  if ! apply "$scratch/$file" "$original" "$replacement"; then
    echo "| $id | $file | $test | not applied |"
    continue
  fi
  if ! cmake --build "$scratch/build" --target test_models -j "$jobs" >"$scratch/build/mutant.log" 2>&1; then
    result="killed (does not build)"
  elif "$scratch/build/test_models" -tc="$test" >"$scratch/build/mutant-test.log" 2>&1; then
    result="**survived**"
  else
    result="killed ($(grep -c 'ERROR:' "$scratch/build/mutant-test.log" || true) failed checks)"
  fi
  [[ "$result" == killed* ]] && killed=$((killed + 1))
  git -C "$scratch" checkout -q -- "$file"
  echo "| $id | $file | $test | $result |"
done <"$mutants"
# Leave the scratch tree's build unmutated.
cmake --build "$scratch/build" --target test_models -j "$jobs" >/dev/null
echo
echo "$killed of $total mutants killed."
