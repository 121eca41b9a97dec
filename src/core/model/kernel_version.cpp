#include "nvmetctl/model/kernel_version.h"

#include <cstdio>

namespace nvmetctl {

KernelVersion parse_kernel_release(const std::string& release) {
  KernelVersion version;
  if (std::sscanf(release.c_str(), "%d.%d", &version.major, &version.minor) != 2) return {};
  return version;
}

}  // namespace nvmetctl
