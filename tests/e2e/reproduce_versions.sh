#!/usr/bin/env bash
# A file whose manifest names another model version, scenario-schema version or commit: `innosim
# reproduce` says what differs and prints the command that builds the file's commit and reproduces
# there; scripts/reproduce-at-commit.sh --dry-run plans exactly that build.
set -euo pipefail
innosim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$innosim" run "$source_dir/scenarios/boltzmann.yaml" --quiet --set boltzmann.agents=500 --set steps=10 \
  --replicates 2 --threads 1 -o "$work/run.h5"

# The manifest records both versions beside the commit.
/usr/bin/python3 - "$work/run.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    attrs = f["/manifest"].attrs
    model_version = attrs["model_version"]
    model_version = model_version.decode() if isinstance(model_version, bytes) else model_version
    assert model_version.startswith("boltzmann "), model_version
    assert int(attrs["schema_version"]) >= 1, attrs["schema_version"]
PY
echo "the manifest records the model and schema versions"

edit() {  # edit FILE ATTRIBUTE VALUE (an integer when VALUE is digits)
  cp "$work/run.h5" "$1"
  /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
path, name, value = sys.argv[1:4]
with h5py.File(path, "r+") as f:
    f["/manifest"].attrs[name] = np.int64(value) if value.isdigit() else value
PY
}

edit "$work/old_model.h5" model_version "boltzmann 0.9"
/usr/bin/python3 - "$work/old_model.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["/manifest"].attrs["git_commit"] = "0123abcdef"
PY
status=0
"$innosim" reproduce "$work/old_model.h5" >"$work/old_model.txt" || status=$?
cat "$work/old_model.txt"
[[ $status -eq 5 ]] || { echo "expected exit status 5, got $status" >&2; exit 1; }
grep -q "^  model version: boltzmann 0.9 in the file, boltzmann .* here$" "$work/old_model.txt"
grep -q "^  git commit: 0123abcdef in the file, .* here$" "$work/old_model.txt"
if grep -q "scenario schema version" "$work/old_model.txt"; then
  echo "the schema version did not change, yet it is listed" >&2
  exit 1
fi
grep -q "^NOT re-run: .*old_model.h5 was made by another model or scenario-schema version" "$work/old_model.txt"
grep -q "^  scripts/reproduce-at-commit.sh .*old_model.h5$" "$work/old_model.txt"
grep -q "^  git worktree add --detach \".*/innosim/commits/0123abcdef\" 0123abcdef$" "$work/old_model.txt"
grep -q "/innosim/commits/0123abcdef/build/innosim\" reproduce .*old_model.h5$" "$work/old_model.txt"
echo "another model version is named, not re-run, with the command to build its commit"

edit "$work/old_schema.h5" schema_version 999
status=0
"$innosim" reproduce "$work/old_schema.h5" >"$work/old_schema.txt" || status=$?
[[ $status -eq 5 ]] || { echo "expected exit status 5, got $status" >&2; exit 1; }
grep -q "^  scenario schema version: 999 in the file, [0-9]* here$" "$work/old_schema.txt"
grep -q "^NOT re-run:" "$work/old_schema.txt"
echo "another scenario-schema version is named"

# A file from before versions were recorded: both are unknown, and it is not re-run.
cp "$work/run.h5" "$work/unversioned.h5"
/usr/bin/python3 - "$work/unversioned.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["/manifest"].attrs["model_version"]
    del f["/manifest"].attrs["schema_version"]
PY
status=0
"$innosim" reproduce "$work/unversioned.h5" >"$work/unversioned.txt" || status=$?
[[ $status -eq 5 ]]
grep -q "^  model version: unknown (not recorded) in the file" "$work/unversioned.txt"
echo "a file without versions says they are unknown"

# Another commit with the same versions is re-run (and reproduces), and still gets the command.
edit "$work/other_commit.h5" git_commit "4567abc-dirty"
"$innosim" reproduce "$work/other_commit.h5" >"$work/other_commit.txt"
grep -q "^Reproduced: all" "$work/other_commit.txt"
grep -q "^Commit 4567abc-dirty had uncommitted changes" "$work/other_commit.txt"
grep -q "^  git worktree add --detach \".*/innosim/commits/4567abc\" 4567abc$" "$work/other_commit.txt"
echo "another commit of the same versions reproduces, with the build command"

# The script plans the same build in a cache folder of its own.
INNOSIM_COMMIT_CACHE="$work/cache" bash "$source_dir/scripts/reproduce-at-commit.sh" "$work/old_model.h5" \
  --dry-run -- --threads 2 >"$work/plan.txt"
cat "$work/plan.txt"
grep -q "^git -C .* worktree add --detach $work/cache/0123abcdef 0123abcdef" "$work/plan.txt"
grep -q "^cmake --build $work/cache/0123abcdef/build --target innosim" "$work/plan.txt"
grep -q "^$work/cache/0123abcdef/build/innosim reproduce $work/old_model.h5 --threads 2" "$work/plan.txt"
status=0
bash "$source_dir/scripts/reproduce-at-commit.sh" "$work/old_model.h5" --dryrun 2>"$work/usage.txt" || status=$?
[[ $status -eq 2 ]]
grep -q "unknown option '--dryrun'" "$work/usage.txt"
echo "reproduce-at-commit.sh plans the build of the file's commit"
