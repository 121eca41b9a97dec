#!/usr/bin/env bash
# requires-kernel: 6.12
# timeout: 600
# check with DH-HMAC-CHAP: hosts with the right keys (one way, and both ways
# with a controller key) are served; a key file changed behind the target's
# back, so the target holds another key, is an authentication failure that
# names the host; doctor --probe explains it with the kernel's words.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
require_kernel 6.12
source "$VM_LIB_DIR/check/common.sh"
source "$VM_LIB_DIR/doctor/common.sh"

WORK=/tmp/check
mkdir -p "$WORK"
NQN=nqn.2024-01.io.example:check-dhchap
H1=nqn.2014-08.org.nvmexpress:uuid:2c9a8b7e-0000-4000-8000-0000000000a1
H2=nqn.2014-08.org.nvmexpress:uuid:2c9a8b7e-0000-4000-8000-0000000000a2
DISK=$(nvme_disk)
for key in h1 h1.ctrl h2; do
    host=$H1
    [[ $key != h2 ]] || host=$H2
    nvme gen-dhchap-key --nqn "$host" >"$WORK/$key.key"
    chmod 600 "$WORK/$key.key"
done

mount_configfs
cat >"$WORK/target.yaml" <<YAML
version: 1
hosts:
  - nqn: $H1
    dhchap_key_file: $WORK/h1.key
    dhchap_ctrl_key_file: $WORK/h1.ctrl.key
  - nqn: $H2
    dhchap_key_file: $WORK/h2.key
subsystems:
  - nqn: $NQN
    allowed_hosts: [$H1, $H2]
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
ports:
  - {id: 1, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$NQN]}
YAML

step "the right keys: both hosts served (one with a controller key), the foreign host refused"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
expect_ok "$NVMETCTL" -o json check "$WORK/target.yaml"
verdict 1 "$NQN" "$H1" served
verdict 1 "$NQN" "$H2" served
verdict 1 "$NQN" foreign refused
assert_eq "" "$(fabrics_controllers)" "controllers left by check"

step "check without a file: the keys as configfs holds them"
expect_ok "$NVMETCTL" -o json check
verdict 1 "$NQN" "$H2" served

step "a key file changed behind the target's back: authentication failure naming the host"
nvme gen-dhchap-key --nqn "$H2" >"$WORK/h2.key"
# A failed authentication can hold the host's connect until its admin
# timeout (nvme_core.admin_timeout, 60 s on 6.12): one check per form.
expect_status 8 "$NVMETCTL" -o json check "$WORK/target.yaml"
verdict 1 "$NQN" "$H2" authentication-failed "the target holds another key for this host"
verdict 1 "$NQN" "$H1" served
assert_eq "" "$(fabrics_controllers)" "controllers left by check"

step "doctor --probe: the failed authentication, with the kernel's words and the fix"
expect_status 7 "$NVMETCTL" -o json doctor --probe "$WORK/target.yaml"
assert_contains "$OUT" "kernel: nvmet: ctrl 1 qid 0 host response mismatch"
finding probe-auth-failed "port 1 subsystem $NQN host $H2" "nvmetctl apply $WORK/target.yaml" failure
finding probe-served "port 1 subsystem $NQN host $H1" "" ok

step "apply makes the target hold the new key: served again"
expect_ok "$NVMETCTL" apply --check "$WORK/target.yaml"
assert_contains "$OUT" "checked: hosts are served"
expect_ok "$NVMETCTL" check "$WORK/target.yaml"

pass
