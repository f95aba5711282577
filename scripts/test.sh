#!/usr/bin/env bash
# The second command of the README (and what CI runs): installs what is missing, builds, runs
# every test (doctest suites and end-to-end scripts under ctest, pytest for the Python side),
# then builds the engine tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=$(nproc)
bash scripts/install-deps.sh
bash scripts/build.sh

echo "== ctest (Release)"
ctest --test-dir build --output-on-failure -j "$jobs"

if compgen -G "tests/python/test_*.py" >/dev/null; then
  echo "== pytest"
  /usr/bin/python3 -m pytest tests/python -q
fi

echo "== engine tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DINNOSIM_SANITIZE=address,undefined >/dev/null
cmake --build build-asan --target test_sim -j "$jobs"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -R '^sim:' --output-on-failure -j "$jobs"
