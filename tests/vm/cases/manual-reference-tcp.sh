#!/usr/bin/env bash
# Reference case: the manual NVMe/TCP target procedure on 127.0.0.1 through
# configfs (no nvmetctl): the kernel autoloads nvmet-tcp when the port is
# linked, a host connects from inside the guest, and data written through the
# fabric namespace reads back from the loop device that backs it.
source "$(dirname "$0")/../lib.sh"

NQN=nqn.2024-01.io.nvmetctl:reference-tcp
PORT=2
ADDR=127.0.0.1
SVC=4420
SUBSYS=$NVMET_CFS/subsystems/$NQN
PORTDIR=$NVMET_CFS/ports/$PORT

step "Backing device: a loop device over a file in /tmp"
BACKING=$(loop_file 32M)
log "backing device: $BACKING"

step "Load nvmet (configfs mounted by hand first)"
mount_configfs
module_loaded nvmet_tcp && fail "nvmet_tcp already loaded in a fresh guest"
expect_ok modprobe nvmet
kmsg_mark >/dev/null

step "Subsystem with namespace 1 on $BACKING, TCP port $PORT on $ADDR:$SVC"
expect_ok mkdir "$SUBSYS"
expect_ok write_attr "$SUBSYS/attr_allow_any_host" "1"
expect_ok mkdir "$SUBSYS/namespaces/1"
expect_ok write_attr "$SUBSYS/namespaces/1/device_path" "$BACKING"
expect_ok write_attr "$SUBSYS/namespaces/1/enable" "1"
expect_ok mkdir "$PORTDIR"
expect_ok write_attr "$PORTDIR/addr_trtype" "tcp"
expect_ok write_attr "$PORTDIR/addr_adrfam" "ipv4"
expect_ok write_attr "$PORTDIR/addr_traddr" "$ADDR"
expect_ok write_attr "$PORTDIR/addr_trsvcid" "$SVC"
kmsg_mark >/dev/null
expect_ok ln -s "$SUBSYS" "$PORTDIR/subsystems/$NQN"
assert_kmsg "nvmet_tcp: enabling port $PORT ($ADDR:$SVC)"
module_loaded nvmet_tcp || fail "nvmet_tcp was not autoloaded"

step "Port attributes are refused with EACCES while the port is enabled"
expect_errno EACCES write_attr "$PORTDIR/addr_trsvcid" "4421"
assert_kmsg "nvmet: Disable port '$PORT' before changing attribute in nvmet_addr_trsvcid_store"

step "Host side: connect over NVMe/TCP to $ADDR"
expect_ok modprobe nvme-tcp
expect_ok nvme discover -t tcp -a "$ADDR" -s "$SVC"
assert_contains "$OUT" "$NQN"
expect_ok nvme connect -t tcp -n "$NQN" -a "$ADDR" -s "$SVC"
dev=$(nvme_dev_for_nqn "$NQN") || fail "no block device for $NQN after connect"
log "connected: $dev"

step "Data written through $dev reads back from $BACKING"
data_roundtrip "$dev" "$BACKING" 4

step "Disconnect and tear down"
expect_ok nvme disconnect -n "$NQN"
assert_contains "$OUT" "disconnected 1 controller"
nvmet_teardown
nvmet_is_empty || fail "configfs not empty after teardown"
expect_ok modprobe -r nvme_tcp nvmet_tcp nvmet
module_loaded nvmet && fail "nvmet still loaded"
pass "manual NVMe/TCP reference procedure on $VM_KVER"
