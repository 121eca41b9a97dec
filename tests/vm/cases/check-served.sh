#!/usr/bin/env bash
# timeout: 600
# nvmetctl check against a real target: the seed's rdma port over Soft-RoCE,
# tcp on 127.0.0.1 and ::1 and a loop port are served to each allowed host,
# a foreign host is refused, nothing the check made is left behind and a
# controller connected by hand survives it. Then what it must catch: an
# open ACL (allow_any_host over an allow-list), an allowed host the target
# refuses (doctor --probe quotes the kernel), a port whose subsystem's
# only namespace is disabled, and referrals as the port's discovery log
# shows them.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
source "$VM_LIB_DIR/check/common.sh"
source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/check
mkdir -p "$WORK"
SEED=nqn.2024-01.io.example:check-seed
ACL=nqn.2024-01.io.example:check-acl
IDLE=nqn.2024-01.io.example:check-idle
H1=nqn.2014-08.org.nvmexpress:uuid:1b4e28ba-2fa1-4d3b-8c4e-0000000000c1
DISK=$(nvme_disk)
LOOPDEV=$(loop_file 16M)

mount_configfs
setup_dummy_net
# Debian's 6.1 is built without nvme-loop: the loop port only where it exists.
HAVE_LOOP=0
modinfo -n nvme-loop >/dev/null 2>&1 && HAVE_LOOP=1
LOOP_PORT=""
[[ $HAVE_LOOP == 0 ]] || LOOP_PORT="  - {id: 4, trtype: loop, subsystems: [$ACL]}"

write_target() {  # FILE
    cat >"$1" <<YAML
version: 1
rdma_links:
  - {name: rxe_$NET_DEV, type: rxe, netdev: $NET_DEV}
hosts:
  - nqn: $H1
subsystems:
  - nqn: $SEED
    allow_any_host: true
    namespaces:
      - {nsid: 10, device_path: $DISK, enable: true}
  - nqn: $ACL
    allowed_hosts: [$H1]
    namespaces:
      - {nsid: 1, device_path: $LOOPDEV, enable: true}
  - nqn: $IDLE
    allow_any_host: true
    namespaces:
      - {nsid: 7, device_path: $LOOPDEV, enable: false}
ports:
  - {id: 1, trtype: rdma, adrfam: ipv4, traddr: $NET_ADDR, trsvcid: 4420, subsystems: [$SEED]}
  - {id: 2, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$ACL]}
  - {id: 3, trtype: tcp, adrfam: ipv6, traddr: "::1", trsvcid: 4420, subsystems: [$ACL]}
$LOOP_PORT
YAML
}

step "apply: rdma (seed), tcp 127.0.0.1 and ::1, loop"
write_target "$WORK/target.yaml"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"

step "a host connected by hand before the check"
modprobe nvme-tcp
expect_ok nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$ACL" --hostnqn "$H1"
wait_until 10 test -n "$(fabrics_controllers)" || fail "the hand-made controller did not appear"
before=$(fabrics_controllers)
log "by hand: $before"

step "check: every (port, subsystem, host) served, the foreign host refused"
expect_ok "$NVMETCTL" -o json check "$WORK/target.yaml"
result_count $((5 + 2 * HAVE_LOOP))
verdict 1 "$SEED" probe served
verdict 2 "$ACL" "$H1" served
verdict 2 "$ACL" foreign refused
verdict 3 "$ACL" "$H1" served
verdict 3 "$ACL" foreign refused
if [[ $HAVE_LOOP == 1 ]]; then
    verdict 4 "$ACL" "$H1" served
    verdict 4 "$ACL" foreign refused
fi
assert_contains "$OUT" '"passed": true'
# nvme-tcp was loaded by hand, nvme-rdma by the check: only that one goes again.
assert_contains "$OUT" '"modules_loaded": [
      "nvme_rdma"'
module_loaded nvme_tcp || fail "the check unloaded nvme-tcp, which it did not load"
module_loaded nvme_rdma && fail "the check left nvme-rdma loaded"

step "afterwards: the hand-made controller is still there, and nothing else"
after=$(fabrics_controllers)
assert_eq "$before" "$after" "fabrics controllers after the check"
expect_ok nvme list-subsys
assert_contains "$OUT" "$ACL"
expect_ok nvme disconnect -n "$ACL"
wait_until 10 test -z "$(fabrics_controllers)" || fail "a controller is left: $(fabrics_controllers)"

step "check in text: one line per result, exit 0"
expect_ok "$NVMETCTL" check "$WORK/target.yaml"
assert_contains "$OUT" "port 1 (rdma $NET_ADDR:4420) subsystem $SEED"
assert_contains "$OUT" "served (1 namespace"
assert_contains "$OUT" "(foreign probe host): refused"
assert_eq "" "$(fabrics_controllers)" "controllers left by check"

step "check without a file: what the live target promises"
expect_ok "$NVMETCTL" -o json check
result_count $((5 + 2 * HAVE_LOOP))

step "the target lets any host in where the file has an allow-list: open, exit 8"
# The kernel refuses allow_any_host beside host links, so this is drift made
# by hand: the link removed and allow_any_host set behind nvmetctl's back.
rm "$NVMET_CFS/subsystems/$ACL/allowed_hosts/$H1"
write_attr "$NVMET_CFS/subsystems/$ACL/attr_allow_any_host" 1
expect_status 8 "$NVMETCTL" -o json check "$WORK/target.yaml"
verdict 2 "$ACL" foreign open "allow-list was let in"
verdict 2 "$ACL" "$H1" served
expect_status 8 "$NVMETCTL" check "$WORK/target.yaml"
assert_contains "$OUT" "open"
assert_contains "$OUT" "error: check $WORK/target.yaml"
assert_eq "" "$(fabrics_controllers)" "controllers left by check"

step "a host the file allows but the target does not: refused, and doctor --probe quotes the kernel"
write_attr "$NVMET_CFS/subsystems/$ACL/attr_allow_any_host" 0
expect_status 8 "$NVMETCTL" -o json check "$WORK/target.yaml"
verdict 2 "$ACL" "$H1" refused "not allowed"
verdict 2 "$ACL" foreign refused
expect_status 7 "$NVMETCTL" -o json doctor --probe "$WORK/target.yaml"
finding probe-not-allowed "port 2 subsystem $ACL host $H1" "/allowed_hosts/$H1" failure
assert_contains "$OUT" "kernel: nvmet: connect by host $H1 for subsystem $ACL not allowed"
assert_eq "" "$(fabrics_controllers)" "controllers left by doctor --probe"

step "a port whose subsystem's only namespace is disabled: mismatch, named"
write_target "$WORK/idle.yaml"
sed -i "s|{id: 3, trtype: tcp, adrfam: ipv6, traddr: \"::1\", trsvcid: 4420, subsystems: \[$ACL\]}|{id: 3, trtype: tcp, adrfam: ipv6, traddr: \"::1\", trsvcid: 4420, subsystems: [$ACL, $IDLE]}|" "$WORK/idle.yaml"
grep -q "$IDLE]" "$WORK/idle.yaml" || fail "could not link $IDLE in the file"
expect_ok "$NVMETCTL" apply "$WORK/idle.yaml"
expect_status 8 "$NVMETCTL" -o json check "$WORK/idle.yaml"
verdict 3 "$IDLE" probe mismatch "namespace 7 is disabled"
verdict 3 "$ACL" "$H1" served
assert_eq "" "$(fabrics_controllers)" "controllers left by check"

step "referrals: the port's discovery log lists the enabled one, not the disabled one"
write_target "$WORK/referrals.yaml"
sed -i "s|trsvcid: 4420, subsystems: \[$ACL\]}$|trsvcid: 4420, subsystems: [$ACL], referrals: [{name: up, trtype: tcp, adrfam: ipv4, traddr: 10.111.0.2, trsvcid: 4420, enable: true}, {name: off, trtype: tcp, adrfam: ipv4, traddr: 10.111.0.9, trsvcid: 4420, enable: false}]}|" "$WORK/referrals.yaml"
grep -q "name: up" "$WORK/referrals.yaml" || fail "could not add referrals to the file"
expect_ok "$NVMETCTL" apply "$WORK/referrals.yaml"
expect_ok "$NVMETCTL" -o json check "$WORK/referrals.yaml"
referral_verdict 2 up true true
referral_verdict 2 off false true
assert_contains "$OUT" '"passed": true'
expect_ok "$NVMETCTL" check "$WORK/referrals.yaml"
assert_contains "$OUT" "ok    port 2 referral up (tcp 10.111.0.2:4420): in the port's discovery log"

step "a referral disabled behind nvmetctl's back: not in the log, the check fails"
write_attr "$NVMET_CFS/ports/2/referrals/up/enable" 0
expect_status 8 "$NVMETCTL" -o json check "$WORK/referrals.yaml"
referral_verdict 2 up false false
expect_status 8 "$NVMETCTL" check "$WORK/referrals.yaml"
assert_contains "$OUT" "FAIL  port 2 referral up (tcp 10.111.0.2:4420): enabled, but not in the port's discovery log"
assert_contains "$OUT" "referrals: 3 as declared, 1 not, 0 not judged"
expect_status 7 "$NVMETCTL" -o json doctor --probe "$WORK/referrals.yaml"
finding probe-referral "port 2 referral up" "/ports/2/referrals/up/enable" failure
finding probe-referral "port 3 referral up" "" ok
assert_eq "" "$(fabrics_controllers)" "controllers left by check"

step "ports no host here can reach: not checkable, reported, not a failure"
ip link add nvmt1 type dummy
ip link set nvmt1 up
ip addr add 10.113.0.1/24 dev nvmt1
cat >"$WORK/unreachable.yaml" <<YAML
version: 1
subsystems:
  - {nqn: $SEED, allow_any_host: true, namespaces: [{nsid: 10, device_path: $DISK, enable: true}]}
ports:
  - {id: 1, trtype: rdma, adrfam: ipv4, traddr: 10.113.0.1, trsvcid: 4420, subsystems: [$SEED]}
  - {id: 5, trtype: fc, adrfam: fc, traddr: "nn-0x1000000044001123:pn-0x2000000055001123", trsvcid: none, subsystems: [$SEED]}
YAML
expect_ok "$NVMETCTL" -o json check "$WORK/unreachable.yaml"
verdict 1 "$SEED" probe not-checkable "no RDMA device covers nvmt1"
verdict 5 "$SEED" probe not-checkable "an fc port needs an FC host adapter"
assert_contains "$OUT" '"passed": true'
expect_ok "$NVMETCTL" check "$WORK/unreachable.yaml"
assert_contains "$OUT" "2 not checkable from here"

pass
