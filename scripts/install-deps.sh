#!/usr/bin/env bash
# Install the Debian packages nvmetctl needs to build and to run its tests
# (unit tests and the real-kernel QEMU test bed).
#
# usage: scripts/install-deps.sh [build|vm|fuzz|all]...   (default: all)
#
# Idempotent and fast when everything is present: `apt-get update` and
# `apt-get install` run only when a package is missing. Needs root.
set -euo pipefail

build_pkgs=(
    cmake make g++ pkg-config
    libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libkmod-dev libmnl-dev libgtest-dev libnvme-dev libjson-c-dev libssl-dev libnftables-dev libsystemd-dev
    libkeyutils-dev zlib1g-dev
)
vm_pkgs=(
    qemu-system-x86 busybox-static cpio xz-utils zstd gzip
    kmod nvme-cli rdma-core iproute2 strace nftables dmsetup
    util-linux coreutils diffutils perl-base python3 python3-prometheus-client ansible-core
    udev keyutils
)
# libFuzzer targets and the sanitized build (scripts/fuzz.sh, tests/fuzz/run-ci.sh):
# clang, and its runtimes (libFuzzer, ASan, UBSan).
fuzz_pkgs=(
    clang-14 libclang-rt-14-dev
)
# Man page, completion, package and Ansible collection checks
# (tests/completions, tests/package, tests/ansible).
ship_pkgs=(
    mandoc groff man-db dpkg-dev bash-completion zsh fish ansible-core
)

wanted=()
for group in "${@:-all}"; do
    case "$group" in
        build) wanted+=("${build_pkgs[@]}") ;;
        vm)    wanted+=("${vm_pkgs[@]}") ;;
        fuzz)  wanted+=("${fuzz_pkgs[@]}") ;;
        all)   wanted+=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${fuzz_pkgs[@]}" "${ship_pkgs[@]}") ;;
        *) echo "usage: $0 [build|vm|fuzz|all]..." >&2; exit 2 ;;
    esac
done

missing=()
for p in "${wanted[@]}"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]]; then
        missing+=("$p")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "[deps] all ${#wanted[@]} packages already installed"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "[deps] missing packages: ${missing[*]}; run this script as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 --no-install-recommends)
echo "[deps] missing: ${missing[*]}"
echo "[deps] apt-get update"
apt-get -q -o DPkg::Lock::Timeout=300 update
echo "[deps] apt-get install ${missing[*]}"
apt-get "${apt_opts[@]}" install "${missing[@]}"
echo "[deps] done"
