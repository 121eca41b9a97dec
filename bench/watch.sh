#!/usr/bin/env bash
# nvmetctl watch in a QEMU guest: idle CPU and reaction time.
#   bench/watch.sh [--kernel 6.1|6.12] [SIZE]      (default 6.12, 256 subsystems x 4)
# Under TCG the reaction time is the emulator's as much as the agent's:
# report the figure with the kernel and whether the host was quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=6.12
if [[ ${1:-} == --kernel ]]; then kernel=$2; shift 2; fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNVMETCTL_BUILD_TESTS=OFF >build-bench.log 2>&1 &&
    cmake --build build-bench -j"$(nproc)" --target nvmetctl >>build-bench.log 2>&1 ||
    { tail -40 build-bench.log; exit 1; }
NVMETCTL_BIN=$PWD/build-bench/nvmetctl NVMETCTL_BENCH_SIZE=${1:-256} \
    tests/vm/run-guest.sh --kernel "$kernel" --timeout 1200 --mem 2048 bench/guest-watch-bench.sh
