#!/usr/bin/env bash
# The main job: set everything up, build nvmetctl, boot a real Debian kernel
# in a throwaway QEMU guest and show an NVMe-oF target working in it.
#
# usage: ./run-demo.sh [--kernel 6.12|6.1]
#
# Installs its own packages (apt), builds into ./build, downloads the kernel
# into tests/vm/cache. Running it again is fast and changes nothing.
# The whole script is one compound command, so bash parses it completely
# before running it: editing the file (git pull) while it runs is safe.
{
set -euo pipefail
cd "$(dirname "$0")"

kernel=6.12
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kernel) kernel=$2; shift 2 ;;
        --kernel=*) kernel=${1#*=}; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

banner() { printf '\n==> %s\n' "$*"; }

banner "[1/4] Installing packages"
scripts/install-deps.sh

banner "[2/4] Building nvmetctl (./build)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2

banner "[3/4] Fetching the Debian $kernel kernel"
tests/vm/fetch-kernels.sh "$kernel" >/dev/null

banner "[4/4] Booting a guest on $kernel: nvmetctl apply examples/rdma.yaml, connect, read back (tests/vm/demo/demo.sh)"
tests/vm/run-guest.sh --kernel "$kernel" tests/vm/demo/demo.sh
exit
}
