#!/usr/bin/env bash
# Hosts' NVMe/TCP TLS PSKs on the real kernel. On 6.12: apply puts one key
# per (host, subsystem) into the .nvme keyring, under the identity the
# handshake looks up and with the payload an independent implementation
# (tests/vm/tools/nvme_tls_psk.py) derives; the key never shows in plan or
# apply output; a second apply changes nothing; a host without TLS is
# refused on the treq-required port; a new key file replaces the keys; a
# failed apply puts the keyring back; a host that loses access loses its
# key; clear removes the target's keys and leaves the node's own host-side
# keys alone. The handshake itself needs tlshd (ktls-utils), which Debian 12
# does not package: it is not tested. On 6.1 (no .nvme keyring): the plan
# is refused at the host's tls_psk_file.
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
source "$VM_LIB_DIR/doctor/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:tls-a
NQN2=nqn.2024-01.io.nvmetctl:tls-b
HOST=nqn.2014-08.org.nvmexpress:uuid:7b1c0de0-0000-4000-8000-00000000a11a
HOST2=nqn.2014-08.org.nvmexpress:uuid:7b1c0de0-0000-4000-8000-00000000b22b
DISK=$(nvme_disk)
PSK_TOOL=$VM_LIB_DIR/tools/nvme_tls_psk.py

new_key() {  # FILE: a fresh SHA-256 interchange key, mode 0600
    python3 "$PSK_TOOL" interchange 1 "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$1"
    chmod 600 "$1"
}
# write_target FILE KEYFILE "HOSTS OF NQN2" [EXTRA-NAMESPACE-LINE]
write_target() {
    cat >"$1" <<YAML
version: 1
hosts:
  - nqn: $HOST
    tls_psk_file: $2
  - nqn: $HOST2
subsystems:
  - nqn: $NQN
    allowed_hosts: [$HOST]
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
${4:-}
  - nqn: $NQN2
    allowed_hosts: [$3]
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4441, tsas: tls1.3, treq: required, subsystems: [$NQN, $NQN2]}
YAML
}
# The serial (decimal) of the psk key with this description, "" if none.
# /proc/keys: serial flags usage timeout perm uid gid type description: size
key_serial() {
    awk -v want="$1: " '$8 == "psk" { d = $0; for (i = 0; i < 8; i++) sub(/^[^ ]+ +/, "", d); if (index(d, want) == 1) print $1 }' /proc/keys |
        while read -r hex; do echo $((16#$hex)); done
}
psk_lines() { awk '$8 == "psk"' /proc/keys; }
# The payload (hex) of the key with this description: readable by a possessor
# only, so through a session keyring that links .nvme.
key_payload() {
    local serial
    serial=$(key_serial "$1")
    [[ -n $serial ]] || fail "no psk '$1' in /proc/keys: $(psk_lines)"
    keyctl session - sh -c "keyctl link %:.nvme @s >/dev/null && keyctl pipe $serial" | od -An -tx1 | tr -d ' \n'
}
expect_key() {  # KEYFILE SUBSYSTEM: the keyring holds the host's derived key, once
    local derived identity
    derived=$(python3 "$PSK_TOOL" derive "$1" "$HOST" "$2")
    identity=${derived% *}
    assert_eq "${derived##* }" "$(key_payload "$identity")" "payload of the keyring's '$identity'"
    assert_eq 1 "$(key_serial "$identity" | wc -l)" "keys under '$identity'"
}

mkdir -p "$WORK"
new_key "$WORK/a.psk"
write_target "$WORK/tls.yaml" "$WORK/a.psk" "$HOST, $HOST2"

if ! kernel_at_least 6.7; then
    step "no .nvme keyring before 6.7: the plan is refused at the host's tls_psk_file"
    expect_status 3 "$NVMETCTL" plan "$WORK/tls.yaml"
    assert_contains "$OUT" "tls.yaml:4:19: error: host $HOST tls_psk_file"
    assert_contains "$OUT" "Linux 6.7 or newer"
    expect_status 3 "$NVMETCTL" apply "$WORK/tls.yaml"
    pass
fi

step "apply: one key per subsystem that lets the host in, payloads as a host derives them"
secret_hex=$(python3 "$PSK_TOOL" derive "$WORK/a.psk" "$HOST" "$NQN" | awk '{print $NF}')
expect_ok "$NVMETCTL" plan "$WORK/tls.yaml"
assert_contains "$OUT" "+   add TLS PSK 'NVMe0R01 $HOST $NQN' in .nvme"
assert_not_contains "$OUT" "$secret_hex"
expect_ok "$NVMETCTL" plan -o json "$WORK/tls.yaml"
assert_not_contains "$OUT" "$secret_hex"
assert_not_contains "$OUT" "$(cut -d: -f3 "$WORK/a.psk")"
expect_ok "$NVMETCTL" apply "$WORK/tls.yaml"
assert_not_contains "$OUT" "$secret_hex"
assert_file_eq "$NVMET_CFS/ports/1/addr_tsas" tls1.3
assert_file_eq "$NVMET_CFS/ports/1/addr_treq" required
expect_key "$WORK/a.psk" "$NQN"
expect_key "$WORK/a.psk" "$NQN2"
assert_eq 2 "$(psk_lines | wc -l)" "psk keys in /proc/keys"
grep -rqs "$secret_hex" /run/nvmetctl && fail "the crash journal holds the key"

step "a second apply changes nothing"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/tls.yaml"
nvmetctl_traced "$WORK/noop.strace" apply "$WORK/tls.yaml"
assert_eq 0 "$(configfs_mutations "$WORK/noop.strace")" "configfs mutations of the second apply"
assert_eq 2 "$(psk_lines | wc -l)" "psk keys in /proc/keys"

step "a host without TLS is refused on the treq-required port"
modprobe nvme-tcp
kmsg_mark >/dev/null
if nvme connect -t tcp -a 127.0.0.1 -s 4441 -n "$NQN" --hostnqn "$HOST" >"$WORK/connect.out" 2>&1; then
    fail "a plain connect to a treq-required TLS port succeeded"
fi
assert_kmsg "nvmet_tcp: failed to"

step "doctor: no tlshd, and host2 allowed through the TLS port without a key"
expect_status 7 "$NVMETCTL" doctor -o json
finding tls-no-handshake-daemon "port 1" "tlshd" failure
finding tls-host-without-psk "port 1" "tls_psk_file" failure
assert_contains "$OUT" "host $HOST2 is allowed on $NQN2"
assert_not_contains "$OUT" "host $HOST is allowed on"
assert_contains "$OUT" "failed to start TLS, err=-3"
cp /bin/sleep "$WORK/tlshd"
"$WORK/tlshd" 600 &
tlshd_pid=$!
expect_status 7 "$NVMETCTL" doctor -o json
assert_not_contains "$OUT" "tls-no-handshake-daemon"
finding tls-host-without-psk "port 1"
kill "$tlshd_pid"
# A keyring the kernel does not have (--tls-keyring names another): doctor
# says so once for the port, and a plan that needs keys is refused.
expect_status 7 env NVMETCTL_TLS_KEYRING=.no-such-keyring "$NVMETCTL" doctor -o json
finding tls-keyring-missing "port 1" "nvme-keyring" failure
assert_not_contains "$OUT" "tls-host-without-psk"
expect_status 3 env NVMETCTL_TLS_KEYRING=.no-such-keyring "$NVMETCTL" plan "$WORK/tls.yaml"
assert_contains "$OUT" "tls_psk_file: the kernel has no .nvme keyring"

step "a new key file replaces both keys"
new_key "$WORK/b.psk"
write_target "$WORK/rotated.yaml" "$WORK/b.psk" "$HOST, $HOST2"
expect_ok "$NVMETCTL" apply "$WORK/rotated.yaml"
assert_contains "$OUT" "~   replace TLS PSK 'NVMe0R01 $HOST $NQN' in .nvme"
expect_key "$WORK/b.psk" "$NQN"
expect_key "$WORK/b.psk" "$NQN2"
assert_eq 2 "$(psk_lines | wc -l)" "psk keys in /proc/keys"

step "an apply that fails after changing the keys puts the keyring back"
write_target "$WORK/failing.yaml" "$WORK/a.psk" "$HOST, $HOST2" \
    "      - {nsid: 2, device_path: $WORK/no-such-device, enable: true}"
expect_status 4 "$NVMETCTL" apply "$WORK/failing.yaml"
assert_contains "$OUT" "the target is exactly as it was before this run"
expect_key "$WORK/b.psk" "$NQN"
expect_key "$WORK/b.psk" "$NQN2"
assert_eq 2 "$(psk_lines | wc -l)" "psk keys in /proc/keys"

step "a key file no subsystem uses: a warning at its line, no key"
write_target "$WORK/unused.yaml" "$WORK/b.psk" "$HOST2"
sed -i "s/allowed_hosts: \[$HOST\]/allowed_hosts: [$HOST2]/" "$WORK/unused.yaml"
expect_ok "$NVMETCTL" plan "$WORK/unused.yaml"
assert_contains "$OUT" "unused.yaml:4:19: warning: host $HOST tls_psk_file: no subsystem of the file lets this host in"

step "a host that loses access to a subsystem loses its key for it"
write_target "$WORK/narrow.yaml" "$WORK/b.psk" "$HOST2"
expect_ok "$NVMETCTL" apply "$WORK/narrow.yaml"
assert_contains "$OUT" "-   remove TLS PSK 'NVMe0R01 $HOST $NQN2' from .nvme"
assert_eq "" "$(key_serial "NVMe0R01 $HOST $NQN2")" "key for the subsystem the host left"
expect_key "$WORK/b.psk" "$NQN"

step "clear removes the target's keys, not the node's own host-side keys"
foreign="NVMe0R01 $HOST nqn.2024-01.io.example:remote-array"
head -c 32 /dev/urandom | keyctl padd psk "$foreign" %:.nvme >/dev/null
expect_ok "$NVMETCTL" clear --dry-run
assert_contains "$OUT" "remove TLS PSK 'NVMe0R01 $HOST $NQN' from .nvme"
assert_not_contains "$OUT" "remote-array"
expect_ok "$NVMETCTL" clear
assert_eq "" "$(key_serial "NVMe0R01 $HOST $NQN")" "the target's key after clear"
assert_ne "" "$(key_serial "$foreign")" "the host-side key after clear"
pass
