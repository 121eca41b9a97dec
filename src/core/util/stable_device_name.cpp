#include "nvmetctl/util/stable_device_name.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;

// A name of the medium itself outranks one built from model and serial
// (which a vendor may repeat).
int link_rank(const std::string& name) {
  for (const char* prefix : {"wwn-", "nvme-eui.", "nvme-uuid."})
    if (name.rfind(prefix, 0) == 0) return 0;
  return 1;
}

std::string canonical_or_empty(const fs::path& path) {
  std::error_code error;
  fs::path resolved = fs::canonical(path, error);
  return error ? std::string() : resolved.string();
}

bool skip_prefix(std::string_view& rest, std::string_view prefix) {
  if (rest.substr(0, prefix.size()) != prefix) return false;
  rest.remove_prefix(prefix.size());
  return true;
}

// At least one character of the class, as many as there are.
bool skip_run(std::string_view& rest, int (*in_class)(int)) {
  std::size_t n = 0;
  while (n < rest.size() && in_class(static_cast<unsigned char>(rest[n]))) ++n;
  rest.remove_prefix(n);
  return n > 0;
}

int is_lower(int c) { return c >= 'a' && c <= 'z'; }
int is_digit(int c) { return c >= '0' && c <= '9'; }

// <letters>[digits] after sd/vd/xvd/hd; <digits>[p<digits>] after the rest.
bool is_probe_order_name(std::string_view name) {
  std::string_view rest = name;
  for (std::string_view disk : {"sd", "vd", "xvd", "hd"}) {
    rest = name;
    if (skip_prefix(rest, disk) && skip_run(rest, is_lower)) {
      skip_run(rest, is_digit);
      return rest.empty();
    }
  }
  for (std::string_view numbered : {"loop", "dm-", "nbd", "md"}) {
    rest = name;
    if (skip_prefix(rest, numbered) && skip_run(rest, is_digit)) {
      if (skip_prefix(rest, "p") && !skip_run(rest, is_digit)) return false;
      return rest.empty();
    }
  }
  rest = name;
  if (skip_prefix(rest, "nvme") && skip_run(rest, is_digit) && skip_prefix(rest, "n") && skip_run(rest, is_digit)) {
    if (skip_prefix(rest, "p") && !skip_run(rest, is_digit)) return false;
    return rest.empty();
  }
  return false;
}

}  // namespace

bool is_kernel_device_name(const std::string& path, const std::string& dev_root) {
  const std::string prefix = dev_root + "/";
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return is_probe_order_name(std::string_view(path).substr(prefix.size()));
}

void StableDeviceNames::load() {
  loaded_ = true;
  std::map<std::string, std::vector<std::pair<int, std::string>>> found;
  std::error_code error;
  fs::directory_iterator entry(fs::path(dev_root_) / "disk" / "by-id", error);
  // Stepping on can fail too (a directory that vanishes): it ends the scan.
  for (; !error && entry != fs::directory_iterator(); entry.increment(error)) {
    std::error_code link_error;
    if (!entry->is_symlink(link_error)) continue;
    std::string target = canonical_or_empty(entry->path());
    if (target.empty()) continue;
    const std::string name = entry->path().filename().string();
    found[target].push_back({link_rank(name), entry->path().string()});
  }
  for (auto& [target, candidates] : found) {
    std::sort(candidates.begin(), candidates.end());
    for (const auto& candidate : candidates) links_by_target_[target].push_back(candidate.second);
  }
}

std::optional<std::string> StableDeviceNames::stable_name(const std::string& path) {
  if (!is_kernel_device_name(path, dev_root_)) return std::nullopt;
  if (!loaded_) load();
  auto found = links_by_target_.find(canonical_or_empty(path));
  if (found == links_by_target_.end() || found->second.empty()) return std::nullopt;
  return found->second.front();
}

void use_stable_device_names(Target& target, const std::string& dev_root) {
  StableDeviceNames names(dev_root);
  for (Subsystem& s : target.subsystems)
    for (Namespace& ns : s.namespaces) {
      auto path = ns.attrs.find("device_path");
      if (path == ns.attrs.end()) continue;
      if (auto link = names.stable_name(path->second)) path->second = *link;
    }
}

}  // namespace nvmetctl
