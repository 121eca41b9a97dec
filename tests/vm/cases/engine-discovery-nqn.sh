#!/usr/bin/env bash
# The root discovery_nqn, as the kernel has it from 6.9: apply sets it (last,
# after the subsystems), a host's discovery log names it, export keeps it and
# re-applies as a no-op, clear puts the kernel's default back. A subsystem
# whose name begins with it is refused before anything is touched. On 6.1,
# which has no such attribute, the plan refuses the file and names the
# kernel.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

OWN=nqn.2024-01.io.nvmetctl:discovery
NQN=nqn.2024-01.io.nvmetctl:disk
DISK=$(nvme_disk)
DEFAULT=nqn.2014-08.org.nvmexpress.discovery
cat >"$WORK/target.yaml" <<YAML
version: 1
discovery_nqn: $OWN
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$NQN]}
YAML

if ! kernel_at_least 6.9; then
    step "this kernel has no discovery_nqn: refused at plan time, nothing touched"
    expect_status 3 "$NVMETCTL" apply "$WORK/target.yaml"
    assert_contains "$OUT" "target.yaml:2:16: error: discovery_nqn: discovery_nqn needs Linux 6.9 or newer; this kernel is 6.1"
    assert_not_exists "/sys/kernel/config/nvmet/subsystems/$NQN"
    pass
fi

step "a subsystem whose name begins with it: refused with its line, nothing touched"
sed "s|^discovery_nqn: .*|discovery_nqn: nqn.2024-01.io.nvmetctl:di|" "$WORK/target.yaml" >"$WORK/prefix.yaml"
expect_status 3 "$NVMETCTL" apply "$WORK/prefix.yaml"
assert_contains "$OUT" "subsystem '$NQN' begins with it"
assert_not_exists /sys/kernel/config/nvmet/subsystems

step "apply sets it, after the subsystems"
expect_ok "$NVMETCTL" plan "$WORK/target.yaml"
assert_contains "$(tail -3 <<<"$OUT")" "discovery_nqn"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_eq "$(cat /sys/kernel/config/nvmet/discovery_nqn)" "$OWN" "discovery_nqn in configfs"

step "a host's discovery log names the discovery subsystem by it"
modprobe nvme-tcp
expect_ok nvme discover -t tcp -a 127.0.0.1 -s 4420
assert_contains "$OUT" "$OWN"
assert_contains "$OUT" "$NQN"

step "export keeps it; the export re-applies as a no-op"
expect_ok "$NVMETCTL" export
assert_contains "$OUT" "discovery_nqn: $OWN"
printf '%s\n' "$OUT" >"$WORK/exported.yaml"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/exported.yaml"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
# nvmetcli's JSON has no field for it (its Root dumps hosts, ports and
# subsystems): said, not silently dropped.
expect_ok "$NVMETCTL" export --format nvmetcli
assert_contains "$OUT" "warning: discovery_nqn $OWN is not exported: nvmetcli's format has no field for it"

step "clear puts the kernel's default back"
expect_ok "$NVMETCTL" clear
assert_eq "$(cat /sys/kernel/config/nvmet/discovery_nqn)" "$DEFAULT" "discovery_nqn after clear"
expect_ok "$NVMETCTL" export
assert_not_contains "$OUT" "discovery_nqn"
pass
