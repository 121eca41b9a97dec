#pragma once
// The host side of NVMe over Fabrics on this node, as `check` uses it: read
// a port's discovery log, connect a controller with a chosen host identity,
// list what it sees, read through it, and take it down again. The real one
// drives the kernel's nvme-fabrics through libnvme; tests use a fake.
#include <cstdint>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"

namespace nvmetctl {

struct FabricsAddress {
  std::string trtype;   // tcp | rdma | loop | fc
  std::string traddr;   // "" for a loop port without an address
  std::string trsvcid;  // "" where the transport has none

  std::string describe() const;  // "tcp 127.0.0.1:4420", "tcp [::1]:4420", "loop"
};

struct HostIdentity {
  std::string nqn;
  std::string id;  // host ID (a UUID); the kernel refuses one NQN with two IDs
  std::string dhchap_key;       // DH-HMAC-CHAP host secret, "" for none
  std::string dhchap_ctrl_key;  // controller secret (bidirectional), "" for none
};

struct DiscoveryRecord {
  std::string subsystem_nqn;
  std::string trtype;
  std::string traddr;
  std::string trsvcid;
  bool referral = false;  // points at another discovery service (a port's referral)
};

struct VisibleNamespace {
  std::uint32_t nsid = 0;
  std::uint64_t bytes = 0;        // capacity: size in blocks x block size
  std::uint32_t block_size = 0;   // bytes per logical block
  std::string block_device;       // /dev/nvme2n1, "" when the host made none
};

struct ProbeController {
  std::string name;  // nvme3: the controller this probe created
  std::vector<VisibleNamespace> namespaces;
  // Connected, but what it serves could not be read (identify failed):
  // the namespaces are unknown. "" when all went well.
  std::string problem;
};

class FabricsHost {
 public:
  virtual ~FabricsHost() = default;
  // Connects the port's discovery controller as `host`, reads the log, disconnects.
  virtual Expected<std::vector<DiscoveryRecord>> discover(const FabricsAddress& address, const HostIdentity& host) = 0;
  // An I/O controller of its own (never one that exists already), with the
  // namespaces the controller reports active, each with its block device
  // once the host made it (waits up to `settle_seconds` for them).
  virtual Expected<ProbeController> connect(const FabricsAddress& address, const std::string& subsystem_nqn,
                                            const HostIdentity& host, double settle_seconds) = 0;
  // The first 4 KiB, read with O_DIRECT: the data path, not a cache.
  virtual Expected<void> read_first_block(const std::string& block_device) = 0;
  virtual Expected<void> disconnect(const std::string& controller) = 0;
};

}  // namespace nvmetctl
