#include "nvmetctl/plan/outcome.h"

#include <algorithm>

#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/kernel_behaviour.h"

namespace nvmetctl {

bool attribute_differs(const AttributeSpec& spec, const std::string& desired, const AttrMap& live) {
  // "(null)" is an unset device path, which the kernel cannot go back to
  // (files never declare it; a rollback's snapshot does): not drift.
  if (is_unset_path(spec, desired)) return false;
  auto it = live.find(spec.file);
  if (it == live.end()) return true;
  if (spec.kernel_rewrites && desired == "-1") return false;
  return !attribute_values_equal(spec, desired, it->second);
}

Outcome::Outcome(const Target& desired, const LiveState& live, const KernelFacts& kernel, const PlanOptions& options)
    : desired_(desired),
      live_(live),
      kernel_(kernel),
      options_(options),
      desired_index_(desired),
      live_index_(live.target) {
  decide_recreates();
  decide_relinks();
}

std::vector<FrozenChange> Outcome::frozen_identity_changes(const Subsystem& desired) const {
  std::vector<FrozenChange> frozen;
  const Subsystem* live_s = live_subsystem(desired.nqn);
  if (!live_s) return frozen;
  AttrMap current_attrs = subsystem_attrs_before_writes(desired);
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Subsystem)) {
    auto it = desired.attrs.find(spec->file);
    if (spec->mutability != Mutability::UntilDiscovered || it == desired.attrs.end() ||
        !attribute_differs(*spec, it->second, current_attrs))
      continue;
    std::string current = attr_value(live_s->attrs, spec->file);
    while (!current.empty() && current.back() == ' ') current.pop_back();  // serial padding
    frozen.push_back({spec->key, it->second, current});
  }
  return frozen;
}

// An unexposed subsystem's identity is writable unless a host identified it
// while it was linked, which configfs does not show: a write is tried, and
// --allow-recreate asks for the recreate that always works.
void Outcome::decide_recreates() {
  for (const Subsystem& s : desired_.subsystems) {
    if (!live_subsystem(s.nqn) || (!linked_now(s.nqn) && !options_.allow_recreate)) continue;
    if (!frozen_identity_changes(s).empty()) recreated_.insert(s.nqn);
  }
}

void Outcome::decide_relinks() {
  for (const Port& p : desired_.ports) {
    const Port* live_p = live().find_port(p.id);
    if (!live_p || !live_p->enabled()) continue;
    for (const auto& [file, value] : p.attrs) {
      const AttributeSpec* spec = find_attribute_by_file(ObjectKind::Port, file);
      if (spec && spec->mutability == Mutability::WhilePortDisabled && attribute_differs(*spec, value, live_p->attrs)) {
        relinked_ports_.insert(p.id);
        break;
      }
    }
  }
}

std::vector<std::string> Outcome::links_after(std::uint16_t port_id) const {
  const Port* declared = desired_.find_port(port_id);
  if (declared && declared->subsystems) return *declared->subsystems;
  if (!declared && options_.prune) return {};
  std::vector<std::string> kept;
  const Port* live_p = live().find_port(port_id);
  if (!live_p || !live_p->subsystems) return kept;
  for (const auto& nqn : *live_p->subsystems)
    if (!options_.prune || desired_subsystem(nqn)) kept.push_back(nqn);
  return kept;
}

std::vector<std::string> Outcome::allowed_hosts_after(const Subsystem& live_s) const {
  const Subsystem* s = desired_subsystem(live_s.nqn);
  if (!s) {
    if (options_.prune) return {};
  } else {
    if (s->allowed_hosts) return *s->allowed_hosts;
    if (attr_value(s->attrs, "attr_allow_any_host") == "1") return {};
  }
  std::vector<std::string> kept;
  for (const auto& host : live_s.allowed_hosts.value_or(std::vector<std::string>{}))
    if (!options_.prune || desired_host(host)) kept.push_back(host);
  return kept;
}

std::set<std::string> Outcome::hosts_still_allowed() const {
  std::set<std::string> allowed;
  for (const Subsystem& live_s : live().subsystems)
    for (const auto& host : allowed_hosts_after(live_s)) allowed.insert(host);
  for (const Subsystem& s : desired_.subsystems)
    if (s.allowed_hosts) allowed.insert(s.allowed_hosts->begin(), s.allowed_hosts->end());
  return allowed;
}

bool Outcome::leaves_passthru(const Subsystem& desired) const {
  const Subsystem* live_s = live_subsystem(desired.nqn);
  return live_s && desired.passthru && attr_value(desired.passthru->attrs, "enable") == "0" &&
         live_s->passthru_enabled();
}

bool Outcome::keeps_namespace_dirs(const Subsystem& desired) const {
  if (!desired.namespaces.empty()) return true;
  const Subsystem* live_s = live_subsystem(desired.nqn);
  return !options_.prune && live_s && !live_s->namespaces.empty();
}

std::optional<std::string> Outcome::version_after_passthru() const {
  return default_subsystem_version(kernel_.version);
}

AttrMap Outcome::subsystem_attrs_before_writes(const Subsystem& desired) const {
  const Subsystem* live_s = live_subsystem(desired.nqn);
  if (!live_s) return {};
  AttrMap current = live_s->attrs;
  if (!leaves_passthru(desired)) return current;
  if (auto version = version_after_passthru()) current["attr_version"] = *version;
  else current.erase("attr_version");
  return current;
}

}  // namespace nvmetctl
