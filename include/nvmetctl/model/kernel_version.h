#pragma once
#include <compare>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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

// The running kernel's build options: CONFIG_X -> built (y or m); an option
// it does not hold is unknown. Loaded on the first question, and shared by
// copies: the file is some 250 KB that most plans never need (only an
// attribute the kernel does not show, or passthru, makes a plan ask).
class KernelConfig {
 public:
  using Options = std::map<std::string, bool>;
  using Loader = std::function<Options()>;
  KernelConfig() = default;  // nothing known
  explicit KernelConfig(Loader loader);
  std::optional<bool> built(const std::string& option) const;
  bool loaded() const { return cache_ && cache_->options.has_value(); }

 private:
  struct Cache {
    Loader loader;
    std::optional<Options> options;
  };
  std::shared_ptr<Cache> cache_;
};

// What planning must know about the running kernel beyond configfs itself.
struct KernelFacts {
  KernelVersion version;  // 0.0 when unknown
  KernelConfig config;
};

}  // namespace nvmetctl
