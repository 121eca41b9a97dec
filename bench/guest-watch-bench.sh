#!/usr/bin/env bash
# Runs inside the guest (see bench/watch.sh): nvmetctl watch over a large
# target. Measures the agent's CPU time over 60 idle seconds (no events, no
# drift check due: it must sleep in epoll, not poll) and how long it takes
# from an address appearing to the port waiting for it being linked.
source "$(dirname "$0")/../tests/vm/lib.sh"
require_nvmetctl
SIZE=${NVMETCTL_BENCH_SIZE:-256}
IDLE=${NVMETCTL_BENCH_IDLE:-60}

modprobe null_blk nr_devices=8 gb=1
wait_until 5 test -b /dev/nullb7 || fail "null_blk devices did not appear"
mount_configfs
ip link add "$NET_DEV" type dummy
ip link set "$NET_DEV" up
file=/tmp/watch-bench.yaml
python3 "$VM_REPO/bench/generate-target.py" "$SIZE" 4 8 /dev/nullb{0..7} 2>/dev/null >"$file"
first=$(grep -m1 -o 'nqn: [^ ]*' "$file" | cut -d' ' -f2)
# One more port, on an address the node does not have yet.
printf '  - {id: 100, trtype: tcp, adrfam: ipv4, traddr: %s, trsvcid: 4420, subsystems: [%s]}\n' "$NET_ADDR" "$first" >>"$file"

log=/tmp/watch-bench.log
"$NVMETCTL" -o json watch --drift-interval 3600 "$file" >"$log" 2>&1 &
agent=$!
wait_until 600 grep -q '"event":"apply"' "$log" || fail "no first apply"
first_apply=$(grep -m1 '"event":"apply"' "$log")
log "first apply: $first_apply"

ticks() { awk '{ print $14 + $15 }' "/proc/$agent/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$IDLE"
after=$(ticks)
cpu=$(awk -v a="$before" -v b="$after" -v hz="$hz" 'BEGIN { printf "%.3f", (b - a) / hz }')

start=$EPOCHREALTIME
ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
until [[ -L $NVMET_CFS/ports/100/subsystems/$first ]]; do sleep 0.01; done
reaction=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')

kill -TERM "$agent"
wait "$agent" || fail "the agent did not exit 0"
printf '\n%-44s %s\n' "target" "${SIZE}x4 namespaces, 8 tcp ports + 1 waiting for $NET_ADDR"
printf '%-44s %s s (ticks of %s Hz)\n' "agent CPU over ${IDLE} idle seconds" "$cpu" "$hz"
printf '%-44s %s s\n' "address added -> its port linked" "$reaction"
pass
