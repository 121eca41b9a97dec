#!/usr/bin/env bash
# requires-kernel: 6.12
# An attribute file this nvmetctl does not know (a newer kernel's) survives
# export -> clear -> apply under extra_attributes, with a warning, instead of
# vanishing. No kernel newer than the table can be booted here, so
# NVMETCTL_TEST_FORGET_ATTRIBUTES makes nvmetctl forget attr_ieee_oui (6.12
# has it): the kernel, its files and its answers are real.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:extra
DISK=$(nvme_disk)
SUBSYS=$NVMET_CFS/subsystems/$NQN
older() { NVMETCTL_TEST_FORGET_ATTRIBUTES=subsystem:attr_ieee_oui,referral:addr_treq "$@"; }

step "a subsystem with ieee_oui set, by an nvmetctl that knows it"
write_one_export "$WORK/full.yaml" "$NQN" "$DISK" tcp 127.0.0.1 4450 "referrals:" \
    "  - {name: r1, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4460, portid: 2, treq: required, enable: true}"
sed -i "s/^    allow_any_host: true$/    allow_any_host: true\n    ieee_oui: 0x123456/" "$WORK/full.yaml"
expect_ok "$NVMETCTL" apply "$WORK/full.yaml"
assert_file_eq "$SUBSYS/attr_ieee_oui" 0x123456

step "an nvmetctl that does not know it exports it under extra_attributes, with a warning"
older "$NVMETCTL" export >"$WORK/exported.yaml" 2>"$WORK/export.err" || fail "export failed: $(cat "$WORK/export.err")"
assert_contains "$(cat "$WORK/export.err")" "subsystem $NQN: attr_ieee_oui is an attribute file this nvmetctl does not know"
assert_contains "$(cat "$WORK/exported.yaml")" 'extra_attributes:'
assert_contains "$(cat "$WORK/exported.yaml")" 'attr_ieee_oui: "0x123456"'
assert_contains "$(cat "$WORK/export.err")" "referral r1 of port 1: addr_treq is an attribute file this nvmetctl does not know"
assert_contains "$(cat "$WORK/exported.yaml")" 'addr_treq: "required"'
expect_ok older "$NVMETCTL" validate "$WORK/exported.yaml"
assert_contains "$OUT" "attribute file 'attr_ieee_oui' of subsystem is unknown to this nvmetctl"

step "the same through nvmetcli's format: exported grouped (attr.ieee_oui), imported back as an extra attribute"
older "$NVMETCTL" export --format nvmetcli >"$WORK/exported.json" 2>/dev/null
assert_contains "$(cat "$WORK/exported.json")" '"ieee_oui": "0x123456"'
expect_ok older "$NVMETCTL" import-nvmetcli "$WORK/exported.json"
assert_contains "$OUT" "attribute 'attr_ieee_oui' is unknown to this nvmetctl; kept under extra_attributes"
assert_contains "$OUT" 'attr_ieee_oui: "0x123456"'

step "clear, then apply the export: the kernel has the value again; a second apply changes nothing"
expect_ok "$NVMETCTL" clear
assert_not_exists "$SUBSYS"
expect_ok older "$NVMETCTL" apply "$WORK/exported.yaml"
assert_contains "$OUT" "write  subsystems/$NQN/attr_ieee_oui = '0x123456'"
assert_file_eq "$SUBSYS/attr_ieee_oui" 0x123456
assert_file_eq "$NVMET_CFS/ports/1/referrals/r1/addr_treq" required
expect_status 0 older "$NVMETCTL" plan --detailed-exitcode "$WORK/exported.yaml"

step "a changed value is an update from the kernel's value; a failed apply puts it back"
cat >"$WORK/changed.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN
    allow_any_host: true
    extra_attributes: {attr_ieee_oui: "0x654321"}
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
  - nqn: $NQN-broken
    namespaces:
      - {nsid: 1, device_path: $WORK/no-such-device, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4450, subsystems: [$NQN]}
YAML
expect_status 4 older "$NVMETCTL" apply "$WORK/changed.yaml"
assert_contains "$OUT" "subsystems/$NQN/attr_ieee_oui: '0x123456' -> '0x654321'"
assert_contains "$OUT" "the target is exactly as it was before this run"
assert_file_eq "$SUBSYS/attr_ieee_oui" 0x123456

step "an nvmetctl that knows the attribute asks for its own key"
expect_status 3 "$NVMETCTL" validate "$WORK/exported.yaml"
assert_contains "$OUT" "nvmetctl knows this attribute: write it as 'ieee_oui'"
pass
