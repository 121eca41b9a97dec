#!/usr/bin/env bash
# TCP on loopback: apply, connect, then change the live port's address and a
# namespace's device; apply does unlink/write/relink and disable/write/enable,
# and hosts reach the new address and read the new device's data.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:tcp
DISK=$(nvme_disk)
LOOPDEV=$(loop_file 32M "$WORK/backing.img")

step "apply a tcp target on 127.0.0.1:4420 and connect"
write_one_export "$WORK/target.yaml" "$NQN" "$DISK" tcp 127.0.0.1 4420
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
connect_and_roundtrip tcp 127.0.0.1 4420 "$NQN" "$DISK"

step "change the live port's address: unlink, write, relink"
write_one_export "$WORK/target.yaml" "$NQN" "$DISK" tcp 127.0.0.2 4421
expect_status 2 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
assert_contains "$OUT" "unlink ports/1/subsystems/$NQN"
assert_contains "$OUT" "disrupts hosts"
assert_contains "$OUT" "write  ports/1/addr_traddr: '127.0.0.1' -> '127.0.0.2'"
kmsg_mark >/dev/null
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_kmsg "nvmet_tcp: enabling port 1 (127.0.0.2:4421)"
connect_and_roundtrip tcp 127.0.0.2 4421 "$NQN" "$DISK"
expect_fail nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN"

step "change the namespace's device: disable, write, enable; the new data is served"
write_one_export "$WORK/target.yaml" "$NQN" "$LOOPDEV" tcp 127.0.0.2 4421
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_contains "$OUT" "namespaces/1/enable: '1' -> '0'"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/1/device_path" "$LOOPDEV"
head -c 1048576 /dev/urandom >"$WORK/pattern"
dd if="$WORK/pattern" of="$LOOPDEV" bs=1M count=1 oflag=direct conv=fsync status=none
modprobe nvme-tcp
expect_ok nvme connect -t tcp -a 127.0.0.2 -s 4421 -n "$NQN"
DEV=$(nvme_dev_for_nqn "$NQN") || fail "no namespace device"
cmp <(dd if="$DEV" bs=1M count=1 iflag=direct status=none) "$WORK/pattern" || fail "host did not read the new device's data"
log "host reads the new device's data through $DEV"
expect_ok nvme disconnect -n "$NQN"

step "re-apply changes nothing"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
pass
