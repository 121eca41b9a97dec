#!/usr/bin/env bash
# Boot one throwaway QEMU guest on a real Debian kernel, run a test script in
# it and return the script's exit status.
#
# usage: tests/vm/run-guest.sh [options] [--kernel K] <test-script> [args...]
#        tests/vm/run-guest.sh [--kernel K] --shell      (interactive shell)
#
#   --kernel K     6.1, 6.12 or a full version such as 6.12.117+deb12-amd64
#                  (default: $NVMETCTL_VM_KERNEL or 6.12)
#   --timeout S    hard timeout in seconds for the whole guest, boot included
#                  (default: $NVMETCTL_VM_TIMEOUT or 300); a guest still running
#                  then is killed and reported as FAIL with its console log
#   --log-dir DIR  where console.log, output.log, dmesg.log and status go
#                  (default: tests/vm/logs/<kver>/<script name>/, emptied first)
#   --quiet        do not stream the console; on failure print the log instead
#   --mem MB       guest memory (default 1024)     --smp N   vCPUs (default 2)
#   --shell        boot a guest with an interactive root shell on this terminal
#                  (lib.sh helpers loaded; `exit` powers off; Ctrl-A x kills QEMU)
#
# Environment:
#   NVMETCTL_VM_ACCEL=tcg|kvm   accelerator (default tcg: this machine's
#                               /dev/kvm is a PVM flavour that hangs stock kernels)
#   NVMETCTL_BIN                nvmetctl binary the guest's tests use
#                               (default <repo>/build/nvmetctl)
#   NVMETCTL_*                  every such variable is passed into the guest
#
# Exit status: the test's own status; 124 if the guest timed out; 125 if the
# guest died without reporting a status (crash, setup failure).
# The whole script is one compound command, so bash parses it completely
# before running it: editing the file (git pull) while it runs is safe.
{
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

kernel=${NVMETCTL_VM_KERNEL:-6.12}
timeout_s=${NVMETCTL_VM_TIMEOUT:-300}
log_dir=
quiet=0
shell=0
mem=${NVMETCTL_VM_MEM:-1024}
smp=${NVMETCTL_VM_SMP:-2}
accel=${NVMETCTL_VM_ACCEL:-tcg}

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit "${1:-2}"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kernel)   kernel=$2; shift 2 ;;
        --kernel=*) kernel=${1#*=}; shift ;;
        --timeout)  timeout_s=$2; shift 2 ;;
        --timeout=*) timeout_s=${1#*=}; shift ;;
        --log-dir)  log_dir=$2; shift 2 ;;
        --log-dir=*) log_dir=${1#*=}; shift ;;
        --quiet|-q) quiet=1; shift ;;
        --mem)      mem=$2; shift 2 ;;
        --smp)      smp=$2; shift 2 ;;
        --shell)    shell=1; shift ;;
        -h|--help)  usage 0 ;;
        --) shift; break ;;
        -*) vm_die "unknown option $1" ;;
        *) break ;;
    esac
done
if [[ $shell -eq 1 ]]; then
    set -- "$VM_DIR/guest/shell.sh"
    timeout_s=${NVMETCTL_VM_SHELL_TIMEOUT:-86400}
fi
[[ $# -ge 1 ]] || usage
script=$1; shift
[[ -f $script ]] || vm_die "no such test script: $script"
script=$(realpath "$script")

command -v qemu-system-x86_64 >/dev/null || vm_die "qemu-system-x86_64 missing (run scripts/install-deps.sh)"
kver=$(vm_resolve_kernel "$kernel")
kroot=$VM_CACHE/kernels/$kver/root
initrd=$(vm_build_initramfs "$kver")
nvme_img=$(vm_nvme_image)

name=$(basename "$script" .sh)
[[ -n $log_dir ]] || log_dir=$VM_LOGS/$kver/$name
mkdir -p "$log_dir"
log_dir=$(realpath "$log_dir")
rm -f "$log_dir"/{console.log,output.log,dmesg.log,status,boot-seconds,setup-error,job.env,qemu.log,script.sh}
# The guest mounts fresh tmpfs on these, hiding the host's files there (all
# but this checkout, which the guest keeps visible): run a copy of such a
# script from the log directory instead.
case "$script" in
    "$REPO_ROOT"/*) ;;
    /tmp/*|/run/*|/var/tmp/*|/dev/*|/proc/*|/sys/*)
        cp "$script" "$log_dir/script.sh"
        script=$log_dir/script.sh
        ;;
esac

# The job description the guest's stage 2 sources.
{
    printf 'VM_TEST=%q\n' "$script"
    printf 'VM_ARGS=('; [[ $# -eq 0 ]] || printf '%q ' "$@"; printf ')\n'
    printf 'VM_REPO=%q\n' "$REPO_ROOT"
    printf 'VM_NVME_DISK=/dev/nvme0n1\n'
    while IFS= read -r var; do
        printf 'export %s=%q\n' "$var" "${!var}"
    done < <(compgen -e | grep '^NVMETCTL_' || true)
} >"$log_dir/job.env"

case "$accel" in
    tcg) accel_args=(-accel tcg,thread=multi -cpu "${NVMETCTL_VM_CPU:-max}") ;;
    kvm) accel_args=(-accel kvm -cpu host) ;;
    *) vm_die "NVMETCTL_VM_ACCEL must be tcg or kvm" ;;
esac

cmdline="console=ttyS0,115200 panic=-1 oops=panic mitigations=off tsc=reliable no_timer_check"
[[ -n ${NVMETCTL_VM_VERBOSE:-} ]] || cmdline+=" quiet"
if [[ $accel == tcg ]]; then
    tsc_khz=$(vm_host_tsc_khz)
    [[ -z $tsc_khz ]] || cmdline+=" tsc_early_khz=$tsc_khz"
fi
[[ -z ${NVMETCTL_VM_APPEND:-} ]] || cmdline+=" $NVMETCTL_VM_APPEND"
kroot_real=$(realpath "$kroot")
[[ "$VM_DIR$kroot_real" != *[[:space:]]* ]] || vm_die "paths with whitespace are not supported: $VM_DIR, $kroot_real"
cmdline+=" nvmvm.stage2=$VM_DIR/guest/stage2.sh nvmvm.kroot=$kroot_real"

qemu=(qemu-system-x86_64
    -nodefaults -no-user-config -no-reboot
    -machine pc "${accel_args[@]}" -smp "$smp" -m "$mem"
    -display none -vga none -nic none
    -kernel "$(vm_kernel_image "$kver")" -initrd "$initrd" -append "$cmdline"
    -fsdev local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
    -fsdev "local,id=vmout,path=$log_dir,security_model=none"
    -device virtio-9p-pci,fsdev=vmout,mount_tag=vmout
    -drive "file=$nvme_img,if=none,id=nvm0,format=raw,snapshot=on"
    -device nvme,serial=nvmetvm0001,drive=nvm0
)
[[ -r /usr/share/qemu/qboot.rom ]] && qemu+=(-bios /usr/share/qemu/qboot.rom)
if [[ $shell -eq 1 ]]; then
    qemu+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$log_dir/console.log" -serial chardev:con -mon chardev=con)
    quiet=1
else
    qemu+=(-chardev "file,id=con,path=$log_dir/console.log" -serial chardev:con)
fi

start=$(date +%s.%N)
: >"$log_dir/console.log"
if [[ $shell -eq 1 ]]; then
    # Foreground, on this terminal.
    set +e
    timeout -k 5 --foreground "$timeout_s" "${qemu[@]}"
    set -e
    [[ -r $log_dir/status ]] && exit "$(<"$log_dir/status")"
    exit 125
fi
timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$log_dir/qemu.log" 2>&1 &
qpid=$!
# Never leave a guest behind: Ctrl-C or a kill of this script stops QEMU.
trap 'kill "$qpid" 2>/dev/null || true' EXIT
trap 'kill "$qpid" 2>/dev/null; exit 130' INT TERM HUP
if [[ $quiet -eq 0 ]]; then
    tail -n +1 -s 0.2 -F --pid=$qpid "$log_dir/console.log" 2>/dev/null &
    tpid=$!
fi
set +e
wait $qpid
qrc=$?
set -e
if [[ $quiet -eq 0 ]]; then
    wait "$tpid" 2>/dev/null || true
fi
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
# CPU time of the finished children (QEMU), for sizing parallel runs.
times >"$log_dir/times"
cpu=$(tail -n1 "$log_dir/times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); n += a[1] * 60 + a[2] } printf "%.1f", n }')
echo "$cpu" >"$log_dir/cpu-seconds"

show_log() {
    echo "----- console log ($log_dir/console.log) -----"
    cat "$log_dir/console.log"
    if [[ -s $log_dir/qemu.log ]]; then
        echo "----- qemu stderr -----"
        cat "$log_dir/qemu.log"
    fi
    echo "----- end of console log -----"
}

boot=$( [[ -r $log_dir/boot-seconds ]] && cat "$log_dir/boot-seconds" || echo "?")
if [[ $qrc -eq 124 || $qrc -eq 137 ]]; then
    echo "FAIL: guest ($kver, $name) killed by the ${timeout_s}s timeout"
    show_log
    exit 124
fi
if [[ ! -r $log_dir/status ]]; then
    echo "FAIL: guest ($kver, $name) ended without reporting a status (qemu exit $qrc)"
    show_log
    exit 125
fi
rc=$(<"$log_dir/status")
if [[ $rc -ne 0 && $quiet -eq 1 && $rc -ne 77 ]]; then
    show_log
fi
echo "[$kver] $name: exit status $rc (boot ${boot}s, total ${elapsed}s, cpu ${cpu}s; logs in ${log_dir#"$REPO_ROOT"/})" >&2
exit "$rc"
exit
}
