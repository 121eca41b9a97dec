#!/usr/bin/env bash
# The seed example, applied by nvmetctl alone on a cold kernel: configfs not
# mounted, no nvmet module, no rxe link. Then a real NVMe/RDMA connect with
# data read back, a re-apply that changes nothing (counted with strace), and
# clear --rdma-links --unload-modules back to cold.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nvme-subsystem-name
DISK=$(nvme_disk)
modprobe dummy numdummies=0
ip link add "$NET_DEV" type dummy
ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
ip link set "$NET_DEV" up

cat >"$WORK/target.yaml" <<YAML
version: 1
rdma_links:
  - name: rxe_eth0
    type: rxe
    netdev: $NET_DEV
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-000000000001
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - nsid: 10
        device_path: $DISK
        enable: true
ports:
  - id: 1
    trtype: rdma
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4420
    subsystems: [$NQN]
YAML

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
assert_contains "$(rdma link show)" "rxe_eth0"
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

step "clear --rdma-links --unload-modules returns to cold"
expect_ok "$NVMETCTL" clear --rdma-links --unload-modules
module_loaded nvmet && fail "nvmet still loaded"
module_loaded nvmet_rdma && fail "nvmet_rdma still loaded"
assert_not_contains "$(rdma link show)" "rxe_eth0"
pass
