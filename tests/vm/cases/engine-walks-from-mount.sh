#!/usr/bin/env bash
# timeout: 400
# nvmetctl walks configfs paths from a descriptor of the mount point
# (RealConfigFs), not from "/": openat(3</sys/kernel/config>, "nvmet/...").
# The mount is held only once it is a configfs, so on a cold kernel the
# apply that mounts configfs itself works on the new mount, not on the
# empty sysfs directory under it.
#   1. Cold kernel (configfs not mounted, nvmet not loaded): apply mounts
#      configfs, then holds it, and makes every object through it.
#   2. export and a no-op apply: every configfs open and mkdir is relative
#      to the held mount; the export reads back what was applied, and opens
#      none of the libraries only some runs need (libkeyutils, zlib, ...).
#   3. --configfs given with a trailing slash: the same tree, the same export.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl
command -v strace >/dev/null || skip "strace not installed"
DEVICE=$(null_blk)
grep -q " $CONFIGFS configfs " /proc/mounts && umount "$CONFIGFS"
grep -q " $CONFIGFS configfs " /proc/mounts && fail "configfs is still mounted"

N=nqn.2024-01.io.nvmetctl:walks-from-mount
cat >"$WORK/target.yaml" <<YAML
version: 1
subsystems:
  - nqn: $N
    model: from-the-mount
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DEVICE, enable: true}
ports:
  - {id: 1, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$N]}
YAML
TRACE=(strace -f -qq -y -e trace=mount,statfs,openat,mkdirat,mkdir,symlinkat,symlink)

# held_fd LOG: the descriptor the mount was opened as (O_PATH), or nothing.
held_fd() {
    sed -nE "s/.*openat\(AT_FDCWD[^,]*, \"$(sed 's/[/.]/\\&/g' <<<"$CONFIGFS")\", O_RDONLY\|O_CLOEXEC\|O_PATH\|O_DIRECTORY\) = ([0-9]+).*/\1/p" "$1" | head -1
}

step "cold kernel: apply mounts configfs, then walks from it"
run "${TRACE[@]}" -o "$WORK/cold.strace" "$NVMETCTL" apply "$WORK/target.yaml"
assert_eq 0 "$RC" "cold apply status"
grep -q " $CONFIGFS configfs " /proc/mounts || fail "apply did not mount configfs"
mount_line=$(grep -n 'mount("configfs"' "$WORK/cold.strace" | head -1 | cut -d: -f1)
[[ -n $mount_line ]] || fail "no mount of configfs in the trace"
fd=$(held_fd "$WORK/cold.strace")
[[ -n $fd ]] || fail "the mount was never opened to walk from"
held_line=$(grep -nE "openat\(AT_FDCWD[^,]*, \"$CONFIGFS\", O_RDONLY\|O_CLOEXEC\|O_PATH\|O_DIRECTORY\) = $fd<" "$WORK/cold.strace" | head -1 | cut -d: -f1)
log "configfs mounted at line $mount_line of the trace, held as descriptor $fd at line $held_line"
((held_line > mount_line)) || fail "the mount point was held before configfs was mounted on it"
# Before the mount, statfs saw sysfs, and nothing was held then.
head -n "$mount_line" "$WORK/cold.strace" | grep -q "statfs(\"$CONFIGFS\", {f_type=SYSFS_MAGIC" ||
    fail "no statfs of the unmounted mount point before the mount"
made=$(grep -cE "mkdirat\($fd<$CONFIGFS>, \"nvmet/" "$WORK/cold.strace" || true)
log "objects made from the held mount: $made"
assert_eq 3 "$made" "mkdirat from the mount (subsystem, namespace, port)"
assert_eq 0 "$(grep -cE "mkdir(at)?\((AT_FDCWD[^,]*, )?\"$CONFIGFS/nvmet" "$WORK/cold.strace" || true)" \
    "mkdirs by absolute path"
grep -qE "symlinkat\(\"$CONFIGFS/nvmet/subsystems/$N\", $fd<$CONFIGFS>, \"nvmet/ports/1/subsystems/$N\"\) = 0" \
    "$WORK/cold.strace" || fail "the port link was not made from the mount (its target stays absolute)"
assert_file_eq "$NVMET_CFS/subsystems/$N/attr_model" from-the-mount
assert_file_eq "$NVMET_CFS/subsystems/$N/namespaces/1/enable" 1

step "export and a no-op apply open every configfs file from the held mount"
run "${TRACE[@]}" -o "$WORK/export.strace" "$NVMETCTL" export
assert_eq 0 "$RC" "export status"
EXPORTED=$OUT
assert_contains "$EXPORTED" "model: from-the-mount"
assert_contains "$EXPORTED" "device_path: $DEVICE"
fd=$(held_fd "$WORK/export.strace")
[[ -n $fd ]] || fail "export did not hold the mount"
relative=$(grep -cE "openat\($fd<$CONFIGFS>, \"nvmet/" "$WORK/export.strace" || true)
absolute=$(grep -cE "openat\(AT_FDCWD[^,]*, \"$CONFIGFS/" "$WORK/export.strace" || true)
log "export: $relative opens from the mount, $absolute by absolute path"
((relative > 20)) || fail "export opened only $relative configfs files from the mount"
# Nor does an export map the libraries only some runs open (TLS, check,
# doctor --probe, watch, module loading).
opened=$(grep -oE '"[^"]*/lib(keyutils|z|crypto|nvme|nftables|systemd|kmod)\.so[^"]*"' "$WORK/export.strace" || true)
assert_eq "" "$opened" "libraries an export opened"
assert_eq 0 "$absolute" "configfs opens by absolute path during export"
nvmetctl_traced "$WORK/noop.strace" apply "$WORK/target.yaml"
assert_eq 0 "$RC" "no-op apply status"
assert_eq 0 "$(configfs_mutations "$WORK/noop.strace")" "configfs mutations of the no-op apply"
assert_eq 0 "$(grep -cE "openat\(AT_FDCWD[^,]*, \"$CONFIGFS/" "$WORK/noop.strace" || true)" \
    "configfs opens by absolute path during the no-op apply"

step "--configfs with a trailing slash: the same tree, walked from the mount"
run "${TRACE[@]}" -o "$WORK/slash.strace" "$NVMETCTL" --configfs "$CONFIGFS/" export
assert_eq 0 "$RC" "export through $CONFIGFS/"
assert_eq "$EXPORTED" "$OUT" "export through $CONFIGFS/"
grep -qE "openat\([0-9]+<$CONFIGFS>, \"/?nvmet/subsystems/$N/attr_model\"" "$WORK/slash.strace" ||
    fail "export through $CONFIGFS/ did not read attr_model from the mount"
run "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
assert_eq 0 "$RC" "plan after the apply (0: nothing to change)"

"$NVMETCTL" clear >/dev/null
pass
