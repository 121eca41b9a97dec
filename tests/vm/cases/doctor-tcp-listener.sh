#!/usr/bin/env bash
# A process (not nvmet) listening on the address a tcp port wants. The kernel
# would refuse the port with EADDRINUSE only once a subsystem is linked, half
# way through an apply; nvmetctl refuses at plan time instead and names the
# process, and the doctor says port-addr-in-use, live and against the file.
# The same for an nvmet port the file does not declare (here on [::]), also
# when the file's port leaves its links to the kernel (they stay, so it
# listens again at its new address).
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
source "$VM_LIB_DIR/engine/common.sh"
source "$VM_LIB_DIR/doctor/common.sh"

NQN=nqn.2014-08.org.nvmexpress:listener
DISK=$(nvme_disk)
SVC=4430

write_one_export "$WORK/target.yaml" "$NQN" "$DISK" tcp 127.0.0.1 "$SVC"

# start_process_listener PORT: a python3 process listening on 127.0.0.1:PORT; its pid in LISTENER.
start_process_listener() {
    /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
time.sleep(600)
' "$1" &
    LISTENER=$!
    wait_until 20 grep -q ":$(printf '%04X' "$1") 00000000:0000 0A" /proc/net/tcp ||
        fail "the listener on $1 did not start: $(cat /proc/net/tcp)"
}
start_process_listener "$SVC"

step "plan refuses the port, naming the process; apply touches nothing"
expect_status 3 "$NVMETCTL" plan "$WORK/target.yaml"
assert_contains "$OUT" "python3 (pid $LISTENER) listens on 127.0.0.1:$SVC"
assert_contains "$OUT" "EADDRINUSE"
nvmetctl_traced "$WORK/refused.strace" apply "$WORK/target.yaml"
assert_eq 3 "$RC" "apply status"
assert_eq 0 "$(configfs_mutations "$WORK/refused.strace")" "configfs mutations of a refused apply"

step "doctor FILE says port-addr-in-use"
expect_status 7 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding port-addr-in-use "port 1" "ss -ltnp 'sport = :$SVC'" failure

step "the same port made by hand: the kernel says EADDRINUSE, the doctor names the process"
mount_configfs
modprobe nvmet-tcp
PORT=$NVMET_CFS/ports/1
mkdir "$PORT"
write_attr "$PORT/addr_trtype" tcp
write_attr "$PORT/addr_adrfam" ipv4
write_attr "$PORT/addr_traddr" 127.0.0.1
write_attr "$PORT/addr_trsvcid" "$SVC"
mkdir "$NVMET_CFS/subsystems/$NQN"
expect_errno EADDRINUSE ln -s "$NVMET_CFS/subsystems/$NQN" "$PORT/subsystems/$NQN"
expect_status 7 "$NVMETCTL" -o json doctor
finding port-addr-in-use "port 1" "ss -ltnp 'sport = :$SVC'" failure
assert_contains "$OUT" "python3 (pid $LISTENER), listening on 127.0.0.1:$SVC"
rmdir "$NVMET_CFS/subsystems/$NQN"
rmdir "$PORT"

step "once the process is gone, apply brings the port up and a host connects"
kill "$LISTENER"
wait "$LISTENER" 2>/dev/null || true
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
connect_and_roundtrip tcp 127.0.0.1 "$SVC" "$NQN" "$DISK"
expect_ok "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding no-drift "file $WORK/target.yaml" "" ok
assert_not_contains "$OUT" '"port-addr-in-use"'

step "an nvmet port the file does not declare, on [::]:$SVC: plan refuses the file's port, --prune applies it"
expect_ok "$NVMETCTL" clear
STRAY=$NVMET_CFS/subsystems/nqn.2014-08.org.nvmexpress:stray
mkdir "$STRAY"
mkdir "$NVMET_CFS/ports/7"
write_attr "$NVMET_CFS/ports/7/addr_trtype" tcp
write_attr "$NVMET_CFS/ports/7/addr_adrfam" ipv6
write_attr "$NVMET_CFS/ports/7/addr_traddr" ::
write_attr "$NVMET_CFS/ports/7/addr_trsvcid" "$SVC"
ln -s "$STRAY" "$NVMET_CFS/ports/7/subsystems/"
# The kernel's answer to an IPv4 port on the same service: the IPv6 wildcard covers it.
mkdir "$NVMET_CFS/ports/8"
write_attr "$NVMET_CFS/ports/8/addr_trtype" tcp
write_attr "$NVMET_CFS/ports/8/addr_adrfam" ipv4
write_attr "$NVMET_CFS/ports/8/addr_traddr" 127.0.0.1
write_attr "$NVMET_CFS/ports/8/addr_trsvcid" "$SVC"
expect_errno EADDRINUSE ln -s "$STRAY" "$NVMET_CFS/ports/8/subsystems/"
rmdir "$NVMET_CFS/ports/8"
nvmetctl_traced "$WORK/taken.strace" apply "$WORK/target.yaml"
assert_eq 3 "$RC" "apply status"
assert_contains "$OUT" "tcp 127.0.0.1:$SVC is taken by port 7 ([::]:$SVC, enabled, not in the file)"
assert_not_contains "$OUT" "listens on" "nvmet's own listener is no process in the way"
assert_eq 0 "$(configfs_mutations "$WORK/taken.strace")" "configfs mutations of a refused apply"
expect_ok "$NVMETCTL" apply --prune "$WORK/target.yaml"
assert_not_exists "$NVMET_CFS/ports/7"
connect_and_roundtrip tcp 127.0.0.1 "$SVC" "$NQN" "$DISK"

step "port 1 keeps its live links and moves onto an undeclared port's address: refused, then --prune applies it"
NEXT=$((SVC + 1))
sed -e '/subsystems: \[/d' -e "s/trsvcid: $SVC/trsvcid: $NEXT/" "$WORK/target.yaml" >"$WORK/keeps-links.yaml"
assert_not_contains "$(<"$WORK/keeps-links.yaml")" "subsystems: ["
mkdir "$STRAY"
mkdir "$NVMET_CFS/ports/9"
write_attr "$NVMET_CFS/ports/9/addr_trtype" tcp
write_attr "$NVMET_CFS/ports/9/addr_adrfam" ipv4
write_attr "$NVMET_CFS/ports/9/addr_traddr" 127.0.0.1
write_attr "$NVMET_CFS/ports/9/addr_trsvcid" "$NEXT"
ln -s "$STRAY" "$NVMET_CFS/ports/9/subsystems/"
nvmetctl_traced "$WORK/kept-links.strace" apply "$WORK/keeps-links.yaml"
assert_eq 3 "$RC" "apply status"
assert_contains "$OUT" "tcp 127.0.0.1:$NEXT is taken by port 9 (127.0.0.1:$NEXT, enabled, not in the file)"
assert_eq 0 "$(configfs_mutations "$WORK/kept-links.strace")" "configfs mutations of a refused apply"
assert_file_eq "$NVMET_CFS/ports/1/addr_trsvcid" "$SVC"
expect_ok "$NVMETCTL" apply --prune "$WORK/keeps-links.yaml"
assert_not_exists "$NVMET_CFS/ports/9"
assert_exists "$NVMET_CFS/ports/1/subsystems/$NQN"
connect_and_roundtrip tcp 127.0.0.1 "$NEXT" "$NQN" "$DISK"

step "with --prune, a port that keeps only links to undeclared subsystems stops listening: a process on its new address is in nobody's way"
LATER=$((SVC + 2))
start_process_listener "$LATER"
cat >"$WORK/port-only.yaml" <<YAML
version: 1
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: $LATER}
YAML
expect_status 3 "$NVMETCTL" plan "$WORK/port-only.yaml"
assert_contains "$OUT" "python3 (pid $LISTENER) listens on 127.0.0.1:$LATER"
expect_ok "$NVMETCTL" apply --prune "$WORK/port-only.yaml"
assert_file_eq "$NVMET_CFS/ports/1/addr_trsvcid" "$LATER"
assert_not_exists "$NVMET_CFS/subsystems/$NQN"
kill "$LISTENER"
wait "$LISTENER" 2>/dev/null || true
pass
