#!/usr/bin/env bash
# Reproduces an innosim output with the code that made it: reads the commit from the file's
# manifest, checks that commit out in a git worktree of its own under a cache folder, builds innosim
# there (once; later calls reuse the build) and runs `innosim reproduce FILE` with it.
#
#   scripts/reproduce-at-commit.sh results/run.h5 [--dry-run] [-- REPRODUCE-OPTIONS...]
#
# Run it from a clone of innosim that has the commit (git fetch first if it is newer than the clone).
# The cache is $INNOSIM_COMMIT_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/innosim/commits.
# --dry-run prints the commands instead of running them. Exit status: reproduce's (0 reproduced,
# 5 not), 2 for bad usage, 1 when the commit cannot be checked out or built.
set -euo pipefail

usage() { echo "usage: $0 FILE.h5 [--dry-run] [-- REPRODUCE-OPTIONS...]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
file=$1
shift
dry_run=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --dry-run) dry_run=1; shift ;;
    --) shift; break ;;
    *) echo "$0: unknown option '$1'; expected --dry-run or -- followed by reproduce's options" >&2; exit 2 ;;
  esac
done
[[ -f $file ]] || { echo "$0: cannot open '$file': no such file" >&2; exit 2; }
file=$(realpath "$file")

commit=$(/usr/bin/python3 - "$file" <<'PY'
import sys
import h5py
try:
    with h5py.File(sys.argv[1], "r") as f:
        value = f["/manifest"].attrs["git_commit"]
except (OSError, KeyError) as error:
    sys.exit(f"'{sys.argv[1]}' has no readable /manifest/git_commit ({error}): is it an innosim output?")
print(value.decode() if isinstance(value, bytes) else value)
PY
)
clean=${commit%-dirty}
if [[ $clean == unknown* || -z $clean ]]; then
  echo "$0: '$file' does not name the commit that made it ('$commit'); its code cannot be checked out" >&2
  exit 1
fi
if [[ $clean != "$commit" ]]; then
  echo "warning: commit $clean had uncommitted changes when it made the file; its committed code may not reproduce it exactly" >&2
fi

repository=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cache=${INNOSIM_COMMIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/innosim/commits}
worktree=$cache/$clean

run() {
  if [[ $dry_run -eq 1 ]]; then printf '%q ' "$@"; echo; else "$@"; fi
}

if [[ $dry_run -eq 0 ]] && ! git -C "$repository" cat-file -e "$clean^{commit}" 2>/dev/null; then
  echo "$0: commit $clean is not in $repository; run 'git fetch' (or clone the repository that made the file) and try again" >&2
  exit 1
fi
if [[ ! -d $worktree ]]; then
  run mkdir -p "$cache"
  run git -C "$repository" worktree add --detach "$worktree" "$clean"
fi
run cmake -S "$worktree" -B "$worktree/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINNOSIM_TESTS=OFF
run cmake --build "$worktree/build" --target innosim
run "$worktree/build/innosim" reproduce "$file" "$@"
