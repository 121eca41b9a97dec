#!/usr/bin/env bash
# Runs inside the guest (see bench/run.sh): for each size, times cold apply,
# no-op apply, plan, validate (the parse alone, which plan includes) and
# export on the real kernel, and counts their configfs mutations with strace
# in a second, untimed pass.
source "$(dirname "$0")/../tests/vm/lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl
SIZES=${NVMETCTL_BENCH_SIZES:-"256 1024"}

modprobe null_blk nr_devices=8 gb=1
wait_until 5 test -b /dev/nullb7 || fail "null_blk devices did not appear"
DEVICES=(/dev/nullb{0..7})
RAW=${NVMETCTL_RAW_REPLAY_BIN:?bench/run.sh builds nvmetctl-raw-replay}

seconds() {  # CMD...: wall seconds of one run, output discarded
    local start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}
counted() {  # LOG CMD...: configfs mutations of one run
    local log=$1
    shift
    strace -f -qq -o "$log" -e trace=mkdir,mkdirat,rmdir,symlink,symlinkat,unlink,unlinkat,open,openat "$@" >/dev/null 2>&1 || true
    configfs_mutations "$log"
}

printf '\n%-10s %-12s %10s %12s\n' size operation seconds mutations
for size in $SIZES; do
    file=$WORK/bench-$size.yaml
    minimum=$(python3 "$VM_REPO/bench/generate-target.py" "$size" 4 8 "${DEVICES[@]}" 2>&1 >"$file")
    "$NVMETCTL" apply "$file" >/dev/null  # warm-up: modules, mount
    "$NVMETCTL" clear >/dev/null
    # The limit, in the same boot: nvmetctl's own cold plan replayed with
    # bare syscalls, and every attribute it writes read back.
    "$NVMETCTL" -o json plan "$file" >"$WORK/cold-plan.json" || true
    replay=$(seconds "$RAW" replay "$WORK/cold-plan.json")
    raw_read=$(seconds "$RAW" read "$WORK/cold-plan.json")
    "$NVMETCTL" plan --detailed-exitcode "$file" >/dev/null || fail "the raw replay did not make the file's target"
    "$NVMETCTL" clear >/dev/null
    cold=$(seconds "$NVMETCTL" apply "$file")
    noop=$(seconds "$NVMETCTL" apply "$file")
    plan=$(seconds "$NVMETCTL" plan "$file")
    parse=$(seconds "$NVMETCTL" validate "$file")  # the file alone: what plan spends before configfs
    export_s=$(seconds "$NVMETCTL" export)
    noop_m=$(counted "$WORK/noop.strace" "$NVMETCTL" apply "$file")
    plan_m=$(counted "$WORK/plan.strace" "$NVMETCTL" plan "$file")
    export_m=$(counted "$WORK/export.strace" "$NVMETCTL" export)
    "$NVMETCTL" clear >/dev/null
    cold_m=$(counted "$WORK/cold.strace" "$NVMETCTL" apply "$file")
    "$NVMETCTL" clear >/dev/null
    # Where the time goes, by phase (each counts only its own time).
    NVMETCTL_PROFILE=1 "$NVMETCTL" apply "$file" 2>"$WORK/cold.profile" >/dev/null || true
    NVMETCTL_PROFILE=1 "$NVMETCTL" apply "$file" 2>"$WORK/noop.profile" >/dev/null || true
    "$NVMETCTL" clear >/dev/null
    printf '%-10s %-12s %10s %12s\n' "${size}x4" "cold apply" "$cold" "$cold_m (minimum $minimum)" \
        "${size}x4" "no-op apply" "$noop" "$noop_m" "${size}x4" plan "$plan" "$plan_m" \
        "${size}x4" "(parse)" "$parse" "-" "${size}x4" export "$export_s" "$export_m"
    printf '%-10s %-12s %10s\n' "${size}x4" "raw replay" "$replay" "${size}x4" "raw read" "$raw_read"
    awk -v cold="$cold" -v noop="$noop" -v plan="$plan" -v export_s="$export_s" -v parse="$parse" \
        -v replay="$replay" -v read="$raw_read" 'BEGIN {
        printf "           cold apply / (replay + parse) = %.2f   (target <= 1.5)\n", cold / (replay + parse)
        printf "           no-op apply / (read + parse)  = %.2f   (target <= 1.5)\n", noop / (read + parse)
        printf "           plan / (read + parse)         = %.2f   (target <= 1.5)\n", plan / (read + parse)
        printf "           export / read                 = %.2f   (target <= 1.5)\n", export_s / read }'
    printf '\n%sx4 cold apply, by phase:\n' "$size"
    sed -n '/^profile/,$p' "$WORK/cold.profile" | tail -n +2
    printf '%sx4 no-op apply, by phase:\n' "$size"
    sed -n '/^profile/,$p' "$WORK/noop.profile" | tail -n +2
    if [[ -x ${NVMETCTL_HOST_BENCH_BIN:-} ]]; then
        printf '\n%sx4 userland alone in the guest (in-memory tree, no configfs):\n' "$size"
        "$NVMETCTL_HOST_BENCH_BIN" "$file" 3
    fi
done
pass
