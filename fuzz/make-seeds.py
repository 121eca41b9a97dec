#!/usr/bin/env python3
"""Writes the hand-made seeds of the live_tree and nldev_messages targets
into corpus/ (the files are committed; rerun after changing this script)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    path = os.path.join(HERE, "corpus", target, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- live_tree: one entry a line (see fuzz_live_tree.cpp) -------------------
SUBSYS = "nvmet/subsystems/nqn.2024-01.io.example:s1"
PORT = "nvmet/ports/1"
full = [
    "k 6.12.0",
    "d nvmet/hosts", "d nvmet/subsystems", "d nvmet/ports",
    "f nvmet/discovery_nqn nqn.2014-08.org.nvmexpress.discovery",
    "f nvmet/hosts/nqn.h1/dhchap_key DHHC-1:00:secret:",
    "f nvmet/hosts/nqn.h1/dhchap_ctrl_key", "f nvmet/hosts/nqn.h1/dhchap_hash hmac(sha256)",
    "f nvmet/hosts/nqn.h1/dhchap_dhgroup null",
    f"f {SUBSYS}/attr_allow_any_host 0", f"f {SUBSYS}/attr_serial 0123456789abcdef",
    f"f {SUBSYS}/attr_model Linux", f"f {SUBSYS}/attr_version 1.3", f"f {SUBSYS}/attr_cntlid_min 1",
    f"f {SUBSYS}/attr_cntlid_max 65519", f"f {SUBSYS}/attr_ieee_oui 0x000000", f"f {SUBSYS}/attr_qid_max 128",
    f"f {SUBSYS}/attr_pi_enable 0", f"f {SUBSYS}/attr_firmware 6.12.0",
    f"l {SUBSYS}/allowed_hosts/nqn.h1 /cfg/nvmet/hosts/nqn.h1",
    f"f {SUBSYS}/namespaces/1/device_path /dev/nvme0n1", f"f {SUBSYS}/namespaces/1/enable 1",
    f"f {SUBSYS}/namespaces/1/device_uuid 0c3a5e1e-0000-4000-8000-000000000001",
    f"f {SUBSYS}/namespaces/1/device_nguid 00000000-0000-0000-0000-000000000000",
    f"f {SUBSYS}/namespaces/1/buffered_io 0", f"f {SUBSYS}/namespaces/1/ana_grpid 1",
    f"f {SUBSYS}/namespaces/1/revalidate_size",
    f"f {SUBSYS}/namespaces/2/device_path /tmp/file.img", f"f {SUBSYS}/namespaces/2/enable 0",
    f"f {SUBSYS}/passthru/device_path", f"f {SUBSYS}/passthru/enable 0",
    f"f {SUBSYS}/passthru/admin_timeout 0", f"f {SUBSYS}/passthru/io_timeout 0",
    f"f {SUBSYS}/passthru/clear_ids 1",
    f"f {PORT}/addr_trtype rdma", f"f {PORT}/addr_adrfam ipv4", f"f {PORT}/addr_traddr 192.168.11.22",
    f"f {PORT}/addr_trsvcid 4420", f"f {PORT}/addr_treq not\\sspecified", f"f {PORT}/addr_tsas not\\sspecified",
    f"f {PORT}/param_inline_data_size 16384", f"f {PORT}/param_max_queue_size 128",
    f"f {PORT}/param_pi_enable 0",
    f"l {PORT}/subsystems/nqn.2024-01.io.example:s1 /cfg/{SUBSYS}",
    f"f {PORT}/ana_groups/1/ana_state optimized", f"f {PORT}/ana_groups/2/ana_state inaccessible",
    f"f {PORT}/referrals/r1/addr_trtype tcp", f"f {PORT}/referrals/r1/addr_traddr 10.0.0.2",
    f"f {PORT}/referrals/r1/addr_trsvcid 4420", f"f {PORT}/referrals/r1/addr_portid 2",
    f"f {PORT}/referrals/r1/enable 1",
    "f nvmet/ports/2/addr_trtype tcp", "f nvmet/ports/2/addr_adrfam ipv6", "f nvmet/ports/2/addr_traddr ::",
    "f nvmet/ports/2/addr_trsvcid 4420", "d nvmet/ports/2/subsystems", "d nvmet/ports/2/referrals",
    "f nvmet/ports/2/ana_groups/1/ana_state optimized",
    "r rxe0 roce rxe eth0 4", "r mlx5_0 ib \\s ib0 1",
]
write("live_tree", "full.tree", "\n".join(full) + "\n")
write("live_tree", "empty-nvmet.tree", "d nvmet/hosts\nd nvmet/subsystems\nd nvmet/ports\n")
write("live_tree", "not-loaded.tree", "d other\n")
write("live_tree", "hostile.tree", "\n".join([
    "k 6.1.0",
    "f nvmet/hosts/bad\\nname/dhchap_key \\xff\\xfe",
    "f nvmet/subsystems/s/attr_allow_any_host 1",
    "d nvmet/subsystems/s/allowed_hosts",
    "f nvmet/subsystems/s/namespaces/notanumber/enable 1",
    "f nvmet/subsystems/s/namespaces/4294967296/enable 1",
    "l nvmet/subsystems/s/allowed_hosts/x relative/target/",
    "f nvmet/ports/99999/addr_trtype tcp",
    "f nvmet/ports/01/addr_trtype loop",
    "f nvmet/ports/1/addr_trtype loop",
    "l nvmet/ports/1/subsystems/s /",
    "l nvmet/ports/1/subsystems/t ",
    "e nvmet/ports/1/referrals 5",
]) + "\n")
write("live_tree", "symlink-misplaced.tree", "l nvmet/hosts/h /etc\nd nvmet/subsystems\nd nvmet/ports\n")
write("live_tree", "read-error.tree",
      "f nvmet/subsystems/s/attr_serial x\ne nvmet/subsystems/s/attr_serial 13\nd nvmet/hosts\nd nvmet/ports\n")

# ---- nldev_messages: seq byte, then [decoder][len u16 LE][datagram] ---------
RDMA_NL_NLDEV = 5
def mtype(op): return (RDMA_NL_NLDEV << 10) + op
NLMSG_ERROR, NLMSG_DONE, NLM_F_MULTI = 2, 3, 2
def align(b): return b + b"\0" * ((4 - len(b) % 4) % 4)
def attr(t, payload): return align(struct.pack("=HH", 4 + len(payload), t) + payload)
def u32(t, v): return attr(t, struct.pack("=I", v))
def u8(t, v): return attr(t, struct.pack("=B", v))
def strz(t, s): return attr(t, s.encode() + b"\0")
def msg(t, flags, seq, payload): return struct.pack("=IHHII", 16 + len(payload), t, flags, seq, 0) + payload
def done(seq): return msg(NLMSG_DONE, NLM_F_MULTI, seq, struct.pack("=i", 0))
def error(seq, errnum): return msg(NLMSG_ERROR, 0, seq, struct.pack("=i", -errnum) + struct.pack("=IHHII", 16, 0, 0, seq, 0))
def frame(decoder, datagram): return struct.pack("<BH", decoder, len(datagram)) + datagram

SEQ = 7
dev = lambda i, name, proto, ports: msg(mtype(1), NLM_F_MULTI, SEQ,
                                        u32(1, i) + strz(2, name) + u32(3, ports) + strz(67, proto))
port = lambda p, state, nd, ndi: msg(mtype(1), 0, SEQ, u32(1, 0) + u32(3, p) + u8(12, state) + u32(50, ndi) + strz(51, nd))
write("nldev_messages", "dump-two-devices", bytes([SEQ]) +
      frame(0, dev(0, "rxe0", "roce", 1) + dev(1, "siw0", "iw", 1)) + frame(0, done(SEQ)) +
      frame(1, port(1, 4, "eth0", 2) + error(SEQ, 0)) + frame(1, port(1, 1, "eth1", 3) + error(SEQ, 0)))
write("nldev_messages", "kernel-error", bytes([SEQ]) + frame(0, error(SEQ, 95)) + frame(2, error(SEQ, 17)))
write("nldev_messages", "ack", bytes([SEQ]) + frame(2, error(SEQ, 0)))
write("nldev_messages", "port-dump-type", bytes([SEQ]) +
      frame(1, msg(mtype(5), NLM_F_MULTI, SEQ, u32(3, 1) + u8(12, 4)) + done(SEQ)))
write("nldev_messages", "wrong-seq-truncated", bytes([SEQ]) + frame(0, dev(0, "x" * 70, "ib", 2)[:-3]) +
      frame(0, msg(mtype(1), 0, SEQ + 1, b"")))
