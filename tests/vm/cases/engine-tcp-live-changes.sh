#!/usr/bin/env bash
# TCP on loopback: apply, connect, then change the live port's address and a
# namespace's device; apply does unlink/write/relink and disable/write/enable,
# and hosts reach the new address and read the new device's data. Then the
# move from allow_any_host to a list of hosts, and (6.9+) max_queue_size
# values the kernel would clamp.
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

step "from allow_any_host to a list of hosts: allow_any_host 0 is written before the link"
ALLOWED=nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-00000000a110
cat >"$WORK/allowed.yaml" <<YAML
version: 1
hosts:
  - nqn: $ALLOWED
subsystems:
  - nqn: $NQN
    allowed_hosts: [$ALLOWED]
    namespaces:
      - {nsid: 1, device_path: $LOOPDEV, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.2, trsvcid: 4421, subsystems: [$NQN]}
YAML
expect_ok "$NVMETCTL" apply "$WORK/allowed.yaml"
assert_contains "$OUT" "attr_allow_any_host: '1' -> '0'"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/attr_allow_any_host" 0
expect_fail nvme connect -t tcp -a 127.0.0.2 -s 4421 -n "$NQN" --hostnqn nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-0000000bad00
expect_ok nvme connect -t tcp -a 127.0.0.2 -s 4421 -n "$NQN" --hostnqn "$ALLOWED"
expect_ok nvme disconnect -n "$NQN"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/allowed.yaml"

if kernel_at_least 6.9; then
    step "max_queue_size: the kernel clamps what it cannot keep, so the file may only hold what it keeps"
    PORT9=$NVMET_CFS/ports/9
    mkdir "$PORT9"
    write_attr "$PORT9/addr_trtype" tcp
    write_attr "$PORT9/addr_adrfam" ipv4
    write_attr "$PORT9/addr_traddr" 127.0.0.3
    write_attr "$PORT9/addr_trsvcid" 4429
    write_attr "$PORT9/param_max_queue_size" 2048
    ln -s "$NVMET_CFS/subsystems/$NQN" "$PORT9/subsystems/"
    assert_file_eq "$PORT9/param_max_queue_size" 1024
    rm "$PORT9/subsystems/$NQN"
    rmdir "$PORT9"
    sed 's/trsvcid: 4421,/trsvcid: 4421, max_queue_size: 2048,/' "$WORK/allowed.yaml" >"$WORK/queue.yaml"
    expect_status 3 "$NVMETCTL" validate "$WORK/queue.yaml"
    assert_contains "$OUT" "must be -1 (the transport's default) or 16..1024"
fi
pass
