#!/usr/bin/env bash
# timeout: 900
# nvmetctl doctor on TCP ports and hosts, made for real: an address on no
# interface (EADDRNOTAVAIL), the same address and port twice (EADDRINUSE),
# adrfam never set, and hosts refused at connect time (not in allowed_hosts;
# a subsystem that does not exist).
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nqn.2014-08.org.nvmexpress:doctor-tcp
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-00000000d0c7
SUB=$NVMET_CFS/subsystems/$NQN
DISK=$(nvme_disk)

mount_configfs
modprobe nvmet
modprobe nvmet-tcp
mkdir "$SUB"
mkdir "$SUB/namespaces/1"
write_attr "$SUB/namespaces/1/device_path" "$DISK"
write_attr "$SUB/namespaces/1/enable" 1

tcp_port() {  # ID ADDR [ADRFAM]
    mkdir "$NVMET_CFS/ports/$1"
    write_attr "$NVMET_CFS/ports/$1/addr_trtype" tcp
    [[ -z ${3-ipv4} ]] || write_attr "$NVMET_CFS/ports/$1/addr_adrfam" "${3-ipv4}"
    write_attr "$NVMET_CFS/ports/$1/addr_traddr" "$2"
    write_attr "$NVMET_CFS/ports/$1/addr_trsvcid" 4420
}

step "address on no interface: EADDRNOTAVAIL; doctor says tcp-addr-not-local"
tcp_port 1 10.111.0.9
expect_errno EADDRNOTAVAIL ln -s "$SUB" "$NVMET_CFS/ports/1/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding tcp-addr-not-local "port 1" "ip addr add 10.111.0.9/24" failure

step "the same address and port as an enabled port: EADDRINUSE; doctor says port-addr-in-use"
tcp_port 2 127.0.0.1
expect_ok ln -s "$SUB" "$NVMET_CFS/ports/2/subsystems/$NQN"
tcp_port 3 127.0.0.1
expect_errno EADDRINUSE ln -s "$SUB" "$NVMET_CFS/ports/3/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding port-addr-in-use "port 3" "addr_trsvcid" failure
assert_contains "$OUT" "in use by port 2 (enabled)"

step "adrfam never set: EINVAL; doctor says adrfam-unset"
tcp_port 4 127.0.0.2 ""
expect_errno EINVAL ln -s "$SUB" "$NVMET_CFS/ports/4/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding adrfam-unset "port 4" "echo ipv4 > $NVMET_CFS/ports/4/addr_adrfam" failure

step "param_pi_enable on a tcp port: EINVAL; doctor says port-pi-unsupported"
if [[ -e $NVMET_CFS/ports/4/param_pi_enable ]]; then
    mkdir "$NVMET_CFS/ports/5"
    write_attr "$NVMET_CFS/ports/5/addr_trtype" tcp
    write_attr "$NVMET_CFS/ports/5/addr_adrfam" ipv4
    write_attr "$NVMET_CFS/ports/5/addr_traddr" 127.0.0.1
    write_attr "$NVMET_CFS/ports/5/addr_trsvcid" 4425
    write_attr "$NVMET_CFS/ports/5/param_pi_enable" 1
    expect_errno EINVAL ln -s "$SUB" "$NVMET_CFS/ports/5/subsystems/$NQN"
    expect_status 7 "$NVMETCTL" -o json doctor
    finding port-pi-unsupported "port 5" "echo 0 > $NVMET_CFS/ports/5/param_pi_enable" failure
    assert_contains "$OUT" "T10-PI is not supported by transport type 3"
else
    log "no param_pi_enable (kernel without BLK_DEV_INTEGRITY): skipped"
fi

step "a host not in allowed_hosts, and a subsystem that does not exist: refused at connect"
modprobe nvme-tcp
run nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN" --hostnqn "$HOSTNQN"
[[ $RC -ne 0 ]] || fail "connect succeeded for a host that is not allowed"
run nvme connect -t tcp -a 127.0.0.1 -s 4420 -n nqn.2014-08.org.nvmexpress:no-such-subsystem --hostnqn "$HOSTNQN"
[[ $RC -ne 0 ]] || fail "connect succeeded to a subsystem that does not exist"
expect_status 7 "$NVMETCTL" -o json doctor  # ports 1, 3 and 4 are still refused
finding host-not-allowed "subsystem $NQN" "ln -s $NVMET_CFS/hosts/$HOSTNQN $SUB/allowed_hosts/$HOSTNQN" warning
finding connect-invalid-subsystem "subsystem nqn.2014-08.org.nvmexpress:no-such-subsystem" "" warning

step "the doctor's fix lets the host in"
mkdir "$NVMET_CFS/hosts/$HOSTNQN"
ln -s "$NVMET_CFS/hosts/$HOSTNQN" "$SUB/allowed_hosts/$HOSTNQN"
expect_ok nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN" --hostnqn "$HOSTNQN"
expect_ok nvme disconnect -n "$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding port-addr-in-use "port 3" "addr_trsvcid" failure
assert_not_contains "$OUT" '"host-not-allowed"'

step "the wildcard over an address a port listens on: EADDRINUSE as well; validate refuses such a file"
tcp_port 6 0.0.0.0
expect_errno EADDRINUSE ln -s "$SUB" "$NVMET_CFS/ports/6/subsystems/$NQN"
rmdir "$NVMET_CFS/ports/6"
cat >"$WORK/clash.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$NQN]}
  - {id: 2, trtype: tcp, traddr: 0.0.0.0, trsvcid: 4420, subsystems: [$NQN]}
YAML
expect_status 3 "$NVMETCTL" validate "$WORK/clash.yaml"
assert_contains "$OUT" "tcp 0.0.0.0:4420 is already taken by port 1 (127.0.0.1:4420)"
pass
