#include "nvmetctl/check/connect_errors.h"

#include <cstring>

#include "libnvme_api.h"

namespace nvmetctl {
namespace {

int errno_of_libnvme_code(int code) {
  switch (code) {
    case ENVME_CONNECT_CONNREFUSED: return ECONNREFUSED;
    case ENVME_CONNECT_ADDRINUSE: return EADDRINUSE;
    case ENVME_CONNECT_NODEV: return ENODEV;
    case ENVME_CONNECT_OPNOTSUPP: return EOPNOTSUPP;
    case ENVME_CONNECT_INVAL: return EINVAL;
    case ENVME_CONNECT_ALREADY: return EALREADY;
    case ENVME_CONNECT_OPEN: return ENOENT;
    default: return 0;
  }
}

// The errno whose text libnvme logged ("Failed to write to /dev/nvme-fabrics: Connection timed out").
int errno_in_log(const std::string& log) {
  for (int candidate : {ETIMEDOUT, ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ENETUNREACH, EKEYREJECTED, EKEYEXPIRED,
                        EACCES, EPERM, EINTR, EIO, EINVAL, ENODEV, ENOENT, EADDRNOTAVAIL, EPROTO, ENOTCONN}) {
    if (log.find(": " + std::string(std::strerror(candidate))) != std::string::npos) return candidate;
  }
  return 0;
}

std::string last_line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  auto at = text.rfind('\n');
  return at == std::string::npos ? text : text.substr(at + 1);
}

}  // namespace

SysError connect_error(int libnvme_errno, bool timed_out, const std::string& action, const std::string& where,
                       const std::string& libnvme_log) {
  if (timed_out) return sys_error(ETIMEDOUT, action, where);
  int errnum = libnvme_errno;
  if (libnvme_errno >= ENVME_CONNECT_RESOLVE) {
    errnum = errno_of_libnvme_code(libnvme_errno);
    if (errnum == 0) errnum = errno_in_log(libnvme_log);
  }
  SysError error = errnum != 0 ? sys_error(errnum, action, where) : logic_error(action, where, "");
  std::string detail = last_line(libnvme_log);
  if (error.reason.empty())
    error.reason = detail.empty() ? libnvme_error_text(libnvme_errno) : detail;
  return error;
}

}  // namespace nvmetctl
