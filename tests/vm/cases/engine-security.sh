#!/usr/bin/env bash
# requires-kernel: 6.12
# Security attributes the kernel couples or cannot simply take back, on the
# real kernel. A port's transport, tsas and treq: a trtype write resets tsas,
# a tsas write moves treq. TLS 1.3 with non-TLS connections allowed, then TLS
# off with treq kept (nvmetctl must write treq again after tsas), then a
# transport change that the kernel refuses when the port is linked, whose
# rollback must restore all three. And a DH-HMAC-CHAP key set on a host that
# had none, in an apply that fails later: the rollback removes the key again
# (one NUL byte). (Debian's 6.1 has neither addr_tsas nor host keys.)
source "$(dirname "$0")/../lib.sh"
source "$VM_LIB_DIR/engine/common.sh"
require_nvmetctl

NQN=nqn.2024-01.io.nvmetctl:tls
DISK=$(nvme_disk)
PORT=$NVMET_CFS/ports/1

step "TLS 1.3 with non-TLS connections allowed: a plain host connects"
write_one_export "$WORK/tls.yaml" "$NQN" "$DISK" tcp 127.0.0.1 4440 "tsas: tls1.3" "treq: not required"
expect_ok "$NVMETCTL" apply "$WORK/tls.yaml"
assert_file_eq "$PORT/addr_tsas" tls1.3
assert_file_eq "$PORT/addr_treq" "not required"
connect_and_roundtrip tcp 127.0.0.1 4440 "$NQN" "$DISK"

step "TLS off, treq kept: the tsas write resets treq, so the plan writes treq after it"
write_one_export "$WORK/plain.yaml" "$NQN" "$DISK" tcp 127.0.0.1 4440 "tsas: none" "treq: not required"
expect_ok "$NVMETCTL" apply "$WORK/plain.yaml"
assert_contains "$OUT" "ports/1/addr_tsas: 'tls1.3' -> 'none'"
assert_contains "$OUT" "ports/1/addr_treq: 'not specified' -> 'not required'"
assert_file_eq "$PORT/addr_tsas" none
assert_file_eq "$PORT/addr_treq" "not required"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/plain.yaml"

step "a transport change refused at link time: rollback restores trtype, tsas, treq and traddr"
expect_ok "$NVMETCTL" apply "$WORK/tls.yaml"
expect_ok "$NVMETCTL" export
before=$OUT
setup_dummy_net  # an address no RDMA device covers: the kernel refuses the port (-19)
write_one_export "$WORK/rdma.yaml" "$NQN" "$DISK" rdma "$NET_ADDR" 4440
expect_status 4 "$NVMETCTL" apply "$WORK/rdma.yaml"
assert_contains "$OUT" "the target is exactly as it was before this run"
assert_file_eq "$PORT/addr_trtype" tcp
assert_file_eq "$PORT/addr_tsas" tls1.3
assert_file_eq "$PORT/addr_treq" "not required"
expect_ok "$NVMETCTL" export
assert_eq "$before" "$OUT" "export before and after the failed apply"
connect_and_roundtrip tcp 127.0.0.1 4440 "$NQN" "$DISK"

step "a new DH-HMAC-CHAP key on an existing host, in an apply that fails later: the rollback removes the key"
HOST=nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-0000000d4c4a
nvme gen-dhchap-key --nqn "$HOST" >"$WORK/host.key"
chmod 600 "$WORK/host.key"
write_keyed_target() {  # FILE KEY-LINE EXTRA-NAMESPACE-LINE
    cat >"$1" <<YAML
version: 1
hosts:
  - nqn: $HOST
$2
subsystems:
  - nqn: $NQN
    allowed_hosts: [$HOST]
    namespaces:
      - {nsid: 1, device_path: $DISK, enable: true}
$3
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4440, subsystems: [$NQN]}
YAML
}
write_keyed_target "$WORK/host.yaml" "" ""
expect_ok "$NVMETCTL" apply --prune "$WORK/host.yaml"
assert_file_eq "$NVMET_CFS/hosts/$HOST/dhchap_key" ""
expect_ok "$NVMETCTL" export
before=$OUT
write_keyed_target "$WORK/keyed.yaml" "    dhchap_key_file: $WORK/host.key" \
    "      - {nsid: 2, device_path: $WORK/no-such-device, enable: true}"
expect_status 4 "$NVMETCTL" apply "$WORK/keyed.yaml"
assert_contains "$OUT" "the target is exactly as it was before this run"
assert_file_eq "$NVMET_CFS/hosts/$HOST/dhchap_key" ""
expect_ok "$NVMETCTL" export
assert_eq "$before" "$OUT" "export before and after the failed apply"
pass
