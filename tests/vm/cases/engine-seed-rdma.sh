#!/usr/bin/env bash
# The seed example, applied by nvmetctl alone on a cold kernel: configfs not
# mounted, no nvmet module, no rxe link. Then a real NVMe/RDMA connect with
# data read back, a re-apply that changes nothing (counted with strace), and
# clear --unload-modules keeps the rxe link; clear --rdma-links
# --unload-modules goes back to cold.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nvme-subsystem-name
DISK=$(nvme_disk)
setup_dummy_net

write_seed_target "$WORK/target.yaml" "$NQN" "$DISK"

step "Cold: nothing loaded, configfs not mounted"
module_loaded nvmet && fail "nvmet loaded in a fresh guest"
grep -q ' configfs ' /proc/mounts && fail "configfs already mounted"

step "plan shows modules, the mount, the rxe link and configfs steps"
expect_status 2 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
assert_contains "$OUT" "load module nvmet-rdma"
assert_contains "$OUT" "mount configfs on /sys/kernel/config"
assert_contains "$OUT" "add rdma link rxe_eth0 type rxe netdev $NET_DEV"
assert_contains "$OUT" "link   ports/1/subsystems/$NQN"

step "apply brings the target up"
kmsg_mark >/dev/null
nvmetctl_traced "$WORK/cold.strace" apply "$WORK/target.yaml"
assert_eq 0 "$RC" "cold apply status"
assert_contains "$OUT" "verified"
# The minimum for this file: 4 mkdir, 7 writes that differ from the kernel's defaults, 1 link.
assert_eq 12 "$(configfs_mutations "$WORK/cold.strace")" "configfs mutations on cold apply"
for m in nvmet nvmet_rdma rdma_rxe; do module_loaded $m || fail "$m not loaded"; done
expect_ok rdma link show
assert_contains "$OUT" "rxe_eth0"
assert_kmsg "nvmet_rdma: enabling port 1"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/10/enable" 1

step "nvme discover and connect over RDMA, data reads back from $DISK"
modprobe nvme-rdma
expect_ok nvme discover -t rdma -a "$NET_ADDR" -s 4420
assert_contains "$OUT" "$NQN"
connect_and_roundtrip rdma "$NET_ADDR" 4420 "$NQN" "$DISK"

step "re-apply: no changes, zero configfs mutations"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
assert_contains "$OUT" "No changes"
nvmetctl_traced "$WORK/reapply.strace" apply "$WORK/target.yaml"
assert_eq 0 "$RC" "re-apply status"
assert_eq 0 "$(configfs_mutations "$WORK/reapply.strace")" "configfs mutations on re-apply"

step "pi_enable on a Soft-RoCE port: warned at plan time, and the kernel turns it off at the first connect"
cp "$WORK/target.yaml" "$WORK/pi.yaml"
echo "    pi_enable: true" >>"$WORK/pi.yaml"
expect_ok "$NVMETCTL" apply "$WORK/pi.yaml"
assert_contains "$OUT" "rxe_eth0 (rxe) has no T10-PI offload"
assert_eq 1 "$(grep -c "has no T10-PI offload" <<<"$OUT")" "times warned"
assert_file_eq "$NVMET_CFS/ports/1/param_pi_enable" 1
kmsg_mark >/dev/null
connect_and_roundtrip rdma "$NET_ADDR" 4420 "$NQN" "$DISK"
assert_file_eq "$NVMET_CFS/ports/1/param_pi_enable" 0 "pi_enable after the first connect"
assert_kmsg "T10-PI is not supported by device"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"

step "clear --unload-modules without --rdma-links keeps rdma_rxe and the link (unloading it would delete the link)"
expect_ok "$NVMETCTL" clear --unload-modules
module_loaded nvmet && fail "nvmet still loaded"
module_loaded rdma_rxe || fail "rdma_rxe was unloaded"
expect_ok rdma link show
assert_contains "$OUT" "rxe_eth0"

step "clear --rdma-links --unload-modules returns to cold"
expect_ok "$NVMETCTL" clear --rdma-links --unload-modules
module_loaded rdma_rxe && fail "rdma_rxe still loaded"
module_loaded nvmet && fail "nvmet still loaded"
module_loaded nvmet_rdma && fail "nvmet_rdma still loaded"
expect_ok rdma link show
assert_not_contains "$OUT" "rxe_eth0"
pass
