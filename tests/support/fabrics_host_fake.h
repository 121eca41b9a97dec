#pragma once
// In-memory FabricsHost for tests of `check`: discovery logs and connect
// outcomes are scripted per address (and subsystem and host NQN), reads and
// disconnects can be made to fail, and every call is recorded together with
// the controllers the fake created and which of them are still connected, so
// a test can assert that a check left no controller behind and never took
// down one it did not create.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "nvmetctl/check/fabrics_host.h"

namespace nvmetctl {

struct FabricsCall {
  enum class Kind { Discover, Connect, Read, Disconnect };
  Kind kind = Kind::Discover;
  FabricsAddress address;     // Discover, Connect
  std::string subsystem_nqn;  // Connect
  HostIdentity host;          // Discover, Connect
  double settle_seconds = 0;  // Connect
  std::string target;         // Read: the block device; Disconnect: the controller
  bool ok = false;            // what the fake answered
};

class FakeFabricsHost final : public FabricsHost {
 public:
  // Host NQN that matches any host in connect/discovery scripts.
  static constexpr const char* kAnyHost = "*";

  // --- Setup --------------------------------------------------------------
  // The discovery log the port at `address` returns (to any host).
  FakeFabricsHost& set_discovery(const FabricsAddress& address, std::vector<DiscoveryRecord> records);
  // Discovery at `address` fails; `kernel_lines` go to the kernel log stand-in.
  FakeFabricsHost& fail_discovery(const FabricsAddress& address, SysError error,
                                  std::vector<std::string> kernel_lines = {});
  // A connect of `host_nqn` (or kAnyHost) to `subsystem_nqn` at `address`
  // succeeds with a controller showing `controller.namespaces`. An empty
  // controller name is filled with the next free "nvmeN".
  FakeFabricsHost& accept(const FabricsAddress& address, const std::string& subsystem_nqn, const std::string& host_nqn,
                          ProbeController controller);
  // ...or fails with `error`; `kernel_lines` go to the kernel log stand-in.
  FakeFabricsHost& refuse(const FabricsAddress& address, const std::string& subsystem_nqn, const std::string& host_nqn,
                          SysError error, std::vector<std::string> kernel_lines = {});
  FakeFabricsHost& fail_read(const std::string& block_device, int errnum);
  // Disconnecting `controller` fails (the controller stays connected).
  FakeFabricsHost& fail_disconnect(const std::string& controller, int errnum);
  // A controller that existed before the check (a real host's): the check
  // must never take it down.
  FakeFabricsHost& add_existing_controller(const std::string& name);
  // A plain file standing in for /dev/kmsg: scripted kernel lines are
  // appended to it as kmsg records when the failing call happens.
  FakeFabricsHost& write_kernel_log_to(const std::string& path);
  // First number for generated controller names (nvme<N>).
  FakeFabricsHost& first_controller_number(unsigned number);
  // Runs after every connect is recorded (e.g. to raise a signal flag while
  // a probe's controller is up).
  FakeFabricsHost& on_connect(std::function<void(const FabricsCall&)> callback);

  // --- FabricsHost --------------------------------------------------------
  // Unscripted addresses/subsystems answer ECONNREFUSED (nothing listens).
  Expected<std::vector<DiscoveryRecord>> discover(const FabricsAddress& address, const HostIdentity& host) override;
  Expected<ProbeController> connect(const FabricsAddress& address, const std::string& subsystem_nqn,
                                    const HostIdentity& host, double settle_seconds) override;
  Expected<void> read_first_block(const std::string& block_device) override;
  Expected<void> disconnect(const std::string& controller) override;

  // --- Observations -------------------------------------------------------
  const std::vector<FabricsCall>& calls() const { return calls_; }
  std::vector<FabricsCall> calls_of(FabricsCall::Kind kind) const;
  // Controllers this fake created, in creation order.
  const std::vector<std::string>& created() const { return created_; }
  // Created controllers not disconnected yet.
  const std::set<std::string>& connected() const { return connected_; }
  // Disconnects of controllers that were not connected ones of this fake
  // (pre-existing, unknown, or already disconnected).
  const std::vector<std::string>& foreign_disconnects() const { return foreign_disconnects_; }
  // Existing controllers still there.
  const std::set<std::string>& existing() const { return existing_; }

 private:
  struct ConnectScript {
    bool ok = false;
    ProbeController controller;
    SysError error;
    std::vector<std::string> kernel_lines;
  };
  struct DiscoveryScript {
    bool ok = false;
    std::vector<DiscoveryRecord> records;
    SysError error;
    std::vector<std::string> kernel_lines;
  };
  static std::string key(const FabricsAddress& address);
  const ConnectScript* connect_script(const FabricsAddress& address, const std::string& subsystem_nqn,
                                      const std::string& host_nqn) const;
  std::string next_controller_name();
  void log_kernel(const std::vector<std::string>& lines);

  std::map<std::string, DiscoveryScript> discoveries_;  // address key -> script
  // (address key, subsystem, host nqn or kAnyHost) -> script
  std::map<std::tuple<std::string, std::string, std::string>, ConnectScript> connects_;
  std::map<std::string, int> read_failures_;
  std::map<std::string, int> disconnect_failures_;
  std::string kmsg_path_;
  std::uint64_t kmsg_seq_ = 0;
  unsigned next_number_ = 1;
  std::function<void(const FabricsCall&)> on_connect_;

  std::vector<FabricsCall> calls_;
  std::vector<std::string> created_;
  std::set<std::string> connected_;
  std::set<std::string> existing_;
  std::vector<std::string> foreign_disconnects_;
};

}  // namespace nvmetctl
