#pragma once
// Two targets between which a plan touches every kind of change: a live port
// move, a namespace device swap, allow-list edits, new objects, and (with
// prune) removals. Shared by the rollback and crash journal tests.
namespace nvmetctl::testing_support {

inline const char* kBefore = R"(version: 1
hosts:
  - nqn: nqn.h1
  - nqn: nqn.h2
subsystems:
  - nqn: nqn.keep
    allowed_hosts: [nqn.h1]
    namespaces:
      - {nsid: 1, device_path: /dev/nvme0n1, enable: true}
      - {nsid: 2, device_path: /dev/loop0, enable: true}
  - nqn: nqn.extra
    allow_any_host: true
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.1
    subsystems: [nqn.keep, nqn.extra]
)";

inline const char* kAfter = R"(version: 1
hosts:
  - nqn: nqn.h1
  - nqn: nqn.h3
subsystems:
  - nqn: nqn.keep
    model: NewModel
    allowed_hosts: [nqn.h3]
    namespaces:
      - {nsid: 1, device_path: /dev/nullb0, enable: true}
      - {nsid: 3, device_path: /dev/loop0, enable: true}
  - nqn: nqn.new
    allow_any_host: true
    namespaces:
      - {nsid: 7, device_path: /dev/nvme0n1, enable: true}
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.2
    subsystems: [nqn.keep, nqn.new]
  - id: 2
    trtype: tcp
    traddr: 127.0.0.3
    subsystems: [nqn.new]
)";

}  // namespace nvmetctl::testing_support
