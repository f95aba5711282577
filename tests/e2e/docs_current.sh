#!/usr/bin/env bash
# docs/scenario-reference.md is generated from the schema; this fails when it is stale.
# Regenerate with: build/innosim schema > docs/scenario-reference.md
set -euo pipefail
innosim=$1
source_dir=$2
if ! diff -u "$source_dir/docs/scenario-reference.md" <("$innosim" schema); then
  echo "docs/scenario-reference.md is stale: run 'build/innosim schema > docs/scenario-reference.md'" >&2
  exit 1
fi
echo "scenario reference is current"
