#!/usr/bin/env bash
# apply --wait, as nvmetctl.service runs it at boot: started before the
# port's address is configured and before the namespace's device exists
# (a symlink, as LVM and udev make them), both appearing a few seconds
# later, it waits and succeeds; with a short timeout it fails, names what is
# missing and changes nothing.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

WORK=/tmp/nvmetctl-wait
mkdir -p "$WORK"
DISK=$(nvme_disk)
LATE_DISK=$WORK/vg0-lv0        # appears later, like /dev/vg0/lv0
NQN=nqn.2024-01.io.example:late

write_one_export "$WORK/target.yaml" "$NQN" "$LATE_DISK" tcp "$NET_ADDR" 4420

# The interface exists (as at boot) but has no address yet.
modprobe dummy numdummies=0
ip link add "$NET_DEV" type dummy
ip link set "$NET_DEV" up

step "without --wait apply fails on the missing device and leaves nothing behind"
expect_status 0 "$NVMETCTL" validate "$WORK/target.yaml"
expect_status 4 "$NVMETCTL" apply "$WORK/target.yaml"
assert_contains "$OUT" "$LATE_DISK"
assert_contains "$OUT" "rollback: undid"
nvmet_is_empty || fail "a failed apply left objects in configfs"

step "apply --wait 60, address and device appear 4 s later"
(
    sleep 4
    ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
    sleep 1
    ln -s "$DISK" "$LATE_DISK"
) &
late=$!
start=$SECONDS
expect_ok "$NVMETCTL" apply --wait 60 "$WORK/target.yaml"
elapsed=$((SECONDS - start))
wait "$late"
assert_contains "$OUT" "waiting up to 60s for address $NET_ADDR (port 1), device $LATE_DISK"
assert_contains "$OUT" "verified"
((elapsed >= 4)) || fail "apply returned after ${elapsed}s, before the address existed"
log "apply waited ${elapsed}s"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/1/enable" 1
assert_exists "$NVMET_CFS/ports/1/subsystems/$NQN"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"

step "the target serves I/O"
modprobe nvme-tcp
expect_ok nvme connect -t tcp -a "$NET_ADDR" -s 4420 -n "$NQN"
dev=$(nvme_dev_for_nqn "$NQN") || fail "no namespace device"
data_roundtrip "$dev" "$DISK" 2
expect_ok nvme disconnect -n "$NQN"

step "back to boot state: clear, drop the address and the device"
expect_ok "$NVMETCTL" clear
ip addr del "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
rm "$LATE_DISK"

step "apply --wait 2 with nothing appearing fails clearly and changes nothing"
start=$SECONDS
expect_status 1 "$NVMETCTL" apply --wait 2 "$WORK/target.yaml"
elapsed=$((SECONDS - start))
assert_contains "$OUT" "timed out after 2"
assert_contains "$OUT" "waiting for address $NET_ADDR (port 1), device $LATE_DISK (subsystem $NQN namespace 1)"
assert_contains "$OUT" "nothing was changed"
((elapsed <= 10)) || fail "a 2 s wait took ${elapsed}s"
nvmet_is_empty || fail "a timed-out apply created objects"

step "only the device missing: the message names just the device"
ip addr add "$NET_ADDR/$NET_PREFIX" dev "$NET_DEV"
expect_status 1 "$NVMETCTL" -o json apply --wait 1 "$WORK/target.yaml"
assert_contains "$OUT" "\"error\""
assert_contains "$OUT" "device $LATE_DISK"
assert_not_contains "$OUT" "address $NET_ADDR"

pass
