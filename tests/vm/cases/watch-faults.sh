#!/usr/bin/env bash
# timeout: 600
# nvmetctl watch under the harder changes: the netdev under an rxe link is
# deleted and recreated (the link and the rdma port come back, a host is
# served again); a valid edit adds one namespace with no other configfs
# mutation (counted with strace); SIGTERM while an apply is in flight
# leaves the target exactly as before or exactly as after it, and the lock
# free; the metrics file parses as Prometheus text and agrees with status;
# an rdma port on an interface no RDMA device covers waits for one, and the
# RDMA device's uevent brings it in.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
source "$VM_LIB_DIR/check/common.sh"
source "$VM_LIB_DIR/watch/common.sh"

WORK=/tmp/watch
mkdir -p "$WORK"
NQN=nqn.2024-01.io.example:watch-rdma
LOG=$WORK/agent.log
METRICS=$WORK/metrics.prom
DISK=$(nvme_disk)
SUB=$NVMET_CFS/subsystems/$NQN

mount_configfs
setup_dummy_net

step "the agent applies the seed's rdma target and writes its metrics"
write_watch_target "$WORK/target.yaml" rdma
# The agent runs under strace so its configfs writes can be counted later.
strace -f -qq -y -o "$WORK/strace.log" -e trace=mkdir,mkdirat,symlink,symlinkat,rmdir,unlink,unlinkat,write,pwrite64 \
    "$NVMETCTL" -o json watch --drift-interval 2 --metrics-file "$METRICS" "$WORK/target.yaml" >"$LOG" 2>&1 &
TRACER=$!
wait_until 10 pgrep -P "$TRACER" >/dev/null || fail "the agent did not start under strace"
AGENT=$(pgrep -P "$TRACER")
agent_said '"event":"apply"' 60
wait_until 20 test -s "$METRICS" || fail "no metrics file"
expect_ok "$NVMETCTL" -o json status
echo "$OUT" >"$WORK/status.json"
/usr/bin/python3 - "$METRICS" "$WORK/status.json" <<'PY' || fail "the metrics do not parse or disagree with status"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
samples = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
status = json.load(open(sys.argv[2]))
def value(name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]
assert value("nvmetctl_nvmet_loaded") == 1
assert value("nvmetctl_subsystems") == len(status["subsystems"])
assert value("nvmetctl_ports") == len(status["ports"])
for s in status["subsystems"]:
    for ns in s["namespaces"]:
        got = value("nvmetctl_namespace_enabled", subsystem=s["nqn"], nsid=str(ns["nsid"]), device=ns["device"])
        assert got == (1 if ns["enabled"] else 0), (s["nqn"], ns, got)
for p in status["ports"]:
    got = value("nvmetctl_port_enabled", port=str(p["id"]), trtype=p["trtype"], traddr=p["traddr"], trsvcid=p["trsvcid"])
    assert got == (1 if p["enabled"] else 0), (p, got)
assert value("nvmetctl_watch_last_apply_success") == 1
assert value("nvmetctl_watch_pending_items") == 0
assert value("nvmetctl_watch_last_apply_operations") > 0
print("metrics agree with status:", len(samples), "samples")
PY
expect_ok "$NVMETCTL" check --lock-timeout 30 "$WORK/target.yaml"

step "the netdev under the rxe link is deleted and recreated: link and port come back, hosts are served"
ip link del "$NET_DEV"
agent_said '"rdma link rxe_nvmt0 waits for netdev nvmt0"'
ip link add "$NET_DEV" type dummy
ip link set "$NET_DEV" up
ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
agent_said '"reason":"netdev nvmt0 is there (rdma link rxe_nvmt0)"'
wait_until 20 grep -q ACTIVE "/sys/class/infiniband/rxe_$NET_DEV/ports/1/state" || fail "rxe_$NET_DEV did not come back"
# nvmet-rdma does not listen again by itself (kernel rule
# rdma_listener_dies_with_its_device): the agent restarts the port.
agent_said "restarted rdma port 1"
wait_until 30 "$NVMETCTL" check --lock-timeout 30 --timeout 3 "$WORK/target.yaml" || { cat "$LOG"; ls -la /sys/class/infiniband; rdma link; fail "the rdma port does not serve again"; }
expect_ok "$NVMETCTL" check --lock-timeout 30 "$WORK/target.yaml"

step "a valid edit: one namespace more, and no other configfs mutation"
LATE=$(loop_file 16M)
applies_before=$(count_in_log '"event":"apply"')
lines_before=$(wc -l <"$WORK/strace.log")
write_watch_target "$WORK/target.yaml" rdma "      - {nsid: 2, device_path: $LATE, enable: true}"
wait_until 20 more_applies_than "$applies_before" || { cat "$LOG"; fail "the edit was not applied"; }
agent_said '"reason":"the file changed"'
assert_file_eq "$SUB/namespaces/2/enable" 1
mutations=$(tail -n +"$((lines_before + 1))" "$WORK/strace.log" | grep -E '(mkdir|mkdirat|symlink|symlinkat|rmdir|unlink|unlinkat)\(("|[0-9]+<)/sys/kernel/config|write\([0-9]+</sys/kernel/config' | grep -v ENOENT || true)
log "configfs mutations for the edit:"$'\n'"$mutations"
# strace -y would name the file a write goes to; count the mkdir and the namespace writes instead.
assert_eq 1 "$(grep -c 'mkdir' <<<"$mutations")" "mkdirs for one new namespace"
assert_contains "$mutations" "namespaces/2"
assert_not_contains "$mutations" "namespaces/1"
assert_not_contains "$mutations" "ports/"

step "SIGTERM while an apply is in flight: exactly before or exactly after, and the lock free"
expect_ok "$NVMETCTL" export
before=$OUT
{
    cat "$WORK/target.yaml"
} >/dev/null
for i in $(seq 1 40); do
    printf '  - nqn: %s:extra%d\n    allow_any_host: true\n' "$NQN" "$i"
done >"$WORK/extra.yaml"
/usr/bin/python3 - "$WORK/target.yaml" "$WORK/extra.yaml" <<'PY'
import sys
target, extra = open(sys.argv[1]).read(), open(sys.argv[2]).read()
open(sys.argv[1] + ".tmp", "w").write(target.replace("ports:\n", extra + "ports:\n"))
PY
mv "$WORK/target.yaml.tmp" "$WORK/target.yaml"
sleep 0.4
kill -TERM "$AGENT"
rc=0
wait "$TRACER" || rc=$?
assert_eq 0 "$rc" "the agent's exit status after SIGTERM (strace passes it on)"
agent_said '"event":"stop"'
expect_ok "$NVMETCTL" export
if [[ $OUT == "$before" ]]; then
    log "the agent stopped before the apply: the target is exactly as before"
else
    expect_ok "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
    log "the agent finished the apply in flight: the target is exactly the file's"
fi
expect_ok "$NVMETCTL" apply --lock-timeout 0 "$WORK/target.yaml"

step "an rdma port on an interface no RDMA device covers waits; an RDMA device made by hand unblocks it"
# The kernel would refuse the port (-19); the agent holds it back instead
# and wakes on the infiniband uevent of `rdma link add`. The drift interval
# is long, so only the event can bring the port in within the wait.
setup_dummy_net nvmt2 10.112.0.1/24
write_watch_target "$WORK/late-rdma.yaml" rdma
sed -i -e '/^rdma_links:/,/^subsystems:/{/^subsystems:/!d}' -e 's/traddr: [0-9.]*/traddr: 10.112.0.1/' -e 's/{id: 1,/{id: 2,/' \
    "$WORK/late-rdma.yaml"
: >"$LOG"
"$NVMETCTL" -o json watch --drift-interval 600 "$WORK/late-rdma.yaml" >"$LOG" 2>&1 &
AGENT=$!
agent_said '"port 2 waits for an RDMA device on nvmt2"' 60
agent_said '"event":"apply"'
assert_not_exists "$NVMET_CFS/ports/2"
rdma link add rxe_nvmt2 type rxe netdev nvmt2
agent_said '"reason":"an RDMA device on nvmt2 is there (port 2)"'
wait_until 20 test -L "$NVMET_CFS/ports/2/subsystems/$NQN" || { cat "$LOG"; fail "port 2 was not linked"; }
assert_file_eq "$NVMET_CFS/ports/2/addr_traddr" 10.112.0.1
kill -TERM "$AGENT"
rc=0
wait "$AGENT" || rc=$?
assert_eq 0 "$rc" "the agent's exit status after SIGTERM"

pass
