#!/usr/bin/env bash
# timeout: 900
# nvmetctl doctor on a module the kernel refuses for real: nvmet-rdma with its
# signature stripped, kernel lockdown raised to integrity at run time. The
# pre-flight warns, apply fails on the module load and names the cause, and
# the live doctor ties the kernel's lockdown line to a failure.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nqn.2014-08.org.nvmexpress:doctor-lockdown

grep -q ' securityfs ' /proc/mounts || mount -t securityfs securityfs /sys/kernel/security
[[ -w /sys/kernel/security/lockdown ]] || skip "the lockdown LSM is not active"
setup_dummy_net

step "strip the signature from nvmet-rdma (the guest's modules tree is a throwaway overlay)"
MOD=$(modinfo -F filename nvmet_rdma)
case "$MOD" in
    *.xz) xz -dc "$MOD" >"$WORK/m.ko" ;;
    *.ko) cp "$MOD" "$WORK/m.ko" ;;
    *) skip "unexpected module file $MOD" ;;
esac
/usr/bin/python3 - "$WORK/m.ko" <<'PY'
import struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
magic = b"~Module signature appended~\n"
if not data.endswith(magic):
    sys.exit("module is not signed")
sig_len = struct.unpack(">I", data[-len(magic) - 4:-len(magic)])[0]
open(path, "wb").write(data[:-(len(magic) + 12 + sig_len)])
PY
case "$MOD" in
    *.xz) xz -c --check=crc32 "$WORK/m.ko" >"$MOD" ;;
    *.ko) cp "$WORK/m.ko" "$MOD" ;;
esac
write_attr /sys/kernel/security/lockdown integrity
log "lockdown: $(cat /sys/kernel/security/lockdown)"

write_rdma_port_target "$WORK/rdma.yaml" "$NQN"

step "pre-flight: lockdown is active and nvmet-rdma is not loaded yet"
run "$NVMETCTL" -o json doctor "$WORK/rdma.yaml"
finding module-lockdown modules "modinfo -F signer" warning

step "apply: the module load is refused (EPERM); the error carries the doctor's diagnosis"
run "$NVMETCTL" apply "$WORK/rdma.yaml"
[[ $RC -ne 0 ]] || fail "apply loaded an unsigned module under lockdown"
assert_contains "$OUT" "refused by kernel lockdown"
assert_contains "$OUT" "kernel: "
assert_not_contains "$OUT" "log mark" "nvmetctl's own kmsg markers are not evidence"
run "$NVMETCTL" -o json apply "$WORK/rdma.yaml"
/usr/bin/python3 -c 'import errno, json, sys; d = json.loads(sys.argv[1]); assert d["failure"]["errno"] == errno.EPERM, d["failure"]' "$OUT" \
    || fail "the JSON report does not carry EPERM"
assert_contains "$OUT" "doctor: module-signature"
assert_contains "$OUT" "mokutil"

step "live doctor: the kernel's lockdown line is a failure with the fix"
expect_status 7 "$NVMETCTL" -o json doctor
finding module-signature modules "mokutil" failure
assert_contains "$OUT" "unsigned module loading is restricted"
pass
