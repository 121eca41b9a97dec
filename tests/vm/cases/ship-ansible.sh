#!/usr/bin/env bash
# timeout: 900
# examples/ansible/apply-nvmet-target.yml against the guest itself
# (localhost, local connection) with Debian's ansible-core: check mode on a
# cold node reports `changed` and applies nothing; a real run applies;
# a second run is `ok` (changed=0); check mode on a matching node is ok too.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
command -v ansible-playbook >/dev/null || skip "ansible-core not installed (apt-get install ansible-core)"
kernel_at_least 6.12 || skip "uses the loop example, applied on 6.12 only"

WORK=/tmp/nvmetctl-ansible
mkdir -p "$WORK"
export HOME=$WORK ANSIBLE_LOCAL_TEMP=$WORK/tmp ANSIBLE_REMOTE_TEMP=$WORK/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_HOST_KEY_CHECKING=False
sed "s|/dev/nvme0n1|$(nvme_disk)|" "$VM_REPO/examples/loop.yaml" >"$WORK/target.yaml"
playbook() {
    run ansible-playbook -i "$VM_REPO/examples/ansible/inventory.ini" \
        "$VM_REPO/examples/ansible/apply-nvmet-target.yml" \
        -e nvmetctl_hosts=local -e nvmetctl_bin="$NVMETCTL" \
        -e nvmetctl_target_src="$WORK/target.yaml" -e nvmetctl_target_path="$WORK/etc/target.yaml" "$@"
}

step "check mode on a cold node: changed, nothing applied"
playbook --check --diff
assert_eq 0 "$RC" "check-mode status"
assert_match "$OUT" "localhost +: ok=[0-9]+ +changed=1 +unreachable=0 +failed=0 "
assert_contains "$OUT" "mkdir  subsystems/nqn.2024-01.io.example:loop-disk"
[[ ! -d $NVMET_CFS/subsystems/nqn.2024-01.io.example:loop-disk ]] || fail "check mode applied the target"
assert_not_exists "$WORK/etc/target.yaml" "check mode kept the file"

step "real run: applies"
playbook
assert_eq 0 "$RC" "playbook status"
assert_match "$OUT" "localhost +: ok=[0-9]+ +changed=2 +unreachable=0 +failed=0 "
assert_file_eq "$NVMET_CFS/subsystems/nqn.2024-01.io.example:loop-disk/namespaces/1/enable" 1
assert_exists "$WORK/etc/target.yaml"

step "second run: nothing to change"
playbook
assert_eq 0 "$RC" "playbook status"
assert_match "$OUT" "localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 "

step "check mode on a matching node: ok"
playbook --check
assert_eq 0 "$RC" "playbook status"
assert_match "$OUT" "localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 "

step "a broken file fails the play"
printf 'version: 1\nports:\n  - id: 1\n    trtype: carrier-pigeon\n' >"$WORK/broken.yaml"
run ansible-playbook -i "$VM_REPO/examples/ansible/inventory.ini" \
    "$VM_REPO/examples/ansible/apply-nvmet-target.yml" -e nvmetctl_hosts=local -e nvmetctl_bin="$NVMETCTL" \
    -e nvmetctl_target_src="$WORK/broken.yaml" -e nvmetctl_target_path="$WORK/etc/target.yaml"
assert_ne 0 "$RC" "playbook status with a broken file"
assert_match "$OUT" "failed=1"
expect_ok "$NVMETCTL" clear
pass
