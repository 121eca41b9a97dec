#!/usr/bin/env bash
# Guest side of ./run-demo.sh: show an NVMe-oF target working on a real
# kernel, end to end, inside the throwaway guest.
#
# For now this is the storage engineers' manual procedure, done by hand
# through configfs: an NVMe/RDMA target over Soft-RoCE exporting the emulated
# NVMe disk, a host connecting to it from inside the guest, and data written
# through the fabric read back from the disk. Once the engine exists this
# becomes `nvmetctl apply examples/...`.
source "$(dirname "$0")/../lib.sh"

NQN=nqn.2024-01.io.nvmetctl:demo
PORT=1
SVC=4420
DISK=$(nvme_disk)
SUBSYS=$NVMET_CFS/subsystems/$NQN
PORTDIR=$NVMET_CFS/ports/$PORT

step "A cold storage node: kernel $VM_KVER, nvmet not loaded, disk $DISK"
expect_ok nvme list

step "Load the target and mount configfs"
mount_configfs
expect_ok modprobe nvmet

step "Network: dummy netdev $NET_DEV with $NET_ADDR/$NET_PREFIX, Soft-RoCE device $RXE_DEV on it"
setup_dummy_net
expect_ok rdma link add "$RXE_DEV" type rxe netdev "$NET_DEV"
wait_until 10 grep -q ACTIVE "/sys/class/infiniband/$RXE_DEV/ports/1/state" || fail "$RXE_DEV not ACTIVE"
expect_ok rdma link show

step "Subsystem $NQN exporting $DISK as namespace 1"
expect_ok mkdir "$SUBSYS"
expect_ok write_attr "$SUBSYS/attr_allow_any_host" 1
expect_ok mkdir "$SUBSYS/namespaces/1"
expect_ok write_attr "$SUBSYS/namespaces/1/device_path" "$DISK"
expect_ok write_attr "$SUBSYS/namespaces/1/enable" 1

step "RDMA port $PORT on $NET_ADDR:$SVC, linked to the subsystem"
expect_ok mkdir "$PORTDIR"
expect_ok write_attr "$PORTDIR/addr_trtype" rdma
expect_ok write_attr "$PORTDIR/addr_adrfam" ipv4
expect_ok write_attr "$PORTDIR/addr_traddr" "$NET_ADDR"
expect_ok write_attr "$PORTDIR/addr_trsvcid" "$SVC"
kmsg_mark >/dev/null
expect_ok ln -s "$SUBSYS" "$PORTDIR/subsystems/$NQN"
assert_kmsg "nvmet_rdma: enabling port $PORT"
log "kernel: $KMSG"

step "The target as configfs shows it"
(cd "$NVMET_CFS" && find . -mindepth 1 | sort | sed 's/^\.\//   /' | grep -vE '/(attr_|addr_|param_|device_|ana_|buffered|revalidate|p2pmem|passthru|referrals|enable$)' || true)

step "A host connects over NVMe/RDMA from inside the guest"
expect_ok modprobe nvme-rdma
expect_ok nvme discover -t rdma -a "$NET_ADDR" -s "$SVC"
expect_ok nvme connect -t rdma -n "$NQN" -a "$NET_ADDR" -s "$SVC"
dev=$(nvme_dev_for_nqn "$NQN") || fail "no block device for $NQN"
expect_ok nvme list

step "Data written through $dev reads back from $DISK"
data_roundtrip "$dev" "$DISK" 4

step "Disconnect and tear down"
expect_ok nvme disconnect -n "$NQN"
nvmet_teardown
expect_ok rdma link delete "$RXE_DEV"
nvmet_is_empty || fail "configfs not empty after teardown"
pass "NVMe/RDMA target on $VM_KVER: connected, data read back, torn down"
