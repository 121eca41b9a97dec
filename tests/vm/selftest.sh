#!/usr/bin/env bash
# Self-test of the test bed itself (run by ./run-tests.sh before the suite):
#  - kmod-index.pl rewrites every kmod index of both kernels byte-identically;
#  - a guest's exit status comes back to the host, and the guest starts in the
#    documented state (cold, writable root, disk present, hide_module works);
#  - a guest that hangs is killed by the timeout and reported as a failure
#    (exit 124) with its console log, never as a pass;
#  - a guest whose kernel panics is reported as a failure (exit 125).
#
# usage: tests/vm/selftest.sh [--kernel K]      (default 6.12)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
{
kernel=6.12
[[ ${1:-} != --kernel ]] || kernel=$2
kver=$(vm_resolve_kernel "$kernel")
failed=0
check() {  # check NAME EXPECTED ACTUAL [LOG]
    if [[ $2 == "$3" ]]; then
        echo "selftest: $1 ... ok"
    else
        echo "selftest: $1 ... FAILED (expected $2, got $3)"
        [[ -z ${4:-} ]] || sed 's/^/    | /' "$4"
        failed=1
    fi
}

for k in "$VM_CACHE"/kernels/*/root/lib/modules/*/; do
    for f in "$k"modules.dep.bin "$k"modules.alias.bin "$k"modules.symbols.bin; do
        tmp=$(mktemp)
        perl "$VM_DIR/guest/kmod-index.pl" copy "$f" "$tmp"
        check "kmod-index round trip $(basename "$(dirname "$f")")/$(basename "$f")" same \
            "$(cmp -s "$f" "$tmp" && echo same || echo different)"
        rm -f "$tmp"
    done
done

logs=$VM_LOGS/$kver/selftest
mkdir -p "$logs"
# Boot files once, before three guests start together (as run-suite.sh does).
vm_build_initramfs "$kver" >/dev/null
vm_kernel_image "$kver" >/dev/null
vm_nvme_image >/dev/null
run() {  # run NAME TIMEOUT SCRIPT [ARGS]: background guest, output in $logs/NAME.out
    local name=$1 to=$2
    shift 2
    NVMETCTL_VM_NO_FETCH=1 "$VM_DIR/run-guest.sh" --quiet --kernel "$kver" --smp 1 --timeout "$to" \
        --log-dir "$logs/$name" "$@" >"$logs/$name.out" 2>&1 &
}
run status 300 "$VM_DIR/selftest/status.sh" 3;  p_status=$!
run hang 60 "$VM_DIR/selftest/hang.sh";         p_hang=$!
run crash 300 "$VM_DIR/selftest/crash.sh";      p_crash=$!
set +e
wait $p_status; rc_status=$?
wait $p_hang;   rc_hang=$?
wait $p_crash;  rc_crash=$?
set -e

check "guest exit status is returned" 3 "$rc_status" "$logs/status.out"
check "hung guest is killed by the timeout" 124 "$rc_hang" "$logs/hang.out"
check "hung guest is reported as FAIL" yes "$(grep -q '^FAIL: guest .* killed by the 60s timeout' "$logs/hang.out" && echo yes || echo no)" "$logs/hang.out"
check "hung guest's console log is shown" yes "$(grep -q 'selftest: hanging on purpose' "$logs/hang.out" && echo yes || echo no)" "$logs/hang.out"
check "crashed guest is reported as FAIL" 125 "$rc_crash" "$logs/crash.out"
check "crashed guest's panic is in its console log" yes "$(grep -q 'Kernel panic' "$logs/crash.out" && echo yes || echo no)" "$logs/crash.out"

if [[ $failed -eq 0 ]]; then echo "selftest: test bed ok ($kver)"; else echo "selftest: test bed BROKEN ($kver)"; fi
exit $failed
}
