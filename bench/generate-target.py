#!/usr/bin/env python3
"""Write a large nvmetctl target file for benchmarks.

usage: generate-target.py SUBSYSTEMS NAMESPACES_PER_SUBSYSTEM PORTS DEVICE...

Namespaces cycle over the given block devices (nvmet opens them shared, so
many namespaces may sit on one null_blk device). Ports are tcp on 127.0.0.1
with consecutive trsvcids; subsystems are spread over them round-robin.
Prints the YAML on stdout and, on stderr, the minimum number of configfs
mutations a cold apply needs.
"""
import sys


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 64
    subsystems, per_subsystem, ports = (int(a) for a in sys.argv[1:4])
    devices = sys.argv[4:]
    out = ["version: 1", "subsystems:"]
    mutations = 0
    for s in range(subsystems):
        nqn = f"nqn.2024-01.io.nvmetctl.bench:s{s:05d}"
        out += [f"  - nqn: {nqn}", "    allow_any_host: true", "    namespaces:"]
        mutations += 2  # mkdir + allow_any_host
        for n in range(1, per_subsystem + 1):
            device = devices[(s * per_subsystem + n) % len(devices)]
            out.append(f"      - {{nsid: {n}, device_path: {device}, enable: true}}")
            mutations += 3  # mkdir + device_path + enable
    out.append("ports:")
    for p in range(ports):
        members = [f"nqn.2024-01.io.nvmetctl.bench:s{s:05d}" for s in range(p, subsystems, ports)]
        out += [f"  - id: {p + 1}", "    trtype: tcp", "    traddr: 127.0.0.1", f"    trsvcid: {4420 + p}",
                "    subsystems:"]
        out += [f"      - {m}" for m in members]
        mutations += 5 + len(members)  # mkdir + 4 address writes + links
    print("\n".join(out))
    print(mutations, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
