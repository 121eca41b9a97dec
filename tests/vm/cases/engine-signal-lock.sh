#!/usr/bin/env bash
# SIGTERM, SIGHUP, SIGQUIT or SIGPIPE in the middle of a large apply rolls
# everything back on the real kernel; a second run waits for the lock, then fails with a clear message.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

modprobe null_blk nr_devices=2 gb=1
wait_until 5 test -b /dev/nullb1 || fail "null_blk devices did not appear"
python3 "$VM_REPO/bench/generate-target.py" 200 4 2 /dev/nullb0 /dev/nullb1 >"$WORK/big.yaml" 2>/dev/null

# A dropped ssh session sends SIGHUP, a closed pipe SIGPIPE: each must roll
# back like SIGTERM, never leave half a target.
for sig in TERM HUP QUIT PIPE; do
    step "SIG$sig during apply: the run stops, rolls back, exits 4"
    "$NVMETCTL" apply "$WORK/big.yaml" >"$WORK/apply.out" 2>&1 &
    pid=$!
    wait_until 60 test -d "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl.bench:s00020" || fail "apply did not get going"
    kill -"$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    sed 's/^/     | /' "$WORK/apply.out" | tail -n 5
    assert_eq 4 "$rc" "exit status after SIG$sig"
    assert_contains "$(cat "$WORK/apply.out")" "interrupted by a signal"
    assert_contains "$(cat "$WORK/apply.out")" "the target is exactly as it was before this run"
    assert_eq "" "$(find "$NVMET_CFS/subsystems" "$NVMET_CFS/ports" "$NVMET_CFS/hosts" -mindepth 1 -maxdepth 1)" "tree after rollback"
done

step "a second run waits for the lock, then fails clearly"
flock /run/nvmetctl.lock sleep 10 &
holder=$!
wait_until 5 sh -c '! flock -n /run/nvmetctl.lock true' || fail "the test could not take the lock"
waited_from=$EPOCHREALTIME
expect_status 6 "$NVMETCTL" apply --lock-timeout 1 "$WORK/big.yaml"
awk -v a="$waited_from" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a >= 1) }' || fail "gave up before waiting 1 s"
assert_contains "$OUT" "another nvmetctl"
assert_contains "$OUT" "is changing the target; waited 1s"
wait "$holder"
pass
