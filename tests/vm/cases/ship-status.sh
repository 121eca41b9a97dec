#!/usr/bin/env bash
# nvmetctl status on a real target: subsystems, namespaces (enabled, device,
# size), ports (enabled, transport, address, the RDMA device serving it) and,
# where the kernel exposes them in debugfs (6.11+), the connected hosts with
# their addresses: one host over RDMA (Soft-RoCE), one over TCP.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
command -v nvme >/dev/null || skip "nvme-cli not installed"

WORK=/tmp/nvmetctl-status
mkdir -p "$WORK"
DISK=$(nvme_disk)
NQN=nqn.2024-01.io.example:status
HOST_RDMA=nqn.2014-08.org.nvmexpress:uuid:5a7e0000-0000-4000-8000-00000000000a
HOST_TCP=nqn.2014-08.org.nvmexpress:uuid:5a7e0000-0000-4000-8000-00000000000b
setup_dummy_net
truncate -s 8M "$WORK/idle.img"

cat >"$WORK/target.yaml" <<YAML
version: 1
rdma_links:
  - name: $RXE_DEV
    type: rxe
    netdev: $NET_DEV
hosts:
  - nqn: $HOST_RDMA
  - nqn: $HOST_TCP
subsystems:
  - nqn: $NQN
    allowed_hosts: [$HOST_RDMA, $HOST_TCP]
    namespaces:
      - nsid: 1
        device_path: $DISK
        enable: true
      - nsid: 2
        device_path: $WORK/idle.img
        enable: false
ports:
  - id: 1
    trtype: rdma
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4420
    subsystems: [$NQN]
  - id: 2
    trtype: tcp
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4420
    subsystems: [$NQN]
  - id: 3
    trtype: tcp
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4430
YAML

step "status before nvmet is loaded"
expect_ok "$NVMETCTL" status
assert_contains "$OUT" "not loaded"

NVMETCTL_PROFILE=1 "$NVMETCTL" apply "$WORK/target.yaml" 2>"$WORK/profile.txt" >/dev/null || fail "apply failed"
log "$(cat "$WORK/profile.txt")"
# NVMETCTL_PROFILE=1: where the run's time went, each phase once in the table.
for phase in start-up file "yaml load" validate lock facts "facts: modules" "facts: rdma" "facts: netdevs" "facts: listeners" read plan writes verify journal total; do
    grep -qE "^  $phase +" "$WORK/profile.txt" || fail "the profile has no '$phase' line"
done

step "connect one host over RDMA and one over TCP"
# Two host identities on one machine: each needs its own host id too.
modprobe nvme-rdma
modprobe nvme-tcp
expect_ok nvme connect -t rdma -a "$NET_ADDR" -s 4420 -n "$NQN" --hostnqn="$HOST_RDMA" --hostid="${HOST_RDMA##*:}"
expect_ok nvme connect -t tcp -a "$NET_ADDR" -s 4420 -n "$NQN" --hostnqn="$HOST_TCP" --hostid="${HOST_TCP##*:}"
nvme_dev_for_nqn "$NQN" >/dev/null || fail "no namespace device"

step "status: the tree"
expect_ok "$NVMETCTL" status
assert_contains "$OUT" "subsystem $NQN  (2 allowed hosts)"
assert_contains "$OUT" "namespace 1  enabled  $DISK  64.0 MiB"
assert_contains "$OUT" "namespace 2  disabled  $WORK/idle.img  8.0 MiB"
assert_contains "$OUT" "port 1  enabled  rdma  $NET_ADDR:4420"
assert_contains "$OUT" "rdma device $RXE_DEV"
assert_contains "$OUT" "port 2  enabled  tcp  $NET_ADDR:4420"
assert_contains "$OUT" "port 3  disabled  tcp  $NET_ADDR:4430"
# On every kernel: the TCP host's queues, from /proc/net/tcp.
assert_match "$OUT" "connected from $NET_ADDR  \([0-9]+ connections\)"
hosts_known=0
if kernel_at_least 6.11 && [[ -d /sys/kernel/debug/nvmet ]]; then hosts_known=1; fi
if ((hosts_known)); then
    assert_contains "$OUT" "host $HOST_RDMA  ctrl"
    assert_match "$OUT" "host $HOST_RDMA  ctrl [0-9]+  port 1"
    assert_match "$OUT" "host $HOST_TCP  ctrl [0-9]+  port 2  from $NET_ADDR"
else
    assert_contains "$OUT" "connected hosts: unknown"
fi

step "status -o json"
expect_ok "$NVMETCTL" -o json status
printf '%s\n' "$OUT" >"$WORK/status.json"
# nvme-cli habit: global options after the subcommand give the same document.
json_before=$OUT
expect_ok "$NVMETCTL" status -o json
[[ $OUT == "$json_before" ]] || fail "'status -o json' differs from '-o json status'"
/usr/bin/python3 - "$WORK/status.json" "$NQN" "$HOST_RDMA" "$HOST_TCP" "$RXE_DEV" "$NET_ADDR" "$hosts_known" <<'PY'
import json, sys
path, nqn, host_rdma, host_tcp, rxe, addr, hosts_known = sys.argv[1:]
doc = json.load(open(path))
assert doc["connected_hosts_known"] == (hosts_known == "1"), doc["connected_hosts_known"]
sub = next(s for s in doc["subsystems"] if s["nqn"] == nqn)
ns = {n["nsid"]: n for n in sub["namespaces"]}
assert ns[1]["enabled"] is True and ns[1]["size_bytes"] == 64 * 1024 * 1024, ns[1]
assert ns[2]["enabled"] is False and ns[2]["size_bytes"] == 8 * 1024 * 1024, ns[2]
ports = {p["id"]: p for p in doc["ports"]}
assert ports[1]["enabled"] and ports[1]["trtype"] == "rdma" and ports[1]["rdma_device"] == rxe, ports[1]
assert ports[2]["enabled"] and ports[2]["traddr"] == addr, ports[2]
assert not ports[3]["enabled"], ports[3]
if doc["connected_hosts_known"]:
    hosts = {c["hostnqn"]: c for c in sub["connected_hosts"]}
    assert hosts[host_rdma]["port"] == 1, hosts
    assert hosts[host_tcp]["port"] == 2, hosts
    assert hosts[host_tcp]["host_traddr"] == addr, hosts
    assert "ready" in hosts[host_rdma]["state"], hosts
    print("   connected:", json.dumps(sub["connected_hosts"]))
else:
    assert sub["connected_hosts"] is None
    print("   connected hosts unknown on this kernel")
PY

step "status --subsystem / --port filter"
expect_ok "$NVMETCTL" status --port 3
assert_contains "$OUT" "port 3"
assert_not_contains "$OUT" "port 1"
assert_not_contains "$OUT" "subsystem $NQN  ("
expect_ok "$NVMETCTL" status --subsystem "$NQN"
assert_contains "$OUT" "port 1"
assert_not_contains "$OUT" "port 3"

step "after disconnecting, no host is listed"
expect_ok nvme disconnect -n "$NQN"
if kernel_at_least 6.11 && [[ -d /sys/kernel/debug/nvmet ]]; then
    wait_until 10 bash -c "! '$NVMETCTL' status | grep -q 'host $HOST_RDMA'" || fail "host still listed"
    expect_ok "$NVMETCTL" status
    assert_contains "$OUT" "connected hosts: none"
fi
expect_ok "$NVMETCTL" clear --rdma-links
pass
