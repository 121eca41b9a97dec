#include "nvmetctl/watch/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {

namespace {

#define NVMETCTL_SYSTEMD_FUNCTIONS(X) X(sd_notify) X(sd_watchdog_enabled)
NVMETCTL_LIBRARY_API(Systemd, NVMETCTL_SYSTEMD_FUNCTIONS)

}  // namespace

SystemdNotify SystemdNotify::open() {
  SystemdNotify out;
  auto systemd = open_library<Systemd>(NVMETCTL_LIBSYSTEMD_SONAME, "libsystemd0");
  if (!systemd) {
    out.load_error_ = systemd.error();
    return out;
  }
  // The slots in the header are typed by hand; these assignments check them
  // against libsystemd's own declarations.
  out.sd_notify_ = systemd->sd_notify;
  out.sd_watchdog_enabled_ = systemd->sd_watchdog_enabled;
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
