#!/usr/bin/env bash
# `innosim reproduce` passes (exit 0) on a fresh run, and fails (exit 5) with a per-dataset report
# on a file whose data or manifest were edited afterwards.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$innosim" run "$source_dir/scenarios/boltzmann.yaml" --quiet --set boltzmann.agents=2000 --set steps=30 \
  --replicates 3 --threads 2 -o "$work/run.h5"

"$innosim" reproduce "$work/run.h5" --threads 1 >"$work/ok.txt"
# Concise by default: the heading and the verdict, no line per identical dataset.
[[ $(wc -l <"$work/ok.txt") -eq 2 ]] || { cat "$work/ok.txt"; echo "expected 2 lines" >&2; exit 1; }
grep -q "^Reproduced: all 10 datasets" "$work/ok.txt"
"$innosim" reproduce "$work/run.h5" --all >"$work/all.txt"
grep -q "identical  /metrics/gini \[3 x 31\]" "$work/all.txt"
grep -q "identical  /agents/agent/wealth" "$work/all.txt"
[[ $("$innosim" reproduce "$work/run.h5" --quiet) == "Reproduced: all 10 datasets of $work/run.h5 are identical to a fresh run." ]]
echo "a fresh run reproduces (concise, --all and --quiet)"

# Tamper with one value of one metric.
cp "$work/run.h5" "$work/tampered.h5"
/usr/bin/python3 - "$work/tampered.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["/metrics/gini"][1, 17] += 0.01
PY
status=0
"$innosim" reproduce "$work/tampered.h5" >"$work/bad.txt" || status=$?
cat "$work/bad.txt"
[[ $status -eq 5 ]] || { echo "expected exit status 5, got $status" >&2; exit 1; }
grep -q "DIFFERENT  /metrics/gini \[3 x 31\]: 1 of 93 values differ; first at \[1, 17\]" "$work/bad.txt"
! grep -q "identical" "$work/bad.txt"
grep -q "^NOT reproduced: 1 of" "$work/bad.txt"
[[ $(wc -l <"$work/bad.txt") -eq 3 ]]
status=0
"$innosim" reproduce "$work/tampered.h5" -q >"$work/quiet.txt" || status=$?
[[ $status -eq 5 && $(cat "$work/quiet.txt") == "NOT reproduced: 1 of 10 datasets differ." ]]
echo "a tampered metric is found and located"

# Tamper with the manifest: the seed no longer matches the scenario text.
cp "$work/run.h5" "$work/manifest.h5"
/usr/bin/python3 - "$work/manifest.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    f["/manifest"].attrs["seed"] = np.int64(7)
PY
status=0
"$innosim" reproduce "$work/manifest.h5" >"$work/manifest.txt" || status=$?
[[ $status -eq 5 ]]
grep -q "PROBLEM    the manifest says seed 7 but its scenario says 42" "$work/manifest.txt"
echo "an edited manifest is reported"

# A file written by another commit still reproduces, with a note saying so first.
cp "$work/run.h5" "$work/other_commit.h5"
/usr/bin/python3 - "$work/other_commit.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["/manifest"].attrs["git_commit"] = "0123abc"
PY
"$innosim" reproduce "$work/other_commit.h5" >"$work/commit.txt"
grep -q "^note: the file was written by innosim .* (commit 0123abc); this is innosim" "$work/commit.txt"
grep -q "^Reproduced: all" "$work/commit.txt"
echo "another commit is named in a note"

status=0
"$innosim" reproduce "$work/nope.h5" 2>"$work/missing.txt" || status=$?
[[ $status -eq 3 ]]
grep -q "no such file" "$work/missing.txt"
echo "a missing file is an output error (exit 3)"
