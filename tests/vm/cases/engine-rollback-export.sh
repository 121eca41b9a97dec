#!/usr/bin/env bash
# Failure and rollback on the real kernel: a file whose last namespace has a
# missing device fails, reports the kernel's line, and leaves the target
# exactly as before (export before == export after). Then export -> clear ->
# apply(export) -> export is identical, and --prune removes what the file
# does not declare while plain apply leaves it alone.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

DISK=$(nvme_disk)
NULLB=$(null_blk 1)
cat >"$WORK/base.yaml" <<YAML
version: 1
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:host-a
subsystems:
  - nqn: nqn.2024-01.io.nvmetctl:base
    serial: BASE0001
    model: nvmetctl test
    allowed_hosts: [nqn.2014-08.org.nvmexpress:uuid:host-a]
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - id: 3
    trtype: tcp
    traddr: 127.0.0.1
    trsvcid: 4430
    subsystems: [nqn.2024-01.io.nvmetctl:base]
YAML
step "a base target"
expect_ok "$NVMETCTL" apply "$WORK/base.yaml"
"$NVMETCTL" export >"$WORK/export-before.yaml"

step "export, status and doctor load no module: an RDMA netlink socket would make the kernel load ib_core"
for command in export status doctor; do "$NVMETCTL" "$command" >/dev/null 2>&1 || true; done
[[ ! -e /sys/module/ib_core ]] || fail "a read-only command loaded ib_core: $(lsmod | grep -E '^(ib_core|rdma)')"
log "ib_core is still not loaded"

step "a file whose last namespace's device is missing: apply fails and rolls back"
cat >"$WORK/broken.yaml" <<YAML
version: 1
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:host-a
  - nqn: nqn.2014-08.org.nvmexpress:uuid:host-b
subsystems:
  - nqn: nqn.2024-01.io.nvmetctl:base
    serial: BASE0001
    model: nvmetctl test
    allowed_hosts: [nqn.2014-08.org.nvmexpress:uuid:host-a, nqn.2014-08.org.nvmexpress:uuid:host-b]
    namespaces:
      - {nsid: 1, device_path: $NULLB, enable: true}
  - nqn: nqn.2024-01.io.nvmetctl:second
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
      - {nsid: 2, device_path: /dev/does-not-exist, enable: true}
ports:
  - id: 3
    trtype: tcp
    traddr: 127.0.0.1
    trsvcid: 4431
    subsystems: [nqn.2024-01.io.nvmetctl:base, nqn.2024-01.io.nvmetctl:second]
YAML
expect_status 4 "$NVMETCTL" apply "$WORK/broken.yaml"
assert_contains "$OUT" "nvmetctl: error: write subsystems/nqn.2024-01.io.nvmetctl:second/namespaces/2/enable: No such file or directory"
assert_contains "$OUT" "failed to open block device /dev/does-not-exist: (-2)"
assert_contains "$OUT" "hint:"
assert_contains "$OUT" "the target is exactly as it was before this run"
"$NVMETCTL" export >"$WORK/export-after.yaml"
diff -u "$WORK/export-before.yaml" "$WORK/export-after.yaml" || fail "export differs after the failed apply"
log "export before and after the failed apply are identical"

step "the same failure as JSON for scripts"
expect_status 4 "$NVMETCTL" -o json apply "$WORK/broken.yaml"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["status"]=="rolled-back", d; assert d["failure"]["errno"]==2; assert d["rollback"]["complete"]' "$OUT" \
    || fail "JSON report does not describe the rollback"

step "clear --dry-run shows the teardown and changes nothing"
expect_ok "$NVMETCTL" clear --dry-run
assert_contains "$OUT" "rmdir  subsystems/nqn.2024-01.io.nvmetctl:base"
assert_contains "$OUT" "to remove"
expect_ok "$NVMETCTL" export --output "$WORK/export-dry.yaml"
[[ $(stat -c %a "$WORK/export-dry.yaml") == 600 ]] || fail "export --output did not make a 0600 file"
diff -u "$WORK/export-before.yaml" "$WORK/export-dry.yaml" || fail "clear --dry-run changed the target"

step "export, clear, apply the export, export again: identical"
expect_ok "$NVMETCTL" clear
assert_eq "" "$(find "$NVMET_CFS/subsystems" "$NVMET_CFS/ports" "$NVMET_CFS/hosts" -mindepth 1 -maxdepth 1)" "tree after clear"
expect_ok "$NVMETCTL" apply "$WORK/export-before.yaml"
"$NVMETCTL" export >"$WORK/export-again.yaml"
diff -u "$WORK/export-before.yaml" "$WORK/export-again.yaml" || fail "export of the re-applied export differs"

step "objects the file does not declare: left alone, then removed with --prune"
mkdir "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:stray"
mkdir "$NVMET_CFS/hosts/nqn.stray-host"
expect_ok "$NVMETCTL" apply "$WORK/base.yaml"
assert_contains "$OUT" "unmanaged, left alone: subsystem nqn.2024-01.io.nvmetctl:stray"
assert_exists "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:stray"
assert_exists "$NVMET_CFS/hosts/nqn.stray-host"
expect_ok "$NVMETCTL" apply --prune "$WORK/base.yaml"
assert_not_exists "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:stray"
assert_not_exists "$NVMET_CFS/hosts/nqn.stray-host"
assert_exists "$NVMET_CFS/subsystems/nqn.2024-01.io.nvmetctl:base"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode --prune "$WORK/base.yaml"

step "a host made by hand with a name that is not UTF-8: JSON reports stay valid, the file form refuses it"
bad_host=$NVMET_CFS/hosts/nqn.bad-$'\xff'
mkdir "$bad_host"
for command in status export "plan $WORK/base.yaml"; do
    # shellcheck disable=SC2086  # the command and its file are separate words
    expect_ok "$NVMETCTL" -o json $command
    /usr/bin/python3 -c 'import json, sys; json.loads(sys.argv[1])' "$OUT" || fail "-o json $command is not JSON"
done
assert_contains "$OUT" "unmanaged"
"$NVMETCTL" export >"$WORK/bad-name.yaml"
expect_status 3 "$NVMETCTL" validate "$WORK/bad-name.yaml"
assert_contains "$OUT" "not a UTF-8 text file"
rmdir "$bad_host"

step "a target file that does not exist: exit 1 and the error names it"
expect_status 1 "$NVMETCTL" apply "$WORK/no-such-file.yaml"
assert_contains "$OUT" "nvmetctl: error: read $WORK/no-such-file.yaml: $(errno_text ENOENT)"
pass
