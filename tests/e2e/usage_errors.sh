#!/usr/bin/env bash
# Frictions a new user hit (issue 17, item 6): usage errors exit 2 like other bad input, with
# did-you-mean for commands, files and --set keys; -o creates missing folders (one rule for run,
# sweep, design and the analysis report); `innosim analysis` works from any folder.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

# expect STATUS MESSAGE ARGS...: innosim ARGS exits STATUS and prints MESSAGE (a fixed string) on stderr.
expect() {
  local want=$1 message=$2 status=0
  shift 2
  (cd "$source_dir" && "$innosim" "$@") >"$work/out.txt" 2>"$work/err.txt" || status=$?
  [[ $status -eq $want ]] || fail "innosim $* exited $status, expected $want: $(cat "$work/err.txt")"
  grep -qF -- "$message" "$work/err.txt" || fail "innosim $*: expected '$message', got: $(cat "$work/err.txt")"
}
expect 2 "no such file 'scenarios/nanhsa.yaml'; did you mean 'scenarios/nansha.yaml'?" run scenarios/nanhsa.yaml
expect 2 "no such file 'scenarios/nanhsa.yaml'; did you mean 'scenarios/nansha.yaml'?" check scenarios/nanhsa.yaml
expect 2 "(there is no folder 'scenarios/nope')" run scenarios/nope/x.yaml
expect 2 "'scenarios' is a folder, not a file" check scenarios
expect 2 "no such file 'scenarios/sweeps/boltzman_sobol.yaml'; did you mean 'scenarios/sweeps/boltzmann_sobol.yaml'?" \
  sweep scenarios/sweeps/boltzman_sobol.yaml --plan
expect 2 "unknown command 'rnu'; did you mean 'run'?" rnu scenarios/nansha.yaml
expect 2 "unknown command 'reproduec'; did you mean 'reproduce'?" reproduec x.h5
expect 2 "The following argument was not expected: --bogus" run scenarios/boltzmann.yaml --bogus
expect 2 "scenario is required" run
expect 2 "unknown key 'smes' in the scenario root; did you mean 'ecosystem.smes'?" \
  check scenarios/nansha.yaml --set smes=2000
(cd "$source_dir" && "$innosim" --help) | grep -qF "2 bad input (scenario, --set, a missing file, an unknown command" ||
  fail "--help does not document exit status 2 for usage errors"
echo "usage errors exit 2 with a suggestion"

# -o creates missing folders, for every command that writes one file or folder.
small=(--quiet --set boltzmann.agents=500 --set steps=5)
"$innosim" run "$source_dir/scenarios/boltzmann.yaml" "${small[@]}" -o "$work/new/deeper/run.h5"
[[ -f $work/new/deeper/run.h5 ]] || fail "run -o did not create the missing folders"
"$innosim" design lhs --parameters 2 --points 3 -o "$work/designs/a/d.csv"
[[ -f $work/designs/a/d.csv ]] || fail "design -o did not create the missing folders"
"$innosim" reproduce "$work/new/deeper/run.h5" -q -o "$work/rerun/x/run.h5" >/dev/null
[[ -f $work/rerun/x/run.h5 ]] || fail "reproduce -o did not create the missing folders"
echo "-o creates missing folders"

# `innosim analysis` runs the Python package from any working folder (python3 -m analysis needs the
# repository root), and passes its arguments and exit status through.
mkdir -p "$work/elsewhere"
(cd "$work/elsewhere" && "$innosim" analysis summary "$work/new/deeper/run.h5") >"$work/summary.txt" ||
  fail "innosim analysis summary failed outside the repository"
grep -q "^gini " "$work/summary.txt" || fail "no gini row in: $(cat "$work/summary.txt")"
(cd "$work/elsewhere" && "$innosim" analysis --help) | grep -q "sensitivity" || fail "analysis --help"
(cd "$work/elsewhere" && "$innosim" analysis report "$work/new/deeper/run.h5" -o "$work/reports/a/r.html") >/dev/null ||
  fail "innosim analysis report -o into a missing folder failed"
[[ -f $work/reports/a/r.html ]] || fail "report -o did not create the missing folders"
status=0
(cd "$work/elsewhere" && "$innosim" analysis summary "$work/missing.h5") 2>"$work/err.txt" || status=$?
[[ $status -ne 0 ]] || fail "a missing file given to innosim analysis exited 0"
echo "innosim analysis works outside the repository"
