#!/usr/bin/env bash
# kill -9 a checkpointed ecosystem run (2 replicates) after its first checkpoint, resume it, and
# every dataset equals an uninterrupted run's, on 1 and 2 threads; the checkpoint folder is gone
# afterwards. Refused, with the message: resuming with another scenario, and a fresh run onto a
# killed run's checkpoints without --resume.
set -euo pipefail
innosim=$(realpath "$1")
source_dir=$(realpath "$2")
work=$(mktemp -d)
run_pid=
cleanup() {
  if [[ -n $run_pid ]]; then kill -9 "$run_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
scenario="$source_dir/scenarios/nansha.yaml"
steps=24
options=(--replicates 2 --set steps=$steps --set output.snapshot_every=5)
run() { "$innosim" run "$scenario" --quiet "${options[@]}" "$@"; }

run --threads 2 -o "$work/uninterrupted.h5"

for threads in 1 2; do
  out="$work/resumed-$threads.h5"
  checkpoint="$out.checkpoint/replicate-0.checkpoint"
  # Started directly, not through run(): $! must be innosim's pid, not a subshell's.
  "$innosim" run "$scenario" --quiet "${options[@]}" --threads "$threads" --checkpoint-every 3 -o "$out" &
  run_pid=$!
  for _ in $(seq 600); do
    [[ -e $checkpoint ]] && break
    sleep 0.05
  done
  [[ -e $checkpoint ]] || fail "no checkpoint within 30 s ($threads threads)"
  kill -0 "$run_pid" 2>/dev/null || fail "the run ended before it could be killed; make it longer"
  kill -9 "$run_pid"
  set +e
  wait "$run_pid"
  status=$?
  set -e
  run_pid=
  [[ $status -eq 137 ]] || fail "the killed run exited $status, expected 137 (SIGKILL)"
  [[ ! -e $out ]] || fail "a killed run left a file at the final path"

  if [[ $threads == 1 ]]; then
    # Another scenario (another seed) is refused, naming the checkpoint, and changes nothing.
    set +e
    message=$(run --threads 1 --checkpoint-every 3 --seed 99 --resume -o "$out" 2>&1)
    status=$?
    set -e
    [[ $status -eq 2 ]] || fail "resuming with another scenario exited $status, expected 2: $message"
    grep -q "replicate-0.checkpoint: this checkpoint belongs to another scenario" <<<"$message" ||
      fail "unexpected message for another scenario: $message"
    [[ -e $checkpoint ]] || fail "the refused resume removed the checkpoint"
    echo "another scenario refused: $message"
    # A fresh run onto the same output would throw the checkpoints away: refused without --resume.
    set +e
    message=$(run --threads 1 --checkpoint-every 3 -o "$out" 2>&1)
    status=$?
    set -e
    [[ $status -eq 3 ]] || fail "a fresh run onto checkpoints exited $status, expected 3: $message"
    grep -q "holds the checkpoints of an unfinished run.*add --resume" <<<"$message" ||
      fail "unexpected message for a fresh run onto checkpoints: $message"
  fi

  summary=$("$innosim" run "$scenario" "${options[@]}" --threads "$threads" --checkpoint-every 3 \
    --resume -o "$out")
  grep -q "replicate-steps came from checkpoints" <<<"$summary" || fail "the run did not resume: $summary"
  [[ -f $out && ! -e $out.checkpoint && ! -e $out.partial ]] ||
    fail "the resumed run did not leave exactly the final file ($threads threads)"
  h5diff --exclude-path /manifest "$work/uninterrupted.h5" "$out" ||
    fail "the resumed run's datasets differ from the uninterrupted run's ($threads threads)"
  echo "killed after a checkpoint and resumed on $threads thread(s): datasets identical"
done

# Inside a sweep (the boltzmann model's checkpoints): a point killed after its first checkpoint
# resumes from it when the sweep runs again, and the folder equals an uninterrupted sweep's.
cat >"$work/sweep.yaml" <<YAML
scenario: $source_dir/scenarios/boltzmann.yaml
design: grid
replicates: 2
set: {steps: 60, output.snapshot_every: 20, boltzmann.width: 300, boltzmann.height: 300}
parameters:
  boltzmann.agents: {values: [200000]}
YAML
"$innosim" sweep "$work/sweep.yaml" -o "$work/whole" --quiet --threads 2
"$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet --threads 2 --checkpoint-every 10 &
run_pid=$!
checkpoint="$work/resumed/points/point-000000.h5.checkpoint/replicate-0.checkpoint"
for _ in $(seq 600); do
  [[ -e $checkpoint ]] && break
  sleep 0.05
done
[[ -e $checkpoint ]] || fail "no sweep point checkpoint within 30 s"
kill -0 "$run_pid" 2>/dev/null || fail "the sweep ended before it could be killed; make it longer"
kill -9 "$run_pid"
wait "$run_pid" 2>/dev/null || true
run_pid=
[[ ! -e $work/resumed/points/point-000000.h5 ]] || fail "the killed sweep finished its point"
"$innosim" sweep "$work/sweep.yaml" -o "$work/resumed" --quiet --threads 1 --checkpoint-every 10
[[ ! -e $work/resumed/points/point-000000.h5.checkpoint ]] || fail "the sweep left the point's checkpoints"
h5diff --exclude-path /manifest "$work/whole/points/point-000000.h5" "$work/resumed/points/point-000000.h5" ||
  fail "the resumed sweep point differs from the uninterrupted one"
h5diff --exclude-path /manifest "$work/whole/sweep.h5" "$work/resumed/sweep.h5" ||
  fail "the resumed sweep's index differs from the uninterrupted one"
echo "sweep point killed after a checkpoint and resumed: datasets identical"
