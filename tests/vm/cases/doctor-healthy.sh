#!/usr/bin/env bash
# timeout: 900
# A healthy target from the seed example (NVMe/RDMA over Soft-RoCE, the
# emulated NVMe disk) gives no failure, live and against its file; a host
# refused at connect time (unknown subsystem) shows up as a warning on that
# subsystem; drift made by hand is a warning with the command that mends it.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nvme-subsystem-name
DISK=$(nvme_disk)
setup_dummy_net

write_seed_target "$WORK/target.yaml" "$NQN" "$DISK"

step "pre-flight on a cold kernel: applicable (warnings only), drift listed"
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding drift "file $WORK/target.yaml" "nvmetctl apply $WORK/target.yaml" warning

step "applied: no failure and no warning, live and against the file"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
expect_status 0 "$NVMETCTL" doctor
assert_contains "$OUT" "doctor: no problems found"
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding no-drift "file $WORK/target.yaml" "" ok
finding port-ok "port 1" "" ok
finding namespace-ok "namespace 10 of $NQN" "" ok

step "a host asking for a subsystem the port does not export: a warning, not a failure"
modprobe nvme-rdma
expect_fail nvme connect -t rdma -a "$NET_ADDR" -s 4420 -n nqn.2014-08.org.nvmexpress:no-such
expect_status 0 "$NVMETCTL" -o json doctor
finding connect-invalid-subsystem "subsystem nqn.2014-08.org.nvmexpress:no-such" "" warning

step "drift: a namespace disabled by hand"
write_attr "$NVMET_CFS/subsystems/$NQN/namespaces/10/enable" 0
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding drift "file $WORK/target.yaml" "" warning
assert_contains "$OUT" "subsystems/$NQN/namespaces/10/enable: desired '1', current '0'"
finding namespace-disabled "namespace 10 of $NQN" "echo 1 > $NVMET_CFS/subsystems/$NQN/namespaces/10/enable" warning
pass
