#!/usr/bin/env bash
# timeout: 600
# The crash journal on the real kernel: an apply of ~40 configfs mutations
# (hosts, subsystems on null_blk and a file, allowed hosts, a live port
# move, a second port, a pruned subsystem) is SIGKILLed at its k-th
# mutation for a spread of k. strace does the killing; the product has no
# test hook. After each kill `plan` reports the interrupted run with k-1
# steps done, and `rollback` brings `export` back to exactly the state
# before; for two k a plain `apply` instead converges to the export of a
# clean apply.
#
# strace's inject counter counts each syscall separately (when=N is the
# N-th call of that syscall, not of the set), so a traced clean run first
# maps "k-th configfs mutation" to "N-th call of syscall S", and the kill
# is then `strace -e trace=S -e inject=S:signal=KILL:when=N`. The signal
# arrives on entry: the k-th mutation never happens.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl
mount_configfs

modprobe null_blk nr_devices=5 gb=1
wait_until 5 test -b /dev/nullb4 || fail "null_blk devices did not appear"
IMG=/tmp/crash-ns.img
truncate -s 64M "$IMG"
H=nqn.2014-08.org.nvmexpress:uuid:crash-host
N=nqn.2024-01.io.nvmetctl:crash

cat >"$WORK/a-src.yaml" <<YAML
version: 1
hosts:
  - nqn: $H-1
subsystems:
  - nqn: $N-a
    serial: CRASHA01
    allowed_hosts: [$H-1]
    namespaces:
      - {nsid: 1, device_path: /dev/nullb0, device_uuid: 6a1c0d8e-0000-4000-8000-00000000a001, enable: true}
  - nqn: $N-old
    serial: CRASHOLD
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: /dev/nullb1, device_uuid: 6a1c0d8e-0000-4000-8000-00000000f001, enable: true}
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.1
    trsvcid: 4420
    subsystems: [$N-a, $N-old]
YAML

# Serials and UUIDs are declared: a kernel-chosen one would differ between
# two applies of the same file.
cat >"$WORK/b.yaml" <<YAML
version: 1
hosts:
  - nqn: $H-1
  - nqn: $H-2
  - nqn: $H-3
subsystems:
  - nqn: $N-a
    serial: CRASHA01
    allowed_hosts: [$H-1, $H-2]
    namespaces:
      - {nsid: 1, device_path: /dev/nullb0, device_uuid: 6a1c0d8e-0000-4000-8000-00000000a001, enable: true}
      - {nsid: 2, device_path: /dev/nullb2, device_uuid: 6a1c0d8e-0000-4000-8000-00000000a002, enable: true}
  - nqn: $N-s2
    serial: CRASHS02
    allowed_hosts: [$H-2, $H-3]
    namespaces:
      - {nsid: 1, device_path: /dev/nullb3, device_uuid: 6a1c0d8e-0000-4000-8000-00000000b001, enable: true}
      - {nsid: 2, device_path: $IMG, device_uuid: 6a1c0d8e-0000-4000-8000-00000000b002, buffered_io: true, enable: true}
  - nqn: $N-s3
    serial: CRASHS03
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: /dev/nullb4, device_uuid: 6a1c0d8e-0000-4000-8000-00000000c001, enable: true}
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.1
    trsvcid: 4430
    subsystems: [$N-a, $N-s2]
  - id: 2
    trtype: tcp
    traddr: 127.0.0.1
    trsvcid: 4431
    subsystems: [$N-s2, $N-s3]
YAML
APPLY_B=("$NVMETCTL" apply --prune "$WORK/b.yaml")

# back_to_a: state A again, from an empty tree (the same steps every time).
back_to_a() {
    expect_ok "$NVMETCTL" clear
    expect_ok "$NVMETCTL" apply "$WORK/a.yaml"
    "$NVMETCTL" export >"$WORK/a-now.yaml"
    diff -u "$WORK/a.yaml" "$WORK/a-now.yaml" || fail "state A could not be made again"
}

step "state A, and its export"
expect_ok "$NVMETCTL" apply "$WORK/a-src.yaml"
"$NVMETCTL" export >"$WORK/a.yaml"
back_to_a

step "a clean apply of B under strace: which syscall call is the k-th configfs mutation"
run strace -f -qq -y -o "$WORK/measure.log" -e trace=mkdir,mkdirat,rmdir,symlink,symlinkat,unlink,unlinkat,write "${APPLY_B[@]}"
[[ $RC -eq 0 ]] || fail "clean apply of B failed"
assert_contains "$OUT" "verified: the live target matches"
"$NVMETCTL" export >"$WORK/b-clean.yaml"
# One line per configfs mutation: "<k> <syscall> <n-th call of that syscall>".
awk '
    { sub(/^[0-9]+ +/, "") }
    /^(\+\+\+|---)/ { next }
    match($0, /^[a-z0-9_]+\(/) {
        name = substr($0, 1, RLENGTH - 1)
        calls[name]++
        if (name == "write") configfs = $0 ~ /^write\([0-9]+<\/sys\/kernel\/config\//
        else configfs = index($0, "\"/sys/kernel/config/") > 0 || index($0, "</sys/kernel/config>") > 0
        if (configfs) print ++k, name, calls[name]
    }' "$WORK/measure.log" >"$WORK/mutations.txt"
TOTAL=$(wc -l <"$WORK/mutations.txt")
log "B from A: $TOTAL configfs mutations"
assert_contains "$OUT" "Applied $TOTAL operations"
((TOTAL >= 35)) || fail "expected about 40 mutations, got $TOTAL"
cut -d' ' -f2 "$WORK/mutations.txt" | sort | uniq -c | sed 's/^/     /'
back_to_a

# kill_at K: apply B, SIGKILLed on entry to its K-th configfs mutation.
kill_at() {
    local k=$1 name nth
    read -r _ name nth < <(awk -v k="$k" '$1 == k' "$WORK/mutations.txt")
    step "k=$k: SIGKILL on entry to call $nth of $name (configfs mutation $k of $TOTAL)"
    run strace -f -qq -o /dev/null -e trace="$name" -e inject="$name:signal=KILL:when=$nth" "${APPLY_B[@]}"
    assert_eq 137 "$RC" "apply killed by SIGKILL"
    expect_ok test -s /run/nvmetctl/journal.json
    expect_ok "$NVMETCTL" plan --prune "$WORK/b.yaml"
    assert_contains "$OUT" "nvmetctl: warning: an interrupted run was found (pid "
    assert_contains "$OUT" "): $((k - 1)) of $TOTAL steps done; 'nvmetctl rollback' restores the target as it was before it"
}

KS=(1 5 13 21 29 37)
CONVERGE=(13 29)
for k in "${KS[@]}"; do
    ((k <= TOTAL)) || continue
    kill_at "$k"
    if [[ " ${CONVERGE[*]} " == *" $k "* ]]; then
        expect_ok "${APPLY_B[@]}"
        assert_contains "$OUT" "an interrupted run was found"
        "$NVMETCTL" export >"$WORK/b-now.yaml"
        diff -u "$WORK/b-clean.yaml" "$WORK/b-now.yaml" || fail "k=$k: apply after the kill does not converge to B"
        log "apply after the kill at $k: export equals that of a clean apply of B"
        assert_not_exists /run/nvmetctl/journal.json
        back_to_a
        continue
    fi
    run "$NVMETCTL" -o json doctor
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert any(f["id"] == "interrupted-run" for f in d["findings"]), d' "$OUT" \
        || fail "doctor does not report the interrupted run"
    expect_ok "$NVMETCTL" rollback
    if ((k > 1)); then
        assert_contains "$OUT" "verified: the live target matches the snapshot of the interrupted run"
    fi
    assert_contains "$OUT" "Rolled back: the interrupted run's journal is removed."
    "$NVMETCTL" export >"$WORK/a-after.yaml"
    diff -u "$WORK/a.yaml" "$WORK/a-after.yaml" || fail "k=$k: export after rollback differs from A"
    log "rollback after the kill at $k: export equals A"
    assert_not_exists /run/nvmetctl/journal.json
    expect_ok "$NVMETCTL" plan --prune "$WORK/b.yaml"
    assert_not_contains "$OUT" "interrupted run"
done

step "rollback without a journal: nothing to do"
expect_ok "$NVMETCTL" rollback
assert_contains "$OUT" "no interrupted run to roll back"
pass
