// What the running kernel would refuse half-way, found before anything is
// touched: attributes it lacks, ranges it does not take, frozen identity.
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "planning.h"

namespace nvmetctl {
namespace {

void check_attrs_supported(Planning& p, ObjectKind kind, const AttrMap& attrs, const AttrLocations& where,
                           const SourceLocation& fallback, const std::string& object) {
  const auto& files = p.outcome.live_state().attribute_files;
  const KernelFacts& kernel = p.outcome.kernel();
  auto seen = files.find(kind);
  for (const auto& [file, value] : attrs) {
    const AttributeSpec* spec = find_attribute_by_file(kind, file);
    bool listed = seen != files.end() && !seen->second.empty();
    bool present = listed && seen->second.count(file);
    if (present) continue;
    SourceLocation loc = attr_location(where, file, fallback);
    if (!spec) {
      if (listed)
        p.problems.error(loc, object + ".extra_attributes." + file,
                         "this kernel has no attribute file '" + file + "' for a " + object_kind_name(kind));
      continue;
    }
    std::string key = object + "." + spec->key;
    bool too_old = kernel.version.known() && spec->since > kernel.version;
    std::optional<bool> option = spec->needs_config ? kernel.config.built(spec->needs_config) : std::nullopt;
    bool config_off = option && !*option;
    bool absent = listed && !present;
    std::string running = kernel.version.known() ? "this kernel is " + kernel.version.str() : "this kernel lacks it";
    if (too_old || (absent && !spec->needs_config))
      p.problems.error(loc, key,
                       std::string(spec->file) + " needs Linux " + spec->since.str() + " or newer; " + running);
    else if (config_off || absent)
      p.problems.error(loc, key,
                       std::string(spec->file) + " needs a kernel built with " + spec->needs_config +
                           "; this kernel was built without it");
  }
}

// The file alone cannot tell whether cntlid_min may equal cntlid_max; the
// running kernel can.
void check_cntlid_range(Planning& p, const Subsystem& s) {
  if (kernel_has(KernelRule::CntlidMinMayEqualMax, p.kernel())) return;
  if (!s.attrs.count("attr_cntlid_min") && !s.attrs.count("attr_cntlid_max")) return;
  const Subsystem* live_s = p.outcome.live_subsystem(s.nqn);
  auto effective = [&](const char* file) {
    if (auto it = s.attrs.find(file); it != s.attrs.end()) return it->second;
    return live_s ? attr_value(live_s->attrs, file)
                  : std::string(find_attribute_by_file(ObjectKind::Subsystem, file)->fresh_default);
  };
  std::string min = effective("attr_cntlid_min"), max = effective("attr_cntlid_max");
  if (min.empty() || min != max) return;
  bool min_declared = s.attrs.count("attr_cntlid_min") != 0;
  p.problems.error(attr_location(s.attr_where, min_declared ? "attr_cntlid_min" : "attr_cntlid_max", s.where),
                   subsystem_object(s.nqn) + (min_declared ? ".cntlid_min" : ".cntlid_max"),
                   "cntlid_min and cntlid_max are both " + min + ": Linux " + p.kernel().str() +
                       " needs cntlid_min below cntlid_max (" +
                       kernel_rule(KernelRule::CntlidMinMayEqualMax).since.str() + " and later allow them equal)");
}

// A bare 'passthru: {enable: false}' asks nothing of a kernel without passthru.
void check_passthru_supported(Planning& p, const Subsystem& s) {
  bool only_off = s.passthru && s.passthru->attrs == AttrMap{{"enable", "0"}};
  if (!s.passthru || only_off) return;
  const KernelFacts& kernel = p.outcome.kernel();
  std::optional<bool> option = kernel.config.built("CONFIG_NVME_TARGET_PASSTHRU");
  bool missing = option && !*option;
  if (const Subsystem* live_s = p.outcome.live_subsystem(s.nqn); live_s && !live_s->passthru) missing = true;
  if (missing)
    p.problems.error(s.passthru->where, subsystem_object(s.nqn) + ".passthru",
                     "passthru needs a kernel built with CONFIG_NVME_TARGET_PASSTHRU; this kernel "
                     "was built without it");
}

}  // namespace

void check_capabilities(Planning& p) {
  const Target& desired = p.outcome.desired();
  for (const Host& h : desired.hosts) {
    AttrMap all = h.attrs;
    for (const auto& [file, path] : h.key_files) all[file] = path;
    check_attrs_supported(p, ObjectKind::Host, all, h.attr_where, h.where, "host " + h.nqn);
  }
  for (const Subsystem& s : desired.subsystems) {
    check_attrs_supported(p, ObjectKind::Subsystem, s.attrs, s.attr_where, s.where, subsystem_object(s.nqn));
    check_cntlid_range(p, s);
    for (const Namespace& ns : s.namespaces)
      check_attrs_supported(p, ObjectKind::Namespace, ns.attrs, ns.attr_where, ns.where,
                            namespace_object(s.nqn, ns.nsid));
    check_passthru_exclusive(p, s);
    check_passthru_supported(p, s);
  }
  for (const Port& port : desired.ports) {
    check_attrs_supported(p, ObjectKind::Port, port.attrs, port.attr_where, port.where, port_object(port.id));
    for (const Referral& r : port.referrals)
      check_attrs_supported(p, ObjectKind::Referral, r.attrs, r.attr_where, r.where,
                            port_object(port.id) + " referral " + r.name);
  }
}

// A kernel name is the right disk today and may be another after a reboot;
// the engine found the udev link for the ones that have one.
void warn_kernel_device_names(Planning& p) {
  const auto& stable = p.outcome.live_state().stable_device_names;
  if (stable.empty()) return;
  for (const Subsystem& s : p.outcome.desired().subsystems)
    for (const Namespace& ns : s.namespaces) {
      auto found = stable.find(attr_value(ns.attrs, "device_path"));
      if (found == stable.end()) continue;
      p.problems.warning(attr_location(ns.attr_where, "device_path", ns.where),
                         namespace_object(s.nqn, ns.nsid) + ".device_path",
                         found->first + " is a name the kernel gives in probe order; after a reboot it may be another "
                                        "disk. " + found->second + " names this device");
    }
}

void check_frozen_identity(Planning& p) {
  if (p.options().allow_recreate) return;
  for (const Subsystem& s : p.outcome.desired().subsystems) {
    if (!p.outcome.recreates(s.nqn)) continue;
    std::string text;
    for (const FrozenChange& f : p.outcome.frozen_identity_changes(s))
      text += (text.empty() ? "" : "; ") + f.key + ": desired '" + f.desired + "', current '" + f.current + "'";
    p.problems.error(s.where, subsystem_object(s.nqn),
                     text +
                         ". The kernel freezes these once a host has identified the subsystem, "
                         "so it must be recreated, which drops every connected host; re-run with "
                         "--allow-recreate to do that");
  }
}

}  // namespace nvmetctl
