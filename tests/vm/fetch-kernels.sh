#!/usr/bin/env bash
# Download and unpack the Debian kernels the real-kernel test bed boots.
#
# usage: tests/vm/fetch-kernels.sh [SERIES...]     SERIES: 6.1, 6.12 (default: both)
#
# For each series, picks the newest matching linux-image-*-amd64-unsigned
# package that `apt-cache search` lists, downloads it with `apt-get download`,
# unpacks it with `dpkg -x` into the git-ignored cache and runs `depmod -b`.
# Nothing is installed on the host (no /boot, no /lib/modules).
# Idempotent: a kernel already in the cache is not fetched again.
#
# Progress goes to stderr; stdout gets one line per series: "<series> <kver>".
# The whole script is one compound command, so bash parses it completely
# before running it: editing the file (git pull) while it runs is safe.
{
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

series=("$@")
[[ ${#series[@]} -gt 0 ]] || series=("${VM_SERIES[@]}")

apt_updated=0
newest_pkg() {
    local regex=$1
    apt-cache search --names-only "$regex" 2>/dev/null | awk '{print $1}' | sort -V | tail -n1
}

mkdir -p "$VM_CACHE/kernels" "$VM_CACHE/debs"

for s in "${series[@]}"; do
    regex=$(vm_series_regex "$s") || vm_die "unknown kernel series '$s' (known: ${VM_SERIES[*]})"
    pkg=$(newest_pkg "$regex")
    if [[ -z $pkg && $apt_updated -eq 0 ]]; then
        vm_log "[fetch] no package matches $regex; running apt-get update"
        apt-get update -qq >&2 || vm_log "[fetch] warning: apt-get update failed"
        apt_updated=1
        pkg=$(newest_pkg "$regex")
    fi
    if [[ -z $pkg ]]; then
        # Offline and nothing listed: fall back to whatever is cached.
        if [[ -r $VM_CACHE/series-$s && -e $VM_CACHE/kernels/$(<"$VM_CACHE/series-$s")/.ready ]]; then
            kver=$(<"$VM_CACHE/series-$s")
            vm_log "[fetch] $s: apt lists no package; using cached $kver"
            echo "$s $kver"
            continue
        fi
        vm_die "no Debian package matches $regex"
    fi
    kver=$(vm_pkg_to_kver "$pkg")
    kdir=$VM_CACHE/kernels/$kver
    if [[ -e $kdir/.ready ]]; then
        vm_log "[fetch] $s: $kver (cached)"
    else
        vm_log "[fetch] $s: downloading $pkg"
        rm -rf "$kdir" "$VM_CACHE/debs/tmp"
        mkdir -p "$VM_CACHE/debs/tmp"
        # apt-get download writes into the current directory. As root it warns
        # that the _apt user cannot write there; make the directory accessible
        # so the download is sandboxed and quiet.
        chmod 0777 "$VM_CACHE/debs/tmp"
        if ! (cd "$VM_CACHE/debs/tmp" && apt-get download -q "$pkg" >&2); then
            if [[ $apt_updated -eq 0 ]]; then
                vm_log "[fetch] download failed; running apt-get update and retrying"
                apt-get update -qq >&2 || true
                apt_updated=1
                (cd "$VM_CACHE/debs/tmp" && apt-get download -q "$pkg" >&2)
            else
                vm_die "apt-get download $pkg failed"
            fi
        fi
        deb=$(ls "$VM_CACHE/debs/tmp"/*.deb)
        vm_log "[fetch] $s: unpacking $(basename "$deb") ($(du -h "$deb" | cut -f1))"
        mkdir -p "$kdir.tmp"
        dpkg -x "$deb" "$kdir.tmp/root"
        [[ -d $kdir.tmp/root/lib/modules/$kver && -e $kdir.tmp/root/boot/vmlinuz-$kver ]] \
            || vm_die "$pkg does not contain /boot/vmlinuz-$kver and /lib/modules/$kver"
        vm_log "[fetch] $s: depmod -b for $kver"
        depmod -b "$kdir.tmp/root" "$kver"
        rm -rf "$VM_CACHE/debs/tmp"
        touch "$kdir.tmp/.ready"
        mv "$kdir.tmp" "$kdir"
        vm_log "[fetch] $s: $kver ready"
    fi
    # Drop older kernels of the same series so the cache does not grow forever.
    for old in "$VM_CACHE"/kernels/*/; do
        old=$(basename "$old")
        [[ $old != "$kver" && $(vm_kver_series "$old") == "$s" && $old != *.tmp ]] || continue
        vm_log "[fetch] $s: removing superseded $old from the cache"
        rm -rf "${VM_CACHE:?}/kernels/$old"
    done
    echo "$kver" >"$VM_CACHE/series-$s"
    echo "$s $kver"
done
exit
}
