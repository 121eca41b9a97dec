#pragma once
// apply --wait: at boot the target file is often applied before the network
// has its addresses (nvmet-tcp/-rdma fail with -99, "failed to bind port
// socket") or before the block devices exist (LVM, multipath: "failed to
// open block device (-2)"). This waits, up to a timeout, until every address
// a port listens on is assigned to a local interface and every device an
// enabled namespace or passthru controller opens exists.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "nvmetctl/model/target.h"
#include "nvmetctl/net/network_info.h"

namespace nvmetctl {

struct WaitedResource {
  enum class Kind { Address, Device };
  Kind kind = Kind::Address;
  std::string name;  // the address or the device path
  std::string user;  // who needs it: "port 1", "subsystem X namespace 2"

  std::string describe() const;  // "address 10.0.0.1 (port 1)"
};

// The local address a tcp or rdma port must have before it can listen; ""
// when it needs none (a wildcard, loop, fc).
std::string address_port_needs(const Port& port);

// What the target needs before it can be applied. Wildcard addresses
// (0.0.0.0, ::), loop and fc ports, and disabled namespaces need nothing.
std::vector<WaitedResource> resources_to_wait_for(const Target& target);

struct WaitHooks {
  std::function<bool(const std::string&)> path_exists;                  // default: stat()
  std::function<void(std::chrono::milliseconds)> sleep;                 // default: sleep_for
  std::function<std::chrono::steady_clock::time_point()> now;           // default: steady_clock
  std::function<void(const std::string&)> progress;                     // optional messages
  const std::atomic<bool>* interrupted = nullptr;                       // stop early when set
  std::chrono::milliseconds poll_interval{250};
};

struct WaitResult {
  bool ready = false;
  bool interrupted = false;
  std::vector<WaitedResource> missing;  // when not ready
  double waited_seconds = 0;

  std::string describe_missing() const;  // "address 10.0.0.1 (port 1), device /dev/x (...)"
};

// Polls until everything is there or timeout_seconds pass (0: check once).
WaitResult wait_for_resources(const Target& target, NetworkInfo& network, double timeout_seconds,
                              WaitHooks hooks = {});

}  // namespace nvmetctl
