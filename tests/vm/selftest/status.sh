# Guest script for selftest.sh: checks the guest's starting state, then exits
# with the status given as $1.
source "$(dirname "$0")/../lib.sh"
grep -q ' /sys/kernel/config configfs ' /proc/mounts && fail "configfs is mounted at start"
module_loaded nvmet && fail "nvmet is loaded at start"
[[ -b $(nvme_disk) ]] || fail "no emulated NVMe disk"
[[ $(</proc/sys/kernel/modprobe) == /sbin/modprobe ]] || fail "kernel modprobe helper not set"
[[ -e /lib/modules/$(uname -r)/modules.dep.bin ]] || fail "no modules tree"
touch /etc/selftest-write-ok || fail "root is not writable"
ip -o link show lo | grep -q 'UP' || fail "lo is not up"
hide_module nvmet-tcp
modprobe -n nvmet-tcp 2>/dev/null && fail "hidden module still found"
unhide_module nvmet-tcp
modprobe -n nvmet-tcp || fail "restored module not found"
echo "selftest: guest state ok, exiting with $1"
exit "$1"
