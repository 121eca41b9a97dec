#!/usr/bin/env bash
# apply refuses before touching anything when a prerequisite cannot be met:
# the transport module is not installed, or a declared netdev does not exist.
# The second case is also a plan-time error. Passthru on a kernel built
# without it (Debian's 6.1) is refused at plan time, while a bare
# 'passthru: {enable: false}' asks nothing of it. Starts cold.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

DISK=$(nvme_disk)
setup_dummy_net
target() {  # NETDEV
    cat <<YAML
version: 1
rdma_links:
  - {name: rxe_test, type: rxe, netdev: $1}
subsystems:
  - nqn: nqn.2024-01.io.nvmetctl:prereq
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - id: 1
    trtype: rdma
    traddr: $NET_ADDR
    subsystems: [nqn.2024-01.io.nvmetctl:prereq]
YAML
}

step "nvmet-rdma not installed: apply fails before touching configfs, and says why"
hide_module nvmet-rdma
target "$NET_DEV" >"$WORK/rdma.yaml"
expect_status 3 "$NVMETCTL" apply "$WORK/rdma.yaml"
assert_contains "$OUT" "module nvmet-rdma"
assert_contains "$OUT" "not available for kernel $VM_KVER"
assert_contains "$OUT" "for port 1 (trtype rdma)"
module_loaded nvmet && fail "nvmet was loaded although apply was refused"
grep -q ' configfs ' /proc/mounts && fail "configfs was mounted although apply was refused"
expect_ok rdma link show
assert_eq "" "$OUT" "no rdma link created"
unhide_module nvmet-rdma

step "a netdev that does not exist is refused at plan time"
target nosuchdev0 >"$WORK/nodev.yaml"
expect_status 3 "$NVMETCTL" plan "$WORK/nodev.yaml"
assert_contains "$OUT" "netdev 'nosuchdev0' does not exist"
expect_status 3 "$NVMETCTL" apply "$WORK/nodev.yaml"
module_loaded nvmet && fail "nvmet was loaded although apply was refused"
grep -q ' configfs ' /proc/mounts && fail "configfs was mounted although apply was refused"

step "an rdma port on an address no RDMA device covers is warned about at plan time"
cat >"$WORK/uncovered.yaml" <<YAML
version: 1
ports:
  - {id: 2, trtype: rdma, traddr: $NET_ADDR}
YAML
expect_ok "$NVMETCTL" plan "$WORK/uncovered.yaml"
assert_contains "$OUT" "which no RDMA device covers"
assert_contains "$OUT" "rdma link add rxe_$NET_DEV type rxe netdev $NET_DEV"
cat >"$WORK/notlocal.yaml" <<YAML
version: 1
ports:
  - {id: 2, trtype: rdma, traddr: 10.111.9.9}
YAML
expect_ok "$NVMETCTL" plan "$WORK/notlocal.yaml"
assert_contains "$OUT" "is not on any local interface"

step "an rdma port on 127.0.0.1 with no RDMA device: rdma_cm binds loopback like a wildcard, so no warning"
cat >"$WORK/loopback.yaml" <<YAML
version: 1
subsystems:
  - nqn: nqn.2014-08.org.nvmexpress:loopback-rdma
    allow_any_host: true
ports:
  - {id: 3, trtype: rdma, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [nqn.2014-08.org.nvmexpress:loopback-rdma]}
YAML
expect_ok "$NVMETCTL" apply "$WORK/loopback.yaml"
assert_not_contains "$OUT" "warning:"
assert_exists "$NVMET_CFS/ports/3/subsystems/nqn.2014-08.org.nvmexpress:loopback-rdma"
expect_ok "$NVMETCTL" clear

step "passthru: a bare {enable: false} applies on any kernel; a real one needs CONFIG_NVME_TARGET_PASSTHRU"
passthru_target() {  # PASSTHRU-BLOCK
    cat <<YAML
version: 1
subsystems:
  - nqn: nqn.2024-01.io.nvmetctl:passthru-off
    passthru: $1
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
YAML
}
passthru_target "{enable: false}" >"$WORK/passthru-off.yaml"
expect_ok "$NVMETCTL" apply "$WORK/passthru-off.yaml"
assert_file_eq "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:passthru-off/namespaces/1/enable" 1
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/passthru-off.yaml"
if [[ -d $NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:passthru-off/passthru ]]; then
    log "this kernel has passthru (CONFIG_NVME_TARGET_PASSTHRU): the refusal is for kernels without it"
else
    passthru_target "{device_path: /dev/nvme0, enable: false}" >"$WORK/passthru-path.yaml"
    expect_status 3 "$NVMETCTL" apply "$WORK/passthru-path.yaml"
    assert_contains "$OUT" "passthru needs a kernel built with CONFIG_NVME_TARGET_PASSTHRU"
fi
expect_ok "$NVMETCTL" clear

step "a configfs nvmetctl cannot read: every command exits 1 (an I/O error, not a bad file) and names the path"
mkdir -p "$WORK/broken-configfs"
echo "not a directory" >"$WORK/broken-configfs/nvmet"
for command in "plan $WORK/notlocal.yaml" "apply $WORK/notlocal.yaml" clear export status; do
    # shellcheck disable=SC2086  # the command and its file are separate words
    expect_status 1 "$NVMETCTL" --configfs "$WORK/broken-configfs" $command
    assert_contains "$OUT" "nvmetctl: error: list $WORK/broken-configfs/nvmet: $(errno_text ENOTDIR)"
done
expect_status 1 "$NVMETCTL" -o json --configfs "$WORK/broken-configfs" apply "$WORK/notlocal.yaml"
/usr/bin/python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert "broken-configfs/nvmet" in d["error"], d' "$OUT" \
    || fail "apply -o json does not report the read error as JSON"
pass
