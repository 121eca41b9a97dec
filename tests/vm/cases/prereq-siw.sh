#!/usr/bin/env bash
# Soft-iWARP instead of Soft-RoCE: nvmetctl loads siw, creates the link over
# RDMA netlink and the target takes NVMe/RDMA connections over it. Where the
# kernel cannot, the case shows the error nvmetctl gives.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:siw
DISK=$(nvme_disk)
setup_dummy_net
cat >"$WORK/target.yaml" <<YAML
version: 1
rdma_links:
  - {name: siw_test, type: siw, netdev: $NET_DEV}
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - {id: 1, trtype: rdma, traddr: $NET_ADDR, trsvcid: 4420, subsystems: [$NQN]}
YAML
run "$NVMETCTL" apply "$WORK/target.yaml"
if [[ $RC -ne 0 ]]; then
    # Debian's 6.1 and 6.12 kernels are built without CONFIG_RDMA_SIW: apply
    # must refuse before touching anything and name the missing module.
    modinfo siw >/dev/null 2>&1 && fail "siw exists on this kernel, yet apply failed"
    assert_eq 3 "$RC" "refused at plan time"
    assert_contains "$OUT" "module siw is not available for kernel $VM_KVER"
    assert_contains "$OUT" "for rdma link siw_test (type siw)"
    module_loaded nvmet && fail "nvmet was loaded although apply was refused"
    expect_ok rdma link show
    assert_not_contains "$OUT" "siw_test"
    pass "this kernel has no siw; nvmetctl refused before changing anything"
fi
module_loaded siw || fail "siw not loaded"
expect_ok rdma link show
assert_contains "$OUT" "siw_test"
connect_and_roundtrip rdma "$NET_ADDR" 4420 "$NQN" "$DISK"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
expect_ok "$NVMETCTL" clear --rdma-links --unload-modules
expect_ok rdma link show
assert_not_contains "$OUT" "siw_test"
pass
