#!/usr/bin/env bash
# Every shipped scenario (scenarios/*.yaml, policy variants, the planning walkthrough's mixes)
# passes `innosim check`, and every shipped sweep passes `innosim sweep --plan`.
set -euo pipefail
innosim=$1
source_dir=$2
count=0
for scenario in "$source_dir"/scenarios/*.yaml "$source_dir"/scenarios/{policies,planning}/*.yaml; do
  "$innosim" check "$scenario" >/dev/null || { echo "FAILED: innosim check $scenario" >&2; exit 1; }
  count=$((count + 1))
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for sweep in "$source_dir"/scenarios/sweeps/*.yaml; do
  "$innosim" sweep "$sweep" -o "$work/$(basename "$sweep" .yaml)" --plan >/dev/null ||
    { echo "FAILED: innosim sweep --plan $sweep" >&2; exit 1; }
  count=$((count + 1))
done
echo "$count shipped scenarios and sweeps are valid"
