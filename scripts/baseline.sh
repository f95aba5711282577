#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, runs the baseline scenario
# (printing where the output is and what the run found), and writes its HTML report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
scenario=${INNOSIM_BASELINE:-scenarios/national.yaml}
name=$(basename "$scenario" .yaml)
mkdir -p results
output="results/$name-$(date -u +%Y%m%d-%H%M%S).h5"
echo "innosim: running $scenario"
build/innosim run "$scenario" -o "$output"

report="${output%.h5}.html"
targets=()
[[ -f scenarios/targets/$name.yaml ]] && targets=(--targets "scenarios/targets/$name.yaml")
/usr/bin/python3 -m analysis report "$output" "${targets[@]}" -o "$report" >/dev/null
echo "innosim: report written to $report (open it in a browser)"
