#!/usr/bin/env bash
# requires-kernel: 6.12
# The loop transport (Debian's 6.1 is built without nvme-loop): apply loads
# nvme-loop, a host connects through it and data reads back.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_kernel 6.12
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:loop
DISK=$(nvme_disk)
cat >"$WORK/target.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - id: 7
    trtype: loop
    subsystems: [$NQN]
YAML
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
module_loaded nvme_loop || fail "nvme-loop not loaded by apply"
modprobe nvme-fabrics
expect_ok nvme connect -t loop -n "$NQN"
DEV=$(nvme_dev_for_nqn "$NQN") || fail "no namespace device"
data_roundtrip "$DEV" "$DISK"
expect_ok nvme disconnect -n "$NQN"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
pass
