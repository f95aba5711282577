#!/usr/bin/env bash
# With MPI built in (-DINNOSIM_MPI=ON): the same sweep on 1 and on 2 and 3 MPI ranks gives identical
# point files and index. Skipped (exit 77) when the binary has no MPI or mpirun is missing.
set -euo pipefail
innosim=$1
source_dir=$2
if ! "$innosim" --version | grep -q "with MPI" || ! command -v mpirun >/dev/null; then
  echo "skipped: innosim built without MPI (configure with -DINNOSIM_MPI=ON) or no mpirun"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/sweep.yaml" <<YAML
scenario: $source_dir/scenarios/boltzmann.yaml
design: morris
seed: 3
points: 2
levels: 4
replicates: 2
set: {steps: 20, output.snapshot_every: 10}
parameters:
  boltzmann.agents: {min: 200, max: 2000}
  boltzmann.width: {min: 5, max: 30}
YAML
# CI runs as root; --oversubscribe lets 3 ranks share 2 cores.
mpi() { mpirun --oversubscribe --allow-run-as-root -n "$@"; }

mpi 1 "$innosim" sweep "$work/sweep.yaml" -o "$work/one" --quiet --threads 2
mpi 2 "$innosim" sweep "$work/sweep.yaml" -o "$work/two" --quiet --threads 1
mpi 3 "$innosim" sweep "$work/sweep.yaml" -o "$work/three" --quiet --threads 1
for other in two three; do
  for file in "$work"/one/points/*.h5; do
    h5diff --exclude-path /manifest "$file" "$work/$other/points/$(basename "$file")"
  done
  h5diff --exclude-path /manifest "$work/one/sweep.h5" "$work/$other/sweep.h5"
done
[[ $(ls "$work"/two/points/*.h5 | wc -l) -eq 6 ]]
ls "$work/three/logs/rank-0.log" "$work/three/logs/rank-1.log" "$work/three/logs/rank-2.log" >/dev/null
echo "1, 2 and 3 MPI ranks give identical sweeps (6 points and the index)"

# The README's tour shows mpirun as a user and as root (OpenMPI refuses root without
# --allow-run-as-root): run the line that fits this user with its own options, on this small sweep.
if [[ $(id -u) -eq 0 ]]; then
  line=$(grep -m1 '^mpirun --allow-run-as-root' "$source_dir/README.md") ||
    { echo "README: no mpirun line for root (--allow-run-as-root)" >&2; exit 1; }
else
  line=$(grep -m1 '^mpirun -n' "$source_dir/README.md")
fi
read -ra words <<<"${line%%build/innosim*}"
[[ ${words[0]} == mpirun ]]
if [[ $(id -u) -ne 0 || $(nproc) -ge 4 || " ${words[*]} " == *" --oversubscribe "* ]]; then
  "${words[@]}" "$innosim" sweep "$work/sweep.yaml" -o "$work/readme" --quiet --threads 1
  h5diff --exclude-path /manifest "$work/one/sweep.h5" "$work/readme/sweep.h5"
  echo "the README's mpirun line for this user runs: ${words[*]}"
fi
