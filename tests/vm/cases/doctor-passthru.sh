#!/usr/bin/env bash
# requires-kernel: 6.12
# Passthru and regular namespaces in one subsystem, made for real: the kernel
# refuses passthru/enable with EINVAL while namespaces are enabled, and it
# accepts enable=1 on a namespace of a passthru subsystem but leaves it at 0.
# Both only log "cannot enable both passthru and regular namespaces"; the
# doctor names them (passthru-with-namespaces), and apply refuses the first
# at plan time. That log line has no newline, so it stays unfinalized: a
# later failed apply must quote only its own kernel lines.
# (Debian's 6.1 is built without CONFIG_NVME_TARGET_PASSTHRU.)
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
source "$VM_LIB_DIR/engine/common.sh"
source "$VM_LIB_DIR/doctor/common.sh"

DISK=$(nvme_disk)
CTRL=${DISK%n[0-9]*}
[[ -c $CTRL ]] || fail "no NVMe controller character device for $DISK"
REGULAR=nqn.2014-08.org.nvmexpress:regular-then-passthru
PASSTHRU=nqn.2014-08.org.nvmexpress:passthru-then-regular

mount_configfs
modprobe nvmet
modprobe null_blk nr_devices=1
wait_until 5 test -b /dev/nullb0 || fail "null_blk did not create /dev/nullb0"

step "passthru on a subsystem with an enabled namespace: EINVAL and a log line"
R=$NVMET_CFS/subsystems/$REGULAR
mkdir "$R"
mkdir "$R/namespaces/1"
write_attr "$R/namespaces/1/device_path" /dev/nullb0
write_attr "$R/namespaces/1/enable" 1
write_attr "$R/passthru/device_path" "$CTRL"
expect_errno EINVAL write_attr "$R/passthru/enable" 1
assert_kmsg "cannot enable both passthru and regular namespaces"

step "a namespace in a passthru subsystem: enable=1 succeeds but reads back 0"
P=$NVMET_CFS/subsystems/$PASSTHRU
mkdir "$P"
write_attr "$P/passthru/device_path" "$CTRL"
write_attr "$P/passthru/enable" 1
mkdir "$P/namespaces/7"
write_attr "$P/namespaces/7/device_path" /dev/nullb0
expect_ok write_attr "$P/namespaces/7/enable" 1
assert_file_eq "$P/namespaces/7/enable" 0
assert_kmsg "cannot enable both passthru and regular namespaces"

step "doctor names both"
expect_status 7 "$NVMETCTL" -o json doctor
finding passthru-with-namespaces "subsystem $REGULAR" "rmdir $R/namespaces/1; echo 1 > $R/passthru/enable" failure
finding passthru-with-namespaces "namespace 7 of $PASSTHRU" "rmdir $P/namespaces/7" failure
assert_not_contains "$OUT" '"namespace-disabled"'

step "apply of passthru beside the enabled namespace is refused at plan time, naming it"
rmdir "$P/namespaces/7"
write_attr "$P/passthru/enable" 0
rmdir "$P"
write_attr "$R/passthru/device_path" /dev/null
cat >"$WORK/passthru.yaml" <<YAML
version: 1
subsystems:
  - nqn: $REGULAR
    passthru:
      device_path: $CTRL
      enable: true
YAML
before=$("$NVMETCTL" export)
nvmetctl_traced "$WORK/refused.strace" apply "$WORK/passthru.yaml"
assert_eq 3 "$RC" "apply status (refused)"
assert_contains "$OUT" "namespace 1 of $REGULAR is enabled and the file does not declare it"
assert_contains "$OUT" "remove it with --prune"
assert_eq 0 "$(configfs_mutations "$WORK/refused.strace")" "configfs mutations of a refused apply"
assert_eq "$before" "$("$NVMETCTL" export)" "export after the refusal"

step "a failed apply quotes only its own kernel lines, not the unfinalized one logged before it"
cat >"$WORK/missing.yaml" <<YAML
version: 1
subsystems:
  - nqn: nqn.2014-08.org.nvmexpress:missing-device
    namespaces:
      - {nsid: 1, device_path: /dev/nvmetctl-no-such-device, enable: true}
YAML
run "$NVMETCTL" apply "$WORK/missing.yaml"
assert_eq 4 "$RC" "apply status (rolled back)"
assert_contains "$OUT" "kernel: "
assert_not_contains "$OUT" "cannot enable both" "a line logged before the run is quoted"
assert_eq "$before" "$("$NVMETCTL" export)" "export after the rollback"

step "with --prune the namespace goes first, and the same file applies and verifies"
expect_ok "$NVMETCTL" apply --prune "$WORK/passthru.yaml"
assert_not_exists "$R/namespaces/1"
assert_file_eq "$R/passthru/enable" 1
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/passthru.yaml"
expect_ok "$NVMETCTL" clear
pass
