#include "nvmetctl/model/kernel_version.h"

#include <cstdio>

namespace nvmetctl {

KernelVersion parse_kernel_release(const std::string& release) {
  KernelVersion version;
  if (std::sscanf(release.c_str(), "%d.%d", &version.major, &version.minor) != 2) return {};
  return version;
}

KernelConfig::KernelConfig(Loader loader) : cache_(std::make_shared<Cache>(Cache{std::move(loader), std::nullopt})) {}

std::optional<bool> KernelConfig::built(const std::string& option) const {
  if (!cache_) return std::nullopt;
  if (!cache_->options) cache_->options = cache_->loader ? cache_->loader() : Options{};
  auto it = cache_->options->find(option);
  if (it == cache_->options->end()) return std::nullopt;
  return it->second;
}

}  // namespace nvmetctl
