#!/usr/bin/env bash
# Stable device names: with udev running in the guest, a namespace on
# /dev/nvme0n1 (a name the kernel gives in probe order) gets a plan and
# apply warning naming the /dev/disk/by-id link of the same disk; a loop
# device with no link gets none. export --stable-paths writes the link,
# plain export what configfs holds, both with the namespace's device_uuid;
# the stable export applies to an identical target on the link, warning-free.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:stable
DISK=$(nvme_disk)
LOOPDEV=$(loop_file 16M)

step "udev makes /dev/disk/by-id for the guest's disk"
/lib/systemd/systemd-udevd --daemon
udevadm trigger --subsystem-match=block --action=add
udevadm settle --timeout=30
LINKS=$(for l in /dev/disk/by-id/*; do if [[ "$(readlink -f "$l")" == "$DISK" ]]; then echo "$l"; fi; done)
[[ -n $LINKS ]] || fail "udev made no /dev/disk/by-id link for $DISK"
log "links of $DISK: $(echo $LINKS)"

cat >"$WORK/target.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
      - {nsid: 2, device_path: $LOOPDEV, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$NQN]}
YAML

step "plan and apply warn about $DISK and name its link; $LOOPDEV has none"
expect_ok "$NVMETCTL" plan "$WORK/target.yaml"
assert_contains "$OUT" "target.yaml:6:"
assert_contains "$OUT" "$DISK is a name the kernel gives in probe order"
LINK=$(grep -o '/dev/disk/by-id/[^ ]* names this device' <<<"$OUT" | cut -d' ' -f1)
[[ -n $LINK ]] || fail "the warning names no /dev/disk/by-id link"
assert_eq "$(readlink -f "$LINK")" "$DISK" "the named link resolves to the disk"
assert_not_contains "$OUT" "$LOOPDEV is a name"
expect_ok "$NVMETCTL" -o json plan "$WORK/target.yaml"
assert_contains "$OUT" "names this device"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_contains "$OUT" "$LINK names this device"

step "export keeps what configfs holds; --stable-paths writes the link"
expect_ok "$NVMETCTL" export
assert_contains "$OUT" "device_path: $DISK"
assert_contains "$OUT" "device_uuid: "
UUID=$(cat "/sys/kernel/config/nvmet/subsystems/$NQN/namespaces/1/device_uuid")
assert_contains "$OUT" "device_uuid: $UUID"
"$NVMETCTL" export --stable-paths >"$WORK/stable.yaml" || fail "export --stable-paths failed"
cat "$WORK/stable.yaml"
assert_contains "$(cat "$WORK/stable.yaml")" "device_path: $LINK"
assert_contains "$(cat "$WORK/stable.yaml")" "device_path: $LOOPDEV"
assert_contains "$(cat "$WORK/stable.yaml")" "device_uuid: $UUID"

step "the stable export builds the same target on the link, with no warning"
expect_ok "$NVMETCTL" clear
expect_ok "$NVMETCTL" apply "$WORK/stable.yaml"
assert_not_contains "$OUT" "warning"
assert_eq "$(cat "/sys/kernel/config/nvmet/subsystems/$NQN/namespaces/1/device_path")" "$LINK" "device_path in configfs"
assert_eq "$(cat "/sys/kernel/config/nvmet/subsystems/$NQN/namespaces/1/device_uuid")" "$UUID" "the hosts' namespace UUID"
modprobe nvme-tcp
expect_ok nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN"
DEV=$(nvme_dev_for_nqn "$NQN" 15 1) || fail "no device for namespace 1"
data_roundtrip "$DEV" "$DISK"
expect_ok nvme disconnect -n "$NQN"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/stable.yaml"
expect_ok "$NVMETCTL" clear
pass
