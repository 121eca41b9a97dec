// A subsystem is either passthru or serves namespaces: the kernel refuses
// passthru/enable=1 beside an enabled namespace (6.19: beside any), accepts
// a namespace's enable=1 in passthru mode but leaves it at 0, and refuses a
// version there (the controller's is shown). The file alone is checked by
// the validator; these are the cases where the live state or the kernel's
// version decides.
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "planning.h"

namespace nvmetctl {
namespace {

// Passthru stays on: a namespace enabled or a version written would be ignored or refused.
void refuse_what_passthru_ignores(Planning& p, const Subsystem& s, const Subsystem& live_s) {
  for (const Namespace& ns : s.namespaces) {
    const Namespace* live_ns = live_s.find_namespace(ns.nsid);
    if (attr_value(ns.attrs, "enable") == "1" && !(live_ns && attr_value(live_ns->attrs, "enable") == "1"))
      p.problems.error(
          attr_location(ns.attr_where, "enable", ns.where), namespace_object(s.nqn, ns.nsid) + ".enable",
          s.nqn +
              " is in passthru mode (passthru/enable is 1), where the kernel accepts a "
              "namespace's enable but leaves it at 0; add 'passthru: {enable: false}' to serve namespaces instead");
  }
  auto version = s.attrs.find("attr_version");
  if (version != s.attrs.end() &&
      attribute_differs(*find_attribute_by_file(ObjectKind::Subsystem, "attr_version"), version->second, live_s.attrs))
    p.problems.error(attr_location(s.attr_where, "attr_version", s.where), subsystem_object(s.nqn) + ".version",
                     s.nqn + " is in passthru mode and shows its controller's version (" +
                         attr_value(live_s.attrs, "attr_version") +
                         "), and the kernel refuses another; leave version out, or add "
                         "'passthru: {enable: false}' to leave passthru mode");
}

// This run enables passthru on an existing subsystem: every namespace that
// the kernel counts must be gone or disabled by then.
void refuse_namespaces_beside_passthru(Planning& p, const Subsystem& s, const Subsystem& live_s, bool any_counts) {
  auto refuse = [&](std::uint32_t nsid, bool enabled, bool declared) {
    bool exists = live_s.find_namespace(nsid);
    p.problems.error(s.passthru ? s.passthru->where : s.where, subsystem_object(s.nqn) + ".passthru.enable",
                     "namespace " + std::to_string(nsid) + " of " + s.nqn +
                         (enabled  ? " is enabled"
                          : exists ? " exists"
                                   : " is declared") +
                         (declared ? "" : " and the file does not declare it") +
                         "; the kernel refuses passthru beside " +
                         (enabled ? "an enabled namespace" : "any namespace (Linux 6.19 and later)") +
                         (declared ? ": leave it out of the file" : "") + ", and remove it with --prune");
  };
  for (const Namespace& ns : s.namespaces) {  // the validator refused those declared enabled
    const Namespace* live_ns = live_s.find_namespace(ns.nsid);
    bool enabled = !ns.attrs.count("enable") && live_ns && attr_value(live_ns->attrs, "enable") == "1";
    if (enabled || (any_counts && attr_value(ns.attrs, "enable") != "1")) refuse(ns.nsid, enabled, true);
  }
  if (p.options().prune) return;  // pruned namespaces go first
  for (const Namespace& live_ns : live_s.namespaces) {
    bool enabled = attr_value(live_ns.attrs, "enable") == "1";
    if (!s.find_namespace(live_ns.nsid) && (enabled || any_counts)) refuse(live_ns.nsid, enabled, false);
  }
}

}  // namespace

void check_passthru_exclusive(Planning& p, const Subsystem& s) {
  const Subsystem* live_s = p.outcome.live_subsystem(s.nqn);
  bool live_on = live_s && live_s->passthru_enabled();
  std::string declared_on = s.passthru ? attr_value(s.passthru->attrs, "enable") : "";
  bool any_counts = kernel_has(KernelRule::PassthruRefusedBesideAnyNamespace, p.kernel());
  if (live_on && declared_on == "0" && any_counts && p.outcome.keeps_namespace_dirs(s))
    p.problems.warning(s.passthru->where, subsystem_object(s.nqn) + ".passthru.enable",
                       "if this apply fails after passthru is disabled, its rollback cannot enable it again "
                       "beside the namespaces that stay (Linux 6.19 and later refuse that)");
  if (!(declared_on.empty() ? live_on : declared_on == "1")) return;
  if (live_on && declared_on.empty()) refuse_what_passthru_ignores(p, s, *live_s);
  // Turned on, or on again after its device changes.
  const AttributeSpec* path = find_attribute_by_file(ObjectKind::Passthru, "device_path");
  bool path_changes = live_on && s.passthru && s.passthru->attrs.count("device_path") &&
                      attribute_differs(*path, s.passthru->attrs.at("device_path"), live_s->passthru->attrs);
  // A new subsystem gets passthru before its namespaces (plan_subsystem).
  if ((live_on && !path_changes) || !live_s) return;
  refuse_namespaces_beside_passthru(p, s, *live_s, any_counts);
}

}  // namespace nvmetctl
