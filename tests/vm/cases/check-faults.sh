#!/usr/bin/env bash
# timeout: 600
# What configfs and verify cannot see, check does: a namespace on a device
# whose reads fail (device-mapper "error": configfs takes it, hosts get
# EIO), one on an empty device (no block device on the host), apply --check
# rolling back a change that breaks serving, and a port an nftables rule
# drops (unreachable; doctor --probe names the rule).
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
source "$VM_LIB_DIR/check/common.sh"
source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/check
mkdir -p "$WORK"
NQN=nqn.2024-01.io.example:check-faults
GOOD=$(loop_file 16M)
modprobe dm-mod
# No udev in the guest: make the /dev/mapper node here.
dmsetup create --noudevsync nvmt-bad --table "0 32768 error"
dmsetup mknodes nvmt-bad
BAD=/dev/mapper/nvmt-bad
wait_until 10 test -b "$BAD" || fail "$BAD did not appear"

mount_configfs

write_target() {  # FILE DEVICE
    write_one_export "$1" "$NQN" "$2" tcp 127.0.0.1 4420 "adrfam: ipv4"
}

step "a namespace on the failing device: configfs and verify are happy, check is not"
write_target "$WORK/bad.yaml" "$BAD"
expect_ok "$NVMETCTL" apply "$WORK/bad.yaml"
expect_status 8 "$NVMETCTL" -o json check "$WORK/bad.yaml"
verdict 1 "$NQN" probe io-error "namespace 1: reading the first 4 KiB"
assert_eq "" "$(fabrics_controllers)" "controllers left by check"
expect_status 8 "$NVMETCTL" check "$WORK/bad.yaml"
assert_contains "$OUT" "io-error"
assert_contains "$OUT" "Input/output error"

step "doctor --probe: a finding for the namespace, with the device to look at"
expect_status 7 "$NVMETCTL" -o json doctor --probe "$WORK/bad.yaml"
finding probe-io-error "port 1 subsystem $NQN host $(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print([f["object"] for f in d["findings"] if f["id"]=="probe-io-error"][0].split(" host ")[1])' <<<"$OUT")" "dd if=$BAD" failure

step "a namespace on an empty device (a loop device of 0 bytes): the host gets no block device"
EMPTY=$(loop_file 0 2>/dev/null)
write_target "$WORK/empty.yaml" "$EMPTY"
expect_ok "$NVMETCTL" apply "$WORK/empty.yaml"
expect_status 8 "$NVMETCTL" -o json check "$WORK/empty.yaml"
verdict 1 "$NQN" probe mismatch "namespace 1: the host made no block device for it"
expect_status 7 "$NVMETCTL" doctor --probe "$WORK/empty.yaml"
assert_contains "$OUT" "namespace 1 is on an empty device ($EMPTY, 0 bytes)"
assert_contains "$OUT" "FAIL namespace-device-not-usable"
assert_eq "" "$(fabrics_controllers)" "controllers left"

step "apply --check of a healthy target: applied, checked"
write_target "$WORK/good.yaml" "$GOOD"
expect_ok "$NVMETCTL" clear
expect_ok "$NVMETCTL" apply --check "$WORK/good.yaml"
assert_contains "$OUT" "checked: hosts are served"
assert_contains "$OUT" "served (1 namespace"
expect_ok "$NVMETCTL" export
before=$OUT

step "apply --check moving the namespace onto the failing device: rolled back, exit 4"
expect_status 4 "$NVMETCTL" apply --check "$WORK/bad.yaml"
assert_contains "$OUT" "not served: port 1"
assert_contains "$OUT" "rollback: undid"
expect_ok "$NVMETCTL" export
assert_eq "$before" "$OUT" "export before and after the rolled-back apply --check"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/1/device_path" "$GOOD"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/1/enable" 1
expect_status 4 "$NVMETCTL" -o json apply --check "$WORK/bad.yaml"
/usr/bin/python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
assert doc["status"] == "rolled-back", doc["status"]
assert doc["failure"]["check_failures"], doc["failure"]
assert doc["check"]["results"][0]["verdict"] == "io-error", doc["check"]["results"][0]
assert doc["rollback"]["complete"] is True
' <<<"$OUT" || fail "apply --check -o json does not report the rolled-back check"
expect_ok "$NVMETCTL" check "$WORK/good.yaml"
assert_eq "" "$(fabrics_controllers)" "controllers left"

step "an nftables rule drops the port: unreachable; doctor --probe names the rule"
nft add table inet nvmt
nft add chain inet nvmt input '{ type filter hook input priority 0; policy accept; }'
nft add rule inet nvmt input tcp dport 4420 drop
handle=$(nft -a list chain inet nvmt input | sed -n 's/.*dport 4420 drop # handle \([0-9]*\).*/\1/p')
[[ -n $handle ]] || fail "no handle for the rule"
expect_status 8 "$NVMETCTL" -o json check --timeout 3 "$WORK/good.yaml"
verdict 1 "$NQN" probe unreachable "127.0.0.1:4420"
expect_status 7 "$NVMETCTL" -o json doctor --probe --timeout 3 "$WORK/good.yaml"
assert_contains "$OUT" "probe-unreachable"
assert_contains "$OUT" "nft delete rule inet nvmt input handle $handle"
assert_contains "$OUT" "tcp dport 4420 drop"
expect_status 7 "$NVMETCTL" doctor --probe --timeout 3 "$WORK/good.yaml"
assert_contains "$OUT" "the likely cause: nftables rule inet nvmt input handle $handle"
assert_eq "" "$(fabrics_controllers)" "controllers left"
nft delete table inet nvmt
expect_ok "$NVMETCTL" check "$WORK/good.yaml"

pass
