# Helpers shared by the real-kernel cases of `nvmetctl watch`
# (tests/vm/cases/watch-*.sh). Sourced after tests/vm/lib.sh; the case sets
# LOG (the agent's output), NQN and DISK.

# agent_said TEXT [SECS]: the agent's log gets TEXT within SECS.
agent_said() {
    wait_until "${2:-20}" grep -qF -- "$1" "$LOG" || { sed 's/^/  agent | /' "$LOG"; fail "the agent did not log: $1"; }
    log "agent: $(grep -F -- "$1" "$LOG" | tail -1)"
}

count_in_log() { grep -cF -- "$1" "$LOG" || true; }
# more_applies_than N / file_is FILE VALUE: for wait_until, which runs them again and again.
more_applies_than() { (($(count_in_log '"event":"apply"') > $1)); }
file_is() { [[ $(cat "$1" 2>/dev/null) == "$2" ]]; }

# write_watch_target FILE TRTYPE [EXTRA-NAMESPACE-LINES]: one subsystem
# (namespace 1 on $DISK, any host) on port 1 at $NET_ADDR:4420; for rdma an
# rxe link on $NET_DEV. Written beside and renamed over FILE, as an editor
# or a pipeline replaces it.
write_watch_target() {
    local file=$1 trtype=$2 links=""
    [[ $trtype != rdma ]] || links="rdma_links:
  - {name: rxe_$NET_DEV, type: rxe, netdev: $NET_DEV}"
    cat >"$file.tmp" <<YAML
version: 1
$links
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
${3:-}
ports:
  - {id: 1, trtype: $trtype, adrfam: ipv4, traddr: $NET_ADDR, trsvcid: 4420, subsystems: [$NQN]}
YAML
    mv "$file.tmp" "$file"
}
