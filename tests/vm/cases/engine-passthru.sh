#!/usr/bin/env bash
# requires-kernel: 6.12
# A passthru subsystem (the guest's emulated NVMe controller) exported on a
# tcp port, applied by nvmetctl. A new serial makes it a -/+ recreate; the
# file does not repeat the passthru block, and the recreated subsystem must
# still pass the controller through. Then one subsystem moves from a
# namespace to passthru and back: the kernel refuses passthru beside an
# enabled namespace and ignores a namespace's enable in passthru mode, so
# the plan refuses what only --prune or 'passthru: {enable: false}' makes
# possible, and orders the steps. Hosts connect at each stage. A failed
# switch to passthru rolls back to the version set by hand, which disabling
# passthru alone would reset. (Debian's 6.1 has no passthru.)
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

BACKING=$(loop_file 32M)
SWITCH=nqn.2024-01.io.nvmetctl:switch
SW=$NVMET_CFS/subsystems/$SWITCH
write_switch_target() {  # FILE SUBSYSTEM-LINES
    cat >"$1" <<YAML
version: 1
subsystems:
  - nqn: $SWITCH
    allow_any_host: true
$2
ports:
  - {id: 2, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4451, subsystems: [$SWITCH]}
YAML
}
NAMESPACE_LINES="    namespaces:
      - {nsid: 1, device_path: $BACKING, enable: true}"

step "namespace to passthru: refused while the undeclared namespace is enabled"
write_switch_target "$WORK/ns.yaml" "$NAMESPACE_LINES"
expect_ok "$NVMETCTL" apply "$WORK/ns.yaml"
connect_and_roundtrip tcp 127.0.0.1 4451 "$SWITCH" "$BACKING"
# clear_ids: the host also sees the controller itself, with the same ids.
write_switch_target "$WORK/to-passthru.yaml" "    passthru: {device_path: $CTRL, clear_ids: 1, enable: true}"
expect_status 3 "$NVMETCTL" apply "$WORK/to-passthru.yaml"
assert_contains "$OUT" "namespace 1 of $SWITCH is enabled and the file does not declare it"
assert_contains "$OUT" "remove it with --prune"
assert_file_eq "$SW/namespaces/1/enable" 1
assert_file_eq "$SW/passthru/enable" 0

step "with --prune the namespace goes first, then passthru is enabled"
expect_ok "$NVMETCTL" apply --prune "$WORK/to-passthru.yaml"
assert_match "$OUT" "rmdir +subsystems/$SWITCH/namespaces/1(.|"$'\n'")*passthru/enable"
assert_not_exists "$SW/namespaces/1"
assert_file_eq "$SW/passthru/enable" 1
assert_ne "$(<"$SW/attr_version")" "1.3" "version shown by a passthru subsystem (the controller's)"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/to-passthru.yaml"
connect_and_roundtrip tcp 127.0.0.1 4451 "$SWITCH" "$DISK"

step "the export leaves the controller's version out and applies again as it was"
expect_ok "$NVMETCTL" export
assert_not_contains "$OUT" "    version:"
printf '%s\n' "$OUT" >"$WORK/export-1.yaml"
expect_ok "$NVMETCTL" clear
expect_ok "$NVMETCTL" apply "$WORK/export-1.yaml"
expect_ok "$NVMETCTL" export
assert_eq "$(<"$WORK/export-1.yaml")" "$OUT" "export after clear and apply of the export"

step "passthru to namespace: refused while passthru stays on"
expect_status 3 "$NVMETCTL" plan "$WORK/ns.yaml"
assert_contains "$OUT" "is in passthru mode (passthru/enable is 1)"
assert_contains "$OUT" "passthru: {enable: false}"

step "passthru: {enable: false} is written first, then the namespace serves again"
write_switch_target "$WORK/back.yaml" "    passthru: {enable: false}
$NAMESPACE_LINES"
expect_ok "$NVMETCTL" apply "$WORK/back.yaml"
assert_match "$OUT" "passthru/enable(.|"$'\n'")*mkdir +subsystems/$SWITCH/namespaces/1"
assert_file_eq "$SW/passthru/enable" 0
assert_file_eq "$SW/namespaces/1/enable" 1
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/back.yaml"
connect_and_roundtrip tcp 127.0.0.1 4451 "$SWITCH" "$BACKING"
expect_ok "$NVMETCTL" clear

step "passthru beside a disabled namespace: passthru first, and the export applies again unchanged"
cat >"$WORK/beside.yaml" <<YAML
version: 1
subsystems:
  - nqn: $SWITCH
    passthru: {device_path: $CTRL, enable: true}
    namespaces:
      - {nsid: 1, device_path: $BACKING, enable: false}
YAML
expect_ok "$NVMETCTL" apply "$WORK/beside.yaml"
assert_match "$OUT" "passthru/enable(.|"$'\n'")*mkdir +subsystems/$SWITCH/namespaces/1"
assert_file_eq "$SW/passthru/enable" 1
assert_file_eq "$SW/namespaces/1/enable" 0
expect_ok "$NVMETCTL" export
printf '%s\n' "$OUT" >"$WORK/beside-export.yaml"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/beside-export.yaml"
expect_ok "$NVMETCTL" clear

step "a failed switch to passthru rolls back, version set by hand included"
VERSIONED=nqn.2024-01.io.nvmetctl:versioned
cat >"$WORK/versioned.yaml" <<YAML
version: 1
subsystems:
  - nqn: $VERSIONED
    version: '2.0'
    namespaces:
      - {nsid: 1, device_path: $BACKING, enable: true}
YAML
expect_ok "$NVMETCTL" apply "$WORK/versioned.yaml"
cat >"$WORK/versioned-passthru.yaml" <<YAML
version: 1
subsystems:
  - nqn: $VERSIONED
    passthru: {device_path: $CTRL, enable: true}
  - nqn: nqn.2024-01.io.nvmetctl:broken
    namespaces:
      - {nsid: 1, device_path: /dev/nvmetctl-no-such-device, enable: true}
YAML
expect_status 4 "$NVMETCTL" apply --prune "$WORK/versioned-passthru.yaml"
assert_contains "$OUT" "write  subsystems/$VERSIONED/passthru/enable"
assert_contains "$OUT" "kept: subsystems/$VERSIONED/passthru/device_path: '$CTRL' stays (the kernel cannot unset a device path)"
assert_file_eq "$NVMET_CFS/subsystems/$VERSIONED/attr_version" 2.0
assert_file_eq "$NVMET_CFS/subsystems/$VERSIONED/passthru/enable" 0
assert_file_eq "$NVMET_CFS/subsystems/$VERSIONED/namespaces/1/enable" 1
assert_not_exists "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:broken"
expect_ok "$NVMETCTL" clear
pass
