#!/usr/bin/env bash
# timeout: 400
# apply's verify reads each attribute it wrote back through the file it was
# written with (RealConfigFs::keep_written_open): one pread64, not a second
# open. configfs must then call show() afresh, so a value changed by hand
# between the write and the verify is seen, not the bytes this run wrote.
#   1. A clean apply: every written attribute is opened once (no open for
#      the verify) and read back with pread64.
#   2. The same apply with strace holding the verify's pread64 of attr_model
#      for 3 s, while a background job sets attr_model by hand the moment
#      the apply has written it: the verify reports the drift ("desired 'A',
#      current 'B'") and the rollback removes the subsystem (status 4).
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl
mount_configfs
DEVICE=$(null_blk)

N=nqn.2024-01.io.nvmetctl:verify-reads-back
S=$NVMET_CFS/subsystems/$N
cat >"$WORK/target.yaml" <<YAML
version: 1
subsystems:
  - nqn: $N
    model: written-by-apply
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DEVICE, enable: true}
YAML
"$NVMETCTL" apply "$WORK/target.yaml" >/dev/null  # loads nvmet; the timed runs below find it loaded
"$NVMETCTL" clear >/dev/null

step "a clean apply opens each written attribute once and reads it back with pread64"
run strace -f -qq -y -o "$WORK/clean.strace" -e trace=openat,pread64 "$NVMETCTL" apply "$WORK/target.yaml"
assert_eq 0 "$RC" "clean apply status"
# Relative to the mount's descriptor (openat(3</sys/kernel/config>,
# "nvmet/...")) or absolute: either way one open.
opens=$(grep -c "${S#"$CONFIGFS"/}/attr_model\", O_" "$WORK/clean.strace" || true)
assert_eq 1 "$opens" "opens of attr_model (the write's; the verify reads through it)"
grep -q "pread64([0-9]*<$S/attr_model>, \"written-by-apply\\\\n\"" "$WORK/clean.strace" ||
    fail "attr_model was not read back with pread64 through the written file"
grep -q "pread64([0-9]*<$S/namespaces/1/enable>, \"1\\\\n\"" "$WORK/clean.strace" ||
    fail "the namespace's enable was not read back through the written file"
# strace's inject counter counts calls of the syscall: the verify's read of
# attr_model is the N-th pread64 of the run (every attribute read is one).
first=$(grep -o 'pread64([0-9]*<[^>]*>' "$WORK/clean.strace" | grep -n "<$S/attr_model>" | head -1 | cut -d: -f1)
[[ -n $first ]] || fail "no pread64 of attr_model in the clean run"
log "the verify's read of attr_model is pread64 number $first"
expect_ok "$NVMETCTL" clear

step "attr_model changed by hand between the write and the verify: drift, rolled back"
(
    wait_until 60 grep -qx written-by-apply "$S/attr_model" || exit 1
    printf '%s' changed-by-hand >"$S/attr_model"
) &
changer=$!
run strace -f -qq -o /dev/null -e trace=pread64 -e "inject=pread64:delay_enter=3000000:when=$first" \
    "$NVMETCTL" apply "$WORK/target.yaml"
wait "$changer" || fail "the background job never saw attr_model written"
assert_eq 4 "$RC" "apply status (verify failed, rolled back)"
assert_contains "$OUT" "attr_model: desired 'written-by-apply', current 'changed-by-hand'"
assert_not_exists "$S" "the subsystem after the rollback"
pass
