# Host-side helpers shared by the test-bed scripts (fetch-kernels.sh,
# run-guest.sh, run-suite.sh). Sourced, never executed.
#
# Layout of the cache (git-ignored, safe to delete at any time):
#   $VM_CACHE/debs/                  downloaded .deb files (removed after unpacking)
#   $VM_CACHE/kernels/<kver>/root/   dpkg -x of the kernel package (+ depmod -b)
#   $VM_CACHE/kernels/<kver>/initramfs.cpio.gz
#   $VM_CACHE/series-<6.1|6.12>      the kernel version last fetched for a series
#   $VM_CACHE/nvme-disk.img          backing image of QEMU's emulated NVMe disk

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_ROOT=$(cd "$VM_DIR/../.." && pwd)
VM_CACHE=${NVMETCTL_VM_CACHE:-$VM_DIR/cache}
VM_LOGS=${NVMETCTL_VM_LOGS:-$VM_DIR/logs}

# The kernel series the bed knows about, and the Debian package name pattern
# (an extended regex for apt-cache search --names-only) of each.
VM_SERIES=(6.1 6.12)

vm_series_regex() {
    case "$1" in
        6.1)  echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
        6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
        *) return 1 ;;
    esac
}

# linux-image-6.1.0-56-amd64-unsigned -> 6.1.0-56-amd64
vm_pkg_to_kver() {
    local p=${1#linux-image-}
    echo "${p%-unsigned}"
}

# 6.1.0-56-amd64 -> 6.1 ; 6.12.117+deb12-amd64 -> 6.12
vm_kver_series() {
    local major minor
    IFS=. read -r major minor _ <<<"$1"
    echo "$major.$minor"
}

vm_log() { printf '%s\n' "$*" >&2; }
vm_die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# Resolve what the user typed after --kernel (6.1, 6.12 or a full version such
# as 6.12.117+deb12-amd64) to a full kernel version whose unpacked tree is in
# the cache, fetching the kernel if needed. Prints the version.
vm_resolve_kernel() {
    local want=$1 kver
    case "$want" in
        6.1|6.12)
            if [[ -z ${NVMETCTL_VM_NO_FETCH:-} ]]; then
                kver=$("$VM_DIR/fetch-kernels.sh" "$want" | awk -v s="$want" '$1 == s {print $2}')
            elif [[ -r $VM_CACHE/series-$want ]]; then
                kver=$(<"$VM_CACHE/series-$want")
            fi
            [[ -n ${kver:-} ]] || vm_die "could not resolve kernel series $want"
            ;;
        *)
            kver=$want
            ;;
    esac
    [[ -e $VM_CACHE/kernels/$kver/.ready ]] \
        || vm_die "kernel $kver is not in the cache ($VM_CACHE/kernels); run tests/vm/fetch-kernels.sh"
    echo "$kver"
}

# Version comparison: vm_version_ge A B is true when A >= B (dpkg-style order
# is not needed; sort -V is enough for kernel versions).
vm_version_ge() {
    [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" == "$2" ]]
}

# Modules the initramfs loads before it can reach the host's root over 9p.
VM_INITRAMFS_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

# Build (or reuse) the initramfs for kernel $1 and print its path.
# Contents: busybox-static, the stage-1 init, and the virtio/9p/overlay
# modules (decompressed, in dependency order as given by modprobe
# --show-depends; built-in ones are skipped).
vm_build_initramfs() {
    local kver=$1 kroot=$VM_CACHE/kernels/$1/root
    local out=$VM_CACHE/kernels/$kver/initramfs.cpio.gz
    local busybox=/bin/busybox
    [[ -x $busybox ]] || vm_die "$busybox is missing (install busybox-static)"
    if ldd "$busybox" >/dev/null 2>&1; then
        vm_die "$busybox is dynamically linked; install busybox-static"
    fi
    local stamp
    stamp=$( { sha256sum "$VM_DIR/guest/init" "$busybox" "$kroot/lib/modules/$kver/modules.dep"
              echo "${VM_INITRAMFS_MODULES[*]}"; } | sha256sum | cut -c1-16)
    if [[ -e $out && -e $out.stamp && $(<"$out.stamp") == "$stamp" ]]; then
        echo "$out"
        return 0
    fi
    vm_log "[initramfs] building for $kver"
    local tmp
    tmp=$(mktemp -d "$VM_CACHE/initramfs.XXXXXX")
    mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,rw,modules}
    cp "$busybox" "$tmp/bin/busybox"
    install -m 0755 "$VM_DIR/guest/init" "$tmp/init"
    mknod -m 600 "$tmp/dev/console" c 5 1
    mknod -m 666 "$tmp/dev/null" c 1 3
    local line path name seen=" " order=()
    while read -r line; do
        case "$line" in
            builtin*) continue ;;
            insmod\ *)
                path=$(awk '{print $2}' <<<"$line")
                name=$(basename "$path"); name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
                [[ $seen == *" $name "* ]] && continue
                seen+="$name "
                case "$path" in
                    *.xz)  xz -dc "$path" >"$tmp/modules/$name" ;;
                    *.zst) zstd -qdc "$path" >"$tmp/modules/$name" ;;
                    *.gz)  gzip -dc "$path" >"$tmp/modules/$name" ;;
                    *)     cp "$path" "$tmp/modules/$name" ;;
                esac
                order+=("$name")
                ;;
        esac
    done < <(modprobe -d "$kroot" -S "$kver" -a --show-depends "${VM_INITRAMFS_MODULES[@]}")
    printf '%s\n' "${order[@]}" >"$tmp/modules/order"
    # A temp name of its own: two guests started together may both build it,
    # and each must rename a whole archive into place.
    (cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0 | gzip -1) >"$tmp.cpio.gz"
    rm -rf "$tmp"
    mv "$tmp.cpio.gz" "$out"
    echo "$stamp" >"$out.stamp"
    vm_log "[initramfs] $kver: ${order[*]}"
    echo "$out"
}

# The emulated NVMe controller's backing image: sparse, zero-filled. Guests
# open it with snapshot=on, so their writes never reach this file and several
# guests can share it.
VM_NVME_IMG_SIZE=64M
vm_nvme_image() {
    local img=$VM_CACHE/nvme-disk.img
    if [[ ! -e $img ]]; then
        truncate -s "$VM_NVME_IMG_SIZE" "$img.tmp.$$" && mv "$img.tmp.$$" "$img"
    fi
    echo "$img"
}

# The kernel image QEMU boots. Debian's bzImage decompresses itself, which
# under TCG costs ~1-3 s per boot (xz on 6.1). The kernels are built with
# CONFIG_PVH, so QEMU can load the uncompressed ELF vmlinux directly through
# the PVH entry point instead: extract it once into the cache. Falls back to
# the bzImage when extraction is not possible. Prints the path.
vm_kernel_image() {
    local kver=$1 kdir=$VM_CACHE/kernels/$1
    local bz=$kdir/root/boot/vmlinuz-$kver out=$kdir/vmlinux
    if [[ -n ${NVMETCTL_VM_BZIMAGE:-} ]]; then echo "$bz"; return 0; fi
    if [[ -s $out ]]; then echo "$out"; return 0; fi
    if [[ -e $out.failed ]]; then echo "$bz"; return 0; fi
    grep -q '^CONFIG_PVH=y' "$kdir/root/boot/config-$kver" 2>/dev/null || { echo "$bz"; return 0; }
    local magic dec off
    # Pipelines below end early on purpose (head, a decompressor stopping at
    # the end of its stream); never let pipefail/errexit of a caller trip on it.
    for magic in xz zstd gzip; do
        case $magic in
            xz)   off=$(grep -abo -m1 $'\xfd7zXZ\x00' "$bz" | head -n1 | cut -d: -f1 || true); dec=(xz -dc --single-stream) ;;
            zstd) off=$(grep -abo -m1 $'\x28\xb5\x2f\xfd' "$bz" | head -n1 | cut -d: -f1 || true); dec=(zstd -qdc) ;;
            gzip) off=$(grep -abo -m1 $'\x1f\x8b\x08' "$bz" | head -n1 | cut -d: -f1 || true); dec=(gzip -dc) ;;
        esac
        [[ -n $off ]] || continue
        command -v "${dec[0]}" >/dev/null || continue
        { tail -c +$((off + 1)) "$bz" | "${dec[@]}" >"$out.tmp.$$" 2>/dev/null; } || true
        if [[ "$(head -c 4 "$out.tmp.$$" 2>/dev/null | od -An -c | tr -d ' ' || true)" == '177ELF' ]] \
            && readelf -n "$out.tmp.$$" 2>/dev/null | grep -q 'Xen'; then
            mv "$out.tmp.$$" "$out"
            vm_log "[kernel] $kver: extracted the uncompressed vmlinux for PVH boot"
            echo "$out"
            return 0
        fi
        rm -f "$out.tmp.$$"
    done
    touch "$out.failed"
    vm_log "[kernel] $kver: could not extract vmlinux; booting the bzImage"
    echo "$bz"
}

# The host's TSC frequency in kHz, or nothing if it cannot be told reliably.
# Under TCG the guest's TSC runs at the host's rate, but the guest calibrates
# it against the emulated PIT/HPET, which goes badly wrong when the host is
# busy (seen: 266 MHz instead of 2596 MHz, making guest time run 10x fast and
# every sleep/timeout in a test 10x short). Passing tsc_early_khz= skips that
# calibration. NVMETCTL_VM_TSC_KHZ overrides; 0 disables.
vm_host_tsc_khz() {
    if [[ -n ${NVMETCTL_VM_TSC_KHZ:-} ]]; then
        [[ $NVMETCTL_VM_TSC_KHZ == 0 ]] || echo "$NVMETCTL_VM_TSC_KHZ"
        return 0
    fi
    local mhz
    mhz=$(dmesg 2>/dev/null | sed -nE 's/.*tsc: Refined TSC clocksource calibration: ([0-9]+\.[0-9]+) MHz.*/\1/p' | tail -n1)
    [[ -n $mhz ]] || mhz=$(dmesg 2>/dev/null | sed -nE 's/.*tsc: Detected ([0-9]+\.[0-9]+) MHz.*/\1/p' | tail -n1)
    # In a VM the TSC rate is what /proc/cpuinfo reports; on bare metal "cpu MHz"
    # follows frequency scaling, so only trust it under a hypervisor.
    if [[ -z $mhz ]] && grep -qw hypervisor /proc/cpuinfo && grep -qw constant_tsc /proc/cpuinfo; then
        mhz=$(awk -F: '/^cpu MHz/ {gsub(/ /, "", $2); print $2; exit}' /proc/cpuinfo)
    fi
    [[ -n $mhz ]] || return 0
    awk -v m="$mhz" 'BEGIN { k = int(m * 1000 + 0.5); if (k >= 100000 && k <= 10000000) print k }'
}
