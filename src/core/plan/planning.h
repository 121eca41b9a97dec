#pragma once
// The configfs planner's parts, private to src/core/plan. Checks add plan
// errors and make no steps; emitters make the steps for one kind of object.
// Every part asks the Outcome what the target will be.
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/plan/outcome.h"
#include "nvmetctl/plan/plan.h"
#include "step_emitter.h"

namespace nvmetctl {

struct Planning {
  const Outcome& outcome;
  const NvmetLayout& layout;
  StepEmitter& steps;
  Diagnostics& problems;
  // Port links unlinked by detach_links, for attach_links to make again.
  std::set<std::pair<std::uint16_t, std::string>> detached;

  const PlanOptions& options() const { return outcome.options(); }
  KernelVersion kernel() const { return outcome.kernel().version; }
};

// plan_checks.cpp, passthru_checks.cpp
void check_capabilities(Planning& p);
void check_frozen_identity(Planning& p);
void warn_kernel_device_names(Planning& p);
void check_passthru_exclusive(Planning& p, const Subsystem& desired);

// emit_discovery_nqn.cpp: the root discovery_nqn, written last, or first
// when the file creates a subsystem named like its current value.
std::optional<std::string> discovery_nqn_change(const Planning& p);
void check_discovery_nqn(Planning& p);
bool discovery_nqn_goes_first(const Planning& p);
void plan_discovery_nqn(Planning& p);

// emit_tls_keys.cpp: hosts' TLS PSKs in the .nvme keyring, added first,
// removed last.
void check_tls_keys(Planning& p);
void plan_tls_key_additions(Planning& p);
void plan_tls_key_removals(Planning& p);

// emit_extra_attributes.cpp: attribute files this nvmetctl does not know,
// written after every object's own attributes, before the links.
void plan_extra_attributes(Planning& p);

// emit_links.cpp: unlinking first, linking last.
void detach_links(Planning& p);
void attach_links(Planning& p);

// emit_hosts.cpp, emit_ports.cpp
void plan_host(Planning& p, const Host& desired);
void plan_port(Planning& p, const Port& desired);

// emit_subsystems.cpp, emit_namespaces.cpp, emit_passthru.cpp
void remove_recreated_subsystems(Planning& p);
void plan_subsystem(Planning& p, const Subsystem& desired);
// A subsystem's rmdir takes its passthru with it: the undo brings it back.
void rmdir_subsystem(Planning& p, ChangeKind change, const Subsystem& live, std::string disruption = {});
void plan_namespace(Planning& p, const Subsystem& desired, const Namespace& ns, const Subsystem* live,
                    ChangeKind fresh_kind);
void prune_namespaces(Planning& p, const Subsystem& desired, const Subsystem& live);
void recreate_undeclared_namespaces(Planning& p, const Subsystem& desired, const Subsystem& old);
void plan_passthru(Planning& p, const Subsystem& desired, const Subsystem* live, ChangeKind fresh_kind);
// The passthru of a subsystem this run creates: the file's, or, recreated,
// the one the file leaves to the kernel (`carried_from`).
void plan_new_passthru(Planning& p, const Subsystem& desired, const Subsystem* carried_from, ChangeKind fresh_kind);

// emit_prune.cpp
void prune(Planning& p);
void list_unmanaged(const Outcome& outcome, Plan& plan);

}  // namespace nvmetctl
