#include "fake_nvmet_fs.h"

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/discovery_nqn_rule.h"
#include "nvmetctl/util/parse_number.h"
#include "nvmetctl/model/kernel_behaviour.h"

namespace nvmetctl {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool parses_as_u32(const std::string& text, unsigned long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text.c_str(), &end, 0);  // the kernel detects the base
  return errno == 0 && end && *end == '\0' && !text.empty();
}

}  // namespace

FakeNvmetFs::FakeNvmetFs(std::string mount) : FakeNvmetFs(std::move(mount), Options{}) {}

FakeNvmetFs::FakeNvmetFs(std::string mount, Options options)
    : layout_(std::move(mount)), options_(std::move(options)) {
  add_dir(layout_.mount(), true);
  if (options_.nvmet_loaded) load_nvmet();
}

void FakeNvmetFs::load_nvmet() {
  add_dir(layout_.root(), true);
  add_dir(layout_.hosts(), true);
  add_dir(layout_.subsystems(), true);
  add_dir(layout_.ports(), true);
  if (kernel_has(KernelRule::DiscoveryNqnAttribute, options_.kernel))
    add_file(layout_.root() + "/discovery_nqn", "nqn.2014-08.org.nvmexpress.discovery");
}

void FakeNvmetFs::fail_mutation(int nth, int errnum) { fail_nth_[mutation_index_ + nth] = errnum; }
void FakeNvmetFs::fail_path(const std::string& path, int errnum, const std::string& action) {
  fail_paths_[path] = {errnum, action};
}
void FakeNvmetFs::clear_faults() {
  fail_nth_.clear();
  fail_paths_.clear();
}
void FakeNvmetFs::mark_discovered(const std::string& nqn) { discovered_.insert(nqn); }
void FakeNvmetFs::reset_counters() {
  journal_.clear();
  reads_ = 0;
}

std::string FakeNvmetFs::parent_of(const std::string& path) const {
  return path.substr(0, path.find_last_of('/'));
}
std::string FakeNvmetFs::name_of(const std::string& path) const {
  return path.substr(path.find_last_of('/') + 1);
}

std::vector<std::string> FakeNvmetFs::children(const std::string& dir) const {
  std::vector<std::string> out;
  std::string prefix = dir + "/";
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end() && starts_with(it->first, prefix); ++it)
    if (it->first.find('/', prefix.size()) == std::string::npos) out.push_back(it->first);
  return out;
}

void FakeNvmetFs::add_dir(const std::string& path, bool default_group) {
  nodes_[path] = Node{EntryType::Directory, {}, default_group, !default_group};
}
void FakeNvmetFs::add_file(const std::string& path, std::string value) {
  nodes_[path] = Node{EntryType::File, std::move(value), false, false};
}

std::string FakeNvmetFs::value(const std::string& path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? "" : it->second.value;
}

bool FakeNvmetFs::exists(const std::string& path) const { return nodes_.count(path) > 0; }

Expected<std::vector<DirEntry>> FakeNvmetFs::list(const std::string& dir) const {
  ++reads_;
  auto it = nodes_.find(dir);
  if (it == nodes_.end()) return sys_error(ENOENT, "list", dir);
  if (it->second.type != EntryType::Directory) return sys_error(ENOTDIR, "list", dir);
  std::vector<DirEntry> entries;
  for (const auto& child : children(dir)) entries.push_back({name_of(child), nodes_.at(child).type});
  return entries;
}

Expected<std::string> FakeNvmetFs::read(const std::string& attr) const {
  ++reads_;
  auto it = nodes_.find(attr);
  if (it == nodes_.end()) return sys_error(ENOENT, "read", attr);
  if (it->second.type != EntryType::File) return sys_error(EISDIR, "read", attr);
  if (name_of(attr) == "revalidate_size" || write_only_.count(attr)) return sys_error(EACCES, "read", attr);
  return it->second.value;
}

Expected<std::string> FakeNvmetFs::read_link(const std::string& link) const {
  ++reads_;
  auto it = nodes_.find(link);
  if (it == nodes_.end()) return sys_error(ENOENT, "readlink", link);
  if (it->second.type != EntryType::Symlink) return sys_error(EINVAL, "readlink", link);
  return it->second.value;
}

Expected<void> FakeNvmetFs::injected_fault(const std::string& action, const std::string& path) {
  ++mutation_index_;
  if (auto it = fail_nth_.find(mutation_index_); it != fail_nth_.end())
    return sys_error(it->second, action, path);
  if (auto it = fail_paths_.find(path);
      it != fail_paths_.end() && (it->second.action.empty() || it->second.action == action))
    return sys_error(it->second.errnum, action, path);
  return {};
}

void FakeNvmetFs::populate_subsystem(const std::string& path) {
  char serial[32];
  std::snprintf(serial, sizeof serial, "%020x", ++serial_counter_ * 7919);
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Subsystem)) {
    if (spec->since > options_.kernel) continue;
    std::string initial = spec->fresh_default ? spec->fresh_default : "";
    if (std::string(spec->file) == "attr_serial") initial = serial;
    if (std::string(spec->file) == "attr_version") initial = default_version();
    if (std::string(spec->file) == "attr_firmware") initial = options_.kernel.str() + ".0";
    add_file(path + "/" + spec->file, initial);
  }
  add_newer_attributes(ObjectKind::Subsystem, path);
  add_dir(path + "/namespaces", true);
  add_dir(path + "/allowed_hosts", true);
  if (options_.passthru) {
    add_dir(path + "/passthru", true);
    for (const AttributeSpec* spec : attributes_of(ObjectKind::Passthru))
      add_file(path + "/passthru/" + spec->file, spec->fresh_default ? spec->fresh_default : "(null)");
  }
}

void FakeNvmetFs::populate_namespace(const std::string& path) {
  char uuid[64];
  int n = ++serial_counter_;
  std::snprintf(uuid, sizeof uuid, "%08x-0000-4000-8000-%012x", n, n);
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Namespace)) {
    if (spec->since > options_.kernel || std::string(spec->file) == "p2pmem") continue;
    std::string initial = spec->fresh_default ? spec->fresh_default : "";
    if (std::string(spec->file) == "device_path") initial = "(null)";
    if (std::string(spec->file) == "device_uuid") initial = uuid;
    add_file(path + "/" + spec->file, initial);
  }
  add_file(path + "/revalidate_size", "");
  add_newer_attributes(ObjectKind::Namespace, path);
}

void FakeNvmetFs::add_newer_attributes(ObjectKind kind, const std::string& dir) {
  auto it = options_.newer_attributes.find(kind);
  if (it == options_.newer_attributes.end()) return;
  for (const auto& [file, initial] : it->second) {
    add_file(dir + "/" + file, initial);
    if (initial.empty()) write_only_.insert(dir + "/" + file);
  }
}

void FakeNvmetFs::populate_port(const std::string& path) {
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Port)) {
    if (spec->since > options_.kernel) continue;
    add_file(path + "/" + spec->file, spec->fresh_default ? spec->fresh_default : "");
  }
  add_newer_attributes(ObjectKind::Port, path);
  add_dir(path + "/subsystems", true);
  add_dir(path + "/referrals", true);
  add_dir(path + "/ana_groups", true);
  add_dir(path + "/ana_groups/1", true);
  add_file(path + "/ana_groups/1/ana_state", "optimized");
}

Expected<void> FakeNvmetFs::make_dir(const std::string& dir) {
  if (exists(dir)) return sys_error(EEXIST, "mkdir", dir);
  std::string parent = parent_of(dir);
  std::string name = name_of(dir);
  if (!exists(parent)) return sys_error(ENOENT, "mkdir", dir);
  std::string grandparent = parent_of(parent);
  std::string parent_name = name_of(parent);
  enum { None, Host, Subsys, Ns, Port, Referral, Ana } kind = None;
  if (parent == layout_.hosts()) kind = Host;
  else if (parent == layout_.subsystems()) kind = Subsys;
  else if (parent == layout_.ports()) kind = Port;
  else if (parent_name == "namespaces" && parent_of(grandparent) == layout_.subsystems()) kind = Ns;
  else if (parent_name == "referrals" && parent_of(grandparent) == layout_.ports()) kind = Referral;
  else if (parent_name == "ana_groups" && parent_of(grandparent) == layout_.ports()) kind = Ana;
  if (kind == None) return sys_error(EPERM, "mkdir", dir);  // no make hook
  unsigned long long number = 0;
  if (kind == Subsys && name == "nqn.2014-08.org.nvmexpress.discovery") return sys_error(EINVAL, "mkdir", dir);
  if (kind == Subsys && exists(layout_.root() + "/discovery_nqn") && name == value(layout_.root() + "/discovery_nqn"))
    return sys_error(EINVAL, "mkdir", dir);
  if (kind == Ns && (!parses_as_u32(name, number) || number == 0 || number >= 0xffffffffULL))
    return sys_error(EINVAL, "mkdir", dir);
  if (kind == Port && (!parses_as_u32(name, number) || number > 0xffff)) return sys_error(EINVAL, "mkdir", dir);
  if (kind == Ana && (!parses_as_u32(name, number) || number < 2 || number > 128))
    return sys_error(EINVAL, "mkdir", dir);
  if (auto fault = injected_fault("mkdir", dir); !fault) return fault;
  journal_.push_back("mkdir " + dir);
  add_dir(dir, false);
  switch (kind) {
    case Host:
      if (options_.auth)
        for (const AttributeSpec* spec : attributes_of(ObjectKind::Host))
          add_file(dir + "/" + spec->file, spec->fresh_default ? spec->fresh_default : "");
      add_newer_attributes(ObjectKind::Host, dir);
      break;
    case Subsys: populate_subsystem(dir); break;
    case Ns: populate_namespace(dir); break;
    case Port: populate_port(dir); break;
    case Referral:
      for (const AttributeSpec* spec : attributes_of(ObjectKind::Referral))
        add_file(dir + "/" + spec->file, spec->fresh_default ? spec->fresh_default : "");
      break;
    case Ana: add_file(dir + "/ana_state", "optimized"); break;
    case None: break;
  }
  return {};
}

bool FakeNvmetFs::has_links_to(const std::string& target) const {
  for (const auto& [path, node] : nodes_)
    if (node.type == EntryType::Symlink && node.value == target) return true;
  return false;
}

Expected<void> FakeNvmetFs::remove_dir(const std::string& dir) {
  auto it = nodes_.find(dir);
  if (it == nodes_.end()) return sys_error(ENOENT, "rmdir", dir);
  if (it->second.type != EntryType::Directory) return sys_error(ENOTDIR, "rmdir", dir);
  if (it->second.default_group) return sys_error(EPERM, "rmdir", dir);
  if (has_links_to(dir)) return sys_error(EBUSY, "rmdir", dir);
  std::string prefix = dir + "/";
  for (auto child = nodes_.lower_bound(prefix); child != nodes_.end() && starts_with(child->first, prefix); ++child)
    if (child->second.user_made || child->second.type == EntryType::Symlink)
      return sys_error(ENOTEMPTY, "rmdir", dir);
  if (auto fault = injected_fault("rmdir", dir); !fault) return fault;
  journal_.push_back("rmdir " + dir);
  nodes_.erase(nodes_.lower_bound(prefix), nodes_.lower_bound(dir + "0"));  // '0' follows '/'
  nodes_.erase(dir);
  if (parent_of(dir) == layout_.subsystems()) discovered_.erase(name_of(dir));  // a new one is not identified yet
  return {};
}

bool FakeNvmetFs::port_enabled(const std::string& port_dir) const {
  for (const auto& child : children(port_dir + "/subsystems"))
    if (nodes_.at(child).type == EntryType::Symlink) return true;
  return false;
}

Expected<void> FakeNvmetFs::check_write(const std::string& attr, const std::string& new_value) {
  if (attr == layout_.root() + "/discovery_nqn") {
    if (new_value.empty() || new_value.size() > 255) return sys_error(EINVAL, "write", attr);
    auto subsystems = list(layout_.subsystems());
    if (subsystems)
      for (const auto& entry : *subsystems)
        if (subsystem_blocks_discovery_nqn(entry.name, new_value)) return sys_error(EINVAL, "write", attr);
    return {};
  }
  std::string dir = parent_of(attr);
  std::string name = name_of(attr);
  std::string kind_dir = name_of(parent_of(dir));
  if (parent_of(dir) == layout_.ports() && (starts_with(name, "addr_") || starts_with(name, "param_"))) {
    if (port_enabled(dir)) return sys_error(EACCES, "write", attr);
    if (name == "addr_trtype" && !(new_value == "rdma" || new_value == "tcp" || new_value == "loop" || new_value == "fc"))
      return sys_error(EINVAL, "write", attr);
    if (name == "addr_tsas") {
      std::string trtype = value(dir + "/addr_trtype");
      bool valid = (trtype == "tcp" && (new_value == "none" || new_value == "tls1.3")) ||
                   (trtype == "rdma" && new_value == "connected");
      if (!valid) return sys_error(EINVAL, "write", attr);
    }
    if (name == "addr_treq" && new_value == "not specified" && value(dir + "/addr_tsas") == "tls1.3")
      return sys_error(EINVAL, "write", attr);
  }
  bool secret = name == "dhchap_key" || name == "dhchap_ctrl_key";
  if (secret && new_value == std::string(1, '\0') && !kernel_has(KernelRule::HostKeyClearedByNul, options_.kernel))
    return sys_error(EINVAL, "write", attr);
  if (kind_dir == "namespaces") {
    bool enabled = value(dir + "/enable") == "1";
    // In passthru mode an enable=1 succeeds without a look at the device (and changes nothing).
    if (name == "enable" && passthru_enabled(parent_of(parent_of(dir)))) return {};
    if (enabled && (name == "device_path" || name == "device_uuid" || name == "device_nguid"))
      return sys_error(EBUSY, "write", attr);
    if (enabled && name == "buffered_io") return sys_error(EINVAL, "write", attr);
    // "nvmet: enable ns before revalidate."; only 1 is taken.
    if (name == "revalidate_size" && (!enabled || new_value != "1")) return sys_error(EINVAL, "write", attr);
    if (name == "enable" && new_value == "1" && !enabled) {
      std::string device = value(dir + "/device_path");
      if (device == "(null)") return sys_error(EINVAL, "write", attr);
      if (!options_.devices.count(device)) return sys_error(ENOENT, "write", attr);
    }
  }
  if (parent_of(parent_of(dir)) == layout_.subsystems() && name_of(dir) == "passthru" && name == "enable" &&
      new_value == "1") {
    std::string subsystem = parent_of(dir);
    if (value(attr) == "1" || value(dir + "/device_path") == "(null)") return sys_error(EINVAL, "write", attr);
    bool any_counts = kernel_has(KernelRule::PassthruRefusedBesideAnyNamespace, options_.kernel);
    for (const auto& ns : children(subsystem + "/namespaces"))
      if (any_counts || value(ns + "/enable") == "1") return sys_error(EINVAL, "write", attr);  // no regular namespaces beside it
  }
  if (parent_of(dir) == layout_.subsystems()) {
    if (name == "attr_version" && passthru_enabled(dir)) return sys_error(EINVAL, "write", attr);
    bool identity = name == "attr_serial" || name == "attr_model" || name == "attr_version" ||
                    name == "attr_firmware" || name == "attr_ieee_oui";
    if (identity && discovered_.count(name_of(dir))) return sys_error(EINVAL, "write", attr);
    if (name == "attr_allow_any_host" && new_value == "1" && !children(dir + "/allowed_hosts").empty())
      return sys_error(EINVAL, "write", attr);
    if ((name == "attr_cntlid_min" || name == "attr_cntlid_max") && !cntlid_range_valid(dir, name, new_value))
      return sys_error(EINVAL, "write", attr);
    if (name == "attr_qid_max") {
      long long qid = parse_number<long long>(new_value).value_or(0);
      if (qid < 1 || qid > 128) return sys_error(EINVAL, "write", attr);
    }
  }
  return {};
}

Expected<void> FakeNvmetFs::write(const std::string& attr, const std::string& new_value) {
  auto it = nodes_.find(attr);
  if (it == nodes_.end()) return sys_error(ENOENT, "write", attr);
  if (it->second.type != EntryType::File) return sys_error(EISDIR, "write", attr);
  if (new_value.empty()) return sys_error(EFAULT, "write", attr);
  if (auto check = check_write(attr, new_value); !check) return check;
  if (auto fault = injected_fault("write", attr); !fault) return fault;
  journal_.push_back("write " + attr + "=" + new_value);
  std::string stored = new_value;
  if (name_of(attr) == "attr_serial") stored.resize(20, ' ');
  bool secret = name_of(attr) == "dhchap_key" || name_of(attr) == "dhchap_ctrl_key";
  if (secret && new_value == std::string(1, '\0')) stored.clear();  // how a key is removed
  if (name_of(attr) == "device_nguid" || name_of(attr) == "device_uuid")
    for (char& c : stored) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string dir = parent_of(attr);
  // The kernel accepts enable=1 in a passthru subsystem and leaves it at 0.
  if (name_of(parent_of(dir)) == "namespaces" && name_of(attr) == "enable" &&
      passthru_enabled(parent_of(parent_of(dir))))
    return {};
  it->second.value = stored;
  couple_port_attributes(attr, stored);
  // A passthru subsystem advertises its controller's version; disabling it
  // puts back the kernel's default.
  if (name_of(dir) == "passthru" && name_of(attr) == "enable" && exists(parent_of(dir) + "/attr_version"))
    nodes_[parent_of(dir) + "/attr_version"].value = stored == "1" ? kPassthruControllerVersion : default_version();
  return {};
}

bool FakeNvmetFs::cntlid_range_valid(const std::string& subsystem_dir, const std::string& name,
                                     const std::string& new_value) const {
  auto number = [](const std::string& text) { return parse_number<long long>(text).value_or(0); };
  long long min = number(value(subsystem_dir + "/attr_cntlid_min"));
  long long max = number(value(subsystem_dir + "/attr_cntlid_max"));
  (name == "attr_cntlid_min" ? min : max) = number(new_value);
  if (min == 0 || max == 0) return false;
  return kernel_has(KernelRule::CntlidMinMayEqualMax, options_.kernel) ? min <= max : min < max;
}

bool FakeNvmetFs::passthru_enabled(const std::string& subsystem_dir) const {
  return value(subsystem_dir + "/passthru/enable") == "1";
}

std::string FakeNvmetFs::default_version() const { return default_subsystem_version(options_.kernel).value_or("2.1"); }

AttrMap FakeNvmetFs::port_attributes(const std::string& port_dir) const {
  AttrMap attrs;
  for (const auto& child : children(port_dir))
    if (nodes_.at(child).type == EntryType::File) attrs[name_of(child)] = nodes_.at(child).value;
  return attrs;
}

void FakeNvmetFs::store_port_attributes(const std::string& port_dir, const AttrMap& attrs) {
  for (const auto& [file, value] : attrs)
    if (auto it = nodes_.find(port_dir + "/" + file); it != nodes_.end()) it->second.value = value;
}

// The kernel's side effects between port attributes, from the behaviour table.
void FakeNvmetFs::couple_port_attributes(const std::string& attr, const std::string& written) {
  std::string dir = parent_of(attr);
  if (parent_of(dir) != layout_.ports()) return;
  AttrMap port = port_attributes(dir);
  apply_port_write(port, name_of(attr), written);
  store_port_attributes(dir, port);
}

Expected<void> FakeNvmetFs::enable_port(const std::string& port_dir) {
  std::string trtype = value(port_dir + "/addr_trtype");
  if (trtype.empty() || !options_.transports.count(trtype)) return sys_error(EINVAL, "symlink", port_dir);
  // Rewritten at every enable, before the transport binds: a bind that then
  // fails leaves the rewritten values behind, as the kernel does.
  AttrMap port = port_attributes(port_dir);
  apply_port_enable(port);
  store_port_attributes(port_dir, port);
  return {};
}

Expected<void> FakeNvmetFs::make_link(const std::string& target, const std::string& link) {
  if (exists(link)) return sys_error(EEXIST, "symlink", link);
  if (!exists(target)) return sys_error(ENOENT, "symlink", link);
  std::string dir = parent_of(link);
  std::string dir_name = name_of(dir);
  bool into_port = dir_name == "subsystems" && parent_of(parent_of(dir)) == layout_.ports();
  bool into_allowed = dir_name == "allowed_hosts";
  if (!into_port && !into_allowed) return sys_error(EPERM, "symlink", link);
  for (const auto& child : children(dir))
    if (nodes_.at(child).value == target) return sys_error(EEXIST, "symlink", link);
  if (into_port) {
    if (parent_of(target) != layout_.subsystems()) return sys_error(EINVAL, "symlink", link);
    if (!port_enabled(parent_of(dir)))
      if (auto enabled = enable_port(parent_of(dir)); !enabled) return sys_error(enabled.error().errnum, "symlink", link);
  } else {
    if (parent_of(target) != layout_.hosts()) return sys_error(EINVAL, "symlink", link);
    if (value(parent_of(dir) + "/attr_allow_any_host") == "1") return sys_error(EINVAL, "symlink", link);
  }
  if (auto fault = injected_fault("symlink", link); !fault) return fault;
  journal_.push_back("symlink " + link + " -> " + target);
  nodes_[link] = Node{EntryType::Symlink, target, false, false};
  return {};
}

Expected<void> FakeNvmetFs::remove_link(const std::string& link) {
  auto it = nodes_.find(link);
  if (it == nodes_.end()) return sys_error(ENOENT, "unlink", link);
  if (it->second.type != EntryType::Symlink) return sys_error(EPERM, "unlink", link);
  if (auto fault = injected_fault("unlink", link); !fault) return fault;
  journal_.push_back("unlink " + link);
  nodes_.erase(it);
  return {};
}

}  // namespace nvmetctl
