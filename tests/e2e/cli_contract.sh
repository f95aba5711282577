#!/usr/bin/env bash
# The command line keeps its promises: an existing output is never replaced without --force, a
# failed run leaves no file behind, bad input exits 2 with file:line:column, `check`, `schema`
# and `inspect` work.
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
echo "CLI contract holds"
