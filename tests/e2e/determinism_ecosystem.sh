#!/usr/bin/env bash
# The national baseline of the ecosystem model gives identical HDF5 datasets (metrics, panels,
# transition and deal events) on 1 and 2 threads, the manifest's run-specific attributes aside.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$innosim" run "$source_dir/scenarios/national.yaml" --quiet --replicates 2 --set steps=40 --set output.snapshot_every=10 "$@"; }

run --threads 1 -o "$work/one.h5"
run --threads 2 -o "$work/two.h5"
h5diff --exclude-path /manifest "$work/one.h5" "$work/two.h5"
echo "national baseline, 1 vs 2 threads: datasets identical"
