#!/usr/bin/env bash
# requires-kernel: 6.12
# A passthru subsystem (the guest's emulated NVMe controller) exported on a
# tcp port, applied by nvmetctl. A new serial makes it a -/+ recreate; the
# file does not repeat the passthru block, and the recreated subsystem must
# still pass the controller through. (Debian's 6.1 has no passthru.)
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

DISK=$(nvme_disk)
CTRL=${DISK%n[0-9]*}
[[ -c $CTRL ]] || fail "no NVMe controller character device for $DISK"
NQN=nqn.2024-01.io.nvmetctl:passthru
SUB=$NVMET_CFS/subsystems/$NQN

write_passthru_target() {  # FILE SERIAL PASSTHRU-LINE
    cat >"$1" <<YAML
version: 1
subsystems:
  - nqn: $NQN
    serial: $2
    allow_any_host: true
$3
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4450, subsystems: [$NQN]}
YAML
}

step "a passthru subsystem on a tcp port"
write_passthru_target "$WORK/pt.yaml" PT-A "    passthru: {device_path: $CTRL, io_timeout: 30, enable: true}"
expect_ok "$NVMETCTL" apply "$WORK/pt.yaml"
assert_file_eq "$SUB/passthru/enable" 1

step "a new serial, passthru left out of the file: -/+ recreate keeps the controller passed through"
write_passthru_target "$WORK/serial.yaml" PT-B ""
expect_status 3 "$NVMETCTL" plan "$WORK/serial.yaml"
assert_contains "$OUT" "--allow-recreate"
expect_ok "$NVMETCTL" plan --allow-recreate "$WORK/serial.yaml"
assert_contains "$OUT" "-/+ write  subsystems/$NQN/passthru/device_path = '$CTRL'"
expect_ok "$NVMETCTL" apply --allow-recreate "$WORK/serial.yaml"
assert_contains "$OUT" "-/+ rmdir  subsystems/$NQN"
assert_file_eq "$SUB/passthru/device_path" "$CTRL"
assert_file_eq "$SUB/passthru/io_timeout" 30
assert_file_eq "$SUB/passthru/enable" 1
assert_exists "$NVMET_CFS/ports/1/subsystems/$NQN"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/serial.yaml"
expect_ok "$NVMETCTL" clear
pass
