#!/usr/bin/env bash
# Configures and builds innosim (Release) into build/; the executable is build/innosim.
# Extra arguments go to cmake's configure step (e.g. -DINNOSIM_BENCH=ON).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# MPI is on so that CI runs the distributed-sweep test; -DINNOSIM_MPI=OFF builds without it.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DINNOSIM_MPI=ON "$@" >/dev/null
cmake --build build -j "$(nproc)"
