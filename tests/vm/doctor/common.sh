# Helpers shared by the doctor's real-kernel cases (tests/vm/cases/doctor-*.sh).
# Sourced after tests/vm/lib.sh.

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

# write_rdma_port_target FILE NQN: an rxe link on $NET_DEV and one rdma port
# on $NET_ADDR:4420 exporting an empty subsystem: a file that needs
# nvmet-rdma and rdma_rxe, for the module pre-flights.
write_rdma_port_target() {
    cat >"$1" <<YAML
version: 1
rdma_links:
  - {name: rxe_$NET_DEV, type: rxe, netdev: $NET_DEV}
subsystems:
  - nqn: $2
    allow_any_host: true
ports:
  - {id: 1, trtype: rdma, adrfam: ipv4, traddr: $NET_ADDR, trsvcid: 4420, subsystems: [$2]}
YAML
}
