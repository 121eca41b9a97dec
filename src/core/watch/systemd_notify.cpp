#include "nvmetctl/watch/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {

SystemdNotify SystemdNotify::open() {
  SystemdNotify out;
  auto library = SharedLibrary::open(NVMETCTL_LIBSYSTEMD_SONAME, "libsystemd0");
  if (!library) {
    out.load_error_ = library.error();
    return out;
  }
  // Typed by libsystemd's own header.
  decltype(&::sd_notify) notify = nullptr;
  decltype(&::sd_watchdog_enabled) watchdog = nullptr;
  if (auto bound = library->bind(notify, "sd_notify"); !bound) out.load_error_ = bound.error();
  else if (auto bound_watchdog = library->bind(watchdog, "sd_watchdog_enabled"); !bound_watchdog)
    out.load_error_ = bound_watchdog.error();
  if (out.load_error_) return out;
  out.sd_notify_ = notify;
  out.sd_watchdog_enabled_ = watchdog;
  return out;
}

std::optional<std::uint64_t> SystemdNotify::watchdog_usec() const {
  std::uint64_t usec = 0;
  if (!sd_watchdog_enabled_ || sd_watchdog_enabled_(0, &usec) <= 0) return std::nullopt;
  return usec;
}

void SystemdNotify::notify(const char* state) const {
  if (sd_notify_) sd_notify_(0, state);
}

}  // namespace nvmetctl
