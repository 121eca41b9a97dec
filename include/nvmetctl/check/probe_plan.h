#pragma once
// What `check` will try, derived from a target (the file's, or the live one):
// for every enabled port and every subsystem linked to it, one probe per host
// the subsystem allows (a generated host for allow_any_host) that must be
// served, and for an allow-list one foreign host that must be refused.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/check/fabrics_host.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

enum class ProbeExpectation { Served, Refused };

struct ExpectedNamespace {
  std::uint32_t nsid = 0;
  std::string device_path;
  std::optional<std::uint64_t> bytes;  // the device's size now, when it can be read
};

// A referral of the port: enabled, its address must be in the port's
// discovery log; disabled, it must not be.
struct ExpectedReferral {
  std::string name;
  FabricsAddress address;
  bool enabled = false;
};

struct Probe {
  std::uint16_t port_id = 0;
  FabricsAddress declared;  // as the port declares it
  FabricsAddress connect;   // where a host on this node connects (a wildcard becomes loopback)
  std::string subsystem_nqn;
  HostIdentity host;        // nqn and secrets; the runner fills the host ID
  bool generated_host = false;  // not a host of the file: a probe identity
  ProbeExpectation expect = ProbeExpectation::Served;
  bool passthru = false;    // the subsystem serves a controller's namespaces, not declared ones
  std::vector<ExpectedNamespace> namespaces;  // enabled in the target, in nsid order
  std::vector<std::uint32_t> disabled_nsids;  // declared but disabled
  std::vector<ExpectedReferral> referrals;    // the port's with a declared enable, judged once per port
  // Set when no host on this node can reach the port: the reason.
  std::string not_checkable;
  // Set when the target itself breaks the promise before any connect (an
  // allow-list that lets nobody in): the reason.
  std::string broken;
};

struct ProbeSources {
  // Size in bytes of a namespace's backing device or file, nullopt if unknown.
  std::function<std::optional<std::uint64_t>(const std::string& device_path)> device_bytes;
  // A fresh host NQN for a probe identity (allow_any_host, the foreign host).
  std::function<std::string()> new_host_nqn;
  // Why a host on this node cannot reach the port ("" when it can).
  std::function<std::string(const Port& port)> unreachable_reason;
};

std::vector<Probe> plan_probes(const Target& target, const ProbeSources& sources);

// Only the probes a plan touched: their port, their subsystem or their host
// appears in one of `changed_paths` (configfs paths the plan wrote).
std::vector<Probe> probes_touching(const std::vector<Probe>& probes, const std::vector<std::string>& changed_paths);

}  // namespace nvmetctl
