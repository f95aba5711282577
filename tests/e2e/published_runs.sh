#!/usr/bin/env bash
# CI verifies the small published runs (scenarios/published/*/ with ci: true): each is re-run and
# every dataset's SHA-256 compared with its checksums.sha256. Then a changed checksum is caught and
# named. If a model changed on purpose: scripts/published-run.py record --all --innosim build/innosim
set -euo pipefail
innosim=$1
source_dir=$2
script=$source_dir/scripts/published-run.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "import h5py, yaml" 2>/dev/null || { echo "h5py or yaml missing: skipped"; exit 77; }

/usr/bin/python3 "$script" verify --all --ci-only --innosim "$innosim" | tee "$work/all.txt"
grep -q "^Verifying boltzmann-gini" "$work/all.txt"
if grep -q "NOT verified" "$work/all.txt"; then exit 1; fi
echo "the published runs CI re-runs are verified"

# A copy whose checksum of one dataset was changed fails, naming that dataset only.
cp -r "$source_dir/scenarios/published/boltzmann-gini" "$work/changed"
/usr/bin/python3 - "$work/changed/checksums.sha256" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().splitlines(keepends=True)
index = next(i for i, line in enumerate(lines) if line.rstrip().endswith("  /metrics/gini"))
digest = lines[index][:64]
lines[index] = ("0" if digest[0] != "0" else "1") + lines[index][1:]
open(path, "w").write("".join(lines))
PY
status=0
/usr/bin/python3 "$script" verify "$work/changed" --innosim "$innosim" >"$work/changed.txt" || status=$?
cat "$work/changed.txt"
[[ $status -eq 1 ]] || { echo "expected exit status 1, got $status" >&2; exit 1; }
grep -q "^  DIFFERENT /metrics/gini$" "$work/changed.txt"
grep -q "^  identical /metrics/wealth_max$" "$work/changed.txt"
grep -q "^NOT verified: 1 of" "$work/changed.txt"
echo "a changed checksum is named"

# Recording into the copy restores it; a run.yaml that disagrees with its scenario is refused.
/usr/bin/python3 "$script" record "$work/changed" --innosim "$innosim" >/dev/null
/usr/bin/python3 "$script" verify "$work/changed" --innosim "$innosim" | grep -q "^Verified: all"
grep -q "^commit: " "$work/changed/CITATION.cff"
sed -i 's/^steps: .*/steps: 7/' "$work/changed/run.yaml"
status=0
/usr/bin/python3 "$script" verify "$work/changed" --innosim "$innosim" 2>"$work/refused.txt" || status=$?
[[ $status -eq 2 ]]
grep -q "run.yaml: steps is 7 but .*scenario.yaml says 100" "$work/refused.txt"
echo "record restores the checksums and a mismatched run.yaml is refused"
