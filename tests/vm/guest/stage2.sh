#!/bin/bash
# Stage 2 of the test guest: PID 1 after switch_root (see guest/init for the
# filesystem setup done before). Binds the emulated NVMe disk's driver, runs
# the requested test script, hands its output and exit status back to the
# host through the results share (/run/nvmet-vm/out) and powers off.
#
# Deliberately NOT done, so every test starts from a cold kernel: configfs is
# not mounted and nvmet is not loaded.
# The whole script is one compound command, so bash parses it completely
# before running it: editing the file (git pull) while it runs is safe.
{
set -u
# nvmvm.trace on the kernel command line (NVMETCTL_VM_APPEND=nvmvm.trace)
# traces this script with timestamps.
[[ " $(</proc/cmdline) " != *" nvmvm.trace "* ]] || { PS4='+ $EPOCHREALTIME '; set -x; }
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
VMRUN=/run/nvmet-vm
OUT=$VMRUN/out

note() { echo "nvmet-vm: $*"; }
halt_guest() {
    sync
    /bin/busybox poweroff -f 2>/dev/null
    echo o >/proc/sysrq-trigger
    sleep 30
}
fatal() {
    note "FATAL: $*"
    echo "stage2: $*" >"$OUT/setup-error" 2>/dev/null
    halt_guest
}
uptime_s() { local u; read -r u _ </proc/uptime; echo "$u"; }

[[ -r $OUT/job.env ]] || fatal "no job description ($OUT/job.env)"
# shellcheck source=/dev/null
source "$OUT/job.env"

# Minimal coldplug: bind the driver of the emulated NVMe controller (PCI class
# 0x0108xx), as udev would on a real storage node. Started in the background;
# the disk is waited for below.
aliases=()
for dev in /sys/bus/pci/devices/*; do
    read -r class <"$dev/class"
    [[ $class == 0x0108* ]] || continue
    read -r alias <"$dev/modalias"
    aliases+=("$alias")
done
[[ ${#aliases[@]} -eq 0 ]] || modprobe -q -a "${aliases[@]}" &

# Kernel messages up to "info" go to the console, interleaved with the test's
# output, so the console log tells the whole story.
echo 7 >/proc/sys/kernel/printk

if [[ -n ${VM_NVME_DISK:-} ]]; then
    # A pipe nobody writes to: `read -t` on it is a sleep without an exec.
    exec {nap}<> <(:)
    for _ in {1..150}; do
        [[ -b $VM_NVME_DISK ]] && break
        read -r -t 0.1 -u "$nap" _ || true
    done
    exec {nap}<&-
    [[ -b $VM_NVME_DISK ]] || note "warning: $VM_NVME_DISK did not appear"
fi
wait

read -r KVER </proc/sys/kernel/osrelease
boot=$(uptime_s)
echo "$boot" >"$OUT/boot-seconds"
note "kernel $KVER ready after ${boot}s; running ${VM_TEST#"$VM_REPO"/} ${VM_ARGS[*]:-}"

cd "$VM_REPO" || fatal "cd $VM_REPO"
export NVMETCTL_VM_KVER=$KVER NVMETCTL_VM_REPO=$VM_REPO NVMETCTL_VM_OUT=$OUT
export NVMETCTL_VM_NVME_DISK=${VM_NVME_DISK:-}
t0=$(uptime_s)
bash "$VM_TEST" "${VM_ARGS[@]}" </dev/null 2>&1 | tee "$OUT/output.log"
rc=${PIPESTATUS[0]}
t1=$(uptime_s)
note "test exited with status $rc after $(( (${t1/./} - ${t0/./}) / 100 )).$(( (${t1/./} - ${t0/./}) % 100 / 10 ))s"

dmesg >"$OUT/dmesg.log" 2>/dev/null
echo "$rc" >"$OUT/status"
halt_guest
exit
}
