# Guest-side library for real-kernel test cases (tests/vm/cases/*.sh).
#
#   source "$(dirname "$0")/../lib.sh"
#
# A case runs as root inside a throwaway guest booted by tests/vm/run-guest.sh:
# the host's / is visible read-only under a writable tmpfs overlay, the kernel
# is cold (configfs not mounted, nvmet not loaded), `lo` is up, and QEMU's
# emulated NVMe disk is $(nvme_disk). Exit status 0 = pass, 77 = skip,
# anything else = fail. Sourcing this file turns on `set -eEuo pipefail`; an
# unexpected failing command fails the case with its file and line.
#
# See tests/vm/README.md for the list of helpers.

set -eEuo pipefail
# A failing command inside $(...) fails the case too.
shopt -s inherit_errexit

VM_REPO=${NVMETCTL_VM_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VM_LIB_DIR=$VM_REPO/tests/vm
VM_KVER=${NVMETCTL_VM_KVER:-$(uname -r)}
VM_SERIES=$(IFS=.; read -r a b _ <<<"$VM_KVER"; echo "$a.$b")
VM_STATE=/run/nvmet-vm
NVMETCTL=${NVMETCTL_BIN:-$VM_REPO/build/nvmetctl}
CONFIGFS=/sys/kernel/config
NVMET_CFS=$CONFIGFS/nvmet

# Private test network (never routed anywhere: there is no NIC in the guest).
NET_DEV=${NET_DEV:-nvmt0}
NET_ADDR=${NET_ADDR:-10.111.0.1}
NET_PREFIX=${NET_PREFIX:-24}
RXE_DEV=${RXE_DEV:-rxe0}

_vm_on_err() {
    local rc=$? i
    echo "FAIL: command failed (status $rc) at ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: $BASH_COMMAND" >&2
    for ((i = 1; i < ${#FUNCNAME[@]} - 1; i++)); do
        echo "      called from ${FUNCNAME[$i]} at ${BASH_SOURCE[$((i + 1))]##*/}:${BASH_LINENO[$i]}" >&2
    done
}
trap _vm_on_err ERR

# ---------------------------------------------------------------- reporting

# step TEXT: print a visible heading for the next part of the case.
step() {
    local up
    read -r up _ </proc/uptime
    printf '\n== [%7ss] %s\n' "$up" "$*"
}
# log TEXT: print an informational line.
log() { printf '   %s\n' "$*"; }
# fail TEXT: fail the case now.
fail() {
    trap - ERR
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}
# skip TEXT: end the case as skipped (exit 77).
skip() {
    trap - ERR
    printf 'SKIP: %s\n' "$*"
    exit 77
}
# pass [TEXT]: end the case successfully.
pass() {
    trap - ERR
    printf 'PASS%s\n' "${1:+: $1}"
    exit 0
}

# kernel_at_least VERSION: true when the running kernel is >= VERSION (e.g. 6.12).
kernel_at_least() {
    [[ "$(printf '%s\n%s\n' "$1" "${VM_KVER%%-*}" | sort -V | head -n1)" == "$1" ]]
}
# require_kernel VERSION: skip the case on older kernels.
require_kernel() { kernel_at_least "$1" || skip "needs kernel >= $1 (running $VM_KVER)"; }
# require_nvmetctl: fail unless the nvmetctl binary ($NVMETCTL) exists.
require_nvmetctl() {
    [[ -x $NVMETCTL ]] || fail "nvmetctl binary not found at $NVMETCTL (build it, or set NVMETCTL_BIN)"
}

# ---------------------------------------------------------------- assertions

# assert_eq EXPECTED ACTUAL [MESSAGE]
assert_eq() {
    [[ "$1" == "$2" ]] || fail "${3:-values differ}: expected '$1', got '$2'"
}
# assert_ne UNEXPECTED ACTUAL [MESSAGE]
assert_ne() {
    [[ "$1" != "$2" ]] || fail "${3:-values equal}: did not expect '$2'"
}
# assert_contains HAYSTACK NEEDLE [MESSAGE]  (fixed-string match)
assert_contains() {
    [[ "$1" == *"$2"* ]] || fail "${3:-missing text}: '$2' not found in:
$1"
}
# assert_not_contains HAYSTACK NEEDLE [MESSAGE]
assert_not_contains() {
    [[ "$1" != *"$2"* ]] || fail "${3:-unexpected text}: '$2' found in:
$1"
}
# assert_match HAYSTACK REGEX [MESSAGE]  (bash extended regex)
assert_match() {
    [[ "$1" =~ $2 ]] || fail "${3:-no match}: /$2/ does not match:
$1"
}
# assert_exists PATH / assert_not_exists PATH
assert_exists() { [[ -e "$1" || -L "$1" ]] || fail "${2:-expected to exist}: $1"; }
assert_not_exists() { [[ ! -e "$1" && ! -L "$1" ]] || fail "${2:-expected not to exist}: $1"; }
# assert_file_eq PATH EXPECTED: the file's content (trailing newline stripped) equals EXPECTED.
assert_file_eq() {
    local got
    got=$(<"$1") || fail "cannot read $1"
    assert_eq "$2" "$got" "content of $1"
}

# errno_text NAME|NUMBER|TEXT: the strerror() text, e.g. EPERM -> "Operation not permitted".
errno_text() {
    case "$1" in
        [0-9]*|E[A-Z0-9]*)
            perl -MErrno -e 'my $e = shift; if ($e !~ /^\d+$/) {
                    exists $!{$e} or die "unknown errno name $e\n"; $e = eval "Errno::$e()" }
                $! = $e; print "$!"' "$1" ;;
        *) printf '%s' "$1" ;;
    esac
}

# run CMD...: run a command without failing the case; sets RC (status) and
# OUT (stdout+stderr), and echoes both.
run() {
    log "\$ $*"
    if OUT=$("$@" 2>&1); then RC=0; else RC=$?; fi
    [[ -z $OUT ]] || printf '%s\n' "$OUT" | sed 's/^/     | /'
    [[ $RC -eq 0 ]] || log "  (exit status $RC)"
    return 0
}
# expect_ok CMD...: the command must succeed (OUT/RC are set as by run).
expect_ok() {
    run "$@"
    [[ $RC -eq 0 ]] || fail "expected success (got status $RC): $*"
}
# expect_fail CMD...: the command must fail (any non-zero status).
expect_fail() {
    run "$@"
    [[ $RC -ne 0 ]] || fail "expected failure, but it succeeded: $*"
}
# expect_errno ERRNO CMD...: the command must fail and its output must carry the
# errno's text. ERRNO is a name (EPERM), a number (1) or the text itself.
expect_errno() {
    local want
    want=$(errno_text "$1")
    shift
    run "$@"
    [[ $RC -ne 0 ]] || fail "expected '$want', but it succeeded: $*"
    assert_contains "$OUT" "$want" "error text of: $*"
}
# expect_status N CMD...: the command must exit with status N.
expect_status() {
    local want=$1
    shift
    run "$@"
    [[ $RC -eq $want ]] || fail "expected exit status $want, got $RC: $*"
}

# write_attr FILE VALUE: write VALUE (no trailing newline) to a configfs/sysfs
# attribute in a single write(2). On failure bash reports the errno text, e.g.
# "write error: Permission denied", so it combines with expect_errno:
#   expect_errno EACCES write_attr "$port/addr_trsvcid" 4421
write_attr() {
    printf '%s' "$2" >"$1"
}

# wait_until SECONDS CMD...: retry CMD every 0.1 s until it succeeds; fails
# (returns 1) after SECONDS.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# ---------------------------------------------------------------- kernel log

# kmsg_mark [LABEL]: write a unique marker to /dev/kmsg and print the kernel
# log lines logged since the previous marker (or since boot), without
# timestamps. Writing the marker also flushes a pending line that would
# otherwise show up one operation late. Call it once before an operation to
# start a window, and again after it to get that operation's lines.
kmsg_mark() {
    local prev="" new
    [[ -r $VM_STATE/kmsg-mark ]] && prev=$(<"$VM_STATE/kmsg-mark")
    new="nvmet-vm-mark ${EPOCHREALTIME/./}-$BASHPID${1:+ $1}"
    echo "$new" >/dev/kmsg
    echo "$new" >"$VM_STATE/kmsg-mark"
    dmesg --notime | awk -v prev="$prev" -v new="$new" '
        $0 == new { exit }
        prev != "" && $0 == prev { buf = ""; started = 1; next }
        { buf = buf $0 "\n" }
        END { printf "%s", buf }'
}
# assert_kmsg NEEDLE [MESSAGE]: the kernel logged NEEDLE since the last mark.
# Sets KMSG to the lines (and starts a new window).
assert_kmsg() {
    KMSG=$(kmsg_mark)
    assert_contains "$KMSG" "$1" "${2:-kernel log}"
}
# assert_no_kmsg NEEDLE [MESSAGE]
assert_no_kmsg() {
    KMSG=$(kmsg_mark)
    assert_not_contains "$KMSG" "$1" "${2:-kernel log}"
}

# ---------------------------------------------------------------- environment

# mount_configfs: mount configfs at /sys/kernel/config (loads configfs if needed).
mount_configfs() {
    if ! grep -q " $CONFIGFS configfs " /proc/mounts; then
        [[ -d $CONFIGFS ]] || modprobe configfs
        mount -t configfs configfs "$CONFIGFS"
    fi
}

# setup_dummy_net [DEV] [ADDR/PREFIX]: create a dummy netdev with a private
# address (default nvmt0, 10.111.0.1/24) and bring it up.
setup_dummy_net() {
    local dev=${1:-$NET_DEV} cidr=${2:-$NET_ADDR/$NET_PREFIX}
    modprobe dummy numdummies=0
    ip link add "$dev" type dummy
    ip addr add "$cidr" dev "$dev"
    ip link set "$dev" up
}

# write_one_export FILE NQN DEVICE TRTYPE TRADDR TRSVCID ["KEY: VALUE"...]: the
# smallest useful target: one subsystem open to any host, namespace 1 on
# DEVICE, exported on port 1 at TRADDR:TRSVCID (adrfam derived from TRADDR),
# with any further port keys given.
write_one_export() {
    local file=$1 nqn=$2 device=$3 trtype=$4 traddr=$5 trsvcid=$6 extra
    shift 6
    cat >"$file" <<YAML
version: 1
subsystems:
  - nqn: $nqn
    allow_any_host: true
    namespaces:
      - nsid: 1
        device_path: $device
        enable: true
ports:
  - id: 1
    trtype: $trtype
    traddr: $traddr
    trsvcid: $trsvcid
    subsystems: [$nqn]
YAML
    for extra in "$@"; do printf '    %s\n' "$extra" >>"$file"; done
}

# write_seed_target FILE NQN DISK: the issue's seed example (an rxe link on
# $NET_DEV, one host, one subsystem with namespace 10 on DISK, an rdma port
# on $NET_ADDR:4420), as a storage engineer would first write it.
write_seed_target() {
    local file=$1 nqn=$2 disk=$3
    cat >"$file" <<YAML
version: 1
rdma_links:
  - name: rxe_eth0
    type: rxe
    netdev: $NET_DEV
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-000000000001
subsystems:
  - nqn: $nqn
    allow_any_host: true
    namespaces:
      - nsid: 10
        device_path: $disk
        enable: true
ports:
  - id: 1
    trtype: rdma
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4420
    subsystems: [$nqn]
YAML
}

# setup_rxe [RXE] [NETDEV]: create a Soft-RoCE device on the netdev
# (default rxe0 on nvmt0) with `rdma link add`.
setup_rxe() {
    local rxe=${1:-$RXE_DEV} dev=${2:-$NET_DEV}
    rdma link add "$rxe" type rxe netdev "$dev"
    wait_until 10 grep -q ACTIVE "/sys/class/infiniband/$rxe/ports/1/state" \
        || fail "$rxe did not become ACTIVE"
}

# nvme_disk: path of QEMU's emulated NVMe disk (64 MiB, zeroed at every boot).
nvme_disk() { echo "${NVMETCTL_VM_NVME_DISK:-/dev/nvme0n1}"; }

# null_blk [SIZE_GB]: load null_blk with one device (default 1 GiB, no memory
# backing: reads return zeroes) and print its path, /dev/nullb0.
null_blk() {
    if [[ ! -b /dev/nullb0 ]]; then
        modprobe null_blk nr_devices=1 gb="${1:-1}"
        wait_until 5 test -b /dev/nullb0 || fail "/dev/nullb0 did not appear"
    fi
    echo /dev/nullb0
}

# loop_file [SIZE] [PATH]: create a file (default 32M under /tmp) and attach a
# loop device to it; prints the loop device path.
loop_file() {
    local size=${1:-32M} file=${2:-}
    [[ -n $file ]] || file=$(mktemp /tmp/loop-backing.XXXXXX)
    truncate -s "$size" "$file"
    modprobe loop 2>/dev/null || true
    losetup --find --show "$file"
}

# nvme_dev_for_nqn NQN [TIMEOUT] [NSID]: print the host-side namespace block
# device (e.g. /dev/nvme1n1) of the controller connected to subsystem NQN;
# with NSID, the one of that namespace (the host numbers its devices in
# discovery order, not by nsid).
nvme_dev_for_nqn() {
    local nqn=$1 timeout=${2:-15} nsid=${3:-} deadline c ns
    deadline=$((SECONDS + timeout))
    while ((SECONDS <= deadline)); do
        for c in /sys/class/nvme/nvme*; do
            [[ -r $c/subsysnqn && "$(<"$c/subsysnqn")" == "$nqn" ]] || continue
            # Without native multipath the namespace hangs off the controller
            # (nvme1/nvme1n1); with it, off the subsystem (nvme-subsys1/nvme1n1).
            for ns in "$c"/nvme*n* /sys/class/nvme-subsystem/*/nvme*n*; do
                [[ -e $ns ]] || continue
                [[ $ns == "$c"/* || "$(<"$(dirname "$ns")/subsysnqn")" == "$nqn" ]] || continue
                [[ -z $nsid || "$(<"$ns/nsid")" == "$nsid" ]] || continue
                [[ -b /dev/$(basename "$ns") ]] && { echo "/dev/$(basename "$ns")"; return 0; }
            done
        done
        sleep 0.2
    done
    return 1
}

# data_roundtrip HOST_DEV BACKING_DEV [MiB]: write a random pattern through
# HOST_DEV with O_DIRECT, read the same range back from BACKING_DEV with
# O_DIRECT (bypassing every cache) and require identical bytes.
data_roundtrip() {
    local dev=$1 backing=$2 mb=${3:-4} pat
    pat=$(mktemp /tmp/pattern.XXXXXX)
    head -c $((mb * 1024 * 1024)) /dev/urandom >"$pat"
    dd if="$pat" of="$dev" bs=1M count="$mb" oflag=direct conv=fsync status=none
    sync
    echo 3 >/proc/sys/vm/drop_caches
    cmp <(dd if="$backing" bs=1M count="$mb" iflag=direct status=none) "$pat" \
        || fail "data written through $dev does not read back from $backing"
    rm -f "$pat"
    log "$mb MiB written through $dev read back identically from $backing"
}

# ---------------------------------------------------------------- modules

_vm_mod_dir() { echo "/lib/modules/$VM_KVER"; }
# The unpacked, unmodified modules tree as the guest sees the host's cache.
_vm_mod_lower() {
    local arg
    for arg in $(</proc/cmdline); do
        [[ $arg == nvmvm.kroot=* ]] && { echo "$VM_STATE/host${arg#nvmvm.kroot=}/lib/modules/$VM_KVER"; return 0; }
    done
    fail "no nvmvm.kroot= on the kernel command line"
}

# module_loaded NAME: true when the module is loaded (dashes or underscores).
module_loaded() { [[ -e /sys/module/${1//-/_}/initstate ]]; }

_VM_KMOD_INDEXES=(modules.dep modules.dep.bin modules.alias modules.alias.bin modules.symbols modules.symbols.bin)

# hide_module NAME...: make modules genuinely unavailable, as if not installed:
# the .ko file is removed from the guest's (overlay) modules tree and the
# module, its aliases and its symbols are dropped from modules.dep/.alias/
# .symbols and their .bin indexes, so modprobe, libkmod and the kernel's
# request_module cannot find it. The module must not be loaded. Modules that
# depend on a hidden one still list it and fail to load. A real `depmod -a`
# would take minutes under TCG; guest/kmod-index.pl edits the indexes instead.
hide_module() {
    local mdir name path rel names=()
    mdir=$(_vm_mod_dir)
    mkdir -p "$VM_STATE/kmod-hidden"
    for name in "$@"; do
        name=${name//-/_}
        module_loaded "$name" && fail "hide_module: $name is loaded; unload it first"
        path=$(modinfo -F filename "$name" 2>/dev/null) || fail "hide_module: no module $name"
        [[ $path == /* ]] || fail "hide_module: $name is built into the kernel ($path)"
        rel=${path#"$mdir"/}
        mkdir -p "$VM_STATE/kmod-hidden/$(dirname "$rel")"
        mv "$path" "$VM_STATE/kmod-hidden/$rel"
        echo "$name $rel" >>"$VM_STATE/hidden"
        names+=("$name")
        log "hid module $name ($rel)"
    done
    perl "$VM_LIB_DIR/guest/kmod-index.pl" hide "$mdir" "${names[@]}"
}

# unhide_module NAME...: undo hide_module.
unhide_module() {
    local mdir name rel f still=()
    mdir=$(_vm_mod_dir)
    for name in "$@"; do
        name=${name//-/_}
        rel=$(awk -v n="$name" '$1 == n {print $2}' "$VM_STATE/hidden" 2>/dev/null)
        [[ -n $rel ]] || fail "unhide_module: $name is not hidden"
        mv "$VM_STATE/kmod-hidden/$rel" "$mdir/$rel"
        awk -v n="$name" '$1 != n' "$VM_STATE/hidden" >"$VM_STATE/hidden.new"
        mv "$VM_STATE/hidden.new" "$VM_STATE/hidden"
        log "restored module $name"
    done
    # Back to the pristine indexes (the read-only lower layer of the modules
    # overlay, i.e. the host's unpacked tree), minus what is still hidden.
    for f in "${_VM_KMOD_INDEXES[@]}"; do cp "$(_vm_mod_lower)/$f" "$mdir/$f"; done
    mapfile -t still < <(awk '{print $1}' "$VM_STATE/hidden")
    [[ ${#still[@]} -eq 0 ]] || perl "$VM_LIB_DIR/guest/kmod-index.pl" hide "$mdir" "${still[@]}"
}

# ---------------------------------------------------------------- nvmet configfs

# nvmet_teardown: remove everything under /sys/kernel/config/nvmet in the safe
# order (port links, referrals, ANA groups, ports, allowed_hosts links,
# namespaces, subsystems, hosts). Leaves the modules loaded.
nvmet_teardown() {
    local d l
    [[ -d $NVMET_CFS ]] || return 0
    for l in "$NVMET_CFS"/ports/*/subsystems/*; do [[ -L $l ]] && rm "$l"; done
    for d in "$NVMET_CFS"/ports/*/referrals/*; do [[ -d $d ]] && rmdir "$d"; done
    for d in "$NVMET_CFS"/ports/*/ana_groups/*; do
        [[ -d $d && $(basename "$d") != 1 ]] && rmdir "$d"
    done
    for d in "$NVMET_CFS"/ports/*; do [[ -d $d ]] && rmdir "$d"; done
    for l in "$NVMET_CFS"/subsystems/*/allowed_hosts/*; do [[ -L $l ]] && rm "$l"; done
    for d in "$NVMET_CFS"/subsystems/*/namespaces/*; do [[ -d $d ]] && rmdir "$d"; done
    for d in "$NVMET_CFS"/subsystems/*; do [[ -d $d ]] && rmdir "$d"; done
    for d in "$NVMET_CFS"/hosts/*; do [[ -d $d ]] && rmdir "$d"; done
    return 0
}

# nvmet_is_empty: true when no port, subsystem or host exists.
nvmet_is_empty() {
    local e
    for e in "$NVMET_CFS"/ports/* "$NVMET_CFS"/subsystems/* "$NVMET_CFS"/hosts/*; do
        [[ -e $e ]] && return 1
    done
    return 0
}
