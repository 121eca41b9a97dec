#!/usr/bin/env bash
# requires-kernel: 6.12
# Passthru and regular namespaces in one subsystem, made for real: the kernel
# refuses passthru/enable with EINVAL while namespaces are enabled, and it
# accepts enable=1 on a namespace of a passthru subsystem but leaves it at 0.
# Both only log "cannot enable both passthru and regular namespaces"; the
# doctor names them (passthru-with-namespaces), and so does a failed apply.
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

step "apply of passthru on the subsystem with a namespace fails, rolls back and says why"
rmdir "$P/namespaces/7"
write_attr "$P/passthru/enable" 0
rmdir "$P"
write_attr "$R/passthru/device_path" /dev/null  # reset to something else, for the rollback to restore
cat >"$WORK/passthru.yaml" <<YAML
version: 1
subsystems:
  - nqn: $REGULAR
    passthru:
      device_path: $CTRL
      enable: true
YAML
before=$("$NVMETCTL" export)
run "$NVMETCTL" apply "$WORK/passthru.yaml"
assert_eq 4 "$RC" "apply status (rolled back)"
assert_contains "$OUT" "doctor: passthru-with-namespaces"
assert_contains "$OUT" "rmdir $R/namespaces/*"
# The kernel logs this line without a newline, so it stays unfinalized and a
# seek to the end stops before it: only the apply's own line may be quoted.
assert_eq 1 "$(grep -c 'kernel: .*cannot enable both' <<<"$OUT")" "kernel lines quoted for the failed step"
assert_eq "$before" "$("$NVMETCTL" export)" "export after the rollback"

step "with the namespace gone, the same file applies and verifies"
write_attr "$R/namespaces/1/enable" 0
rmdir "$R/namespaces/1"
expect_ok "$NVMETCTL" apply "$WORK/passthru.yaml"
assert_file_eq "$R/passthru/enable" 1
expect_ok "$NVMETCTL" clear
pass
