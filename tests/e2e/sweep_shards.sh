#!/usr/bin/env bash
# A sweep split with --shard 0/2 and 1/2 into one folder gives the same point files and the same
# index as the unsharded sweep, on other thread counts too; sweep.h5 appears only when the last
# shard finishes (a list design too). Also: the index has the layout the analysis package reads.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/sweep.yaml" <<YAML
scenario: $source_dir/scenarios/boltzmann.yaml
design: lhs
seed: 5
points: 7
replicates: 2
set: {steps: 15, output.snapshot_every: 5, boltzmann.agents: 400}
parameters:
  boltzmann.width: {min: 5, max: 25}
  boltzmann.height: {min: 5, max: 25}
YAML

"$innosim" sweep "$work/sweep.yaml" --plan >"$work/plan.txt"
grep -q "lhs design, seed 5, 7 points x 2 replicates" "$work/plan.txt"
[[ ! -e "$work/whole" ]] || { echo "--plan wrote output" >&2; exit 1; }
"$innosim" sweep "$work/sweep.yaml" -o "$work/whole" --quiet --threads 1
"$innosim" sweep "$work/sweep.yaml" -o "$work/sharded" --quiet --threads 2 --shard 0/2
[[ ! -e "$work/sharded/sweep.h5" ]] || { echo "sweep.h5 written before every shard finished" >&2; exit 1; }
"$innosim" sweep "$work/sweep.yaml" -o "$work/sharded" --quiet --threads 2 --shard 1/2
[[ -e "$work/sharded/sweep.h5" ]] || { echo "the last shard did not write sweep.h5" >&2; exit 1; }

count=0
for file in "$work"/whole/points/*.h5; do
  h5diff --exclude-path /manifest "$file" "$work/sharded/points/$(basename "$file")"
  count=$((count + 1))
done
[[ $count -eq 7 ]] || { echo "expected 7 point files, found $count" >&2; exit 1; }
[[ $(ls "$work"/sharded/points/*.h5 | wc -l) -eq 7 ]]
h5diff --exclude-path /manifest "$work/whole/sweep.h5" "$work/sharded/sweep.h5"
ls "$work/sharded/logs/shard-0-of-2.log" "$work/sharded/logs/shard-1-of-2.log" >/dev/null
echo "union of 2 shards equals the unsharded sweep (7 points and the index)"

# The index as the analysis package reads it: /design/X [points, parameters] with names and
# method, and /points/<i> external links.
h5dump -H -A "$work/whole/sweep.h5" >"$work/index.txt"
grep -q 'DATASPACE  SIMPLE { ( 7, 2 ) / ( 7, 2 ) }' "$work/index.txt"
grep -q '"boltzmann.width"' "$work/index.txt"
grep -q '"lhs"' "$work/index.txt"
grep -q 'EXTERNAL_LINK "6"' "$work/index.txt"
echo "sweep.h5 layout as documented"

if "$innosim" sweep "$work/sweep.yaml" -o "$work/x" --shard 2/2 2>"$work/err.txt"; then
  echo "--shard 2/2 was accepted" >&2
  exit 1
fi
grep -q "expected i/N with 0 <= i < N" "$work/err.txt"
echo "a bad --shard is refused"

# A list design splits the same way: its rows by p % N.
cat >"$work/list.yaml" <<YAML
scenario: $source_dir/scenarios/boltzmann.yaml
design: list
replicates: 2
set: {steps: 10, output.snapshot_every: 0}
parameters:
  boltzmann.width: {}
  boltzmann.height: {min: 5, max: 25}
points: [[10, 5], [20, 25], [15, 12]]
YAML
"$innosim" sweep "$work/list.yaml" -o "$work/list-whole" --quiet --threads 1
"$innosim" sweep "$work/list.yaml" -o "$work/list-sharded" --quiet --threads 2 --shard 1/2
"$innosim" sweep "$work/list.yaml" -o "$work/list-sharded" --quiet --threads 1 --shard 0/2
for point in 0 1 2; do
  file=points/point-00000$point.h5
  h5diff --exclude-path /manifest "$work/list-whole/$file" "$work/list-sharded/$file"
done
h5diff --exclude-path /manifest "$work/list-whole/sweep.h5" "$work/list-sharded/sweep.h5"
h5dump -H -A "$work/list-whole/sweep.h5" >"$work/list-index.txt"
grep -q '"list"' "$work/list-index.txt"
echo "a list design's shards equal its unsharded sweep"
