#!/usr/bin/env bash
# Same scenario + seed on 1 and 2 threads gives identical HDF5 datasets (h5diff, the manifest's
# run-specific attributes aside); a different seed gives different ones, so the comparison can fail.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$innosim" run "$source_dir/scenarios/boltzmann.yaml" --quiet --set boltzmann.agents=30000 --set steps=40 "$@"; }

run --threads 1 -o "$work/one.h5"
run --threads 2 -o "$work/two.h5"
run --threads 2 --seed 43 -o "$work/other_seed.h5"

h5diff --exclude-path /manifest "$work/one.h5" "$work/two.h5"
echo "1 vs 2 threads: datasets identical"

sha() { h5dump -a /manifest/scenario_sha256 "$1" | grep -o '"[0-9a-f]\{64\}"'; }
[[ $(sha "$work/one.h5") == $(sha "$work/two.h5") ]] || { echo "scenario hashes differ" >&2; exit 1; }

if h5diff -q --exclude-path /manifest "$work/one.h5" "$work/other_seed.h5"; then
  echo "a different seed gave identical datasets: the comparison cannot detect differences" >&2
  exit 1
fi
echo "seed 42 vs 43: datasets differ, as they must"
