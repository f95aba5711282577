#!/usr/bin/env bash
# no_include_cycles.sh SOURCE_DIR: fails if two files of sim/ or models/ include each other
# (a header and its own .cpp aside), or if a file of sim/ names models/.
set -euo pipefail
cd "$1"
status=0
if grep -rn '#include "models/' sim; then
  echo "FAIL: sim/ includes models/"; status=1
fi
# Edges "file -> included file" between the project's own files.
edges=$(grep -rHo '#include "\(sim\|models\)/[^"]*"' sim models | sed 's/:#include "/ /; s/"$//')
while read -r from to; do
  [[ -z $from ]] && continue
  if grep -qx "$to $from" <<<"$edges"; then
    echo "FAIL: $from and $to include each other"; status=1
  fi
done <<<"$edges"
((status == 0)) && echo "no file pair of sim/ or models/ includes each other"
exit $status
