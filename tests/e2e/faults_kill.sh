#!/usr/bin/env bash
# kill -9 in the middle of a run leaves nothing at the final path (at most `<out>.partial`), and the
# next run onto the same path removes the stale partial file and succeeds.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
run_pid=
cleanup() {
  if [[ -n $run_pid ]]; then kill -9 "$run_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
scenario="$source_dir/scenarios/boltzmann.yaml"
out="$work/out.h5"

# A million agents for up to 2000 steps: minutes of work, killed after a second or two of it.
"$innosim" run "$scenario" --quiet --set boltzmann.agents=1000000 --set boltzmann.width=1000 \
  --set boltzmann.height=1000 --set steps=2000 --set replicates=1 --threads 2 -o "$out" &
run_pid=$!
for _ in $(seq 100); do
  [[ -e $out.partial ]] && break
  sleep 0.1
done
[[ -e $out.partial ]] || fail "the run did not start writing $out.partial within 10 s"
sleep 1.5
kill -0 "$run_pid" 2>/dev/null || fail "the run ended before it could be killed; make it longer"
kill -9 "$run_pid"
set +e
wait "$run_pid"
status=$?
set -e
run_pid=
[[ $status -eq 137 ]] || fail "the killed run exited $status, expected 137 (SIGKILL)"
[[ ! -e $out ]] || fail "a killed run left a file at the final path"
echo "killed mid-run: no file at the final path$([[ -e $out.partial ]] && echo ", only $(basename "$out").partial")"

# The next run onto the same path cleans up and succeeds (no --force needed: nothing was there).
"$innosim" run "$scenario" --quiet --set boltzmann.agents=500 --set steps=5 -o "$out"
[[ -f $out && ! -e $out.partial ]] || fail "the next run did not leave exactly the final file"
"$innosim" inspect "$out" | grep -q "gini" || fail "the next run's output is not readable"
echo "next run cleaned up and succeeded"
