#!/usr/bin/env bash
# timeout: 1200
# The Ansible collection nvmetctl.nvmet (ansible/) and the example playbook,
# a thin user of its module (examples/ansible/apply-nvmet-target.yml),
# against the guest itself (localhost, local connection) with Debian's
# ansible-core. The collection builds and installs offline and ansible-doc
# renders the module; check mode on a cold node reports `changed`, --diff
# shows the plan's steps, and nothing is loaded, mounted or applied; a real
# run applies; a second run is `ok` (changed=0) with zero configfs mutations;
# check mode on a matching node is ok too; an invalid file fails with its
# file:line:column and changes nothing.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
command -v ansible-playbook >/dev/null || skip "ansible-core not installed (apt-get install ansible-core)"
kernel_at_least 6.12 || skip "uses the loop example, applied on 6.12 only"

WORK=/tmp/nvmetctl-ansible
mkdir -p "$WORK"
touch "$WORK/ansible.cfg"
export HOME=$WORK ANSIBLE_CONFIG=$WORK/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$WORK/collections
export ANSIBLE_LOCAL_TEMP=$WORK/tmp ANSIBLE_REMOTE_TEMP=$WORK/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
sed "s|/dev/nvme0n1|$(nvme_disk)|" "$VM_REPO/examples/loop.yaml" >"$WORK/target.yaml"
printf 'version: 1\nports:\n  - id: 1\n    trtype: carrier-pigeon\n' >"$WORK/broken.yaml"
NS=$NVMET_CFS/subsystems/nqn.2024-01.io.example:loop-disk/namespaces/1
playbook() {  # playbook TARGET-FILE [ARGS...]
    local src=$1
    shift
    run ansible-playbook -i "$VM_REPO/examples/ansible/inventory.ini" \
        "$VM_REPO/examples/ansible/apply-nvmet-target.yml" \
        -e nvmetctl_hosts=local -e nvmetctl_bin="$NVMETCTL" \
        -e nvmetctl_target_src="$src" -e nvmetctl_target_path="$WORK/etc/target.yaml" "$@"
}
# The configfs tree and every readable attribute, to compare two moments.
cfs_snapshot() {
    find "$NVMET_CFS" -printf '%p %y %l\n' | sort
    grep -rs . "$NVMET_CFS" | sort || true
}

step "the collection builds and installs offline; ansible-doc renders the module"
expect_ok ansible-galaxy collection build "$VM_REPO/ansible" --output-path "$WORK/dist"
expect_ok ansible-galaxy collection install --offline "$WORK"/dist/nvmetctl-nvmet-*.tar.gz -p "$WORK/collections"
assert_contains "$OUT" "nvmetctl.nvmet:0.1.0 was installed successfully"
expect_ok ansible-doc -t module nvmetctl.nvmet.target
for option in src content content_name prune allow_recreate check executable; do
    assert_contains "$OUT" "- $option"$'\n' "ansible-doc: option $option"
done
assert_contains "$OUT" "RETURN VALUES:"

step "check mode on a cold node: changed, --diff shows the plan, nothing applied"
module_loaded nvmet && fail "the guest is not cold: nvmet is loaded"
mounts_before=$(grep -c " $CONFIGFS configfs " /proc/mounts || true)
playbook "$WORK/target.yaml" --check --diff
assert_eq 0 "$RC" "check-mode status"
assert_match "$OUT" "localhost +: ok=1 +changed=1 +unreachable=0 +failed=0 "
assert_contains "$OUT" "  +   mkdir  subsystems/nqn.2024-01.io.example:loop-disk"
assert_contains "$OUT" "  +   write  subsystems/nqn.2024-01.io.example:loop-disk/namespaces/1/enable = '1'"
assert_match "$OUT" "Plan: [0-9]+ to create, 0 to change, 0 to replace, 0 to remove \([0-9]+ operations, [0-9]+ in configfs\)\."
# A plan only reads: it loads no module and mounts nothing either.
module_loaded nvmet && fail "check mode loaded nvmet"
assert_eq "$mounts_before" "$(grep -c " $CONFIGFS configfs " /proc/mounts || true)" "configfs mounts after check mode"
assert_not_exists "$NVMET_CFS" "check mode created the nvmet tree"
assert_not_exists "$WORK/etc/target.yaml" "check mode kept the file"

step "real run: changed, applies, the diff shows what it did"
playbook "$WORK/target.yaml" --diff
assert_eq 0 "$RC" "playbook status"
assert_match "$OUT" "localhost +: ok=[0-9]+ +changed=1 +unreachable=0 +failed=0 "
assert_contains "$OUT" "  +   link   ports/3/subsystems/nqn.2024-01.io.example:loop-disk -> subsystems/nqn.2024-01.io.example:loop-disk"
assert_file_eq "$NS/enable" 1
assert_file_eq "$NS/device_path" "$(nvme_disk)"
assert_exists "$WORK/etc/target.yaml"

step "second run: ok, zero configfs mutations"
before=$(cfs_snapshot)
# -v prints the module's result: nvmetctl's report says what apply did.
playbook "$WORK/target.yaml" -v
assert_eq 0 "$RC" "playbook status"
assert_match "$OUT" "localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 "
assert_contains "$OUT" '"status": "no-changes"'
assert_contains "$OUT" '"completed_operations": 0'
assert_contains "$OUT" '"configfs_mutations": 0'
assert_contains "$OUT" '"steps": []'
assert_eq "$before" "$(cfs_snapshot)" "configfs after the second run"

step "check mode on a matching node: ok"
playbook "$WORK/target.yaml" --check --diff
assert_eq 0 "$RC" "playbook status"
assert_match "$OUT" "localhost +: ok=1 +changed=0 +unreachable=0 +failed=0 "
assert_not_contains "$OUT" "Plan: "

step "an invalid file fails with its file:line:column, nothing changed"
playbook "$WORK/broken.yaml"
assert_ne 0 "$RC" "playbook status with a broken file"
assert_match "$OUT" "localhost +: ok=0 +changed=0 +unreachable=0 +failed=1 "
assert_contains "$OUT" "$WORK/broken.yaml:4:13: error: ports[0].trtype: must be one of rdma, tcp, fc, loop, pci, got 'carrier-pigeon'"
assert_contains "$OUT" "nvmetctl apply failed (exit 3: invalid input; nothing was changed)"
assert_eq "$before" "$(cfs_snapshot)" "configfs after the broken file"
cmp -s "$WORK/target.yaml" "$WORK/etc/target.yaml" || fail "the broken file replaced the kept one"

expect_ok "$NVMETCTL" clear
pass
