# Helpers shared by the engine's real-kernel cases (tests/vm/cases/engine-*.sh).
# Sourced after tests/vm/lib.sh.

WORK=/tmp/nvmetctl-case
mkdir -p "$WORK"

# configfs_mutations STRACE_LOG: count the syscalls in an strace log (made
# with -y) that change configfs: mkdir/rmdir/symlink/unlink under it and
# opens for writing (O_WRONLY, or O_RDWR: apply keeps what it writes open
# for its verify). nvmetctl walks paths from a descriptor of the mount:
# "mkdirat(3</sys/kernel/config>, "nvmet/..."", an absolute path otherwise.
configfs_mutations() {
    [[ -s $1 ]] || fail "no strace log $1"
    grep -E '(mkdir|rmdir|symlink|unlink)(at)?\(.*/sys/kernel/config|open(at)?\(.*/sys/kernel/config.*", O_(WRONLY|RDWR)' "$1" | grep -vc ' = -1 E' || true
}

# nvmetctl_traced LOG ARGS...: run nvmetctl under strace, leaving the syscall log.
nvmetctl_traced() {
    local log=$1
    shift
    run strace -f -qq -y -o "$log" -e trace=mkdir,mkdirat,rmdir,symlink,symlinkat,unlink,unlinkat,open,openat "$NVMETCTL" "$@"
}

# connect_and_roundtrip TRTYPE ADDR SVC NQN BACKING: connect from inside the
# guest, write a pattern through the new namespace, read it from BACKING.
connect_and_roundtrip() {
    local trtype=$1 addr=$2 svc=$3 nqn=$4 backing=$5 dev
    modprobe "nvme-$trtype" 2>/dev/null || modprobe nvme-fabrics
    expect_ok nvme connect -t "$trtype" -a "$addr" -s "$svc" -n "$nqn"
    dev=$(nvme_dev_for_nqn "$nqn") || fail "no namespace device for $nqn after connect"
    data_roundtrip "$dev" "$backing"
    expect_ok nvme disconnect -n "$nqn"
}
