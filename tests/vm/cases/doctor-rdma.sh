#!/usr/bin/env bash
# timeout: 900
# nvmetctl doctor on real RDMA failures, made by hand through configfs:
# an address on no interface (-99), an address on an interface without an
# rxe link (-19), the failing apply for the latter, a port left linked after
# its rxe link was deleted, and a port attribute refused while enabled.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nqn.2014-08.org.nvmexpress:doctor-rdma
PORT=$NVMET_CFS/ports/1
DISK=$(nvme_disk)

setup_dummy_net
mount_configfs
modprobe nvmet
modprobe nvmet-rdma
mkdir "$NVMET_CFS/subsystems/$NQN"
write_attr "$NVMET_CFS/subsystems/$NQN/attr_allow_any_host" 1
mkdir "$NVMET_CFS/subsystems/$NQN/namespaces/1"
write_attr "$NVMET_CFS/subsystems/$NQN/namespaces/1/device_path" "$DISK"
write_attr "$NVMET_CFS/subsystems/$NQN/namespaces/1/enable" 1
mkdir "$PORT"
write_attr "$PORT/addr_trtype" rdma
write_attr "$PORT/addr_adrfam" ipv4
write_attr "$PORT/addr_trsvcid" 4420

step "address on no interface: the link fails with EADDRNOTAVAIL; doctor says rdma-addr-not-local"
write_attr "$PORT/addr_traddr" 10.111.0.9
expect_errno EADDRNOTAVAIL ln -s "$NVMET_CFS/subsystems/$NQN" "$PORT/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding rdma-addr-not-local "port 1" "ip addr add 10.111.0.9/24 dev $NET_DEV" failure
assert_contains "$OUT" "binding CM ID to 10.111.0.9:4420 failed (-99)"
run "$NVMETCTL" doctor
assert_contains "$OUT" "FAIL rdma-addr-not-local"

step "address on $NET_DEV without an rxe link: ENODEV; doctor says rdma-no-device and names $NET_DEV"
write_attr "$PORT/addr_traddr" "$NET_ADDR"
expect_errno ENODEV ln -s "$NVMET_CFS/subsystems/$NQN" "$PORT/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding rdma-no-device "port 1" "rdma link add rxe_$NET_DEV type rxe netdev $NET_DEV" failure
assert_contains "$OUT" "binding CM ID to $NET_ADDR:4420 failed (-19)"

step "the same through a file: doctor FILE predicts it, apply fails and explains with the doctor's id"
rmdir "$PORT"
write_one_export "$WORK/target.yaml" "$NQN" "$DISK" rdma "$NET_ADDR" 4420
expect_status 7 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding rdma-no-device "port 1" "rxe_$NET_DEV" failure
finding drift "file $WORK/target.yaml" "nvmetctl apply" warning
run "$NVMETCTL" apply "$WORK/target.yaml"
[[ $RC -ne 0 ]] || fail "apply succeeded without an RDMA device"
assert_contains "$OUT" "doctor: rdma-no-device"
assert_contains "$OUT" "rdma link add rxe_$NET_DEV type rxe netdev $NET_DEV"
run "$NVMETCTL" -o json apply "$WORK/target.yaml"
assert_contains "$OUT" "rdma-no-device"

step "with the rxe link the file applies and doctor finds no failure"
setup_rxe "rxe_$NET_DEV" "$NET_DEV"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding no-drift "file $WORK/target.yaml" "" ok
expect_status 0 "$NVMETCTL" doctor

step "enabled port: a traddr write is refused (EACCES); doctor names the links to remove"
expect_errno EACCES write_attr "$PORT/addr_trsvcid" 4421
expect_status 0 "$NVMETCTL" -o json doctor
finding port-enabled-attr-refused "port 1" "rm $PORT/subsystems/$NQN" warning
assert_contains "$OUT" "Disable port '1' before changing attribute in nvmet_addr_trsvcid_store"

step "rxe link deleted under a linked port: still linked, nothing listens; doctor says so"
rdma link delete "rxe_$NET_DEV"
expect_status 7 "$NVMETCTL" -o json doctor
finding rdma-no-device "port 1" "ln -s $NVMET_CFS/subsystems/$NQN $PORT/subsystems/$NQN" failure
pass
