#!/usr/bin/env bash
# Reference case: the manual NVMe/RDMA target procedure, done by hand through
# configfs (no nvmetctl). It proves the test bed is sound on a real kernel:
# configfs refusals, transport autoload through request_module, Soft-RoCE,
# a real NVMe/RDMA connect from inside the guest and data read back from the
# backing device, then a clean teardown.
source "$(dirname "$0")/../lib.sh"

NQN=nqn.2024-01.io.nvmetctl:reference-rdma
PORT=1
SVC=4420
DISK=$(nvme_disk)
SUBSYS=$NVMET_CFS/subsystems/$NQN
PORTDIR=$NVMET_CFS/ports/$PORT

step "Cold kernel on $VM_KVER: configfs not mounted, nvmet not loaded"
module_loaded nvmet && fail "nvmet is already loaded in a fresh guest"
assert_exists "$DISK" "emulated NVMe disk"
mount_configfs
assert_not_exists "$NVMET_CFS"

step "mkdir under configfs before nvmet is loaded fails with EPERM"
expect_errno EPERM mkdir "$NVMET_CFS"
expect_errno EPERM mkdir -p "$SUBSYS"

step "Make the RDMA transport module unavailable"
hide_module nvmet-rdma
expect_fail modprobe -n nvmet-rdma
expect_fail modprobe -n nvmet-transport-1

step "Load nvmet"
kmsg_mark >/dev/null
expect_ok modprobe nvmet
assert_exists "$NVMET_CFS/subsystems"

step "Subsystem $NQN with namespace 1 on $DISK"
expect_ok mkdir "$SUBSYS"
expect_ok write_attr "$SUBSYS/attr_allow_any_host" "1"
expect_ok mkdir "$SUBSYS/namespaces/1"
assert_kmsg "nvmet: adding nsid 1 to subsystem $NQN"
expect_ok write_attr "$SUBSYS/namespaces/1/device_path" "$DISK"
expect_ok write_attr "$SUBSYS/namespaces/1/enable" "1"
assert_file_eq "$SUBSYS/namespaces/1/enable" 1
assert_file_eq "$SUBSYS/namespaces/1/device_path" "$DISK"

step "RDMA port $PORT on $NET_ADDR:$SVC (dummy netdev $NET_DEV)"
setup_dummy_net
expect_ok mkdir "$PORTDIR"
expect_ok write_attr "$PORTDIR/addr_trtype" "rdma"
expect_ok write_attr "$PORTDIR/addr_adrfam" "ipv4"
expect_ok write_attr "$PORTDIR/addr_traddr" "$NET_ADDR"
expect_ok write_attr "$PORTDIR/addr_trsvcid" "$SVC"
assert_file_eq "$PORTDIR/addr_trtype" rdma

step "Linking the subsystem fails with EINVAL while nvmet-rdma cannot be loaded"
kmsg_mark >/dev/null
expect_errno EINVAL ln -s "$SUBSYS" "$PORTDIR/subsystems/$NQN"
assert_kmsg "nvmet: transport type 1 not supported"
assert_not_exists "$PORTDIR/subsystems/$NQN"
module_loaded nvmet_rdma && fail "nvmet_rdma got loaded although it was hidden"

step "Restore nvmet-rdma, create Soft-RoCE on $NET_DEV, link again"
unhide_module nvmet-rdma
expect_ok modprobe -n nvmet-transport-1
expect_ok rdma link add "$RXE_DEV" type rxe netdev "$NET_DEV"
wait_until 10 grep -q ACTIVE "/sys/class/infiniband/$RXE_DEV/ports/1/state" || fail "$RXE_DEV not ACTIVE"
expect_ok rdma link show
assert_contains "$OUT" "$RXE_DEV/1 state ACTIVE"
kmsg_mark >/dev/null
expect_ok ln -s "$SUBSYS" "$PORTDIR/subsystems/$NQN"
assert_kmsg "nvmet_rdma: enabling port $PORT ($NET_ADDR:$SVC)"
module_loaded nvmet_rdma || fail "nvmet_rdma was not autoloaded by the kernel"

step "Host side: discover and connect over NVMe/RDMA from inside the guest"
expect_ok modprobe nvme-rdma
expect_ok nvme discover -t rdma -a "$NET_ADDR" -s "$SVC"
assert_contains "$OUT" "$NQN"
assert_match "$OUT" "trtype: +rdma"
expect_ok nvme connect -t rdma -n "$NQN" -a "$NET_ADDR" -s "$SVC"
dev=$(nvme_dev_for_nqn "$NQN") || fail "no block device for $NQN after connect"
log "connected: $dev"
assert_kmsg "for subsystem $NQN"
expect_ok nvme list-subsys
assert_contains "$OUT" "$NQN"

step "Data written through $dev reads back from $DISK"
data_roundtrip "$dev" "$DISK" 4

step "Disconnect and tear down in the safe order"
expect_ok nvme disconnect -n "$NQN"
assert_contains "$OUT" "disconnected 1 controller"
wait_until 10 bash -c "! nvme list-subsys 2>/dev/null | grep -q '$NQN'" || fail "controller still present"
expect_ok rm "$PORTDIR/subsystems/$NQN"
expect_ok rmdir "$PORTDIR"
expect_ok write_attr "$SUBSYS/namespaces/1/enable" "0"
expect_ok rmdir "$SUBSYS/namespaces/1"
expect_ok rmdir "$SUBSYS"
nvmet_is_empty || fail "configfs not empty after teardown"
expect_ok rdma link delete "$RXE_DEV"
expect_ok ip link del "$NET_DEV"
expect_ok modprobe -r nvme_rdma nvmet_rdma nvmet
module_loaded nvmet && fail "nvmet still loaded"
assert_not_exists "$NVMET_CFS"
pass "manual NVMe/RDMA reference procedure on $VM_KVER"
