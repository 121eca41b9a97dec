#!/usr/bin/env bash
# Moving between nvmetcli and nvmetctl on a real kernel: a live target is
# exported with --format nvmetcli, cleared, imported back with
# import-nvmetcli and re-applied; the result matches the original export.
# When nvmetcli itself is installed, it restores the exported file and
# nvmetctl sees the same target.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

WORK=/tmp/nvmetctl-nvmetcli
mkdir -p "$WORK"
DISK=$(nvme_disk)
setup_dummy_net
truncate -s 16M "$WORK/second.img"
cat >"$WORK/target.yaml" <<YAML
version: 1
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:7e570000-0000-4000-8000-000000000001
subsystems:
  - nqn: nqn.2024-01.io.example:migrate
    serial: migrate01
    model: migration test
    allowed_hosts: [nqn.2014-08.org.nvmexpress:uuid:7e570000-0000-4000-8000-000000000001]
    namespaces:
      - nsid: 1
        device_path: $DISK
        device_uuid: 3b0c9d4e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
        enable: true
      - nsid: 2
        device_path: $WORK/second.img
        ana_grpid: 2
        enable: false
ports:
  - id: 1
    trtype: tcp
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4420
    subsystems: [nqn.2024-01.io.example:migrate]
    referrals:
      - name: other
        trtype: tcp
        adrfam: ipv4
        traddr: 10.111.0.2
        trsvcid: 4420
        portid: 2
        enable: true
    ana_groups:
      - id: 2
        state: non-optimized
YAML

step "apply, then export in both formats"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
expect_ok "$NVMETCTL" export
printf '%s\n' "$OUT" >"$WORK/before.yaml"
"$NVMETCTL" export --format nvmetcli >"$WORK/config.json"
cat "$WORK/config.json"
assert_contains "$(cat "$WORK/config.json")" '"portid": 1'
assert_contains "$(cat "$WORK/config.json")" '"serial": "migrate01"'

step "clear, import the nvmetcli file, apply it: the same target"
expect_ok "$NVMETCTL" clear
"$NVMETCTL" import-nvmetcli "$WORK/config.json" >"$WORK/imported.yaml"
cat "$WORK/imported.yaml"
expect_ok "$NVMETCTL" apply "$WORK/imported.yaml"
expect_ok "$NVMETCTL" export
printf '%s\n' "$OUT" >"$WORK/after.yaml"
diff -u "$WORK/before.yaml" "$WORK/after.yaml" || fail "the target changed through nvmetcli format"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"

if command -v nvmetcli >/dev/null; then
    step "nvmetcli restore of the exported file gives the same target"
    expect_ok "$NVMETCTL" clear
    expect_ok nvmetcli restore "$WORK/config.json"
    expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
    expect_ok nvmetcli clear
else
    log "nvmetcli is not installed: restore by nvmetcli itself not checked"
fi
expect_ok "$NVMETCTL" clear
pass
