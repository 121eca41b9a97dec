#!/usr/bin/env bash
# timeout: 600
# nvmetctl watch on a real kernel: a port whose address comes late is
# pending, then linked within seconds of the address appearing (and a host
# is served); a namespace whose device appears late is enabled when it
# does; a valid edit of the file is applied with no other mutation, an
# invalid one is refused with its file:line:column and changes nothing;
# drift is reported, and put back with --repair; SIGHUP re-reads; SIGTERM
# ends the agent with exit 0 and the lock free.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
source "$VM_LIB_DIR/check/common.sh"
source "$VM_LIB_DIR/watch/common.sh"

WORK=/tmp/watch
mkdir -p "$WORK"
NQN=nqn.2024-01.io.example:watch
LOG=$WORK/agent.log
DISK=$(nvme_disk)
SUB=$NVMET_CFS/subsystems/$NQN

mount_configfs
ip link add "$NET_DEV" type dummy
ip link set "$NET_DEV" up

start_agent() {  # [OPTIONS...]
    : >"$LOG"
    "$NVMETCTL" -o json watch --drift-interval 2 "$@" "$WORK/target.yaml" >>"$LOG" 2>&1 &
    AGENT=$!
}

stop_agent() {
    kill -TERM "$AGENT"
    local rc=0
    wait "$AGENT" || rc=$?
    assert_eq 0 "$rc" "the agent's exit status after SIGTERM"
    agent_said '"event":"stop"'
}

step "start: the subsystem is applied, the port waits for its address"
write_watch_target "$WORK/target.yaml" tcp
start_agent
agent_said '"port 1 waits for address 10.111.0.1"'
agent_said '"event":"apply"'
assert_exists "$SUB/namespaces/1"
assert_not_exists "$NVMET_CFS/ports/1"

step "the address appears: the port is linked within seconds, and a host is served"
ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
wait_until 10 test -L "$NVMET_CFS/ports/1/subsystems/$NQN" || { cat "$LOG"; fail "port 1 was not linked"; }
agent_said '"reason":"address 10.111.0.1 is there (port 1)"'
# check takes the run lock the agent also takes: it waits for it.
expect_ok "$NVMETCTL" check --lock-timeout 30 "$WORK/target.yaml"
assert_contains "$OUT" "served (1 namespace"

step "a namespace on a device that appears late: pending, then enabled when it appears"
write_watch_target "$WORK/target.yaml" tcp "      - {nsid: 2, device_path: /dev/loop5, enable: true}"
agent_said '"subsystem nqn.2024-01.io.example:watch namespace 2 waits for device /dev/loop5"'
assert_not_exists "$SUB/namespaces/2"
modprobe loop
truncate -s 16M "$WORK/late.img"
losetup /dev/loop5 "$WORK/late.img"
wait_until 10 file_is "$SUB/namespaces/2/enable" 1 || { cat "$LOG"; fail "namespace 2 was not enabled"; }
agent_said '"reason":"device /dev/loop5 is there'

step "a namespace on a /dev/disk/by-id path made after its device (as udev does): enabled when the link appears"
write_watch_target "$WORK/target.yaml" tcp "      - {nsid: 2, device_path: /dev/loop5, enable: true}
      - {nsid: 3, device_path: /dev/disk/by-id/nvmt-late-disk, enable: true}"
agent_said '"subsystem nqn.2024-01.io.example:watch namespace 3 waits for device /dev/disk/by-id/nvmt-late-disk"'
truncate -s 16M "$WORK/by-id.img"
losetup /dev/loop6 "$WORK/by-id.img"
sleep 1
assert_not_exists "$SUB/namespaces/3"
mkdir -p /dev/disk/by-id
ln -s ../../loop6 /dev/disk/by-id/nvmt-late-disk
wait_until 10 file_is "$SUB/namespaces/3/enable" 1 || { cat "$LOG"; fail "namespace 3 was not enabled"; }
agent_said '"reason":"device /dev/disk/by-id/nvmt-late-disk is there'
write_watch_target "$WORK/target.yaml" tcp "      - {nsid: 2, device_path: /dev/loop5, enable: true}"

step "an invalid edit is refused with its place; the target stays as it was"
expect_ok "$NVMETCTL" export
before=$OUT
sed -i 's/nsid: 2,/nsid: 0,/' "$WORK/target.yaml"
agent_said '"event":"invalid-file"'
agent_said "target.yaml:8:16: error: subsystems[0].namespaces[1].nsid"
sleep 1
expect_ok "$NVMETCTL" export
assert_eq "$before" "$OUT" "export after an invalid edit"

step "drift: an attribute changed by hand is reported, not put back"
write_watch_target "$WORK/target.yaml" tcp "      - {nsid: 2, device_path: /dev/loop5, enable: true}"
write_attr "$SUB/attr_allow_any_host" 0
agent_said '"event":"drift"'
agent_said "attr_allow_any_host: desired '1', current '0'"
assert_file_eq "$SUB/attr_allow_any_host" 0

step "SIGHUP re-reads and applies now; a manual apply meanwhile works (the agent never holds the lock idle)"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
kill -HUP "$AGENT"
agent_said '"reason":"SIGHUP"'

step "between its runs the agent holds no descriptor of the configfs mount (umount stays possible)"
agent_lets_go_of_mount() { [[ -z $(find "/proc/$AGENT/fd" -lname "$CONFIGFS" 2>/dev/null) ]]; }
wait_until 10 agent_lets_go_of_mount ||
    fail "the agent keeps $CONFIGFS open between its runs: $(ls -l "/proc/$AGENT/fd")"

step "SIGTERM: exit 0, the lock is free"
stop_agent
expect_ok "$NVMETCTL" apply --lock-timeout 0 "$WORK/target.yaml"
assert_contains "$OUT" "No changes"

step "systemd's notify protocol: READY=1 after the first apply, WATCHDOG=1 while it runs, STOPPING=1 at the end"
NOTIFY=$WORK/notify.sock
/usr/bin/python3 - "$NOTIFY" "$WORK/notify.log" <<'PY' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(out, "a", buffering=1) as log:
    while True:
        message = sock.recv(4096).decode()
        log.write(message.replace("\n", " ") + "\n")
        if "STOPPING=1" in message:
            break
PY
LISTENER=$!
wait_until 5 test -S "$NOTIFY" || fail "no notify socket"
: >"$LOG"
NOTIFY_SOCKET=$NOTIFY WATCHDOG_USEC=1000000 "$NVMETCTL" -o json watch "$WORK/target.yaml" >>"$LOG" 2>&1 &
AGENT=$!
agent_said '"event":"apply"'
wait_until 5 grep -q READY=1 "$WORK/notify.log" || fail "no READY=1: $(cat "$WORK/notify.log")"
sleep 2
pings=$(grep -c WATCHDOG=1 "$WORK/notify.log" || true)
((pings >= 3)) || fail "only $pings watchdog pings in 2 s with WatchdogSec=1"
log "notify: READY=1 and $pings watchdog pings"
stop_agent
wait "$LISTENER"
grep -q STOPPING=1 "$WORK/notify.log" || fail "no STOPPING=1"

step "unmanaged: a subsystem made by hand is left alone without --prune"
mkdir "$NVMET_CFS/subsystems/nqn.2024-01.io.example:handmade"
start_agent --repair
agent_said '"event":"apply"'
sleep 3
assert_exists "$NVMET_CFS/subsystems/nqn.2024-01.io.example:handmade"
stop_agent
start_agent --repair --prune
agent_said '"event":"apply"'
wait_until 10 test ! -e "$NVMET_CFS/subsystems/nqn.2024-01.io.example:handmade" || fail "--prune left the subsystem made by hand"
stop_agent

step "--repair puts drift back"
start_agent --repair
agent_said '"event":"apply"'
write_attr "$SUB/attr_allow_any_host" 0
wait_until 10 file_is "$SUB/attr_allow_any_host" 1 || { cat "$LOG"; fail "the drift was not repaired"; }
agent_said '"result":"repairing"'
agent_said '"reason":"repair drift"'
stop_agent

step "--check: an edit that breaks serving (namespace 2 on a device whose reads fail) is rolled back"
modprobe dm-mod
dmsetup create --noudevsync nvmt-bad --table "0 32768 error"
dmsetup mknodes nvmt-bad
expect_ok "$NVMETCTL" export
before=$OUT
start_agent --check --check-timeout 5
agent_said '"event":"apply"'
write_watch_target "$WORK/target.yaml" tcp "      - {nsid: 2, device_path: /dev/mapper/nvmt-bad, enable: true}"
agent_said '"not served: port 1'
agent_said "reading the first 4 KiB of"
agent_said "rolled back: the target is as it was before this attempt"
stop_agent
expect_ok "$NVMETCTL" export
assert_eq "$before" "$OUT" "export before and after the rolled-back edit"

pass
