#include "nvmetctl/check/host_identity.h"

#include <dirent.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>

namespace nvmetctl {
namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\n' || line.back() == '\0')) line.pop_back();
  return line;
}

std::string format_uuid(std::uint64_t high, std::uint64_t low) {
  // Version 4 and the RFC 4122 variant, so it reads as any other host ID.
  high = (high & ~0xf000ULL) | 0x4000ULL;
  low = (low & ~(0xc000ULL << 48)) | (0x8000ULL << 48);
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xffff), static_cast<unsigned long long>(high & 0xffff),
                static_cast<unsigned long long>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::uint64_t fnv1a(const std::string& text, std::uint64_t seed) {
  std::uint64_t hash = 14695981039346656037ULL ^ seed;
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash;
}

bool uuid_shaped(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> host_ids_in_use(const SystemPaths& paths) {
  std::map<std::string, std::string> ids;
  const std::string dir = paths.sysfs + "/class/nvme";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return ids;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    const std::string ctrl = dir + "/" + entry->d_name;
    std::string nqn = first_line(ctrl + "/hostnqn"), id = first_line(ctrl + "/hostid");
    if (!nqn.empty() && !id.empty()) ids.emplace(nqn, id);
  }
  closedir(d);
  return ids;
}

std::string host_id_for(const std::string& host_nqn, const std::map<std::string, std::string>& in_use) {
  if (auto found = in_use.find(host_nqn); found != in_use.end()) return found->second;
  auto taken = [&](const std::string& id) {
    return std::any_of(in_use.begin(), in_use.end(), [&](const auto& entry) { return entry.second == id; });
  };
  const std::string marker = ":uuid:";
  if (auto at = host_nqn.rfind(marker); at != std::string::npos) {
    std::string uuid = host_nqn.substr(at + marker.size());
    if (uuid_shaped(uuid) && !taken(uuid)) return uuid;
  }
  for (std::uint64_t seed = 0;; ++seed) {
    std::string id = format_uuid(fnv1a(host_nqn, seed), fnv1a(host_nqn, seed + 0x9e3779b97f4a7c15ULL));
    if (!taken(id)) return id;
  }
}

std::string random_host_nqn() {
  std::random_device device;
  std::uint64_t high = (std::uint64_t{device()} << 32) | device(), low = (std::uint64_t{device()} << 32) | device();
  return "nqn.2014-08.org.nvmexpress:uuid:" + format_uuid(high, low);
}

}  // namespace nvmetctl
