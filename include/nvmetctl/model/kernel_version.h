#pragma once
#include <compare>
#include <map>
#include <string>

namespace nvmetctl {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const KernelVersion&) const = default;
  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
  bool known() const { return major != 0; }
};

// "6.12.117+deb12-amd64" -> 6.12; unparsable -> 0.0 (unknown)
KernelVersion parse_kernel_release(const std::string& release);

// What planning must know about the running kernel beyond configfs itself.
struct KernelFacts {
  KernelVersion version;               // 0.0 when unknown
  std::map<std::string, bool> config;  // CONFIG_X -> built (y/m); absent: unknown
};

}  // namespace nvmetctl
