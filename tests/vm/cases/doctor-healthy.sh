#!/usr/bin/env bash
# timeout: 900
# A healthy target from the seed example (NVMe/RDMA over Soft-RoCE, the
# emulated NVMe disk) gives no failure, live and against its file; a host
# refused at connect time shows up as a warning on its subsystem.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl

require_nvmetctl

# finding ID OBJECT [FIX-SUBSTRING] [SEVERITY]: the doctor's JSON in $OUT has it.
finding() {
    /usr/bin/python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
want_id, want_obj, want_fix, want_sev = sys.argv[1:5]
for f in doc["findings"]:
    if f["id"] == want_id and f["object"] == want_obj:
        if want_fix and want_fix not in f["fix"]:
            sys.exit("%s on %s: fix %r lacks %r" % (want_id, want_obj, f["fix"], want_fix))
        if want_sev and f["severity"] != want_sev:
            sys.exit("%s on %s: severity %s, not %s" % (want_id, want_obj, f["severity"], want_sev))
        sys.exit(0)
sys.exit("no finding %s on %r among: %s" % (want_id, want_obj, [(f["id"], f["object"]) for f in doc["findings"]]))
' "$1" "$2" "${3:-}" "${4:-}" <<<"$OUT" || fail "doctor: expected finding $1 on '$2'"
    log "found $1 on '$2'"
}

WORK=/tmp/doctor
mkdir -p "$WORK"
WORK=/tmp/doctor
mkdir -p "$WORK"
NQN=nvme-subsystem-name
DISK=$(nvme_disk)
setup_dummy_net

cat >"$WORK/target.yaml" <<YAML
version: 1
rdma_links:
  - name: rxe_eth0
    type: rxe
    netdev: $NET_DEV
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-000000000001
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - nsid: 10
        device_path: $DISK
        enable: true
ports:
  - id: 1
    trtype: rdma
    adrfam: ipv4
    traddr: $NET_ADDR
    trsvcid: 4420
    subsystems: [$NQN]
YAML

step "pre-flight on a cold kernel: applicable (warnings only), drift listed"
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding drift "file $WORK/target.yaml" "nvmetctl apply $WORK/target.yaml" warning

step "applied: no failure and no warning, live and against the file"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
expect_status 0 "$NVMETCTL" doctor
assert_contains "$OUT" "doctor: no problems found"
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding no-drift "file $WORK/target.yaml" "" ok
finding port-ok "port 1" "" ok
finding namespace-ok "namespace 10 of $NQN" "" ok

step "drift: a namespace disabled by hand"
write_attr "$NVMET_CFS/subsystems/$NQN/namespaces/10/enable" 0
expect_status 0 "$NVMETCTL" -o json doctor "$WORK/target.yaml"
finding drift "file $WORK/target.yaml" "" warning
assert_contains "$OUT" "subsystems/$NQN/namespaces/10/enable: desired '1', current '0'"
finding namespace-disabled "namespace 10 of $NQN" "echo 1 > $NVMET_CFS/subsystems/$NQN/namespaces/10/enable" warning
pass
