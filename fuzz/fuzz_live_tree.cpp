// libFuzzer target: the live-tree reader against a configfs tree with
// hostile contents, then what the CLI does with what it read: export (YAML,
// JSON, nvmetcli), plan against an empty file (with and without --prune,
// printed as text and JSON), and clear's teardown plan.
//
// The tree is an in-memory ConfigFs decoded from the input, one entry a line
// (mount point /cfg; parents are created as directories):
//   d PATH            directory
//   f PATH VALUE      attribute file holding VALUE (may be empty)
//   l PATH TARGET     symlink to TARGET
//   e PATH ERRNO      reading or listing PATH fails with ERRNO
//   k RELEASE         the running kernel's release (default 6.12.0)
//   r NAME PROTOCOL LINKTYPE NETDEV STATE   an RDMA device (for export)
// Fields are separated by single spaces; within one, \s is a space, \n a
// newline, \t a tab, \\ a backslash and \xHH any byte.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "module_loader_fake.h"
#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/engine/engine.h"
#include "nvmetctl/formats/nvmetcli_format.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/plan/planner.h"
#include "plan_printer.h"

namespace {

using namespace nvmetctl;

constexpr const char* kMount = "/cfg";

std::string unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c != '\\' || i + 1 >= field.size()) {
      out += c;
      continue;
    }
    char e = field[++i];
    switch (e) {
      case 's': out += ' '; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'x':
        if (i + 2 < field.size()) {
          out += static_cast<char>(std::strtoul(field.substr(i + 1, 2).c_str(), nullptr, 16));
          i += 2;
        }
        break;
      default: out += e; break;
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t space = line.find(' ', start);
    fields.push_back(unescape(line.substr(start, space - start)));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return fields;
}

// Read-only configfs tree served from memory.
class InputTree final : public ConfigFs {
 public:
  void add_dir(const std::string& rel) { make_parents(normalize(rel), true); }
  void add_file(const std::string& rel, const std::string& value) { add_leaf(rel, EntryType::File, value); }
  void add_link(const std::string& rel, const std::string& target) { add_leaf(rel, EntryType::Symlink, target); }
  void add_error(const std::string& rel, int errnum) { errors_[normalize(rel)] = errnum; }

  bool exists(const std::string& path) const override { return nodes_.count(path) > 0; }

  Expected<std::vector<DirEntry>> list(const std::string& dir) const override {
    if (auto e = injected(dir, "list")) return *e;
    auto node = nodes_.find(dir);
    if (node == nodes_.end()) return sys_error(ENOENT, "list", dir);
    if (node->second.type != EntryType::Directory) return sys_error(ENOTDIR, "list", dir);
    std::vector<DirEntry> entries;
    for (const std::string& name : node->second.children) entries.push_back({name, nodes_.at(dir + "/" + name).type});
    return entries;
  }
  Expected<std::string> read(const std::string& attr) const override {
    if (auto e = injected(attr, "read")) return *e;
    auto node = nodes_.find(attr);
    if (node == nodes_.end()) return sys_error(ENOENT, "read", attr);
    if (node->second.type == EntryType::Directory) return sys_error(EISDIR, "read", attr);
    if (node->second.type == EntryType::Symlink) return sys_error(ELOOP, "read", attr);
    return node->second.content;
  }
  Expected<std::string> read_link(const std::string& link) const override {
    if (auto e = injected(link, "readlink")) return *e;
    auto node = nodes_.find(link);
    if (node == nodes_.end()) return sys_error(ENOENT, "readlink", link);
    if (node->second.type != EntryType::Symlink) return sys_error(EINVAL, "readlink", link);
    return node->second.content;
  }
  Expected<void> write(const std::string& attr, const std::string&) override { return sys_error(EROFS, "write", attr); }
  Expected<void> make_dir(const std::string& dir) override { return sys_error(EROFS, "mkdir", dir); }
  Expected<void> remove_dir(const std::string& dir) override { return sys_error(EROFS, "rmdir", dir); }
  Expected<void> make_link(const std::string&, const std::string& link) override {
    return sys_error(EROFS, "symlink", link);
  }
  Expected<void> remove_link(const std::string& link) override { return sys_error(EROFS, "unlink", link); }

  InputTree() { nodes_[kMount] = Node{}; }

 private:
  struct Node {
    EntryType type = EntryType::Directory;
    std::string content;
    std::set<std::string> children;
  };

  // "/cfg/a/b" from "a//./b"; ".." and empty components are dropped, as a
  // directory listing never shows them.
  static std::string normalize(const std::string& rel) {
    std::string path = kMount;
    std::size_t start = 0;
    while (start <= rel.size()) {
      std::size_t slash = rel.find('/', start);
      if (slash == std::string::npos) slash = rel.size();
      std::string part = rel.substr(start, slash - start);
      if (!part.empty() && part != "." && part != "..") path += "/" + part;
      start = slash + 1;
    }
    return path;
  }

  // Creates the directories down to `path` (and `path` itself when
  // `itself`); false when a non-directory is in the way.
  bool make_parents(const std::string& path, bool itself) {
    std::size_t pos = std::string(kMount).size();
    while (pos < path.size()) {
      std::size_t next = path.find('/', pos + 1);
      if (next == std::string::npos) {
        if (!itself) return true;
        next = path.size();
      }
      std::string dir = path.substr(0, next);
      std::string parent = path.substr(0, pos);
      auto found = nodes_.find(dir);
      if (found == nodes_.end()) {
        nodes_[dir] = Node{};
        nodes_[parent].children.insert(dir.substr(pos + 1));
      } else if (found->second.type != EntryType::Directory) {
        return false;
      }
      pos = next;
    }
    return true;
  }

  void add_leaf(const std::string& rel, EntryType type, const std::string& content) {
    std::string path = normalize(rel);
    if (path == kMount || nodes_.count(path) || !make_parents(path, false)) return;
    std::size_t slash = path.rfind('/');
    nodes_[path] = Node{type, content, {}};
    nodes_[path.substr(0, slash)].children.insert(path.substr(slash + 1));
  }

  std::optional<SysError> injected(const std::string& path, const char* action) const {
    auto e = errors_.find(path);
    if (e == errors_.end()) return std::nullopt;
    return sys_error(e->second, action, path);
  }

  std::map<std::string, Node> nodes_;
  std::map<std::string, int> errors_;
};

struct Input {
  InputTree tree;
  std::string release = "6.12.0";
  std::vector<RdmaDevice> devices;
};

void decode(const std::string& text, Input& in) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() < 2 || line[1] != ' ') continue;
    std::vector<std::string> f = split(line.substr(2));
    switch (line[0]) {
      case 'd': in.tree.add_dir(f[0]); break;
      case 'f': in.tree.add_file(f[0], f.size() > 1 ? f[1] : ""); break;
      case 'l': in.tree.add_link(f[0], f.size() > 1 ? f[1] : ""); break;
      case 'e': in.tree.add_error(f[0], f.size() > 1 ? std::atoi(f[1].c_str()) : EIO); break;
      case 'k': in.release = f[0]; break;
      case 'r': {
        RdmaDevice device;
        device.index = static_cast<std::uint32_t>(in.devices.size());
        device.name = f[0];
        if (f.size() > 1) device.protocol = f[1];
        if (f.size() > 2) device.link_type = f[2];
        if (f.size() > 3) device.netdev = f[3];
        if (f.size() > 4) device.port_state = std::atoi(f[4].c_str());
        in.devices.push_back(std::move(device));
        break;
      }
      default: break;
    }
  }
}

void print(const Plan& plan, const NvmetLayout& layout) {
  std::ostringstream out;
  cli::print_plan(out, plan, layout);
  (void)cli::plan_to_json(plan, layout).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const Diagnostic& d : plan.problems.in_file_order()) (void)d.format();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in;
  decode(std::string(reinterpret_cast<const char*>(data), size), in);

  SystemPaths paths;
  const std::string nowhere = "/nonexistent/nvmetctl-fuzz";
  paths.configfs = kMount;
  paths.sysfs = paths.proc = paths.debugfs = paths.modules_dir = paths.boot = nowhere;
  paths.kmsg = paths.lock_file = nowhere + "/file";
  FakeModuleLoader modules(in.release);
  EngineContext ctx{paths, in.tree, &modules, nullptr, nullptr, nullptr, nullptr};
  const NvmetLayout layout = ctx.layout();

  // export
  auto live = read_live_state(in.tree, layout, ReadScope{});
  if (live) {
    Target exported = exportable_target(live->target, in.devices);
    // What export prints must read back as YAML whatever the kernel's values were.
    std::string yaml = target_to_yaml(exported);
    try {
      (void)YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      std::fprintf(stderr, "exported YAML does not read back: %s\n%s", e.what(), yaml.c_str());
      std::abort();
    }
    const auto replace = nlohmann::json::error_handler_t::replace;
    (void)target_to_json(exported).dump(2, ' ', false, replace);
    (void)target_to_nvmetcli(exported).dump(2, ' ', false, replace);
    // clear --dry-run
    print(plan_teardown(*live, layout), layout);
  }
  // plan with an empty file, then with --prune
  const Target empty;
  for (bool prune : {false, true}) {
    PlanOptions options;
    options.prune = prune;
    auto full = make_full_plan(empty, ctx, options, false);
    if (full) print(full->plan, layout);
  }
  return 0;
}
