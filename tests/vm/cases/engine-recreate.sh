#!/usr/bin/env bash
# Identity attributes freeze once a host has identified the subsystem. A new
# serial for an exposed subsystem is a -/+ in the plan; apply refuses it
# without --allow-recreate and does it with, after which a host sees the new
# serial. A subsystem unlinked after a host identified it still has its
# identity frozen, which configfs does not show: the write is tried, rolled
# back with the kernel's reason, and --allow-recreate recreates it. Also:
# modules already loaded are reported as such.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:identity
DISK=$(nvme_disk)
write_target() {  # SERIAL
    cat >"$WORK/target.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN
    serial: $1
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$NQN]}
YAML
}
# host_reads_serial: connect, put the serial the controller reports in
# SEEN_SERIAL, disconnect.
host_reads_serial() {
    local dev
    modprobe nvme-tcp
    expect_ok nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN"
    dev=$(nvme_dev_for_nqn "$NQN") || fail "no namespace device"
    SEEN_SERIAL=$(nvme id-ctrl "/dev/$(basename "$dev" | sed 's/n[0-9]*$//')" | awk -F: '/^sn/ {gsub(/ /, "", $2); print $2}')
    expect_ok nvme disconnect -n "$NQN"
}

step "a subsystem with serial SERIAL-A, identified by a host"
write_target SERIAL-A
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
host_reads_serial
assert_eq SERIAL-A "$SEEN_SERIAL" "serial the host sees"

step "re-plan reports the modules as already loaded"
expect_ok "$NVMETCTL" plan "$WORK/target.yaml"
assert_contains "$OUT" "module nvmet-tcp: already loaded"

step "a new serial: plan shows -/+, apply refuses without --allow-recreate"
write_target SERIAL-B
expect_status 3 "$NVMETCTL" plan "$WORK/target.yaml"
assert_contains "$OUT" "serial: desired 'SERIAL-B', current 'SERIAL-A'"
assert_contains "$OUT" "--allow-recreate"
expect_status 3 "$NVMETCTL" apply "$WORK/target.yaml"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/attr_serial" "SERIAL-A            "

step "writing it by hand is refused by the kernel, as the plan said"
kmsg_mark >/dev/null
expect_errno EINVAL bash -c "printf %s SERIAL-B > '$NVMET_CFS/subsystems/$NQN/attr_serial'"
assert_kmsg "is already assigned"

step "with --allow-recreate the subsystem is recreated and hosts see the new serial"
expect_status 0 "$NVMETCTL" plan --allow-recreate "$WORK/target.yaml"
assert_contains "$OUT" "-/+ rmdir  subsystems/$NQN"
uuid_before=$(<"$NVMET_CFS/subsystems/$NQN/namespaces/1/device_uuid")
expect_ok "$NVMETCTL" apply --allow-recreate "$WORK/target.yaml"
host_reads_serial
assert_eq SERIAL-B "$SEEN_SERIAL" "serial the host sees after recreate"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/1/device_uuid" "$uuid_before" \
    "the recreated namespace keeps its uuid (hosts see the same device)"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"

step "cntlid_min == cntlid_max: refused at plan time before 6.9, applied from 6.9"
sed 's/    serial: SERIAL-B/    serial: SERIAL-B\n    cntlid_min: 7\n    cntlid_max: 7/' "$WORK/target.yaml" >"$WORK/cntlid.yaml"
if kernel_at_least 6.9; then
    expect_ok "$NVMETCTL" apply "$WORK/cntlid.yaml"
    assert_file_eq "$NVMET_CFS/subsystems/$NQN/attr_cntlid_max" 7
    assert_file_eq "$NVMET_CFS/subsystems/$NQN/attr_cntlid_min" 7
else
    expect_status 3 "$NVMETCTL" plan "$WORK/cntlid.yaml"
    assert_contains "$OUT" "needs cntlid_min below cntlid_max (6.9 and later allow them equal)"
    # What the plan spares the user: the kernel's own answer.
    expect_errno EINVAL write_attr "$NVMET_CFS/subsystems/$NQN/attr_cntlid_max" 1
fi

step "unlinked after a host identified it: a new serial is tried, refused and rolled back"
write_target SERIAL-B
sed -i "s/subsystems: \[$NQN\]/subsystems: []/" "$WORK/target.yaml"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_not_exists "$NVMET_CFS/ports/1/subsystems/$NQN"
sed -i 's/serial: SERIAL-B/serial: SERIAL-C/' "$WORK/target.yaml"
expect_ok "$NVMETCTL" plan "$WORK/target.yaml"
assert_contains "$OUT" "~   write  subsystems/$NQN/attr_serial"
expect_status 4 "$NVMETCTL" apply "$WORK/target.yaml"
assert_contains "$OUT" "is already assigned"
assert_contains "$OUT" "re-run with --allow-recreate"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/attr_serial" "SERIAL-B            "

step "with --allow-recreate the unlinked subsystem is recreated with the new serial"
expect_ok "$NVMETCTL" apply --allow-recreate "$WORK/target.yaml"
assert_contains "$OUT" "-/+ rmdir  subsystems/$NQN"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/attr_serial" "SERIAL-C            "
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
pass
