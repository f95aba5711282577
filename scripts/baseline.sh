#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and runs the baseline
# scenario, printing where the output is and what the run found.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
scenario=${INNOSIM_BASELINE:-scenarios/boltzmann.yaml}
mkdir -p results
output="results/$(basename "$scenario" .yaml)-$(date -u +%Y%m%d-%H%M%S).h5"
echo "innosim: running $scenario"
build/innosim run "$scenario" -o "$output"
