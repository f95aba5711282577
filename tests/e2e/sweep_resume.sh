#!/usr/bin/env bash
# A sweep killed with SIGKILL part-way and started again finishes only the missing points and
# gives the same folder as an uninterrupted sweep; finished files are not rewritten. A changed
# sweep file is refused without --force, and with --force only the points that changed are re-run;
# so are rows added to a list design, whose finished points are kept.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
write_sweep() {  # $1: max of the agents range
  cat >"$work/sweep.yaml" <<YAML
scenario: $source_dir/scenarios/boltzmann.yaml
design: grid
levels: 4
replicates: 2
set: {steps: 60, output.snapshot_every: 20}
parameters:
  boltzmann.agents: {min: 2000, max: $1}
  boltzmann.width: {values: [20, 40, 60]}
YAML
}
write_sweep 20000

"$innosim" sweep "$work/sweep.yaml" -o "$work/whole" --quiet --threads 1

# Kill the sweep as soon as a few points are done (or after a short while on a fast machine).
"$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet --threads 1 &
pid=$!
for _ in $(seq 1 200); do
  done_now=$( (ls "$work/resumed/points" 2>/dev/null || true) | grep -c '\.h5$' || true)
  [[ $done_now -ge 3 ]] && break
  sleep 0.02
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
before=$(find "$work/resumed/points" -name '*.h5' | wc -l)
echo "killed with $before of 12 points finished"
[[ ! -e "$work/resumed/sweep.h5" || $before -eq 12 ]]

# A finished file must survive the resume untouched: remember one's inode and time.
first=$(find "$work/resumed/points" -name '*.h5' | sort | head -1)
stamp_before=$(stat -c '%i %Y' "$first")
"$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet --threads 2
[[ $(stat -c '%i %Y' "$first") == "$stamp_before" ]] || { echo "a finished point was rewritten" >&2; exit 1; }
[[ -z $(find "$work/resumed" -name '*.partial*') ]] || { echo "partial files left behind" >&2; exit 1; }
for file in "$work"/whole/points/*.h5; do
  h5diff --exclude-path /manifest "$file" "$work/resumed/points/$(basename "$file")"
done
h5diff --exclude-path /manifest "$work/whole/sweep.h5" "$work/resumed/sweep.h5"
echo "killed and resumed sweep equals the uninterrupted one"

# A stale partial file (a point killed mid-write) is discarded and the point re-run.
mv "$work/resumed/points/point-000005.h5" "$work/resumed/points/point-000005.h5.partial"
"$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet
h5diff --exclude-path /manifest "$work/whole/points/point-000005.h5" "$work/resumed/points/point-000005.h5"
[[ ! -e "$work/resumed/points/point-000005.h5.partial" ]]
echo "a half-written point is discarded and run again"

# Change the design: refused without --force, with a message that says what to do.
write_sweep 26000
if "$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet 2>"$work/err.txt"; then
  echo "a changed sweep was accepted without --force" >&2
  exit 1
fi
grep -q "holds another sweep" "$work/err.txt"
grep -q "Use --force to keep the points that still match" "$work/err.txt"
untouched=$(stat -c '%i' "$work/resumed/points/point-000000.h5")  # agents 2000, width 20: unchanged
"$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet --force
[[ $(stat -c '%i' "$work/resumed/points/point-000000.h5") == "$untouched" ]]
"$innosim" sweep "$work/sweep.yaml" -o "$work/fresh" --quiet
for file in "$work"/fresh/points/*.h5; do
  h5diff --exclude-path /manifest "$file" "$work/resumed/points/$(basename "$file")"
done
echo "a changed sweep is refused without --force; with it, only changed points are re-run"

# A list design: the same file again runs nothing; rows added at the end are another sweep, and
# --force keeps the finished rows' files (byte for byte) and runs only the new ones.
write_list() {  # the rows
  printf 'scenario: %s\ndesign: list\nreplicates: 2\nset: {steps: 10, output.snapshot_every: 0}\n' \
    "$source_dir/scenarios/boltzmann.yaml" >"$work/list.yaml"
  printf 'parameters:\n  boltzmann.width: {}\n  boltzmann.agents: {min: 100, max: 400}\npoints:\n' >>"$work/list.yaml"
  for row in "$@"; do echo "  - [$row]" >>"$work/list.yaml"; done
}
write_list "10, 200" "20, 100"
"$innosim" sweep "$work/list.yaml" -o "$work/list" --quiet
cp "$work/list/points/point-000001.h5" "$work/point-1.h5"
"$innosim" sweep "$work/list.yaml" -o "$work/list" >"$work/list-again.txt" 2>&1
grep -q "ran 0 points .* (2 finished earlier, kept)" "$work/list-again.txt"
write_list "10, 200" "20, 100" "15, 400"
if "$innosim" sweep "$work/list.yaml" -o "$work/list" --quiet 2>/dev/null; then
  echo "a list sweep with added rows was accepted without --force" >&2
  exit 1
fi
"$innosim" sweep "$work/list.yaml" -o "$work/list" --force >"$work/list-added.txt" 2>&1
grep -q "ran 1 point .* (2 finished earlier, kept)" "$work/list-added.txt"
cmp "$work/point-1.h5" "$work/list/points/point-000001.h5"
echo "a list sweep resumes; added rows run alone with --force"
