#!/usr/bin/env bash
# timeout: 900
# nvmetctl doctor on namespaces that will not enable, made for real: a
# device_path that does not exist (ENOENT), one never set (EINVAL), a
# directory, a device mounted on this machine, a tmpfs file without
# buffered_io on 6.1, and the failing apply of a file with a missing device.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nqn.2014-08.org.nvmexpress:doctor-ns
SUB=$NVMET_CFS/subsystems/$NQN
OF=" of $NQN"

mount_configfs
modprobe nvmet
mkdir "$SUB"
write_attr "$SUB/attr_allow_any_host" 1

step "device_path does not exist: enable fails with ENOENT; doctor says namespace-device-missing"
mkdir "$SUB/namespaces/1"
write_attr "$SUB/namespaces/1/device_path" /dev/does-not-exist
expect_errno ENOENT write_attr "$SUB/namespaces/1/enable" 1
expect_status 7 "$NVMETCTL" -o json doctor
finding namespace-device-missing "namespace 1$OF" "echo /dev/<device> > $SUB/namespaces/1/device_path" failure
assert_contains "$OUT" "nvmet: failed to open block device /dev/does-not-exist: (-2)"

step "device_path never set: EINVAL; doctor says namespace-device-empty"
mkdir "$SUB/namespaces/2"
expect_errno EINVAL write_attr "$SUB/namespaces/2/enable" 1
expect_status 7 "$NVMETCTL" -o json doctor
finding namespace-device-empty "namespace 2$OF" "device_path" failure

step "device_path is a directory: doctor says namespace-device-not-usable"
mkdir -p /srv/not-a-device
mkdir "$SUB/namespaces/3"
write_attr "$SUB/namespaces/3/device_path" /srv/not-a-device
expect_fail write_attr "$SUB/namespaces/3/enable" 1
expect_status 7 "$NVMETCTL" -o json doctor
finding namespace-device-not-usable "namespace 3$OF" "" failure

step "a device mounted on this machine: doctor warns namespace-device-busy"
LOOP=$(loop_file 32M)
mkfs.ext4 -q "$LOOP"
mkdir -p /mnt/busy
mount "$LOOP" /mnt/busy
mkdir "$SUB/namespaces/4"
write_attr "$SUB/namespaces/4/device_path" "$LOOP"
# nvmet opens the device non-exclusively: whether a mounted one may be
# enabled depends on the kernel (BLK_DEV_WRITE_MOUNTED). Refused, it is a
# failure; enabled, a warning (a host writes under a mounted filesystem).
run write_attr "$SUB/namespaces/4/enable" 1
busy_severity=warning
[[ $RC -eq 0 ]] || busy_severity=failure
expect_status 7 "$NVMETCTL" -o json doctor  # namespace 3 is still refused
finding namespace-device-busy "namespace 4$OF" "umount /mnt/busy" "$busy_severity"

if ! kernel_at_least 6.6; then
    step "a tmpfs file without buffered_io on $VM_SERIES: EINVAL; doctor says namespace-file-odirect"
    truncate -s 16M /tmp/ns.img
    mkdir "$SUB/namespaces/5"
    write_attr "$SUB/namespaces/5/device_path" /tmp/ns.img
    expect_errno EINVAL write_attr "$SUB/namespaces/5/enable" 1
    expect_status 7 "$NVMETCTL" -o json doctor
    finding namespace-file-odirect "namespace 5$OF" "buffered_io" failure
fi

step "a file naming a missing device: doctor FILE predicts it; apply fails and says the same"
NQN2=nqn.2014-08.org.nvmexpress:doctor-ns2
cat >"$WORK/ns.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN2
    allow_any_host: true
    namespaces:
      - nsid: 7
        device_path: /dev/nullb7
        enable: true
YAML
expect_status 7 "$NVMETCTL" -o json doctor "$WORK/ns.yaml"
finding namespace-device-missing "namespace 7 of $NQN2" "modprobe null_blk" failure
run "$NVMETCTL" apply "$WORK/ns.yaml"
[[ $RC -eq 4 ]] || fail "apply with a missing device: status $RC, expected 4 (rolled back)"
assert_contains "$OUT" "doctor: namespace-device-missing"
assert_contains "$OUT" "failed to open block device /dev/nullb7: (-2)"
pass
