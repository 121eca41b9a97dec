#include <algorithm>
#include <optional>
#include <set>

#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/target_index.h"
#include "nvmetctl/plan/planner.h"
#include "nvmetctl/plan/recreate_ops.h"
#include "nvmetctl/util/parse_number.h"

namespace nvmetctl {
namespace {

// A recreated object keeps what the file leaves to the kernel: the declared
// values, and the live ones for every attribute the file does not name.
AttrMap declared_over_live(AttrMap declared, const AttrMap& live) {
  for (const auto& [file, value] : live) declared.emplace(file, value);
  return declared;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_identity(const AttributeSpec& spec) { return spec.mutability == Mutability::UntilDiscovered; }

// An attribute the kernel replaces on its own does not count as drift while
// the file leaves it to the kernel (-1).
bool differs(const AttributeSpec& spec, const std::string& desired, const AttrMap& live) {
  // "(null)" is an unset device path, which the kernel cannot go back to
  // (files never declare it; a rollback's snapshot does): not drift.
  if (is_unset_path(spec, desired)) return false;
  auto it = live.find(spec.file);
  if (it == live.end()) return true;
  if (spec.kernel_rewrites && desired == "-1") return false;
  return !attribute_values_equal(spec, desired, it->second);
}

class ConfigfsPlanner {
 public:
  ConfigfsPlanner(const Target& desired, const LiveState& live, const NvmetLayout& layout,
                  const KernelFacts& kernel, const PlanOptions& options)
      : want_(desired),
        have_(live.target),
        wanted_(desired),
        present_(live.target),
        live_(live),
        L_(layout),
        kernel_(kernel),
        opt_(options) {}

  Plan run() {
    check_capabilities();
    decide_replacements();
    decide_port_relinks();
    detach_links();
    remove_replaced_subsystems();
    for (const Host& host : want_.hosts) plan_host(host);
    // Ports (with their ANA groups) before subsystems: a namespace moved to
    // ANA group N must find N on the ports already, or hosts see that path
    // inaccessible until the group is made. Ports are linked only later.
    for (const Port& p : want_.ports) plan_port(p);
    for (const Subsystem& s : want_.subsystems) plan_subsystem(s);
    attach_links();
    if (opt_.prune) prune(); else list_unmanaged();
    return std::move(plan_);
  }

 private:
  // ---- helpers that emit steps -------------------------------------------
  void emit(ChangeKind change, Operation op, const std::string& object,
            std::vector<Operation> undo = {}, std::optional<std::string> old_value = std::nullopt,
            std::string disruption = {}, bool secret = false) {
    Step step;
    step.change = change;
    step.op = std::move(op);
    step.object = object;
    step.undo = std::move(undo);
    step.old_value = std::move(old_value);
    step.disruption = std::move(disruption);
    step.secret = secret;
    plan_.steps.push_back(std::move(step));
  }

  void mkdir(ChangeKind change, const std::string& dir, const std::string& object) {
    emit(change, {OpKind::Mkdir, dir, {}, {}}, object, {{OpKind::Rmdir, dir, {}, {}}});
  }

  // A write to an object this run created needs no undo: removing it undoes it.
  void write(ChangeKind change, const std::string& dir, const AttributeSpec& spec,
             const std::string& value, const AttrMap* live_attrs, const std::string& object,
             std::string disruption = {}) {
    std::string path = dir + "/" + spec.file;
    std::vector<Operation> undo;
    std::optional<std::string> old;
    if (live_attrs) {
      old = attr_value(*live_attrs, spec.file);
      std::string restore = *old;
      if (spec.type == ValueType::Text)
        while (!restore.empty() && restore.back() == ' ') restore.pop_back();
      if (!restore.empty() && !is_unset_path(spec, restore)) undo.push_back({OpKind::Write, path, restore, {}});
      if (restore.empty() && spec.type == ValueType::Secret && can_clear_secrets())
        undo.push_back({OpKind::Write, path, kClearSecret, {}});
    }
    emit(change, {OpKind::Write, path, value, {}}, object, std::move(undo), old, std::move(disruption),
         spec.type == ValueType::Secret);
  }

  // A host's DH-HMAC-CHAP key is removed by writing one NUL byte; kernels
  // before 6.12 cannot remove it (6.12 seen in the guest; 6.1 has no keys).
  static inline const std::string kClearSecret{'\0'};
  bool can_clear_secrets() const { return !kernel_.version.known() || kernel_.version >= KernelVersion{6, 12}; }

  void write_fresh(const std::string& dir, ObjectKind kind, const AttrMap& attrs, const std::string& object,
                   ChangeKind change = ChangeKind::Create) {
    for (const AttributeSpec* spec : attributes_of(kind)) {
      auto it = attrs.find(spec->file);
      if (it == attrs.end() || it->second.empty() || is_unset_path(*spec, it->second)) continue;
      if (spec->fresh_default && attribute_values_equal(*spec, spec->fresh_default, it->second)) continue;
      write(change, dir, *spec, it->second, nullptr, object);
    }
  }

  void link(const std::string& target, const std::string& link_path, const std::string& object,
            ChangeKind change) {
    emit(change, {OpKind::Symlink, link_path, target, {}}, object, {{OpKind::Unlink, link_path, {}, {}}});
  }

  void unlink(const std::string& target, const std::string& link_path, const std::string& object,
              ChangeKind change, std::string disruption) {
    emit(change, {OpKind::Unlink, link_path, {}, {}}, object, {{OpKind::Symlink, link_path, target, {}}},
         std::nullopt, std::move(disruption));
  }

  void rmdir(ChangeKind change, ObjectKind kind, const std::string& dir, const AttrMap& live_attrs,
             const std::string& object, std::string disruption = {}) {
    emit(change, {OpKind::Rmdir, dir, {}, {}}, object, recreate_ops(kind, dir, live_attrs), std::nullopt,
         std::move(disruption));
  }

  // ---- lookups -------------------------------------------------------------
  const Subsystem* live_subsystem(const std::string& nqn) const { return present_.subsystem(nqn); }
  bool linked_anywhere(const std::string& nqn) const { return present_.linked_anywhere(nqn); }

  // The port's links once the plan is done.
  std::vector<std::string> final_links(const Port& live_port) const {
    if (const Port* p = want_.find_port(live_port.id)) {
      if (p->subsystems) return *p->subsystems;
    } else if (opt_.prune) {
      return {};
    }
    std::vector<std::string> kept;
    for (const auto& nqn : live_port.subsystems.value_or(std::vector<std::string>{}))
      if (!opt_.prune || wanted_.subsystem(nqn)) kept.push_back(nqn);
    return kept;
  }

  std::vector<std::string> final_allowed_hosts(const Subsystem& live_s) const {
    const Subsystem* s = wanted_.subsystem(live_s.nqn);
    if (!s) {
      if (opt_.prune) return {};
    } else {
      if (s->allowed_hosts) return *s->allowed_hosts;
      if (attr_value(s->attrs, "attr_allow_any_host") == "1") return {};
    }
    std::vector<std::string> kept;
    for (const auto& host : live_s.allowed_hosts.value_or(std::vector<std::string>{}))
      if (!opt_.prune || wanted_.host(host)) kept.push_back(host);
    return kept;
  }

  std::string port_object(std::uint16_t id) const { return "port " + std::to_string(id); }
  static std::string subsystem_object(const std::string& nqn) { return "subsystem " + nqn; }
  static std::string namespace_object(const std::string& nqn, std::uint32_t nsid) {
    return "namespace " + std::to_string(nsid) + " of " + nqn;
  }

  // ---- capabilities --------------------------------------------------------
  void check_attrs_supported(ObjectKind kind, const AttrMap& attrs, const AttrLocations& where,
                             const SourceLocation& fallback, const std::string& object) {
    auto seen = live_.attribute_files.find(kind);
    for (const auto& [file, value] : attrs) {
      const AttributeSpec* spec = find_attribute_by_file(kind, file);
      if (!spec) continue;
      bool listed = seen != live_.attribute_files.end() && !seen->second.empty();
      bool present = listed && seen->second.count(file);
      if (present) continue;
      SourceLocation loc = attr_location(where, file, fallback);
      std::string key = std::string(object) + "." + spec->key;
      bool too_old = kernel_.version.known() && spec->since > kernel_.version;
      auto option = spec->needs_config ? kernel_.config.find(spec->needs_config) : kernel_.config.end();
      bool config_off = option != kernel_.config.end() && !option->second;
      bool absent = listed && !present;
      std::string running = kernel_.version.known() ? "this kernel is " + kernel_.version.str() : "this kernel lacks it";
      if (too_old || (absent && !spec->needs_config))
        plan_.problems.error(loc, key, std::string(spec->file) + " needs Linux " + spec->since.str() + " or newer; " + running);
      else if (config_off || absent)
        plan_.problems.error(loc, key, std::string(spec->file) + " needs a kernel built with " + spec->needs_config +
                                           "; this kernel was built without it");
    }
  }

  // Before 6.9 the kernel refuses cntlid_min == cntlid_max (EINVAL); the
  // file alone cannot tell, the running kernel can.
  void check_cntlid_range(const Subsystem& s) {
    if (!kernel_.version.known() || kernel_.version >= KernelVersion{6, 9}) return;
    if (!s.attrs.count("attr_cntlid_min") && !s.attrs.count("attr_cntlid_max")) return;
    const Subsystem* live_s = live_subsystem(s.nqn);
    auto effective = [&](const char* file) {
      if (auto it = s.attrs.find(file); it != s.attrs.end()) return it->second;
      return live_s ? attr_value(live_s->attrs, file)
                    : std::string(find_attribute_by_file(ObjectKind::Subsystem, file)->fresh_default);
    };
    std::string min = effective("attr_cntlid_min"), max = effective("attr_cntlid_max");
    if (min.empty() || min != max) return;
    const char* key = s.attrs.count("attr_cntlid_min") ? "attr_cntlid_min" : "attr_cntlid_max";
    plan_.problems.error(attr_location(s.attr_where, key, s.where),
                         "subsystem " + s.nqn + (s.attrs.count("attr_cntlid_min") ? ".cntlid_min" : ".cntlid_max"),
                         "cntlid_min and cntlid_max are both " + min + ": Linux " + kernel_.version.str() +
                             " needs cntlid_min below cntlid_max (6.9 and later allow them equal)");
  }

  // A subsystem is either passthru or serves namespaces: the kernel refuses
  // passthru/enable=1 beside an enabled namespace (6.19: beside any),
  // accepts a namespace's enable=1 in passthru mode but leaves it at 0, and
  // refuses a version there (the controller's is shown). The file alone is
  // checked by the validator; these are the cases where the live state or
  // the kernel's version decides.
  void check_passthru_exclusive(const Subsystem& s) {
    const Subsystem* live_s = live_subsystem(s.nqn);
    bool live_on = live_s && live_s->passthru_enabled();
    std::string declared_on = s.passthru ? attr_value(s.passthru->attrs, "enable") : "";
    std::string subsystem = "subsystem " + s.nqn;
    bool any_counts = !kernel_.version.known() || kernel_.version >= KernelVersion{6, 19};
    if (live_on && declared_on == "0" && any_counts && keeps_namespace_dirs(s, *live_s))
      plan_.problems.warning(s.passthru->where, subsystem + ".passthru.enable",
                             "if this apply fails after passthru is disabled, its rollback cannot enable it again "
                             "beside the namespaces that stay (Linux 6.19 and later refuse that)");
    if (!(declared_on.empty() ? live_on : declared_on == "1")) return;
    if (live_on && declared_on.empty()) {
      for (const Namespace& ns : s.namespaces) {
        const Namespace* live_ns = live_s->find_namespace(ns.nsid);
        if (attr_value(ns.attrs, "enable") == "1" && !(live_ns && attr_value(live_ns->attrs, "enable") == "1"))
          plan_.problems.error(attr_location(ns.attr_where, "enable", ns.where), namespace_object(s.nqn, ns.nsid) + ".enable",
                               s.nqn + " is in passthru mode (passthru/enable is 1), where the kernel accepts a "
                               "namespace's enable but leaves it at 0; add 'passthru: {enable: false}' to serve namespaces instead");
      }
      auto version = s.attrs.find("attr_version");
      if (version != s.attrs.end() &&
          differs(*find_attribute_by_file(ObjectKind::Subsystem, "attr_version"), version->second, live_s->attrs))
        plan_.problems.error(attr_location(s.attr_where, "attr_version", s.where), subsystem + ".version",
                             s.nqn + " is in passthru mode and shows its controller's version (" +
                                 attr_value(live_s->attrs, "attr_version") +
                                 "), and the kernel refuses another; leave version out, or add "
                                 "'passthru: {enable: false}' to leave passthru mode");
    }
    // This run enables passthru: turned on, or on again after its device changes.
    const AttributeSpec* path = find_attribute_by_file(ObjectKind::Passthru, "device_path");
    bool path_changes = live_on && s.passthru && s.passthru->attrs.count("device_path") &&
                        differs(*path, s.passthru->attrs.at("device_path"), live_s->passthru->attrs);
    // A new subsystem gets passthru before its namespaces (plan_subsystem).
    if ((live_on && !path_changes) || !live_s) return;
    auto refuse = [&](std::uint32_t nsid, bool enabled, bool declared) {
      bool exists = live_s->find_namespace(nsid);
      plan_.problems.error(s.passthru ? s.passthru->where : s.where, subsystem + ".passthru.enable",
                           "namespace " + std::to_string(nsid) + " of " + s.nqn +
                               (enabled ? " is enabled" : exists ? " exists" : " is declared") +
                               (declared ? "" : " and the file does not declare it") +
                               "; the kernel refuses passthru beside " +
                               (enabled ? "an enabled namespace" : "any namespace (Linux 6.19 and later)") +
                               (declared ? ": leave it out of the file" : "") + ", and remove it with --prune");
    };
    for (const Namespace& ns : s.namespaces) {  // the validator refused those declared enabled
      const Namespace* live_ns = live_s->find_namespace(ns.nsid);
      bool enabled = !ns.attrs.count("enable") && live_ns && attr_value(live_ns->attrs, "enable") == "1";
      if (enabled || (any_counts && attr_value(ns.attrs, "enable") != "1")) refuse(ns.nsid, enabled, true);
    }
    if (opt_.prune) return;  // pruned namespaces go first
    for (const Namespace& live_ns : live_s->namespaces) {
      bool enabled = attr_value(live_ns.attrs, "enable") == "1";
      if (!s.find_namespace(live_ns.nsid) && (enabled || any_counts)) refuse(live_ns.nsid, enabled, false);
    }
  }

  // Namespace directories the subsystem still has when the plan is done.
  bool keeps_namespace_dirs(const Subsystem& s, const Subsystem& live_s) const {
    if (!s.namespaces.empty()) return true;
    return !opt_.prune && !live_s.namespaces.empty();
  }

  // The version a subsystem shows once its passthru is disabled: the
  // kernel's default (seen on 6.12), 2.1 from 6.14; unknown in between.
  std::optional<std::string> version_after_passthru() const {
    if (!kernel_.version.known()) return std::nullopt;
    if (kernel_.version < KernelVersion{6, 13}) return "1.3";
    if (kernel_.version >= KernelVersion{6, 14}) return "2.1";
    return std::nullopt;
  }

  // What the subsystem's attribute writes find: the live values, with the
  // version a disabled passthru puts back (unknown: erased, so a declared
  // version is written).
  AttrMap attrs_seen_by_writes(const Subsystem& s, const Subsystem& live_s) const {
    AttrMap current = live_s.attrs;
    if (!passthru_turns_off(s, live_s)) return current;
    if (auto version = version_after_passthru()) current["attr_version"] = *version;
    else current.erase("attr_version");
    return current;
  }

  void check_capabilities() {
    for (const Host& h : want_.hosts) {
      AttrMap all = h.attrs;
      for (const auto& [file, path] : h.key_files) all[file] = path;
      check_attrs_supported(ObjectKind::Host, all, h.attr_where, h.where, "host " + h.nqn);
    }
    for (const Subsystem& s : want_.subsystems) {
      check_attrs_supported(ObjectKind::Subsystem, s.attrs, s.attr_where, s.where, "subsystem " + s.nqn);
      check_cntlid_range(s);
      for (const Namespace& ns : s.namespaces)
        check_attrs_supported(ObjectKind::Namespace, ns.attrs, ns.attr_where, ns.where,
                              namespace_object(s.nqn, ns.nsid));
      check_passthru_exclusive(s);
      // A bare 'passthru: {enable: false}' asks nothing of a kernel without passthru.
      bool only_off = s.passthru && s.passthru->attrs == AttrMap{{"enable", "0"}};
      if (s.passthru && !only_off) {
        auto option = kernel_.config.find("CONFIG_NVME_TARGET_PASSTHRU");
        bool missing = option != kernel_.config.end() && !option->second;
        if (const Subsystem* live_s = live_subsystem(s.nqn); live_s && !live_s->passthru) missing = true;
        if (missing)
          plan_.problems.error(s.passthru->where, "subsystem " + s.nqn + ".passthru",
                               "passthru needs a kernel built with CONFIG_NVME_TARGET_PASSTHRU; this kernel "
                               "was built without it");
      }
    }
    for (const Port& p : want_.ports) {
      check_attrs_supported(ObjectKind::Port, p.attrs, p.attr_where, p.where, port_object(p.id));
      for (const Referral& r : p.referrals)
        check_attrs_supported(ObjectKind::Referral, r.attrs, r.attr_where, r.where,
                              port_object(p.id) + " referral " + r.name);
    }
  }

  // ---- decisions -----------------------------------------------------------
  void decide_replacements() {
    for (const Subsystem& s : want_.subsystems) {
      const Subsystem* live_s = live_subsystem(s.nqn);
      // An unexposed subsystem's identity is writable unless a host identified
      // it while it was linked, which configfs does not show. A write is
      // tried; --allow-recreate asks for the recreate that always works.
      if (!live_s || (!linked_anywhere(s.nqn) && !opt_.allow_recreate)) continue;
      std::vector<std::string> frozen;
      AttrMap current_attrs = attrs_seen_by_writes(s, *live_s);
      for (const AttributeSpec* spec : attributes_of(ObjectKind::Subsystem)) {
        auto it = s.attrs.find(spec->file);
        if (!is_identity(*spec) || it == s.attrs.end() || !differs(*spec, it->second, current_attrs)) continue;
        std::string current = attr_value(live_s->attrs, spec->file);
        while (!current.empty() && current.back() == ' ') current.pop_back();  // serial padding
        frozen.push_back(std::string(spec->key) + ": desired '" + it->second + "', current '" + current + "'");
      }
      if (frozen.empty()) continue;
      replaced_.insert(s.nqn);
      if (!opt_.allow_recreate) {
        std::string text;
        for (const auto& f : frozen) text += (text.empty() ? "" : "; ") + f;
        plan_.problems.error(s.where, "subsystem " + s.nqn,
                             text + ". The kernel freezes these once a host has identified the subsystem, "
                                    "so it must be recreated, which drops every connected host; re-run with "
                                    "--allow-recreate to do that");
      }
    }
  }

  void decide_port_relinks() {
    for (const Port& p : want_.ports) {
      const Port* live_p = have_.find_port(p.id);
      if (!live_p || !live_p->enabled()) continue;
      for (const auto& [file, value] : p.attrs) {
        const AttributeSpec* spec = find_attribute_by_file(ObjectKind::Port, file);
        if (spec && spec->mutability == Mutability::WhilePortDisabled && differs(*spec, value, live_p->attrs)) {
          relinked_ports_.insert(p.id);
          break;
        }
      }
    }
  }

  // ---- phases --------------------------------------------------------------
  void detach_links() {
    for (const Port& live_p : have_.ports) {
      if (!live_p.subsystems) continue;
      auto keep = final_links(live_p);
      bool relink = relinked_ports_.count(live_p.id) > 0;
      std::size_t unlinked = 0;
      for (const auto& nqn : *live_p.subsystems) {
        std::string why;
        if (relink) {
          why = "port " + std::to_string(live_p.id) + " stops listening while its address or parameters change; "
                "hosts on it reconnect";
        } else if (replaced_.count(nqn)) {
          why = "subsystem " + nqn + " is recreated; its hosts on port " + std::to_string(live_p.id) + " are dropped";
        } else if (!contains(keep, nqn)) {
          why = "hosts connected to " + nqn + " through port " + std::to_string(live_p.id) + " are dropped";
        } else {
          continue;
        }
        detached_.insert({live_p.id, nqn});
        bool removing = !contains(keep, nqn);
        unlink(L_.subsystem(nqn), L_.port_link(live_p.id, nqn), port_object(live_p.id),
               removing && !want_.find_port(live_p.id) ? ChangeKind::Remove : ChangeKind::Update, why);
        ++unlinked;
      }
      if (unlinked > 0 && unlinked == live_p.subsystems->size()) restore_enable_time_params(live_p);
    }
    for (const Subsystem& live_s : have_.subsystems) {
      if (!live_s.allowed_hosts) continue;
      auto keep = final_allowed_hosts(live_s);
      for (const auto& host : *live_s.allowed_hosts) {
        if (contains(keep, host) && !replaced_.count(live_s.nqn)) continue;
        ChangeKind kind = replaced_.count(live_s.nqn)         ? ChangeKind::Replace
                          : wanted_.subsystem(live_s.nqn) ? ChangeKind::Update
                                                             : ChangeKind::Remove;
        unlink(L_.host(host), L_.allowed_host_link(live_s.nqn, host), subsystem_object(live_s.nqn), kind,
               "new connections from " + host + " are refused (connected ones stay)");
      }
    }
  }

  // The kernel rewrites some parameters whenever it enables a port, even
  // when that fails (a refused rdma bind leaves max_queue_size clamped to
  // 256). The undo of the unlink that disabled the port runs first in a
  // rollback: it writes them back while the port is still disabled, then
  // relinks.
  void restore_enable_time_params(const Port& live_p) {
    std::vector<Operation>& undo = plan_.steps.back().undo;
    std::vector<Operation> params;
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Port)) {
      std::string value = attr_value(live_p.attrs, spec->file);
      if (spec->kernel_rewrites && !value.empty())
        params.push_back({OpKind::Write, L_.port(live_p.id) + "/" + spec->file, value, {}});
    }
    undo.insert(undo.begin(), params.begin(), params.end());
  }

  // A subsystem's rmdir takes its passthru settings with it: the undo brings
  // them back after recreating the subsystem (enable last, by table order).
  void rmdir_subsystem(ChangeKind change, const Subsystem& live_s, std::string disruption = {}) {
    rmdir(change, ObjectKind::Subsystem, L_.subsystem(live_s.nqn), live_s.attrs, subsystem_object(live_s.nqn),
          std::move(disruption));
    if (!live_s.passthru) return;
    auto restore = restore_attribute_writes(ObjectKind::Passthru, L_.passthru(live_s.nqn), live_s.passthru->attrs);
    std::vector<Operation>& undo = plan_.steps.back().undo;
    undo.insert(undo.end(), restore.begin(), restore.end());
  }

  void remove_replaced_subsystems() {
    for (const auto& nqn : replaced_) {
      const Subsystem* live_s = live_subsystem(nqn);
      std::string object = subsystem_object(nqn);
      for (const Namespace& ns : live_s->namespaces)
        rmdir(ChangeKind::Replace, ObjectKind::Namespace, L_.namespace_dir(nqn, ns.nsid), ns.attrs, object);
      rmdir_subsystem(ChangeKind::Replace, *live_s,
                      linked_anywhere(nqn) ? "the subsystem is recreated: every connected host loses it" : "");
    }
  }

  void plan_host(const Host& h) {
    const Host* live_h = present_.host(h.nqn);
    std::string object = "host " + h.nqn;
    if (!live_h) {
      mkdir(ChangeKind::Create, L_.host(h.nqn), object);
      write_fresh(L_.host(h.nqn), ObjectKind::Host, h.attrs, object);
      return;
    }
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Host)) {
      auto it = h.attrs.find(spec->file);
      if (it != h.attrs.end() && differs(*spec, it->second, live_h->attrs))
        write(ChangeKind::Update, L_.host(h.nqn), *spec, it->second, &live_h->attrs, object,
              spec->type == ValueType::Secret ? "applies at each host's next authentication" : "");
    }
  }

  void plan_subsystem(const Subsystem& s) {
    std::string object = subsystem_object(s.nqn);
    std::string dir = L_.subsystem(s.nqn);
    const Subsystem* live_s = replaced_.count(s.nqn) ? nullptr : live_subsystem(s.nqn);
    bool replacing = replaced_.count(s.nqn) > 0;
    ChangeKind fresh_kind = replacing ? ChangeKind::Replace : ChangeKind::Create;
    // Leaving passthru mode comes first: until then the kernel refuses a
    // version and ignores a namespace's enable.
    bool leaves_passthru = live_s && passthru_turns_off(s, *live_s);
    // Pruned namespaces go first: before passthru is enabled (the kernel
    // refuses it beside them), and, when it is disabled, so that a rollback
    // re-enables it before they come back (6.19 refuses any beside it).
    if (opt_.prune && live_s) prune_namespaces(s, *live_s);
    if (leaves_passthru) plan_passthru(s, live_s, fresh_kind);
    if (!live_s) {
      const Subsystem* old = live_subsystem(s.nqn);
      AttrMap attrs = old ? declared_over_live(s.attrs, old->attrs) : s.attrs;
      // The version a passthru subsystem shows is its controller's.
      if (old && old->passthru_enabled() && !s.attrs.count("attr_version"))
        attrs.erase("attr_version");
      mkdir(fresh_kind, dir, object);
      write_fresh(dir, ObjectKind::Subsystem, attrs, object, fresh_kind);
    } else {
      update_subsystem_attrs(s, *live_s, attrs_seen_by_writes(s, *live_s), object);
    }
    // Host links after allow_any_host=0 is written; removals happened in detach.
    std::vector<std::string> hosts = s.allowed_hosts ? *s.allowed_hosts : std::vector<std::string>{};
    if (!s.allowed_hosts && replacing) hosts = final_allowed_hosts(*live_subsystem(s.nqn));
    for (const auto& host : hosts) {
      bool present = live_s && live_s->allowed_hosts && contains(*live_s->allowed_hosts, host);
      if (!present)
        link(L_.host(host), L_.allowed_host_link(s.nqn, host), object, live_s ? ChangeKind::Update : fresh_kind);
    }
    // A new subsystem that ends in passthru mode gets passthru before its
    // namespaces (all disabled then): 6.19 refuses it beside any.
    const Subsystem* old = live_subsystem(s.nqn);
    bool carries_passthru = !s.passthru && replacing && old->passthru;
    bool passthru_first = !live_s && (s.passthru ? s.passthru_enabled() : carries_passthru && old->passthru_enabled());
    if (passthru_first) plan_new_passthru(s, carries_passthru ? old : nullptr, fresh_kind);
    for (const Namespace& ns : s.namespaces) {
      // Recreated, a namespace keeps its uuid, nguid, ANA group and enable,
      // or hosts see a new device.
      const Namespace* old_ns = replacing ? live_subsystem(s.nqn)->find_namespace(ns.nsid) : nullptr;
      Namespace carried = ns;
      if (old_ns) carried.attrs = declared_over_live(ns.attrs, old_ns->attrs);
      plan_namespace(s, carried, live_s, fresh_kind);
    }
    if (replacing && !opt_.prune)  // bring back namespaces the file does not declare
      for (const Namespace& ns : live_subsystem(s.nqn)->namespaces)
        if (!s.find_namespace(ns.nsid)) {
          auto ops = recreate_ops(ObjectKind::Namespace, L_.namespace_dir(s.nqn, ns.nsid), ns.attrs);
          mkdir(ChangeKind::Replace, ops.front().path, namespace_object(s.nqn, ns.nsid));
          for (size_t i = 1; i < ops.size(); ++i)
            emit(ChangeKind::Replace, ops[i], namespace_object(s.nqn, ns.nsid));
        }
    if (passthru_first || leaves_passthru) return;
    if (s.passthru) plan_passthru(s, live_s, fresh_kind);
    else if (carries_passthru) plan_new_passthru(s, old, fresh_kind);
  }

  // The passthru of a subsystem this run creates: the file's, or, recreated,
  // the one the file leaves to the kernel (`carried_from`).
  void plan_new_passthru(const Subsystem& s, const Subsystem* carried_from, ChangeKind fresh_kind) {
    if (!carried_from) return plan_passthru(s, nullptr, fresh_kind);
    Subsystem carried = s;
    carried.passthru = carried_from->passthru;
    plan_passthru(carried, nullptr, fresh_kind);
  }

  static bool passthru_turns_off(const Subsystem& s, const Subsystem& live_s) {
    return s.passthru && attr_value(s.passthru->attrs, "enable") == "0" && live_s.passthru_enabled();
  }

  void prune_namespaces(const Subsystem& s, const Subsystem& live_s) {
    for (const Namespace& ns : live_s.namespaces)
      if (!s.find_namespace(ns.nsid))
        rmdir(ChangeKind::Remove, ObjectKind::Namespace, L_.namespace_dir(s.nqn, ns.nsid), ns.attrs,
              namespace_object(s.nqn, ns.nsid), "namespace " + std::to_string(ns.nsid) + " disappears from hosts");
  }

  // `current` is what the kernel shows when these writes run.
  void update_subsystem_attrs(const Subsystem& s, const Subsystem& live_s, const AttrMap& current,
                              const std::string& object) {
    std::string dir = L_.subsystem(s.nqn);
    std::vector<const AttributeSpec*> specs = attributes_of(ObjectKind::Subsystem);
    // Never let cntlid_min cross cntlid_max: raise max first when min moves above it.
    auto min_it = s.attrs.find("attr_cntlid_min");
    if (min_it != s.attrs.end() && parse_number<long long>(min_it->second).value_or(0) >=
                                       parse_number<long long>(attr_value(live_s.attrs, "attr_cntlid_max")).value_or(0)) {
      auto min_pos = std::find_if(specs.begin(), specs.end(), [](auto* sp) { return std::string(sp->file) == "attr_cntlid_min"; });
      auto max_pos = std::find_if(specs.begin(), specs.end(), [](auto* sp) { return std::string(sp->file) == "attr_cntlid_max"; });
      std::iter_swap(min_pos, max_pos);
    }
    for (const AttributeSpec* spec : specs) {
      auto it = s.attrs.find(spec->file);
      if (it == s.attrs.end() || !differs(*spec, it->second, current)) continue;
      std::string disruption;
      if (spec->drops_controllers && (!kernel_.version.known() || kernel_.version >= KernelVersion{6, 3}))
        disruption = "writing qid_max makes the kernel drop every controller of the subsystem";
      if (std::string(spec->file) == "attr_allow_any_host" && it->second == "0")
        disruption = "hosts not in allowed_hosts can no longer connect (connected ones stay)";
      write(ChangeKind::Update, dir, *spec, it->second, &live_s.attrs, object, disruption);
    }
  }

  void plan_namespace(const Subsystem& s, const Namespace& ns, const Subsystem* live_s, ChangeKind fresh_kind) {
    std::string object = namespace_object(s.nqn, ns.nsid);
    std::string dir = L_.namespace_dir(s.nqn, ns.nsid);
    const Namespace* live_ns = live_s ? live_s->find_namespace(ns.nsid) : nullptr;
    if (!live_ns) {
      ChangeKind kind = live_s ? ChangeKind::Create : fresh_kind;
      mkdir(kind, dir, object);
      write_fresh(dir, ObjectKind::Namespace, ns.attrs, object, kind);
      return;
    }
    std::vector<const AttributeSpec*> changes;
    bool needs_disable = false;
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Namespace)) {
      auto it = ns.attrs.find(spec->file);
      if (it == ns.attrs.end() || std::string(spec->file) == "enable") continue;
      if (!differs(*spec, it->second, live_ns->attrs)) continue;
      changes.push_back(spec);
      if (spec->mutability == Mutability::WhileNamespaceDisabled) needs_disable = true;
    }
    const AttributeSpec* enable = find_attribute_by_file(ObjectKind::Namespace, "enable");
    bool live_enabled = attr_value(live_ns->attrs, "enable") == "1";
    std::string want_enable = ns.attrs.count("enable") ? ns.attrs.at("enable") : (live_enabled ? "1" : "0");
    bool cycle = needs_disable && live_enabled;
    if (cycle)
      write(ChangeKind::Update, dir, *enable, "0", &live_ns->attrs, object,
            "namespace " + std::to_string(ns.nsid) + " disappears from hosts while its device changes");
    for (const AttributeSpec* spec : changes)
      write(ChangeKind::Update, dir, *spec, ns.attrs.at(spec->file), &live_ns->attrs, object);
    bool now_enabled = cycle ? false : live_enabled;
    if ((want_enable == "1") != now_enabled) {
      AttrMap after = live_ns->attrs;
      after["enable"] = now_enabled ? "1" : "0";
      write(ChangeKind::Update, dir, *enable, want_enable, &after, object,
            want_enable == "0" ? "namespace " + std::to_string(ns.nsid) + " disappears from hosts" : "");
    }
  }

  void plan_passthru(const Subsystem& s, const Subsystem* live_s, ChangeKind fresh_kind) {
    std::string object = subsystem_object(s.nqn) + " passthru";
    std::string dir = L_.passthru(s.nqn);
    const Passthru* live_pt = live_s && live_s->passthru ? &*live_s->passthru : nullptr;
    if (!live_pt) {
      write_fresh(dir, ObjectKind::Passthru, s.passthru->attrs, object, fresh_kind);
      return;
    }
    bool path_changes = s.passthru->attrs.count("device_path") &&
                        differs(*find_attribute_by_file(ObjectKind::Passthru, "device_path"),
                                s.passthru->attrs.at("device_path"), live_pt->attrs);
    bool live_enabled = attr_value(live_pt->attrs, "enable") == "1";
    const AttributeSpec* enable = find_attribute_by_file(ObjectKind::Passthru, "enable");
    if (path_changes && live_enabled)
      write(ChangeKind::Update, dir, *enable, "0", &live_pt->attrs, object,
            "the passthru controller is detached while its device changes");
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Passthru)) {
      auto it = s.passthru->attrs.find(spec->file);
      if (it == s.passthru->attrs.end() || spec == enable) continue;
      if (differs(*spec, it->second, live_pt->attrs))
        write(ChangeKind::Update, dir, *spec, it->second, &live_pt->attrs, object);
    }
    std::string want_enable = s.passthru->attrs.count("enable") ? s.passthru->attrs.at("enable") : (live_enabled ? "1" : "0");
    bool now_enabled = (path_changes && live_enabled) ? false : live_enabled;
    if ((want_enable == "1") != now_enabled) {
      AttrMap after = live_pt->attrs;
      after["enable"] = now_enabled ? "1" : "0";
      write(ChangeKind::Update, dir, *enable, want_enable, &after, object,
            want_enable == "0" ? "the passthru controller disappears from hosts" : "");
      // Disabling it again in a rollback resets the version to the kernel's
      // default; a version set by hand is written back after.
      std::string version = attr_value(live_s->attrs, "attr_version");
      auto reset_to = version_after_passthru();
      if (want_enable == "1" && !live_enabled && !version.empty() && reset_to && *reset_to != version) {
        plan_.steps.back().undo.push_back({OpKind::Write, L_.subsystem(s.nqn) + "/attr_version", version, {}});
        if (linked_anywhere(s.nqn))
          plan_.problems.warning(s.passthru->where, "subsystem " + s.nqn + ".passthru.enable",
                                 "if this apply fails after passthru is enabled, its rollback cannot restore version " +
                                     version + " once a host has identified the subsystem (disabling passthru "
                                     "resets it to " + *reset_to + ")");
      }
    }
  }

  void plan_port(const Port& p) {
    std::string object = port_object(p.id);
    std::string dir = L_.port(p.id);
    const Port* live_p = have_.find_port(p.id);
    if (!live_p) {
      mkdir(ChangeKind::Create, dir, object);
      write_fresh(dir, ObjectKind::Port, p.attrs, object);
    } else {
      update_port_attrs(p, *live_p, dir, object);
    }
    for (const AnaGroup& g : p.ana_groups) plan_ana_group(p, g, live_p);
    for (const Referral& r : p.referrals) plan_referral(p, r, live_p);
  }

  // The kernel couples three port attributes: a trtype write resets tsas (tcp:
  // none, rdma: connected), and a tsas write moves treq (tls1.3 makes 'not
  // specified' 'required'; none makes it 'not specified'). Each write is
  // compared with what the kernel will show by then, and the undo of a
  // trtype or tsas write restores the attributes it moved, in forward order,
  // so a rollback in reverse ends where the port began.
  void update_port_attrs(const Port& p, const Port& live_p, const std::string& dir, const std::string& object) {
    AttrMap expected = live_p.attrs;
    auto changes = [&](const char* file) {
      auto it = p.attrs.find(file);
      const AttributeSpec* spec = find_attribute_by_file(ObjectKind::Port, file);
      return it != p.attrs.end() && spec && differs(*spec, it->second, live_p.attrs);
    };
    bool trtype_changes = changes("addr_trtype");
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Port)) {
      std::string file = spec->file;
      auto it = p.attrs.find(file);
      if (it == p.attrs.end() || !differs(*spec, it->second, expected)) continue;
      write(ChangeKind::Update, dir, *spec, it->second, &expected, object);  // old: as the kernel shows it then
      std::vector<Operation>& undo = plan_.steps.back().undo;
      auto restore = [&](const char* moved) {
        std::string old = attr_value(live_p.attrs, moved);
        if (!old.empty()) undo.push_back({OpKind::Write, dir + "/" + moved, old, {}});
      };
      expected[file] = it->second;
      if (file == "addr_trtype") {
        if (expected.count("addr_tsas")) {
          expected["addr_tsas"] = it->second == "tcp" ? "none" : it->second == "rdma" ? "connected" : "";
          if (attr_value(live_p.attrs, "addr_trtype") == "tcp") restore("addr_tsas");
        }
        restore("addr_treq");
      } else if (file == "addr_tsas") {
        std::string& treq = expected["addr_treq"];
        if (it->second == "tls1.3" && treq == "not specified") treq = "required";
        if (it->second == "none") treq = "not specified";
        if (trtype_changes) undo.clear();  // the trtype write's undo restores tsas and treq
        else restore("addr_treq");
      } else if (file == "addr_treq" && (trtype_changes || changes("addr_tsas"))) {
        undo.clear();  // restored by the trtype or tsas write's undo
      }
    }
  }

  void plan_ana_group(const Port& p, const AnaGroup& g, const Port* live_p) {
    std::string object = port_object(p.id) + " ana group " + std::to_string(g.id);
    std::string dir = L_.ana_group(p.id, g.id);
    const AttributeSpec* state = find_attribute_by_file(ObjectKind::AnaGroup, "ana_state");
    const AnaGroup* live_g = live_p ? live_p->find_ana_group(g.id) : nullptr;
    bool exists = live_g || g.id == 1;  // group 1 comes with every port
    if (!exists) {
      mkdir(ChangeKind::Create, dir, object);
      if (g.attrs.count("ana_state")) write(ChangeKind::Create, dir, *state, g.attrs.at("ana_state"), nullptr, object);
      return;
    }
    if (!g.attrs.count("ana_state")) return;
    AttrMap live_attrs = live_g ? live_g->attrs : AttrMap{{"ana_state", "optimized"}};
    if (differs(*state, g.attrs.at("ana_state"), live_attrs))
      write(live_g ? ChangeKind::Update : ChangeKind::Create, dir, *state, g.attrs.at("ana_state"),
            &live_attrs, object);
  }

  void plan_referral(const Port& p, const Referral& r, const Port* live_p) {
    std::string object = port_object(p.id) + " referral " + r.name;
    std::string dir = L_.referral(p.id, r.name);
    const Referral* live_r = live_p ? live_p->find_referral(r.name) : nullptr;
    if (!live_r) {
      mkdir(ChangeKind::Create, dir, object);
      write_fresh(dir, ObjectKind::Referral, r.attrs, object);
      return;
    }
    const AttributeSpec* enable = find_attribute_by_file(ObjectKind::Referral, "enable");
    std::vector<const AttributeSpec*> changes;
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Referral)) {
      auto it = r.attrs.find(spec->file);
      if (spec != enable && it != r.attrs.end() && differs(*spec, it->second, live_r->attrs)) changes.push_back(spec);
    }
    bool live_enabled = attr_value(live_r->attrs, "enable") == "1";
    bool cycle = !changes.empty() && live_enabled;
    if (cycle) write(ChangeKind::Update, dir, *enable, "0", &live_r->attrs, object);
    for (const AttributeSpec* spec : changes)
      write(ChangeKind::Update, dir, *spec, r.attrs.at(spec->file), &live_r->attrs, object);
    std::string want_enable = r.attrs.count("enable") ? r.attrs.at("enable") : (live_enabled ? "1" : "0");
    bool now_enabled = cycle ? false : live_enabled;
    if ((want_enable == "1") != now_enabled) {
      AttrMap after = live_r->attrs;
      after["enable"] = now_enabled ? "1" : "0";
      write(ChangeKind::Update, dir, *enable, want_enable, &after, object);
    }
  }

  void attach_links() {
    auto attach = [&](std::uint16_t id, const std::vector<std::string>& wanted,
                      const std::vector<std::string>& live_links, ChangeKind kind) {
      for (const auto& nqn : wanted) {
        bool still_linked = contains(live_links, nqn) && !detached_.count({id, nqn});
        if (!still_linked) link(L_.subsystem(nqn), L_.port_link(id, nqn), port_object(id), kind);
      }
    };
    for (const Port& p : want_.ports) {
      const Port* live_p = have_.find_port(p.id);
      std::vector<std::string> live_links = live_p && live_p->subsystems ? *live_p->subsystems : std::vector<std::string>{};
      // final_links: a port whose file entry leaves its links alone keeps them,
      // less (with --prune) those to subsystems the file does not declare.
      std::vector<std::string> wanted = live_p ? final_links(*live_p) : p.subsystems.value_or(std::vector<std::string>{});
      attach(p.id, wanted, live_links, live_p ? ChangeKind::Update : ChangeKind::Create);
    }
    if (opt_.prune) return;
    for (const Port& live_p : have_.ports)  // undeclared ports get back links of recreated subsystems
      if (!want_.find_port(live_p.id) && live_p.subsystems)
        attach(live_p.id, *live_p.subsystems, *live_p.subsystems, ChangeKind::Update);
  }

  void prune() {  // a declared subsystem's undeclared namespaces went in plan_subsystem
    for (const Port& live_p : have_.ports) {
      const Port* p = want_.find_port(live_p.id);
      for (const Referral& r : live_p.referrals)
        if (!p || !p->find_referral(r.name))
          rmdir(ChangeKind::Remove, ObjectKind::Referral, L_.referral(live_p.id, r.name), r.attrs,
                port_object(live_p.id) + " referral " + r.name);
      for (const AnaGroup& g : live_p.ana_groups)
        if (g.id != 1 && (!p || !p->find_ana_group(g.id)))
          rmdir(ChangeKind::Remove, ObjectKind::AnaGroup, L_.ana_group(live_p.id, g.id), g.attrs,
                port_object(live_p.id) + " ana group " + std::to_string(g.id));
      if (!p) rmdir(ChangeKind::Remove, ObjectKind::Port, L_.port(live_p.id), live_p.attrs, port_object(live_p.id));
    }
    for (const Subsystem& live_s : have_.subsystems) {
      if (wanted_.subsystem(live_s.nqn)) continue;
      for (const Namespace& ns : live_s.namespaces)
        rmdir(ChangeKind::Remove, ObjectKind::Namespace, L_.namespace_dir(live_s.nqn, ns.nsid), ns.attrs,
              subsystem_object(live_s.nqn));
      rmdir_subsystem(ChangeKind::Remove, live_s);
    }
    std::set<std::string> still_allowed;
    for (const Subsystem& live_s : have_.subsystems)
      for (const auto& host : final_allowed_hosts(live_s)) still_allowed.insert(host);
    for (const Subsystem& s : want_.subsystems)
      if (s.allowed_hosts) still_allowed.insert(s.allowed_hosts->begin(), s.allowed_hosts->end());
    for (const Host& live_h : have_.hosts)
      if (!wanted_.host(live_h.nqn) && !still_allowed.count(live_h.nqn))
        rmdir(ChangeKind::Remove, ObjectKind::Host, L_.host(live_h.nqn), live_h.attrs, "host " + live_h.nqn);
  }

  void list_unmanaged() {
    for (const Host& h : have_.hosts)
      if (!wanted_.host(h.nqn)) plan_.unmanaged.push_back("host " + h.nqn);
    for (const Subsystem& live_s : have_.subsystems) {
      const Subsystem* s = wanted_.subsystem(live_s.nqn);
      if (!s) {
        plan_.unmanaged.push_back(subsystem_object(live_s.nqn));
        continue;
      }
      for (const Namespace& ns : live_s.namespaces)
        if (!s->find_namespace(ns.nsid)) plan_.unmanaged.push_back(namespace_object(s->nqn, ns.nsid));
    }
    for (const Port& live_p : have_.ports) {
      const Port* p = want_.find_port(live_p.id);
      if (!p) {
        plan_.unmanaged.push_back(port_object(live_p.id));
        continue;
      }
      for (const Referral& r : live_p.referrals)
        if (!p->find_referral(r.name)) plan_.unmanaged.push_back(port_object(p->id) + " referral " + r.name);
      for (const AnaGroup& g : live_p.ana_groups)
        if (g.id != 1 && !p->find_ana_group(g.id))
          plan_.unmanaged.push_back(port_object(p->id) + " ana group " + std::to_string(g.id));
    }
  }

  const Target& want_;
  const Target& have_;
  const TargetIndex wanted_;
  const TargetIndex present_;
  const LiveState& live_;
  const NvmetLayout& L_;
  const KernelFacts& kernel_;
  const PlanOptions& opt_;
  Plan plan_;
  std::set<std::string> replaced_;
  std::set<std::uint16_t> relinked_ports_;
  std::set<std::pair<std::uint16_t, std::string>> detached_;
};

}  // namespace

Plan plan_configfs(const Target& desired, const LiveState& live, const NvmetLayout& layout,
                   const KernelFacts& kernel, const PlanOptions& options) {
  return ConfigfsPlanner(desired, live, layout, kernel, options).run();
}

Plan plan_teardown(const LiveState& live, const NvmetLayout& layout) {
  Target nothing;
  PlanOptions prune_all;
  prune_all.prune = true;
  return ConfigfsPlanner(nothing, live, layout, KernelFacts{}, prune_all).run();
}

}  // namespace nvmetctl
