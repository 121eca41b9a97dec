# Helpers shared by the real-kernel cases of `nvmetctl check` (tests/vm/cases/check-*.sh).
# Sourced after tests/vm/lib.sh.

# verdict PORT SUBSYSTEM HOST VERDICT [CAUSE-SUBSTRING]: the check's JSON in
# $OUT (check's, or apply --check's) has that result. HOST is a host NQN,
# "probe" (the generated host of allow_any_host) or "foreign" (the probe that
# must be refused).
verdict() {
    /usr/bin/python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
port, nqn, host, want, cause = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
def who(r):
    if not r["probe_host"]: return r["host"]
    return "foreign" if r["expect"] == "refused" else "probe"
seen = []
for r in doc["check"]["results"]:
    seen.append((r["port"], r["subsystem"], who(r), r["verdict"], r["cause"]))
    if r["port"] == port and r["subsystem"] == nqn and who(r) == host:
        if r["verdict"] != want:
            sys.exit("port %d %s %s: %s (%s), not %s" % (port, nqn, host, r["verdict"], r["cause"], want))
        if cause not in r["cause"]:
            sys.exit("port %d %s %s: cause %r lacks %r" % (port, nqn, host, r["cause"], cause))
        sys.exit(0)
sys.exit("no result for port %d %s %s among %s" % (port, nqn, host, seen))
' "$1" "$2" "$3" "$4" "${5:-}" <<<"$OUT" || fail "check: expected $4 for port $1 $2 $3"
    log "port $1 $2 $3: $4"
}

# referral_verdict PORT NAME LISTED AS_PROMISED: the check's JSON in $OUT
# judged the referral so (LISTED, AS_PROMISED: true or false).
referral_verdict() {
    /usr/bin/python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
port, name, listed, promised = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "true", sys.argv[4] == "true"
seen = [(r["port"], r["name"], r["listed"], r["as_promised"]) for r in doc["check"]["referrals"]]
for r in doc["check"]["referrals"]:
    if r["port"] == port and r["name"] == name:
        if (r["listed"], r["as_promised"]) != (listed, promised):
            sys.exit("referral %s of port %d: listed %s, as promised %s" % (name, port, r["listed"], r["as_promised"]))
        sys.exit(0)
sys.exit("no referral %s of port %d among %s" % (name, port, seen))
' "$1" "$2" "$3" "$4" <<<"$OUT" || fail "check: referral $2 of port $1 not listed=$3 as_promised=$4"
    log "port $1 referral $2: listed=$3 as_promised=$4"
}

# result_count N: the check's JSON in $OUT has N results.
result_count() {
    local n
    n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())["check"]["results"]))' <<<"$OUT")
    assert_eq "$1" "$n" "number of check results"
}

# fabrics_controllers: the host's fabrics controllers (not the guest's PCIe disk), one "nvmeN NQN" per line.
fabrics_controllers() {
    local c
    for c in /sys/class/nvme/nvme*; do
        [[ -e $c/transport && $(cat "$c/transport") != pcie ]] || continue
        echo "${c##*/} $(cat "$c/subsysnqn")"
    done
}
