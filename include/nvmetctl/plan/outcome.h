#pragma once
// What the target will be once the plan is done. Desired and live are merged
// here once, with the options (--prune, --allow-recreate) and the kernel's
// facts; the planner's checks and emitters and the engine's listener checks
// all ask this model instead of working it out again.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/model/target_index.h"

namespace nvmetctl {

struct PlanOptions {
  bool prune = false;           // remove live objects the file does not declare
  bool allow_recreate = false;  // allow -/+ of subsystems whose identity is frozen
};

// One identity attribute the file changes: "serial: desired 'A', current 'B'".
struct FrozenChange {
  std::string key, desired, current;
};

// Holds references: `desired` and `live` must outlive it, unchanged.
class Outcome {
 public:
  Outcome(const Target& desired, const LiveState& live, const KernelFacts& kernel, const PlanOptions& options);

  const Target& desired() const { return desired_; }
  const Target& live() const { return live_.target; }
  const LiveState& live_state() const { return live_; }
  const KernelFacts& kernel() const { return kernel_; }
  const PlanOptions& options() const { return options_; }

  const Subsystem* desired_subsystem(const std::string& nqn) const { return desired_index_.subsystem(nqn); }
  const Subsystem* live_subsystem(const std::string& nqn) const { return live_index_.subsystem(nqn); }
  const Host* desired_host(const std::string& nqn) const { return desired_index_.host(nqn); }
  const Host* live_host(const std::string& nqn) const { return live_index_.host(nqn); }
  // Some live port links the subsystem.
  bool linked_now(const std::string& nqn) const { return live_index_.linked_anywhere(nqn); }

  // Subsystems removed and made again (-/+): their identity is frozen and
  // the file changes it. Without --allow-recreate that is a plan error.
  const std::set<std::string>& recreated() const { return recreated_; }
  bool recreates(const std::string& nqn) const { return recreated_.count(nqn) != 0; }
  std::vector<FrozenChange> frozen_identity_changes(const Subsystem& desired) const;

  // Enabled ports whose address or parameters change: unlinked, written, relinked.
  bool relinks(std::uint16_t port_id) const { return relinked_ports_.count(port_id) != 0; }

  // The port's links when the plan is done: the file's list; or, where the
  // file leaves them alone, the live links (with --prune, only those to
  // subsystems it declares); none for a pruned port.
  std::vector<std::string> links_after(std::uint16_t port_id) const;
  // The kernel listens on a port exactly while something is linked to it.
  bool listens_after(std::uint16_t port_id) const { return !links_after(port_id).empty(); }

  // The subsystem's allow-list when the plan is done (live subsystems).
  std::vector<std::string> allowed_hosts_after(const Subsystem& live_subsystem) const;
  // Hosts some subsystem still allows when the plan is done.
  std::set<std::string> hosts_still_allowed() const;

  // The file turns off passthru that is on now; that write goes first.
  bool leaves_passthru(const Subsystem& desired) const;
  // The subsystem still has namespace directories when the plan is done.
  bool keeps_namespace_dirs(const Subsystem& desired) const;
  // The version a subsystem shows once its passthru is disabled; unknown:
  // nullopt.
  std::optional<std::string> version_after_passthru() const;
  // What the subsystem's attribute writes find: the live values, with the
  // version a disabled passthru puts back (unknown: erased, so a declared
  // version is written).
  AttrMap subsystem_attrs_before_writes(const Subsystem& desired) const;

 private:
  void decide_recreates();
  void decide_relinks();

  const Target& desired_;
  const LiveState& live_;
  const KernelFacts& kernel_;
  const PlanOptions& options_;
  TargetIndex desired_index_;
  TargetIndex live_index_;
  std::set<std::string> recreated_;
  std::set<std::uint16_t> relinked_ports_;
};

// An attribute the kernel replaces on its own does not count as drift while
// the file leaves it to the kernel (-1); an unset device path is no value to
// go back to.
bool attribute_differs(const AttributeSpec& spec, const std::string& desired, const AttrMap& live);

}  // namespace nvmetctl
