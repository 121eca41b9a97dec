#!/usr/bin/env bash
# nvmetctl's table of kernel behaviour (src/core/model/kernel_behaviour.cpp)
# held against the real kernel. build/nvmetctl-kernel-behaviour prints what
# the table expects of the running release, one line per rule, default or
# side effect; every line is probed here with raw configfs operations
# (mkdir, write, ln -s, cat) and nvme-cli, never through nvmetctl, and the
# table's value is compared with what the kernel did:
#   rule <name> yes|no                 version thresholds of behaviours
#   default_version <M.m>              attr_version of a new subsystem
#   after_write <file>=<v> <moved>=<w> a port write and the attribute it moves
#   after_enable <trtype> <inline> <queue> -> <inline> <queue>
#                                      the port parameters after the first link
# A mismatch prints "table X, kernel Y" and fails the case. A line this case
# has no probe for fails it too, so a rule added to the table without a probe
# here is caught. A probe is skipped only where the kernel genuinely lacks the
# object it needs (e.g. no passthru/ without CONFIG_NVME_TARGET_PASSTHRU, no
# addr_tsas before 6.9), and the reason is printed.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

TABLE_TOOL=${NVMETCTL_KERNEL_BEHAVIOUR_BIN:-$VM_REPO/build/nvmetctl-kernel-behaviour}
[[ -x $TABLE_TOOL ]] || fail "table dump tool not found at $TABLE_TOOL (build target nvmetctl-kernel-behaviour)"

PFX=nqn.2024-01.io.nvmetctl:kernel-behaviour
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-0000000kb001
# A key nvme-cli generated (`nvme gen-dhchap-key -l 32`: 32 bytes + CRC, no
# transformation); used when gen-dhchap-key cannot run.
KNOWN_KEY='DHHC-1:00:nkWTphw++cFkG8g+Tbq/bhWYnimTPUNtF9NXVkmqbzXgeqD9:'
TMPFS_MNT=/run/nvmet-kb-tmpfs
LINK_SUBSYS=$NVMET_CFS/subsystems/$PFX:link
NEXT_PORT=10
RDMA_STATE=""   # "" untried, "ready", or "skip: <reason>"

# ---------------------------------------------------------------- bookkeeping

RESULTS=()
BAD=0
# verdict LINE TABLE KERNEL [NOTE]: record a comparison.
verdict() {
    local line=$1 table=$2 kernel=$3 note=${4:-} r
    if [[ $table == "$kernel" ]]; then
        r="ok        $line: table $table, kernel $kernel${note:+  ($note)}"
    else
        r="MISMATCH  $line: table $table, kernel $kernel${note:+  ($note)}"
        BAD=1
    fi
    RESULTS+=("$r")
    log "=> $r"
}
skipped() {
    RESULTS+=("skipped   $1: $2")
    log "=> skipped: $2"
}
unknown() {
    RESULTS+=("UNKNOWN   $1: no probe in this case for this line (add one)")
    log "=> UNKNOWN: no probe for this line"
    BAD=1
}

# The unpacked kernel package the guest runs (its config is the evidence for
# a skipped probe).
kernel_config() {
    local arg kroot=""
    for arg in $(</proc/cmdline); do
        [[ $arg == nvmvm.kroot=* ]] && kroot=${arg#nvmvm.kroot=}
    done
    for f in "$VM_STATE/host$kroot/boot/config-$VM_KVER" "$kroot/boot/config-$VM_KVER" "/boot/config-$VM_KVER"; do
        [[ -n $kroot && -r $f ]] && { echo "$f"; return 0; }
    done
    return 1
}
# config_line OPTION: the option's line in the kernel config ("CONFIG_X=y",
# "# CONFIG_X is not set") or "config not readable".
config_line() {
    local cfg
    cfg=$(kernel_config) || { echo "kernel config not readable"; return 0; }
    grep -E "^(# )?$1[= ]" "$cfg" || echo "$1 not in $cfg"
}

# new_port: make a fresh port directory, PORT.
new_port() {
    PORT=$NVMET_CFS/ports/$NEXT_PORT
    mkdir "$PORT"
    NEXT_PORT=$((NEXT_PORT + 1))
}
nul_write() { printf '\0' >"$1"; }

# host_ctrl_for NQN: the host-side controller (nvmeN) connected to NQN.
host_ctrl_for() {
    local c
    for c in /sys/class/nvme/nvme*; do
        [[ -r $c/subsysnqn && "$(<"$c/subsysnqn")" == "$1" ]] && { basename "$c"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------- probes
# Each sets KERNEL (what the kernel did, in the table's terms) and NOTE
# (evidence), or SKIP (the reason the probe cannot run on this kernel).

probe_discovery_nqn_attribute() {
    if [[ -e $NVMET_CFS/discovery_nqn ]]; then
        KERNEL=yes NOTE="discovery_nqn reads '$(<"$NVMET_CFS/discovery_nqn")'"
    else
        KERNEL=no NOTE="no $NVMET_CFS/discovery_nqn"
    fi
}

# nvmet is loaded (above): where nvme-keyring exists, it came with it.
probe_nvme_tls_keyring() {
    if grep -qE ' keyring +\.nvme: ' /proc/keys; then
        KERNEL=yes NOTE="/proc/keys lists the .nvme keyring"
    else
        KERNEL=no NOTE="no .nvme keyring in /proc/keys; $(config_line CONFIG_NVME_KEYRING)"
    fi
}

probe_cntlid_min_may_equal_max() {
    local s=$NVMET_CFS/subsystems/$PFX:cntlid
    mkdir "$s"
    expect_ok write_attr "$s/attr_cntlid_max" 5
    assert_file_eq "$s/attr_cntlid_max" 5
    run write_attr "$s/attr_cntlid_min" 5
    if ((RC == 0)); then
        assert_file_eq "$s/attr_cntlid_min" 5
        KERNEL=yes NOTE="attr_cntlid_min=5 beside attr_cntlid_max=5 accepted"
    else
        assert_contains "$OUT" "$(errno_text EINVAL)" "refusal of attr_cntlid_min=5 (max 5)"
        KERNEL=no NOTE="attr_cntlid_min=5 beside attr_cntlid_max=5: EINVAL"
    fi
    rmdir "$s"
}

# fresh_version: FRESH_VERSION = attr_version of a subsystem just made.
fresh_version() {
    local s=$NVMET_CFS/subsystems/$PFX:version
    mkdir "$s"
    FRESH_VERSION=$(<"$s/attr_version")
    rmdir "$s"
}
probe_default_version_2_1() {
    local v
    fresh_version
    v=$FRESH_VERSION
    case "$v" in
        2.1) KERNEL=yes ;;
        *)   KERNEL=no ;;
    esac
    NOTE="a new subsystem's attr_version is '$v'"
}

probe_host_key_cleared_by_nul() {
    local h=$NVMET_CFS/hosts/$HOSTNQN key got
    mkdir "$h"
    if [[ ! -e $h/dhchap_key ]]; then
        rmdir "$h"
        KERNEL=no NOTE="hosts/<nqn> has no dhchap_key, so no key can be cleared; $(config_line CONFIG_NVME_TARGET_AUTH)"
        return 0
    fi
    key=$(nvme gen-dhchap-key -l 32 2>/dev/null) || key=""
    [[ $key == DHHC-1:00:*: ]] || key=$KNOWN_KEY
    expect_ok write_attr "$h/dhchap_key" "$key"
    assert_file_eq "$h/dhchap_key" "$key"
    run nul_write "$h/dhchap_key"
    got=$(<"$h/dhchap_key")
    if ((RC != 0)); then
        KERNEL=no NOTE="a single NUL byte written to dhchap_key is refused: $OUT"
    elif [[ -z $got ]]; then
        KERNEL=yes NOTE="after a single NUL byte dhchap_key reads empty"
    else
        KERNEL=no NOTE="after a single NUL byte dhchap_key still reads '$got'"
    fi
    [[ -z $got ]] || nul_write "$h/dhchap_key" || true
    rmdir "$h"
}

# rdma_listener_dies_with_its_device: an rdma port on an rxe link whose
# netdev is deleted (taking the rxe device with it) and recreated, with the
# rxe link made again: does the port answer discovery without being
# disabled and enabled?
probe_rdma_listener_dies_with_its_device() {
    local s=$NVMET_CFS/subsystems/$PFX:rdma p=$NVMET_CFS/ports/77 answered=no
    if ! modprobe nvmet-rdma 2>/dev/null || ! modprobe rdma_rxe 2>/dev/null || ! modprobe nvme-rdma 2>/dev/null; then
        SKIP="nvmet-rdma, rdma_rxe or nvme-rdma cannot be loaded"
        return 0
    fi
    ip link add nvmkb0 type dummy && ip link set nvmkb0 up && ip addr add 10.112.0.1/24 dev nvmkb0
    rdma link add rxe_kb0 type rxe netdev nvmkb0
    wait_until 10 grep -q ACTIVE /sys/class/infiniband/rxe_kb0/ports/1/state || fail "rxe_kb0 not ACTIVE"
    mkdir "$s" "$p"
    write_attr "$s/attr_allow_any_host" 1
    write_attr "$p/addr_trtype" rdma
    write_attr "$p/addr_adrfam" ipv4
    write_attr "$p/addr_traddr" 10.112.0.1
    write_attr "$p/addr_trsvcid" 4477
    ln -s "$s" "$p/subsystems/$PFX:rdma"
    expect_ok nvme discover -t rdma -a 10.112.0.1 -s 4477
    ip link del nvmkb0
    ip link add nvmkb0 type dummy && ip link set nvmkb0 up && ip addr add 10.112.0.1/24 dev nvmkb0
    rdma link add rxe_kb0 type rxe netdev nvmkb0
    wait_until 10 grep -q ACTIVE /sys/class/infiniband/rxe_kb0/ports/1/state || fail "rxe_kb0 not ACTIVE again"
    # nvmet-rdma's repair work, where it runs, retries every 5 s.
    sleep 7
    nvme discover -t rdma -a 10.112.0.1 -s 4477 >/dev/null 2>&1 && answered=yes
    rm "$p/subsystems/$PFX:rdma"
    ln -s "$s" "$p/subsystems/$PFX:rdma"
    expect_ok nvme discover -t rdma -a 10.112.0.1 -s 4477
    if [[ $answered == no ]]; then
        KERNEL=yes NOTE="after the rxe device came back the port answered no discovery; unlink and relink made it listen"
    else
        KERNEL=no NOTE="the port answered discovery again by itself"
    fi
    rm "$p/subsystems/$PFX:rdma"
    rmdir "$p" "$s"
    rdma link del rxe_kb0
    ip link del nvmkb0
}

probe_passthru_refused_beside_any_namespace() {
    local s=$NVMET_CFS/subsystems/$PFX:passthru disk ctrl kmsg
    mkdir "$s"
    if [[ ! -d $s/passthru ]]; then
        rmdir "$s"
        SKIP="a subsystem has no passthru/ directory: $(config_line CONFIG_NVME_TARGET_PASSTHRU)"
        return 0
    fi
    disk=$(nvme_disk)
    ctrl=${disk%n[0-9]*}
    [[ -c $ctrl ]] || fail "no NVMe controller character device for $disk"
    mkdir "$s/namespaces/1"
    assert_file_eq "$s/namespaces/1/enable" 0
    expect_ok write_attr "$s/passthru/device_path" "$ctrl"
    kmsg_mark >/dev/null
    run write_attr "$s/passthru/enable" 1
    kmsg=$(kmsg_mark)
    if ((RC != 0)); then
        assert_contains "$OUT" "$(errno_text EINVAL)" "refusal of passthru/enable"
        # The refusal must come from the namespace: without it the same
        # enable has to work.
        rmdir "$s/namespaces/1"
        expect_ok write_attr "$s/passthru/enable" 1
        assert_file_eq "$s/passthru/enable" 1
        expect_ok write_attr "$s/passthru/enable" 0
        KERNEL=yes NOTE="passthru/enable beside disabled namespace 1: EINVAL (kernel: ${kmsg//$'\n'/ / }); enabled once it was removed"
    else
        assert_file_eq "$s/passthru/enable" 1
        expect_ok write_attr "$s/passthru/enable" 0
        rmdir "$s/namespaces/1"
        KERNEL=no NOTE="passthru/enable=1 on $ctrl accepted beside disabled namespace 1"
    fi
    rmdir "$s"
}

probe_tmpfs_accepts_direct_io() {
    local s=$NVMET_CFS/subsystems/$PFX:tmpfs f=$TMPFS_MNT/backing.img kmsg
    mkdir -p "$TMPFS_MNT"
    mount -t tmpfs -o size=64M nvmet-kb-tmpfs "$TMPFS_MNT"
    truncate -s 16M "$f"
    mkdir "$s"
    mkdir "$s/namespaces/1"
    expect_ok write_attr "$s/namespaces/1/device_path" "$f"
    expect_ok write_attr "$s/namespaces/1/buffered_io" 0
    kmsg_mark >/dev/null
    run write_attr "$s/namespaces/1/enable" 1
    kmsg=$(kmsg_mark)
    if ((RC == 0)); then
        assert_file_eq "$s/namespaces/1/enable" 1
        expect_ok write_attr "$s/namespaces/1/enable" 0
        KERNEL=yes NOTE="enable=1 of a tmpfs file with buffered_io=0 accepted"
    else
        assert_contains "$OUT" "$(errno_text EINVAL)" "refusal of enable on a tmpfs file"
        assert_contains "$kmsg" "failed to open file $f" "kernel log of the refused enable"
        KERNEL=no NOTE="enable=1 of a tmpfs file with buffered_io=0: EINVAL, kernel: ${kmsg//$'\n'/ / }"
    fi
    rmdir "$s/namespaces/1"
    rmdir "$s"
    umount "$TMPFS_MNT"
    rmdir "$TMPFS_MNT"
}

probe_unset_trtype_not_transport_zero() {
    local s=$NVMET_CFS/subsystems/$PFX:no-trtype p kmsg
    mkdir "$s"
    new_port
    p=$PORT
    assert_file_eq "$p/addr_trtype" ""
    kmsg_mark >/dev/null
    run ln -s "$s" "$p/subsystems/"
    kmsg=$(kmsg_mark)
    if ((RC == 0)); then
        rm "$p/subsystems/${s##*/}"
        KERNEL=yes NOTE="linking into a port without trtype succeeded"
    elif [[ $kmsg == *"transport type 0 not supported"* ]]; then
        KERNEL=no NOTE="link refused ($OUT), kernel: 'transport type 0 not supported'"
    else
        KERNEL=yes NOTE="link refused ($OUT), kernel log without 'transport type 0': ${kmsg//$'\n'/ / }"
    fi
    rmdir "$p"
    rmdir "$s"
}

probe_qid_max_write_drops_controllers() {
    local s=$NVMET_CFS/subsystems/$PFX:qid-max nqn=$PFX:qid-max p svc dev ctrl qid kmsg nullb
    local dropped="" seen_states="" st deadline
    nullb=$(null_blk)
    mkdir "$s"
    expect_ok write_attr "$s/attr_allow_any_host" 1
    mkdir "$s/namespaces/1"
    expect_ok write_attr "$s/namespaces/1/device_path" "$nullb"
    expect_ok write_attr "$s/namespaces/1/enable" 1
    new_port
    p=$PORT
    svc=$((4400 + ${p##*/}))
    write_attr "$p/addr_trtype" tcp
    write_attr "$p/addr_adrfam" ipv4
    write_attr "$p/addr_traddr" 127.0.0.1
    write_attr "$p/addr_trsvcid" "$svc"
    expect_ok ln -s "$s" "$p/subsystems/"
    modprobe nvme-tcp
    expect_ok nvme connect -t tcp -a 127.0.0.1 -s "$svc" -n "$nqn" --reconnect-delay=1
    dev=$(nvme_dev_for_nqn "$nqn") || fail "no namespace device for $nqn after connect"
    ctrl=$(host_ctrl_for "$nqn") || fail "no host controller for $nqn"
    wait_until 10 grep -qx live "/sys/class/nvme/$ctrl/state" || fail "$ctrl is not live"
    log "host controller $ctrl is live, namespace $dev"

    # watch_drop: for up to 8 s, look for the host losing the controller:
    # its state leaving 'live' or the host starting error recovery.
    watch_drop() {
        dropped="" seen_states=""
        deadline=$((SECONDS + 8))
        while ((SECONDS < deadline)); do
            st=$(cat "/sys/class/nvme/$ctrl/state" 2>/dev/null) || st=gone
            [[ " $seen_states " == *" $st "* ]] || seen_states+=" $st"
            [[ $st == live ]] || dropped=yes
            [[ -n $dropped ]] && break
            sleep 0.05
        done
        kmsg=$(kmsg_mark)
        [[ $kmsg == *"$ctrl: starting error recovery"* ]] && dropped=yes
        return 0
    }

    qid=$(<"$s/attr_qid_max")
    kmsg_mark >/dev/null
    expect_ok write_attr "$s/attr_qid_max" "$qid"
    watch_drop
    if [[ -n $dropped ]]; then
        KERNEL=yes NOTE="writing the unchanged attr_qid_max=$qid dropped $ctrl (states:$seen_states; kernel: $(grep -E "$ctrl|nvmet" <<<"$kmsg" | head -n 3 | tr '\n' '/' || true))"
    else
        # The observable must see a real drop: unlinking the subsystem
        # deletes its controllers on that port.
        kmsg_mark >/dev/null
        expect_ok rm "$p/subsystems/${s##*/}"
        watch_drop
        [[ -n $dropped ]] || fail "the drop observable is broken: unlinking the subsystem did not drop $ctrl either (states:$seen_states)"
        KERNEL=no NOTE="$ctrl stayed live for 8 s after writing the unchanged attr_qid_max=$qid (an unlink then dropped it within the same window)"
    fi
    expect_ok nvme disconnect -n "$nqn"
    wait_until 10 test ! -e "/sys/class/nvme/$ctrl" || fail "$ctrl still exists after disconnect"
    [[ ! -L $p/subsystems/${s##*/} ]] || rm "$p/subsystems/${s##*/}"
    rmdir "$p"
    expect_ok write_attr "$s/namespaces/1/enable" 0
    rmdir "$s/namespaces/1"
    rmdir "$s"
}

# after_write FILE VALUE MOVED: on a fresh port in the state the table
# starts from, write FILE=VALUE and read MOVED.
probe_after_write() {
    local file=$1 value=$2 moved=$3 p setup=() pre=() i f v
    # The starting state the dump tool assumes for each write it prints
    # (tests/vm/tools/kernel_behaviour_dump.cpp).
    case "$file=$value" in
        addr_trtype=tcp)   setup=(addr_trtype=rdma);                 pre=(addr_tsas=connected "addr_treq=not specified") ;;
        addr_tsas=tls1.3)  setup=(addr_trtype=tcp);                  pre=(addr_tsas=none "addr_treq=not specified") ;;
        addr_tsas=none)    setup=(addr_trtype=tcp addr_tsas=tls1.3); pre=(addr_tsas=tls1.3 addr_treq=required) ;;
        *) fail "probe_after_write: no starting state for $file=$value" ;;
    esac
    new_port
    p=$PORT
    for f in "$file" "$moved"; do
        if [[ ! -e $p/$f ]]; then
            rmdir "$p"
            kernel_at_least 6.9 && fail "$p/$f is missing on $VM_KVER (expected from 6.9)"
            SKIP="no $f before 6.9 (ports have no $f on $VM_KVER)"
            return 0
        fi
    done
    for i in "${setup[@]}"; do expect_ok write_attr "$p/${i%%=*}" "${i#*=}"; done
    for i in "${pre[@]}"; do
        v=$(<"$p/${i%%=*}")
        [[ $v == "${i#*=}" ]] || fail "starting state of the after_write probe: ${i%%=*} reads '$v', the table starts from '${i#*=}'"
    done
    expect_ok write_attr "$p/$file" "$value"
    assert_file_eq "$p/$file" "$value"
    KERNEL=$(<"$p/$moved")
    NOTE="port ${p##*/} from ${pre[*]}"
    rmdir "$p"
}

rdma_ready() {
    [[ -z $RDMA_STATE ]] || return 0
    local m
    for m in rdma_rxe nvmet-rdma; do
        if ! modinfo -F filename "$m" >/dev/null 2>&1; then
            RDMA_STATE="skip: no $m module in $VM_KVER ($(config_line CONFIG_RDMA_RXE))"
            return 0
        fi
    done
    setup_dummy_net
    expect_ok rdma link add "$RXE_DEV" type rxe netdev "$NET_DEV"
    wait_until 10 grep -q ACTIVE "/sys/class/infiniband/$RXE_DEV/ports/1/state" || fail "$RXE_DEV did not become ACTIVE"
    RDMA_STATE=ready
}

# after_enable TRTYPE INLINE QUEUE: a fresh port with the address set and
# both parameters written, enabled by a link; prints "inline queue" read back.
probe_after_enable() {
    local trtype=$1 inline=$2 queue=$3 p addr has_queue=yes got_inline got_queue
    case "$trtype" in
        tcp) addr=127.0.0.1 ;;
        rdma)
            rdma_ready
            if [[ $RDMA_STATE == skip:* ]]; then SKIP=${RDMA_STATE#skip: }; return 0; fi
            addr=$NET_ADDR ;;
        *) fail "probe_after_enable: no address for $trtype" ;;
    esac
    [[ -d $LINK_SUBSYS ]] || mkdir "$LINK_SUBSYS"
    new_port
    p=$PORT
    if [[ ! -e $p/param_max_queue_size ]]; then
        kernel_at_least 6.9 && fail "$p/param_max_queue_size is missing on $VM_KVER (expected from 6.9)"
        has_queue=""
    fi
    expect_ok write_attr "$p/addr_trtype" "$trtype"
    expect_ok write_attr "$p/addr_adrfam" ipv4
    expect_ok write_attr "$p/addr_traddr" "$addr"
    expect_ok write_attr "$p/addr_trsvcid" "$((4400 + ${p##*/}))"
    expect_ok write_attr "$p/param_inline_data_size" "$inline"
    [[ -z $has_queue ]] || expect_ok write_attr "$p/param_max_queue_size" "$queue"
    kmsg_mark >/dev/null
    expect_ok ln -s "$LINK_SUBSYS" "$p/subsystems/"
    KMSG=$(kmsg_mark)
    [[ -z $KMSG ]] || printf '%s\n' "$KMSG" | sed 's/^/     kernel| /'
    got_inline=$(<"$p/param_inline_data_size")
    got_queue=""
    [[ -z $has_queue ]] || got_queue=$(<"$p/param_max_queue_size")
    rm "$p/subsystems/${LINK_SUBSYS##*/}"
    rmdir "$p"
    KERNEL="$got_inline $got_queue"
    NOTE="port ${p##*/} ($trtype $addr) after its first link"
    [[ -n $has_queue ]] || { KERNEL=$got_inline; NOTE+="; max_queue_size part skipped: no param_max_queue_size before 6.9"; }
}

# ---------------------------------------------------------------- cleanup

cleanup() {
    trap - ERR
    set +e
    local c
    for c in /sys/class/nvme/nvme*; do
        [[ -r $c/subsysnqn && "$(<"$c/subsysnqn")" == "$PFX"* ]] && nvme disconnect -d "$(basename "$c")" >/dev/null 2>&1
    done
    nvmet_teardown
    grep -q " $TMPFS_MNT " /proc/mounts && umount "$TMPFS_MNT"
    [[ -d $TMPFS_MNT ]] && rmdir "$TMPFS_MNT"
    [[ -e /sys/class/infiniband/$RXE_DEV ]] && rdma link delete "$RXE_DEV"
    ip link show "$NET_DEV" >/dev/null 2>&1 && ip link del "$NET_DEV"
    return 0
}
trap cleanup EXIT

# ---------------------------------------------------------------- main

step "what the table expects of $VM_KVER"
TABLE=$("$TABLE_TOOL" "$(uname -r)")
printf '%s\n' "$TABLE" | sed 's/^/     | /'
mapfile -t LINES <<<"$TABLE"
[[ ${#LINES[@]} -gt 0 && -n ${LINES[0]} ]] || fail "the table dump printed nothing"

mount_configfs
modprobe nvmet
assert_exists "$NVMET_CFS/subsystems"

for line in "${LINES[@]}"; do
    step "$line"
    KERNEL="" NOTE="" SKIP=""
    if [[ $line =~ ^rule\ ([a-z0-9_]+)\ (yes|no)$ ]]; then
        name=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
        if declare -F "probe_$name" >/dev/null; then
            "probe_$name"
        else
            unknown "$line"
            continue
        fi
    elif [[ $line =~ ^default_version\ ([0-9][0-9.]*)$ ]]; then
        want=${BASH_REMATCH[1]}
        fresh_version
        KERNEL=$FRESH_VERSION
        NOTE="attr_version of a new subsystem"
    elif [[ $line =~ ^after_write\ ([a-z_]+)=([^ ]+)\ ([a-z_]+)=(.*)$ ]]; then
        want=${BASH_REMATCH[4]}
        # Only writes whose starting state this case knows (see probe_after_write).
        case "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}" in
            addr_trtype=tcp|addr_tsas=tls1.3|addr_tsas=none) ;;
            *) unknown "$line"; continue ;;
        esac
        probe_after_write "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
    elif [[ $line =~ ^after_enable\ ([a-z]+)\ (-?[0-9]+)\ (-?[0-9]+)\ -\>\ (-?[0-9]+)\ (-?[0-9]+)$ ]]; then
        want="${BASH_REMATCH[4]} ${BASH_REMATCH[5]}" want_inline=${BASH_REMATCH[4]}
        case "${BASH_REMATCH[1]}" in
            tcp|rdma) ;;
            *) unknown "$line"; continue ;;
        esac
        probe_after_enable "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
        # Without param_max_queue_size (before 6.9) only inline_data_size is compared.
        [[ $KERNEL == *" "* ]] || want=$want_inline
    else
        unknown "$line"
        continue
    fi
    if [[ -n $SKIP ]]; then
        skipped "$line" "$SKIP"
    else
        verdict "$line" "$want" "$KERNEL" "$NOTE"
    fi
done

step "clean up"
cleanup
trap - EXIT
nvmet_is_empty || fail "nvmet configfs is not empty after the cleanup"
[[ ! -e /sys/class/infiniband/$RXE_DEV ]] || fail "$RXE_DEV still exists"

step "summary ($VM_KVER)"
for r in "${RESULTS[@]}"; do log "$r"; done
((BAD == 0)) || fail "the kernel behaviour table disagrees with $VM_KVER or has lines without a probe (see MISMATCH/UNKNOWN above)"
pass "every line of the kernel behaviour table holds on $VM_KVER"
