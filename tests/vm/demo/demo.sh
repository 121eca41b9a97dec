#!/usr/bin/env bash
# Guest side of ./run-demo.sh: a cold storage node brought up by nvmetctl
# alone. examples/rdma.yaml, with the guest's dummy netdev and address, is
# planned and applied; nvmetctl loads the modules, mounts configfs, creates
# the Soft-RoCE link and builds the target. A host connects over NVMe/RDMA
# from inside the guest, data written through the fabric reads back from the
# disk, doctor finds nothing wrong, and clear returns the node to cold.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

NQN=nqn.2024-01.io.example:rdma-disk
DISK=$(nvme_disk)
TARGET=/tmp/target.yaml

step "A cold storage node: kernel $VM_KVER, nvmet not loaded, configfs not mounted, disk $DISK"
module_loaded nvmet && fail "nvmet is already loaded"
expect_ok nvme list

step "Network: dummy netdev $NET_DEV with $NET_ADDR/$NET_PREFIX (no rxe link yet)"
modprobe dummy numdummies=0
ip link add "$NET_DEV" type dummy
ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
ip link set "$NET_DEV" up

step "The target file: examples/rdma.yaml with this guest's netdev, address and disk"
sed -e "s|netdev: eth1|netdev: $NET_DEV|" -e "s|192.0.2.10|$NET_ADDR|" -e "s|/dev/nvme0n1|$DISK|" \
    "$VM_REPO/examples/rdma.yaml" >"$TARGET"
sed 's/^/   /' "$TARGET"

step "nvmetctl plan"
expect_status 2 "$NVMETCTL" plan --detailed-exitcode "$TARGET"

step "nvmetctl apply"
kmsg_mark >/dev/null
expect_ok "$NVMETCTL" apply "$TARGET"
assert_kmsg "nvmet_rdma: enabling port 1"
log "kernel: $(grep enabling <<<"$KMSG")"
expect_ok rdma link show

step "nvmetctl status"
expect_ok "$NVMETCTL" status

step "nvmetctl check: this node's own host side proves each allowed host is served"
expect_ok "$NVMETCTL" check "$TARGET"
assert_contains "$OUT" "served (1 namespace"

step "A host connects over NVMe/RDMA from inside the guest"
expect_ok modprobe nvme-rdma
expect_ok nvme discover -t rdma -a "$NET_ADDR" -s 4420
expect_ok nvme connect -t rdma -n "$NQN" -a "$NET_ADDR" -s 4420
dev=$(nvme_dev_for_nqn "$NQN") || fail "no block device for $NQN"
expect_ok nvme list

step "Data written through $dev reads back from $DISK"
data_roundtrip "$dev" "$DISK" 4

step "Re-apply changes nothing; doctor finds no failure"
expect_ok "$NVMETCTL" apply "$TARGET"
assert_contains "$OUT" "No changes"
expect_ok "$NVMETCTL" doctor "$TARGET"

step "Disconnect; nvmetctl clear --rdma-links --unload-modules returns the node to cold"
expect_ok nvme disconnect -n "$NQN"
expect_ok "$NVMETCTL" clear --rdma-links --unload-modules
module_loaded nvmet && fail "nvmet still loaded"
pass "NVMe/RDMA target on $VM_KVER set up by nvmetctl apply: connected, data read back, cleared"
