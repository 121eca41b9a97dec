// A refused connect looks the same to the host (the write to /dev/nvme-fabrics
// fails, usually with EIO); the target's log line says why.
#include <algorithm>
#include <cctype>

#include "nvmetctl/check/check_runner.h"

namespace nvmetctl {
namespace {

bool contains_any(const std::vector<std::string>& lines, std::initializer_list<const char*> needles) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::any_of(needles.begin(), needles.end(),
                       [&](const char* needle) { return lower.find(needle) != std::string::npos; });
  });
}

const std::string* first_with(const std::vector<std::string>& lines, const char* needle) {
  auto it = std::find_if(lines.begin(), lines.end(),
                         [&](const std::string& line) { return line.find(needle) != std::string::npos; });
  return it == lines.end() ? nullptr : &*it;
}

bool unreachable_errno(int errnum) {
  switch (errnum) {
    case ECONNREFUSED: case ETIMEDOUT: case EHOSTUNREACH: case ENETUNREACH: case ECONNRESET: case EADDRNOTAVAIL:
    case EINTR:
      return true;
    default:
      return false;
  }
}

}  // namespace

ConnectFailure classify_connect_failure(const SysError& error, const std::vector<std::string>& kernel_lines) {
  if (contains_any(kernel_lines, {"not allowed"})) {
    const std::string* line = first_with(kernel_lines, "not allowed");
    return {Verdict::Refused, "the target refused the host: " + (line ? *line : error.reason)};
  }
  if (contains_any(kernel_lines, {"host response mismatch"}))
    return {Verdict::AuthFailed,
            "DH-HMAC-CHAP authentication failed: the target holds another key for this host (its kernel: host response "
            "mismatch)"};
  if (contains_any(kernel_lines, {"controller response mismatch", "controller authentication failed"}))
    return {Verdict::AuthFailed,
            "DH-HMAC-CHAP authentication failed: the controller's answer does not match the host's controller key"};
  if (error.errnum == EKEYREJECTED || error.errnum == EKEYEXPIRED ||
      contains_any(kernel_lines, {"authentication failed", "auth failed", "dhchap", "failure1", "failure2"}))
    return {Verdict::AuthFailed, "DH-HMAC-CHAP authentication failed: " + error.reason};
  if (unreachable_errno(error.errnum)) {
    std::string cause = error.reason;
    if (error.errnum == EINTR || error.errnum == ETIMEDOUT)
      cause = "no answer in time (a firewall dropping the port's packets?)";
    else if (error.errnum == ECONNREFUSED)
      cause = "connection refused: nothing listens there";
    return {Verdict::Unreachable, cause};
  }
  return {Verdict::Refused, error.reason.empty() ? error.describe() : error.reason};
}

}  // namespace nvmetctl
