#pragma once
// systemd's readiness and watchdog protocol through libsystemd's sd_notify,
// for `watch` alone: the library is opened when the agent starts
// (util/shared_library), not by every run of nvmetctl.
#include <cstdint>
#include <optional>

#include "nvmetctl/expected.h"

namespace nvmetctl {

class SystemdNotify {
 public:
  // Never fails: without libsystemd, notify does nothing and the watchdog
  // is off; load_error() says why, for a warning when systemd waits for us.
  static SystemdNotify open();

  // The watchdog interval systemd set for this service, if any.
  std::optional<std::uint64_t> watchdog_usec() const;
  // "READY=1", "WATCHDOG=1", "STOPPING=1"...; nothing when not under systemd.
  void notify(const char* state) const;
  const std::optional<SysError>& load_error() const { return load_error_; }

 private:
  int (*sd_notify_)(int, const char*) = nullptr;
  int (*sd_watchdog_enabled_)(int, std::uint64_t*) = nullptr;
  std::optional<SysError> load_error_;
};

}  // namespace nvmetctl
