#include <algorithm>
#include "nvmetctl/util/phase_profile.h"
#include <cstdlib>
#include <optional>

#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/model/target_index.h"

namespace nvmetctl {
namespace {

// Attributes without a show function (revalidate_size) cannot be read.
bool is_write_only(const std::string& name) { return name == "revalidate_size"; }

// Attributes the planner reads even when the file does not declare them,
// because its decisions depend on them.
bool always_needed(ObjectKind kind, const std::string& file) {
  switch (kind) {
    case ObjectKind::Namespace:
    case ObjectKind::Referral:
    case ObjectKind::Passthru:
      return file == "enable";
    case ObjectKind::Subsystem:
      return file == "attr_allow_any_host";
    case ObjectKind::Port:
      return file == "addr_trtype";
    default:
      return false;
  }
}

class LiveTreeReader {
 public:
  LiveTreeReader(const ConfigFs& fs, const NvmetLayout& layout, const ReadScope& scope)
      : fs_(fs), layout_(layout), scope_(scope) {
    // Each live host and subsystem is looked up in these by name: with
    // Target's linear find_*, reading 4096 subsystems was quadratic.
    if (declared()) declared_index_.emplace(*declared());
    if (scope_.unchanged) unchanged_index_.emplace(scope_.unchanged->target);
  }

  Expected<LiveState> read() {
    LiveState state;
    state.configfs_mounted = fs_.exists(layout_.mount());
    state.nvmet_loaded = fs_.exists(layout_.root());
    if (!state.nvmet_loaded) return state;
    auto root = fs_.list(layout_.root());
    if (!root) return root.error();
    for (const auto& entry : *root)
      if (entry.type == EntryType::File) state.root_attrs.insert(entry.name);
    if (state.root_attrs.count("discovery_nqn")) {
      auto discovery_nqn = fs_.read(layout_.root() + "/discovery_nqn");
      if (!discovery_nqn) return discovery_nqn.error();
      state.target.discovery_nqn = *discovery_nqn;
    }
    if (auto r = read_hosts(state.target); !r) return r.error();
    if (auto r = read_subsystems(state.target); !r) return r.error();
    if (auto r = read_ports(state.target); !r) return r.error();
    // A kind whose objects were all kept still has its files on record.
    if (scope_.unchanged)
      for (const auto& [kind, files] : scope_.unchanged->attribute_files) attribute_files_.emplace(kind, files);
    state.attribute_files = std::move(attribute_files_);
    return state;
  }

 private:
  // configfs links only where links belong (allowed_hosts, a port's
  // subsystems); a symlink anywhere else is a tree that is not configfs,
  // and following it would read what it points to.
  static Expected<void> no_symlinks(const std::string& dir, const std::vector<DirEntry>& entries) {
    for (const auto& entry : entries)
      if (entry.type == EntryType::Symlink)
        return logic_error("list", dir, entry.name + " is a symlink; configfs has none here");
    return {};
  }

  Expected<std::vector<std::string>> child_names(const std::string& dir, EntryType type) {
    auto entries = fs_.list(dir);
    if (!entries) return entries.error();
    if (type != EntryType::Symlink)
      if (auto r = no_symlinks(dir, *entries); !r) return r.error();
    std::vector<std::string> names;
    for (const auto& entry : *entries)
      if (entry.type == type) names.push_back(entry.name);
    std::sort(names.begin(), names.end());
    return names;
  }

  // Which attribute files (and default groups) an object of `kind` has is a
  // property of the kernel, not of the object: list the first one, then go
  // straight to the files. On a big target this halves the syscalls.
  Expected<const std::set<std::string>*> files_of(ObjectKind kind, const std::string& dir) {
    auto known = attribute_files_.find(kind);
    if (known != attribute_files_.end()) return &known->second;
    auto entries = fs_.list(dir);
    if (!entries) return entries.error();
    if (auto r = no_symlinks(dir, *entries); !r) return r.error();
    auto& files = attribute_files_[kind];
    for (const auto& entry : *entries) {
      if (entry.type == EntryType::File) files.insert(entry.name);
      if (entry.type == EntryType::Directory) groups_[kind].insert(entry.name);
    }
    return &files;
  }

  bool has_group(ObjectKind kind, const std::string& name) const {
    auto it = groups_.find(kind);
    return it != groups_.end() && it->second.count(name) > 0;
  }

  // `declared` is the matching object in the file, or null when it has none.
  Expected<void> read_attrs(const std::string& dir, ObjectKind kind, const AttrMap* declared,
                            AttrMap& out) {
    auto files = files_of(kind, dir);
    if (!files) return files.error();
    // One path buffer for the object's files: on a big target every
    // attribute read otherwise allocates its path anew.
    std::string path = dir + "/";
    const std::size_t dir_length = path.size();
    for (const auto& file : **files) {
      if (is_write_only(file)) continue;
      bool wanted = scope_.all_attributes || !declared || declared->count(file) || always_needed(kind, file) ||
                    (file == "attr_cntlid_max" && declared->count("attr_cntlid_min"));
      if (!wanted) continue;
      path.resize(dir_length);
      path += file;
      auto value = fs_.read(path);
      // A newer kernel's file this nvmetctl does not know may be write-only
      // (no show, so open refuses): nothing to keep, and no reason to fail.
      if (!value && is_extra_attribute(kind, file)) continue;
      if (!value) return value.error();
      // Files come in name order, so each goes at the end of the map.
      out.insert_or_assign(out.end(), file, std::move(*value));
    }
    return {};
  }

  Expected<std::vector<std::string>> link_targets(const std::string& dir) {
    auto links = child_names(dir, EntryType::Symlink);
    if (!links) return links.error();
    std::vector<std::string> targets;
    for (const auto& link : *links) {
      auto target = fs_.read_link(dir + "/" + link);
      if (!target) return target.error();
      // nvmet knows a link only by its target; its own name is free-form.
      std::string base = target->substr(target->find_last_of('/') + 1);
      targets.push_back(base);
    }
    return targets;
  }

  const Target* declared() const { return scope_.all_attributes ? nullptr : scope_.declared; }
  const Subsystem* declared_subsystem(const std::string& nqn) const {
    return declared_index_ ? declared_index_->subsystem(nqn) : nullptr;
  }
  const Host* declared_host(const std::string& nqn) const {
    return declared_index_ ? declared_index_->host(nqn) : nullptr;
  }

  // Whether the object in `dir` is taken as `unchanged` has it: the run did not touch it.
  bool kept(const std::string& dir) const {
    return scope_.unchanged && scope_.touched && !scope_.touched->count(dir);
  }

  Expected<void> read_hosts(Target& target) {
    auto names = child_names(layout_.hosts(), EntryType::Directory);
    if (!names) return names.error();
    for (const auto& nqn : *names) {
      if (const Host* same = kept(layout_.host(nqn)) ? unchanged_index_->host(nqn) : nullptr) {
        target.hosts.push_back(*same);
        continue;
      }
      Host host;
      host.nqn = nqn;
      const Host* want = declared_host(nqn);
      AttrMap wanted_keys;
      if (want) {
        wanted_keys = want->attrs;
        for (const auto& [file, path] : want->key_files) wanted_keys[file] = path;
      }
      if (auto r = read_attrs(layout_.host(nqn), ObjectKind::Host, want ? &wanted_keys : nullptr, host.attrs); !r)
        return r;
      target.hosts.push_back(std::move(host));
    }
    return {};
  }

  Expected<void> read_subsystems(Target& target) {
    auto names = child_names(layout_.subsystems(), EntryType::Directory);
    if (!names) return names.error();
    for (const auto& nqn : *names) {
      if (const Subsystem* same = kept(layout_.subsystem(nqn)) ? unchanged_index_->subsystem(nqn) : nullptr) {
        target.subsystems.push_back(*same);
        continue;
      }
      Subsystem s;
      s.nqn = nqn;
      const Subsystem* want = declared_subsystem(nqn);
      if (auto r = read_attrs(layout_.subsystem(nqn), ObjectKind::Subsystem, want ? &want->attrs : nullptr, s.attrs); !r)
        return r;
      auto hosts = link_targets(layout_.allowed_hosts(nqn));
      if (!hosts) return hosts.error();
      s.allowed_hosts = *hosts;
      if (auto r = read_namespaces(s, want); !r) return r;
      if (has_group(ObjectKind::Subsystem, "passthru")) {
        Passthru pt;
        const AttrMap* want_pt = want && want->passthru ? &want->passthru->attrs : nullptr;
        if (auto r = read_attrs(layout_.passthru(nqn), ObjectKind::Passthru, want ? (want_pt ? want_pt : &empty_) : nullptr, pt.attrs); !r)
          return r;
        s.passthru = pt;
      }
      target.subsystems.push_back(std::move(s));
    }
    return {};
  }

  Expected<void> read_namespaces(Subsystem& s, const Subsystem* want) {
    auto names = child_names(layout_.namespaces(s.nqn), EntryType::Directory);
    if (!names) return names.error();
    for (const auto& name : *names) {
      Namespace ns;
      ns.nsid = static_cast<std::uint32_t>(std::strtoul(name.c_str(), nullptr, 10));
      const Namespace* want_ns = want ? want->find_namespace(ns.nsid) : nullptr;
      if (auto r = read_attrs(layout_.namespace_dir(s.nqn, ns.nsid), ObjectKind::Namespace,
                              want_ns ? &want_ns->attrs : nullptr, ns.attrs); !r)
        return r;
      s.namespaces.push_back(std::move(ns));
    }
    std::sort(s.namespaces.begin(), s.namespaces.end(),
              [](const Namespace& a, const Namespace& b) { return a.nsid < b.nsid; });
    return {};
  }

  Expected<void> read_ports(Target& target) {
    auto names = child_names(layout_.ports(), EntryType::Directory);
    if (!names) return names.error();
    for (const auto& name : *names) {
      Port p;
      p.id = static_cast<std::uint16_t>(std::strtoul(name.c_str(), nullptr, 10));
      if (const Port* same = kept(layout_.port(p.id)) ? scope_.unchanged->target.find_port(p.id) : nullptr) {
        target.ports.push_back(*same);
        continue;
      }
      const Port* want = declared() ? declared()->find_port(p.id) : nullptr;
      if (auto r = read_attrs(layout_.port(p.id), ObjectKind::Port, want ? &want->attrs : nullptr, p.attrs); !r)
        return r;
      auto links = link_targets(layout_.port_subsystems(p.id));
      if (!links) return links.error();
      p.subsystems = *links;
      if (auto r = read_referrals(p, want); !r) return r;
      if (auto r = read_ana_groups(p, want); !r) return r;
      target.ports.push_back(std::move(p));
    }
    std::sort(target.ports.begin(), target.ports.end(),
              [](const Port& a, const Port& b) { return a.id < b.id; });
    return {};
  }

  Expected<void> read_referrals(Port& p, const Port* want) {
    auto names = child_names(layout_.referrals(p.id), EntryType::Directory);
    if (!names) return names.error();
    for (const auto& name : *names) {
      Referral r;
      r.name = name;
      const Referral* want_r = want ? want->find_referral(name) : nullptr;
      if (auto res = read_attrs(layout_.referral(p.id, name), ObjectKind::Referral,
                                want_r ? &want_r->attrs : nullptr, r.attrs); !res)
        return res;
      p.referrals.push_back(std::move(r));
    }
    return {};
  }

  Expected<void> read_ana_groups(Port& p, const Port* want) {
    auto names = child_names(layout_.ana_groups(p.id), EntryType::Directory);
    if (!names) return names.error();
    for (const auto& name : *names) {
      AnaGroup g;
      g.id = static_cast<std::uint32_t>(std::strtoul(name.c_str(), nullptr, 10));
      const AnaGroup* want_g = want ? want->find_ana_group(g.id) : nullptr;
      if (auto r = read_attrs(layout_.ana_group(p.id, g.id), ObjectKind::AnaGroup,
                              want_g ? &want_g->attrs : nullptr, g.attrs); !r)
        return r;
      p.ana_groups.push_back(std::move(g));
    }
    std::sort(p.ana_groups.begin(), p.ana_groups.end(),
              [](const AnaGroup& a, const AnaGroup& b) { return a.id < b.id; });
    return {};
  }

  const ConfigFs& fs_;
  const NvmetLayout& layout_;
  const ReadScope& scope_;
  std::optional<TargetIndex> declared_index_, unchanged_index_;
  const AttrMap empty_;
  std::map<ObjectKind, std::set<std::string>> attribute_files_;
  std::map<ObjectKind, std::set<std::string>> groups_;
};

}  // namespace

Expected<LiveState> read_live_state(const ConfigFs& fs, const NvmetLayout& layout,
                                    const ReadScope& scope) {
  ProfiledPhase profiled("read");
  return LiveTreeReader(fs, layout, scope).read();
}

}  // namespace nvmetctl
