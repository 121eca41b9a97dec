#!/usr/bin/env bash
# nvmetctl's own cost, with the kernel taken out (see host_plan_bench.cpp):
#   bench/host-run.sh [SIZES]    e.g. bench/host-run.sh "256 1024"
# Builds the bench in build-bench (Release), generates the same targets as
# bench/run.sh, and prints parse, cold apply, plan and no-op apply times
# against an in-memory nvmet tree on this machine's CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DNVMETCTL_BUILD_TESTS=OFF >build-bench.log 2>&1 &&
    cmake --build build-bench -j"$(nproc)" --target nvmetctl_host_bench >>build-bench.log 2>&1 ||
    { tail -40 build-bench.log; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=${1:-"256 1024"}
for size in $sizes; do
    python3 bench/generate-target.py "$size" 4 8 /dev/nullb{0..7} >"$work/bench-$size.yaml" 2>/dev/null
    printf '\n%sx4 (userland only, in-memory tree)\n' "$size"
    build-bench/nvmetctl_host_bench "$work/bench-$size.yaml" 5
done
