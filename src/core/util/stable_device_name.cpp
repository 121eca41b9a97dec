#include "nvmetctl/util/stable_device_name.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <system_error>

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;

// by-id names of the medium itself outrank names built from model and
// serial (which a vendor may repeat); by-uuid (a filesystem's) comes last.
int link_rank(const std::string& dir, const std::string& name) {
  if (dir == "by-uuid") return 3;
  for (const char* prefix : {"wwn-", "nvme-eui.", "nvme-uuid."})
    if (name.rfind(prefix, 0) == 0) return 0;
  return 1;
}

std::string canonical_or_empty(const fs::path& path) {
  std::error_code error;
  fs::path resolved = fs::canonical(path, error);
  return error ? std::string() : resolved.string();
}

}  // namespace

bool is_kernel_device_name(const std::string& path, const std::string& dev_root) {
  const std::string prefix = dev_root + "/";
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  static const std::regex kKernelName(
      "((s|v|xv|h)d[a-z]+[0-9]*|nvme[0-9]+n[0-9]+(p[0-9]+)?|loop[0-9]+(p[0-9]+)?|dm-[0-9]+|nbd[0-9]+(p[0-9]+)?|md[0-9]+(p[0-9]+)?)");
  return std::regex_match(path.substr(prefix.size()), kKernelName);
}

void StableDeviceNames::load() {
  loaded_ = true;
  struct Candidate {
    int rank;
    std::string link;
  };
  std::map<std::string, std::vector<Candidate>> found;
  for (const char* dir : {"by-id", "by-uuid"}) {
    std::error_code error;
    fs::directory_iterator entries(fs::path(dev_root_) / "disk" / dir, error);
    if (error) continue;
    for (const fs::directory_entry& entry : entries) {
      if (!entry.is_symlink(error)) continue;
      std::string target = canonical_or_empty(entry.path());
      if (target.empty()) continue;
      const std::string name = entry.path().filename().string();
      found[target].push_back({link_rank(dir, name), entry.path().string()});
    }
  }
  for (auto& [target, candidates] : found) {
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.rank != b.rank ? a.rank < b.rank : a.link < b.link;
    });
    for (const Candidate& c : candidates) links_by_target_[target].push_back(c.link);
  }
}

std::optional<std::string> StableDeviceNames::stable_name(const std::string& path) {
  if (!is_kernel_device_name(path, dev_root_)) return std::nullopt;
  if (!loaded_) load();
  auto found = links_by_target_.find(canonical_or_empty(path));
  if (found == links_by_target_.end() || found->second.empty()) return std::nullopt;
  return found->second.front();
}

}  // namespace nvmetctl
