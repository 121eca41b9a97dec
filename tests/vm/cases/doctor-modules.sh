#!/usr/bin/env bash
# timeout: 900
# nvmetctl doctor on a cold kernel and on module trouble, made for real:
# configfs not mounted, nvmet not loaded, the transport module genuinely
# absent (EINVAL on the link, "transport type 1 not supported"), a port whose
# trtype was never set, an out-of-tree RDMA stack's symbol clash and a
# signature refusal (their kernel messages written into /dev/kmsg).
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nqn.2014-08.org.nvmexpress:doctor-modules

step "cold kernel: configfs not mounted"
expect_status 7 "$NVMETCTL" -o json doctor
finding configfs-not-mounted configfs "mount -t configfs none $CONFIGFS" failure
run "$NVMETCTL" doctor
assert_contains "$OUT" "FAIL configfs-not-mounted"

step "configfs mounted, nvmet not loaded: a different fix"
mount_configfs
expect_errno EPERM mkdir "$NVMET_CFS"
expect_status 7 "$NVMETCTL" -o json doctor
finding nvmet-not-loaded "module nvmet" "modprobe nvmet" failure

step "nvmet-rdma genuinely absent: the link fails with EINVAL; doctor names the module"
modprobe nvmet
hide_module nvmet_rdma
setup_dummy_net
mkdir "$NVMET_CFS/subsystems/$NQN"
mkdir "$NVMET_CFS/ports/1"
write_attr "$NVMET_CFS/ports/1/addr_trtype" rdma
write_attr "$NVMET_CFS/ports/1/addr_adrfam" ipv4
write_attr "$NVMET_CFS/ports/1/addr_traddr" "$NET_ADDR"
write_attr "$NVMET_CFS/ports/1/addr_trsvcid" 4420
expect_errno EINVAL ln -s "$NVMET_CFS/subsystems/$NQN" "$NVMET_CFS/ports/1/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding transport-module-missing "port 1" "" failure
assert_contains "$OUT" "nvmet: transport type 1 not supported"
assert_contains "$OUT" "nvmet-rdma is not available for kernel $VM_KVER"

step "a port whose trtype was never set: EINVAL on the link; doctor says trtype-unset"
mkdir "$NVMET_CFS/ports/2"
expect_errno EINVAL ln -s "$NVMET_CFS/subsystems/$NQN" "$NVMET_CFS/ports/2/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding trtype-unset "port 2" "echo tcp > $NVMET_CFS/ports/2/addr_trtype" failure

step "doctor FILE for an rdma file: the module is missing for this kernel"
rmdir "$NVMET_CFS/ports/1" "$NVMET_CFS/ports/2"
rmdir "$NVMET_CFS/subsystems/$NQN"
write_rdma_port_target "$WORK/rdma.yaml" "$NQN"
expect_status 7 "$NVMETCTL" -o json doctor "$WORK/rdma.yaml"
finding module-unavailable "module nvmet-rdma" "" failure
run "$NVMETCTL" apply "$WORK/rdma.yaml"
[[ $RC -eq 3 ]] || fail "apply of a file whose module is missing: status $RC, expected 3"
unhide_module nvmet_rdma

step "out-of-tree RDMA stack: the module loader's duplicate-symbol message"
echo "mlx_compat: exports duplicate symbol ib_register_device (owned by ib_core)" >/dev/kmsg
echo "nvmet_rdma: disagrees about version of symbol rdma_create_id" >/dev/kmsg
expect_status 7 "$NVMETCTL" -o json doctor
finding ofed-symbol-clash "module mlx_compat" "nvmet-rdma built by MLNX_OFED" failure
finding ofed-symbol-clash "module nvmet_rdma" "" failure
assert_contains "$OUT" "exports duplicate symbol ib_register_device (owned by ib_core)"

step "a module refused by signature checking"
echo "Loading of unsigned module is rejected" >/dev/kmsg
expect_status 7 "$NVMETCTL" -o json doctor
finding module-signature modules "mokutil" failure

step "not root: doctor says so, with the fix"
run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$NVMETCTL" -o json doctor
[[ $RC -eq 7 ]] || fail "doctor as nobody: status $RC, expected 7"
finding not-root system "sudo" failure
pass
