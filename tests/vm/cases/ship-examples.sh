#!/usr/bin/env bash
# timeout: 900
# Every example under examples/ that fits the guest, applied by nvmetctl on a
# real kernel: the guest's dummy netdev and address stand in for eth1 and
# 192.0.2.10, QEMU's NVMe disk for /dev/nvme0n1, files under the case's work
# directory for /var/lib/nvmetctl and /etc/nvmetctl/keys. Each example must
# apply, plan no changes afterwards, serve I/O where a host can connect
# (tcp, rdma, loop, DH-HMAC-CHAP), and clear.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
command -v nvme >/dev/null || skip "nvme-cli not installed"

WORK=/tmp/nvmetctl-ship
mkdir -p "$WORK/keys" "$WORK/lib"
DISK=$(nvme_disk)
setup_dummy_net

# localize EXAMPLE: the example with this guest's names, at $WORK/EXAMPLE.
localize() {
    sed -e "s|netdev: eth1|netdev: $NET_DEV|" \
        -e "s|192\.0\.2\.10|$NET_ADDR|g" \
        -e "s|/var/lib/nvmetctl/|$WORK/lib/|g" \
        -e "s|/etc/nvmetctl/keys/|$WORK/keys/|g" \
        -e "s|/dev/nvme0n1|$DISK|g" \
        "$VM_REPO/examples/$1" >"$WORK/$1"
    echo "$WORK/$1"
}

# apply_example FILE: validate, apply, then nothing left to change.
apply_example() {
    expect_ok "$NVMETCTL" validate "$1"
    expect_ok "$NVMETCTL" apply "$1"
    assert_contains "$OUT" "verified"
    expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$1"
}

# connect_io TRTYPE NQN BACKING [nvme connect options...]
connect_io() {
    local trtype=$1 nqn=$2 backing=$3 dev
    shift 3
    modprobe "nvme-$trtype"
    if [[ $trtype == loop ]]; then
        expect_ok nvme connect -t loop -n "$nqn" "$@"
    else
        expect_ok nvme connect -t "$trtype" -a "$NET_ADDR" -s 4420 -n "$nqn" "$@"
    fi
    dev=$(nvme_dev_for_nqn "$nqn") || fail "no namespace device for $nqn"
    data_roundtrip "$dev" "$backing" 2
    expect_ok nvme disconnect -n "$nqn"
}

clear_all() {
    expect_ok "$NVMETCTL" clear --rdma-links
    nvmet_is_empty || fail "clear left objects behind"
}

step "the shipped /etc/nvmetctl/target.yaml declares nothing"
run "$NVMETCTL" plan "$VM_REPO/examples/target.yaml"
assert_eq 0 "$RC" "plan status"
assert_contains "$OUT" "0 in configfs"

step "rdma.yaml: Soft-RoCE link, port, connect over RDMA"
f=$(localize rdma.yaml)
apply_example "$f"
expect_ok rdma link show
assert_contains "$OUT" "rxe0"
assert_file_eq "$NVMET_CFS/ports/1/addr_trtype" rdma
connect_io rdma nqn.2024-01.io.example:rdma-disk "$DISK"
clear_all

step "tcp.yaml: allow-list and identity, connect as an allowed host"
f=$(localize tcp.yaml)
apply_example "$f"
assert_file_eq "$NVMET_CFS/subsystems/nqn.2024-01.io.example:tcp-disk/attr_allow_any_host" 0
connect_io tcp nqn.2024-01.io.example:tcp-disk "$DISK" \
    --hostnqn=nqn.2014-08.org.nvmexpress:uuid:1b4e28ba-2fa1-4d3b-8c4e-000000000001
step "tcp.yaml: a host not on the list is refused"
modprobe nvme-tcp
expect_fail nvme connect -t tcp -a "$NET_ADDR" -s 4420 -n nqn.2024-01.io.example:tcp-disk \
    --hostnqn=nqn.2014-08.org.nvmexpress:uuid:99999999-0000-4000-8000-000000000009
clear_all

step "ana-multipath.yaml: two ports, ANA groups, file-backed second namespace"
truncate -s 16M "$WORK/lib/mpath2.img"
f=$(localize ana-multipath.yaml)
if ! kernel_at_least 6.12; then
    # 6.1 opens file namespaces with O_DIRECT, which the guest's tmpfs
    # refuses: back the second namespace with a loop device there.
    sed -i "s|$WORK/lib/mpath2.img|$(loop_file 16M)|" "$f"
fi
apply_example "$f"
assert_file_eq "$NVMET_CFS/ports/11/ana_groups/2/ana_state" non-optimized
assert_file_eq "$NVMET_CFS/ports/12/ana_groups/2/ana_state" optimized
assert_file_eq "$NVMET_CFS/ports/12/ana_groups/1/ana_state" non-optimized
assert_file_eq "$NVMET_CFS/subsystems/nqn.2024-01.io.example:multipath/namespaces/2/ana_grpid" 2
modprobe nvme-tcp  # port 11 (4420), namespace 1, optimized there
expect_ok nvme connect -t tcp -a "$NET_ADDR" -s 4420 -n nqn.2024-01.io.example:multipath
dev=$(nvme_dev_for_nqn nqn.2024-01.io.example:multipath 15 1) || fail "no device for namespace 1"
data_roundtrip "$dev" "$DISK" 2
expect_ok nvme disconnect -n nqn.2024-01.io.example:multipath
clear_all

step "file-backed.yaml: buffered file namespace"
truncate -s 32M "$WORK/lib/disk0.img"
f=$(localize file-backed.yaml)
apply_example "$f"
assert_file_eq "$NVMET_CFS/subsystems/nqn.2024-01.io.example:file-disk/namespaces/1/buffered_io" 1
modprobe nvme-tcp
expect_ok nvme connect -t tcp -a "$NET_ADDR" -s 4420 -n nqn.2024-01.io.example:file-disk
dev=$(nvme_dev_for_nqn nqn.2024-01.io.example:file-disk) || fail "no namespace device"
# Buffered I/O: the pattern reaches the file once the target flushes.
head -c $((2 * 1024 * 1024)) /dev/urandom >"$WORK/pattern"
dd if="$WORK/pattern" of="$dev" bs=1M count=2 oflag=direct conv=fsync status=none
expect_ok nvme disconnect -n nqn.2024-01.io.example:file-disk
clear_all
cmp <(head -c $((2 * 1024 * 1024)) "$WORK/lib/disk0.img") "$WORK/pattern" \
    || fail "data written over TCP is not in the backing file"

if kernel_at_least 6.12; then
    step "loop.yaml (6.12): local loop transport"
    f=$(localize loop.yaml)
    apply_example "$f"
    connect_io loop nqn.2024-01.io.example:loop-disk "$DISK"
    clear_all

    step "dhchap.yaml (6.12): DH-HMAC-CHAP allow-list, bidirectional for host1"
    h1=nqn.2014-08.org.nvmexpress:uuid:2c9a8b7e-0000-4000-8000-000000000001
    h2=nqn.2014-08.org.nvmexpress:uuid:2c9a8b7e-0000-4000-8000-000000000002
    nvme gen-dhchap-key --nqn "$h1" --hmac=2 >"$WORK/keys/host1.key"
    nvme gen-dhchap-key --nqn nqn.2024-01.io.example:secure-disk --hmac=2 >"$WORK/keys/host1.ctrl.key"
    nvme gen-dhchap-key --nqn "$h2" >"$WORK/keys/host2.key"
    chmod 600 "$WORK"/keys/*
    f=$(localize dhchap.yaml)
    apply_example "$f"
    assert_file_eq "$NVMET_CFS/hosts/$h1/dhchap_hash" "hmac(sha384)"
    assert_file_eq "$NVMET_CFS/hosts/$h1/dhchap_dhgroup" ffdhe3072
    connect_io tcp nqn.2024-01.io.example:secure-disk "$DISK" --hostnqn="$h1" \
        --dhchap-secret="$(<"$WORK/keys/host1.key")" --dhchap-ctrl-secret="$(<"$WORK/keys/host1.ctrl.key")"
    step "dhchap.yaml: a wrong secret is refused"
    modprobe nvme-tcp
    expect_fail nvme connect -t tcp -a "$NET_ADDR" -s 4420 -n nqn.2024-01.io.example:secure-disk \
        --hostnqn="$h2" --dhchap-secret="$(<"$WORK/keys/host1.key")"
    clear_all
else
    log "loop.yaml and dhchap.yaml are applied on 6.12 only"
fi

pass
