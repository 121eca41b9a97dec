#!/usr/bin/env bash
# requires-kernel: 6.12
# Fibre Channel without hardware: nvme-fcloop (Debian's 6.12; its 6.1 is
# built without it) joins a host FC port to a target FC port inside the
# kernel. An fc port with a WWN no target port has is refused with the
# reason and nothing is left behind; with the fcloop target port's WWN,
# apply serves it, a host connects through fcloop and data reads back. An
# nvmetcli-format file with an fc port (the shape of nvmetcli's
# examples/fc.json) imports and applies to the same target.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_kernel 6.12
require_nvmetctl

HOST_WWNN=0x20000090fa000001
HOST_WWPN=0x10000090fa000001
TARGET_WWNN=0x20000090fa000002
TARGET_WWPN=0x10000090fa000002
TARGET_TRADDR=nn-$TARGET_WWNN:pn-$TARGET_WWPN
HOST_TRADDR=nn-$HOST_WWNN:pn-$HOST_WWPN
NQN=nqn.2024-01.io.nvmetctl:fc
DISK=$(nvme_disk)
UUID=5c0a7e1d-2b3c-4d5e-8f90-a1b2c3d4e5f6

fc_target() { # traddr
    cat <<YAML
version: 1
subsystems:
  - nqn: $NQN
    serial: fc0001
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, device_uuid: $UUID, enable: true}
ports:
  - id: 3
    trtype: fc
    traddr: $1
    trsvcid: none
    subsystems: [$NQN]
YAML
}

step "fcloop: a host port, a target port and the remote port that joins them"
expect_ok modprobe nvme-fcloop
CTL=/sys/class/fcloop/ctl
echo "wwnn=$HOST_WWNN,wwpn=$HOST_WWPN" >"$CTL/add_local_port"
echo "wwnn=$TARGET_WWNN,wwpn=$TARGET_WWPN" >"$CTL/add_target_port"
echo "wwnn=$TARGET_WWNN,wwpn=$TARGET_WWPN,lpwwnn=$HOST_WWNN,lpwwpn=$HOST_WWPN,roles=0x60" >"$CTL/add_remote_port"

step "an fc port whose WWN no FC target port has: refused with the reason, nothing half-applied"
fc_target nn-0x20000090fa0000ff:pn-0x10000090fa0000ff >"$WORK/unknown-wwn.yaml"
expect_status 4 "$NVMETCTL" apply "$WORK/unknown-wwn.yaml"
assert_contains "$OUT" "no FC target port has nn-0x20000090fa0000ff:pn-0x10000090fa0000ff"
assert_contains "$OUT" "hint:"
assert_not_exists /sys/kernel/config/nvmet/ports/3 "the refused port was rolled back"
assert_not_exists "/sys/kernel/config/nvmet/subsystems/$NQN" "the subsystem of the refused apply was rolled back"

step "apply with the target port's WWN: served, a host connects through fcloop"
fc_target "$TARGET_TRADDR" >"$WORK/target.yaml"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_eq "$(cat /sys/kernel/config/nvmet/ports/3/addr_adrfam)" fc "adrfam filled in from trtype"
assert_eq "$(cat /sys/kernel/config/nvmet/ports/3/addr_traddr)" "$TARGET_TRADDR" "traddr"
expect_ok nvme connect -t fc -a "$TARGET_TRADDR" -w "$HOST_TRADDR" -n "$NQN"
DEV=$(nvme_dev_for_nqn "$NQN") || fail "no namespace device after an fc connect"
transports=$(for c in /sys/class/nvme/nvme*; do
    [[ "$(cat "$c/subsysnqn" 2>/dev/null)" != "$NQN" ]] || cat "$c/transport"
done)
assert_eq "$transports" fc "the transport of the one controller connected to $NQN"
data_roundtrip "$DEV" "$DISK"

step "a second apply with the host still connected: nothing to do"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
expect_ok "$NVMETCTL" doctor
assert_not_contains "$OUT" "FAIL"
expect_ok nvme disconnect -n "$NQN"

step "a second nvmet port on the same FC port: EALREADY, named, rolled back"
cp "$WORK/target.yaml" "$WORK/taken.yaml"
cat >>"$WORK/taken.yaml" <<YAML
  - id: 4
    trtype: fc
    traddr: $TARGET_TRADDR
    trsvcid: none
    subsystems: [$NQN]
YAML
expect_status 4 "$NVMETCTL" apply "$WORK/taken.yaml"
assert_contains "$OUT" "the FC target port $TARGET_TRADDR already serves another nvmet port"
assert_not_exists /sys/kernel/config/nvmet/ports/4 "the refused port was rolled back"
assert_exists "/sys/kernel/config/nvmet/ports/3/subsystems/$NQN" "port 3 still serves"

step "export round-trips the fc port"
expect_ok "$NVMETCTL" export
printf '%s\n' "$OUT" >"$WORK/exported.yaml"
assert_contains "$OUT" "trtype: fc"
assert_contains "$OUT" "traddr: $TARGET_TRADDR"

step "an nvmetcli file with an fc port imports and applies to the same target"
expect_ok "$NVMETCTL" clear
cat >"$WORK/nvmetcli-fc.json" <<JSON
{
  "hosts": [],
  "ports": [
    {
      "addr": {"adrfam": "fc", "traddr": "$TARGET_TRADDR", "treq": "not specified", "trsvcid": "none", "trtype": "fc"},
      "portid": 3,
      "referrals": [],
      "subsystems": ["$NQN"]
    }
  ],
  "subsystems": [
    {
      "allowed_hosts": [],
      "attr": {"allow_any_host": "1", "serial": "fc0001"},
      "namespaces": [{"device": {"path": "$DISK", "uuid": "$UUID"}, "enable": 1, "nsid": 1}],
      "nqn": "$NQN"
    }
  ]
}
JSON
expect_ok "$NVMETCTL" import-nvmetcli "$WORK/nvmetcli-fc.json"
printf '%s\n' "$OUT" >"$WORK/imported.yaml"
expect_ok "$NVMETCTL" apply "$WORK/imported.yaml"
expect_ok nvme connect -t fc -a "$TARGET_TRADDR" -w "$HOST_TRADDR" -n "$NQN"
DEV=$(nvme_dev_for_nqn "$NQN") || fail "no namespace device after the imported apply"
data_roundtrip "$DEV" "$DISK"
expect_ok nvme disconnect -n "$NQN"
expect_ok "$NVMETCTL" export
diff -u "$WORK/exported.yaml" <(printf '%s\n' "$OUT") || fail "the imported nvmetcli file gave another target"

step "clear leaves nothing"
expect_ok "$NVMETCTL" clear
assert_not_exists /sys/kernel/config/nvmet/ports/3
pass
