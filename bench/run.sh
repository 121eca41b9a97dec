#!/usr/bin/env bash
# Benchmark nvmetctl on a real kernel in the QEMU guest:
#   bench/run.sh [--kernel 6.1|6.12] [SIZES]    e.g. bench/run.sh --kernel 6.12 "256 1024"
# Prints wall time and configfs mutation counts for cold apply, no-op apply,
# plan and export of generated targets (SIZE subsystems x 4 namespaces, 8 tcp
# ports). Timings are under TCG emulation: compare ratios, not absolutes.
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=6.12
if [[ ${1:-} == --kernel ]]; then kernel=$2; shift 2; fi
[[ -x build/nvmetctl ]] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j"$(nproc)"; }
NVMETCTL_BENCH_SIZES=${1:-"256 1024"} tests/vm/run-guest.sh --kernel "$kernel" --timeout 1800 --mem 2048 bench/guest-bench.sh
