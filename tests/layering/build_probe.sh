#!/usr/bin/env bash
# build_probe.sh BUILD_DIR PROBE (compiles | FORBIDDEN_HEADER): builds layering_probe_PROBE and
# checks that it compiles, or that it fails because FORBIDDEN_HEADER is not found (any other
# failure is a failure of this test, so a broken probe cannot pass as a refused include).
set -uo pipefail
build=$1 probe=$2 expect=$3
output=$(cmake --build "$build" --target "layering_probe_$probe" 2>&1)
status=$?
if [[ $expect == compiles ]]; then
  ((status == 0)) && { echo "layering_probe_$probe compiles"; exit 0; }
  echo "$output"; echo "FAIL: layering_probe_$probe should compile"; exit 1
fi
if ((status != 0)) && grep -q "$expect: No such file or directory" <<<"$output"; then
  echo "refused as expected: $(grep -m1 'No such file' <<<"$output")"
  exit 0
fi
echo "$output"
echo "FAIL: layering_probe_$probe should fail to find $expect (exit status $status)"
exit 1
