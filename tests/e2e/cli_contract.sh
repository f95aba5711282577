#!/usr/bin/env bash
# The command line keeps its promises: an existing output is never replaced without --force, a
# failed run leaves no file behind, bad input exits 2 with file:line:column, `check`, `schema`,
# `inspect` and `design` work.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scenario="$source_dir/scenarios/boltzmann.yaml"
small=(--quiet --set boltzmann.agents=500 --set steps=5)
fail() { echo "FAILED: $*" >&2; exit 1; }

"$innosim" run "$scenario" "${small[@]}" -o "$work/out.h5"
[[ -f $work/out.h5 && ! -e $work/out.h5.partial ]] || fail "output not committed atomically"
before=$(sha256sum "$work/out.h5")

set +e
"$innosim" run "$scenario" "${small[@]}" -o "$work/out.h5" 2>"$work/err.txt"
status=$?
set -e
[[ $status -eq 3 ]] || fail "re-running onto an existing output exited $status, expected 3"
grep -q "already exists; use --force" "$work/err.txt" || fail "no --force hint: $(cat "$work/err.txt")"
[[ $(sha256sum "$work/out.h5") == "$before" ]] || fail "existing output was changed without --force"

"$innosim" run "$scenario" "${small[@]}" --seed 7 -o "$work/out.h5" --force
[[ $(sha256sum "$work/out.h5") != "$before" ]] || fail "--force did not replace the output"

printf 'model: boltzmann\nboltzmann:\n  agnts: 5\n' >"$work/typo.yaml"
set +e
"$innosim" run "$work/typo.yaml" -o "$work/typo.h5" 2>"$work/err.txt"
status=$?
set -e
[[ $status -eq 2 ]] || fail "a typo exited $status, expected 2"
grep -qF "typo.yaml:3:3: unknown key 'agnts' in 'boltzmann'; did you mean 'agents'?" "$work/err.txt" ||
  fail "unexpected message: $(cat "$work/err.txt")"
[[ ! -e $work/typo.h5 && ! -e $work/typo.h5.partial ]] || fail "bad input left an output file"

"$innosim" check "$scenario" | grep -q "OK" || fail "check did not accept the shipped scenario"
# grep without -q reads the whole reference: -q would stop early and, under pipefail, fail the
# pipeline with SIGPIPE once the reference is longer than a pipe buffer.
"$innosim" schema | grep "boltzmann.agents" >/dev/null || fail "schema reference lacks boltzmann.agents"
"$innosim" schema --json | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' || fail "schema --json is not JSON"
"$innosim" inspect "$work/out.h5" | grep -q "gini" || fail "inspect does not list the gini metric"

# `design` prints the unit-cube rows a sweep runs; bad values exit 2 and write nothing.
[[ $("$innosim" design sobol --parameters 3 --points 4 --seed 1 | wc -l) -eq 21 ]] ||
  fail "design sobol: expected a header and 4*(3+2) rows"
"$innosim" design morris --parameters 2 --points 3 -o "$work/design.csv"
[[ $(head -1 "$work/design.csv") == "x0,x1" && $(wc -l <"$work/design.csv") -eq 10 ]] ||
  fail "design morris -o: unexpected file: $(head -3 "$work/design.csv")"
for bad in "morris --parameters 2 --points 3 --levels 5" "sobol --parameters 21 --points 4" \
  "lhs --parameters 2 --points 0"; do
  set +e
  # shellcheck disable=SC2086 # the arguments split on purpose
  "$innosim" design $bad -o "$work/bad.csv" 2>"$work/err.txt"
  status=$?
  set -e
  [[ $status -eq 2 ]] || fail "design $bad exited $status, expected 2"
  [[ ! -e $work/bad.csv ]] || fail "design $bad wrote a file"
done
set +e
"$innosim" design lhs --parameters 2 --points 3 -o "$work/design.csv" 2>"$work/err.txt"
status=$?
set -e
[[ $status -eq 3 ]] || fail "design onto an existing file exited $status, expected 3"
[[ $(wc -l <"$work/design.csv") -eq 10 ]] || fail "design replaced a file without --force"
echo "CLI contract holds"
