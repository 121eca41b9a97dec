#!/usr/bin/env bash
# A namespace's device grows under a connected host: a loop device over a
# file (losetup -c) and a plain file. plan shows the revalidate_size write
# with the old and the new size, apply writes it with the namespace still
# enabled, the host sees the new size without reconnecting, and the next
# apply has nothing to do.
source "$(dirname "$0")/../lib.sh"
require_nvmetctl
command -v nvme >/dev/null || skip "nvme-cli not installed"

WORK=/tmp/grow
mkdir -p "$WORK"
NQN=nqn.2024-01.io.example:grow
truncate -s 16M "$WORK/backing.img"
LOOP=$(loop_file 16M "$WORK/backing.img")
truncate -s 8M "$WORK/file.img"
mount_configfs

cat >"$WORK/target.yaml" <<YAML
version: 1
subsystems:
  - nqn: $NQN
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: $LOOP, enable: true}
      - {nsid: 2, device_path: $WORK/file.img, buffered_io: true, enable: true}  # /tmp is tmpfs: no O_DIRECT on 6.1
ports:
  - {id: 1, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [$NQN]}
YAML

host_bytes() {  # NSID: the size the connected host sees, in bytes
    local dev
    dev=$(nvme_dev_for_nqn "$NQN" 15 "$1") || return 1
    echo $(($(cat "/sys/block/$(basename "$dev")/size") * 512))
}
host_sees() { [[ $(host_bytes "$1") == "$2" ]]; }

step "apply, a host connects and sees 16 MiB and 8 MiB"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
modprobe nvme-tcp
expect_ok nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN"
wait_until 15 host_sees 1 $((16 << 20)) || fail "host sees $(host_bytes 1) bytes for namespace 1"
wait_until 15 host_sees 2 $((8 << 20)) || fail "host sees $(host_bytes 2) bytes for namespace 2"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"

step "the devices grow: plan shows the new sizes as revalidate_size writes"
truncate -s 48M "$WORK/backing.img"
losetup -c "$LOOP"
truncate -s 24M "$WORK/file.img"
expect_status 2 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
assert_contains "$OUT" "namespaces/1/revalidate_size = '1' (size 16777216 -> 50331648 bytes)"
assert_contains "$OUT" "namespaces/2/revalidate_size = '1' (size 8388608 -> 25165824 bytes)"
expect_ok "$NVMETCTL" -o json plan "$WORK/target.yaml"
assert_contains "$OUT" '"detail": "size 16777216 -> 50331648 bytes"'
assert_eq $((16 << 20)) "$(host_bytes 1)" "the host's size before apply"

step "apply revalidates live: the host sees the new sizes without reconnecting"
controller=$(basename "$(dirname "$(readlink -f "/sys/block/$(basename "$(nvme_dev_for_nqn "$NQN" 15 1)")/device")")" 2>/dev/null || true)
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_contains "$OUT" "Applied 2 operations"
assert_file_eq "$NVMET_CFS/subsystems/$NQN/namespaces/1/enable" 1
wait_until 15 host_sees 1 $((48 << 20)) || fail "host sees $(host_bytes 1) bytes for namespace 1 after apply"
wait_until 15 host_sees 2 $((24 << 20)) || fail "host sees $(host_bytes 2) bytes for namespace 2 after apply"
assert_eq 1 "$(ls -d /sys/class/nvme/nvme*/ 2>/dev/null | while read -r c; do [[ $(cat "$c/subsysnqn") == "$NQN" ]] && echo x; done | wc -l)" \
    "controllers of $NQN (the same one, not reconnected)"
log "controller ${controller:-?} stayed connected"
expect_status 0 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
expect_ok "$NVMETCTL" apply "$WORK/target.yaml"
assert_contains "$OUT" "No changes"

step "clear forgets nothing it should keep: a fresh apply records the sizes again"
expect_ok nvme disconnect -n "$NQN"
expect_ok "$NVMETCTL" clear
# On an empty tree every namespace is set afresh: the record is written
# without being read (its sizes could describe nothing live).
expect_ok strace -f -qq -o "$WORK/fresh.strace" -e trace=open,openat "$NVMETCTL" apply "$WORK/target.yaml"
assert_eq 0 "$(grep -c 'served-sizes.json", O_RDONLY' "$WORK/fresh.strace" || true)" "reads of the record by a cold apply"
grep -q 'served-sizes.json.nvmetctl-[^"]*", O_RDWR|O_CREAT' "$WORK/fresh.strace" || fail "the cold apply wrote no record"
truncate -s 64M "$WORK/backing.img"
losetup -c "$LOOP"
expect_status 2 "$NVMETCTL" plan --detailed-exitcode "$WORK/target.yaml"
assert_contains "$OUT" "(size 50331648 -> 67108864 bytes)"
expect_ok "$NVMETCTL" clear
pass
