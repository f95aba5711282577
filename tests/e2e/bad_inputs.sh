#!/usr/bin/env bash
# The bad-input catalogue (tests/bad_inputs/, see its README.md): every case is refused with exit
# status 2 and exactly its expected message (file:line:column first, one screen at most), by both
# `innosim check` and `innosim run`, and `run` writes nothing: no file at a new -o path, and an
# existing file given with --force is left byte for byte as it was. Sweep cases
# (tests/bad_inputs/sweeps/) go through `innosim sweep` and must not create the output folder.
#
# Adding a case: NAME.yaml, optionally NAME.args (extra arguments, one per line), and
# NAME.expected. To write NAME.expected from what innosim prints now (then read it!):
#   REGENERATE=1 bash tests/e2e/bad_inputs.sh build/innosim .
# In NAME.expected, <ANY> matches any text on its line (for amounts that depend on the machine).
set -euo pipefail
innosim=$(realpath "$1")
source_dir=$(realpath "$2")
catalogue="$source_dir/tests/bad_inputs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}
# Every case runs with at most 32 GiB of address space, so that the absurd-size case is refused
# on any machine, however much memory it has.
address_space_kib=33554432
max_lines=25 # one screen

# stderr of `innosim ARGS...` run in the case's folder; sets $status.
run_case() {
  local folder=$1
  shift
  set +e
  (cd "$folder" && ulimit -v "$address_space_kib" && "$innosim" "$@") >"$work/stdout.txt" 2>"$work/stderr.txt"
  status=$?
  set -e
}

# Compares $work/stderr.txt with an expected file in which <ANY> matches any text.
matches_expected() {
  /usr/bin/python3 - "$1" "$work/stderr.txt" <<'EOF'
import re, sys
expected = open(sys.argv[1], encoding="utf-8").read().splitlines()
actual = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
pattern = lambda line: "^" + ".*".join(re.escape(part) for part in line.split("<ANY>")) + "$"
ok = len(expected) == len(actual) and all(re.match(pattern(e), a) for e, a in zip(expected, actual))
sys.exit(0 if ok else 1)
EOF
}

check_message() {
  local name=$1 expected=$2 what=$3
  if [[ ${REGENERATE:-0} == 1 && $what == run ]]; then cp "$work/stderr.txt" "$expected"; fi
  [[ $status -eq 2 ]] || fail "$name ($what): exit status $status, expected 2; stderr: $(head -c 2000 "$work/stderr.txt")"
  [[ -f $expected ]] || { fail "$name: no $(basename "$expected")"; return; }
  matches_expected "$expected" ||
    fail "$name ($what): message differs from $(basename "$expected"):
--- expected
$(cat "$expected")
--- got
$(head -c 4000 "$work/stderr.txt")"
  local lines
  lines=$(wc -l <"$work/stderr.txt")
  [[ $lines -ge 1 && $lines -le $max_lines ]] || fail "$name ($what): $lines lines of messages, expected 1 to $max_lines"
  # Each line starts with where: file:line:column, or the --set option that was wrong.
  if grep -vqE '^([^:]+:[0-9]+:[0-9]+|--set [^:]+): ' "$work/stderr.txt"; then
    fail "$name ($what): a line without file:line:column: $(grep -vE '^([^:]+:[0-9]+:[0-9]+|--set [^:]+): ' "$work/stderr.txt" | head -1)"
  fi
}

# A valid output, to check that a bad input given with --force leaves it untouched.
"$innosim" run "$source_dir/scenarios/boltzmann.yaml" --quiet --set boltzmann.agents=200 --set steps=3 \
  -o "$work/existing.h5"
existing_sha=$(sha256sum <"$work/existing.h5")

cases=0
for scenario in "$catalogue"/*.yaml; do
  name=$(basename "$scenario" .yaml)
  expected="$catalogue/$name.expected"
  args=()
  if [[ -f $catalogue/$name.args ]]; then mapfile -t args <"$catalogue/$name.args"; fi
  cases=$((cases + 1))

  run_case "$catalogue" run "$name.yaml" "${args[@]}" --quiet -o "$work/new.h5"
  check_message "$name" "$expected" run
  [[ ! -e $work/new.h5 && ! -e $work/new.h5.partial ]] || fail "$name: run created an output file"
  rm -f "$work/new.h5" "$work/new.h5.partial"

  run_case "$catalogue" run "$name.yaml" "${args[@]}" --quiet --force -o "$work/existing.h5"
  check_message "$name" "$expected" "run --force"
  [[ $(sha256sum <"$work/existing.h5") == "$existing_sha" ]] || fail "$name: run --force changed an existing output"
  [[ ! -e $work/existing.h5.partial ]] || fail "$name: run --force left a partial file"

  run_case "$catalogue" check "$name.yaml" "${args[@]}"
  check_message "$name" "$expected" check
done

for sweep in "$catalogue"/sweeps/*.yaml; do
  [[ -e $sweep ]] || continue
  name=sweeps/$(basename "$sweep" .yaml)
  cases=$((cases + 1))
  run_case "$catalogue/sweeps" sweep "$(basename "$sweep")" --quiet -o "$work/sweep-out"
  check_message "$name" "$catalogue/$name.expected" run
  [[ ! -e $work/sweep-out ]] || fail "$name: sweep created its output folder"
  rm -rf "$work/sweep-out"
done

# Every expectation belongs to a case (a renamed case must not leave its old expectation behind).
for expected in "$catalogue"/*.expected "$catalogue"/sweeps/*.expected; do
  [[ -e $expected ]] || continue
  [[ -f ${expected%.expected}.yaml ]] || fail "$(basename "$expected") has no case"
done

[[ $cases -ge 40 ]] || fail "only $cases cases found in $catalogue"
if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s) in $cases bad-input cases" >&2
  exit 1
fi
echo "all $cases bad-input cases refused with their expected messages, nothing written"
