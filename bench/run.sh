#!/usr/bin/env bash
# Benchmark nvmetctl on a real kernel in the QEMU guest:
#   bench/run.sh [--kernel 6.1|6.12] [SIZES]    e.g. bench/run.sh --kernel 6.12 "64 256 1024"
# Prints wall time and configfs mutation counts for cold apply, no-op apply,
# plan and export of generated targets (SIZE subsystems x 4 namespaces, 8 tcp
# ports). Timings are under TCG emulation: compare ratios, not absolutes.
# The guest also runs bench/host_plan_bench.cpp against the in-memory tree:
# nvmetctl's userland alone under emulation, and yaml-cpp's load alone.
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=6.12
if [[ ${1:-} == --kernel ]]; then kernel=$2; shift 2; fi
# A Release build of its own, so the figures never come from a debug binary.
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNVMETCTL_BUILD_TESTS=OFF >build-bench.log 2>&1 &&
    cmake --build build-bench -j"$(nproc)" --target nvmetctl nvmetctl_host_bench nvmetctl_raw_replay >>build-bench.log 2>&1 ||
    { tail -40 build-bench.log; exit 1; }
NVMETCTL_BIN=$PWD/build-bench/nvmetctl NVMETCTL_RAW_REPLAY_BIN=$PWD/build-bench/nvmetctl-raw-replay NVMETCTL_HOST_BENCH_BIN=$PWD/build-bench/nvmetctl_host_bench NVMETCTL_BENCH_SIZES=${1:-"64 256 1024"} tests/vm/run-guest.sh --kernel "$kernel" --timeout 1800 --mem 2048 bench/guest-bench.sh
