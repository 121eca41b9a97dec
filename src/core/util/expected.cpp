#include "nvmetctl/expected.h"

#include <cstring>

namespace nvmetctl {

std::string SysError::describe() const {
  std::string text = action;
  if (!path.empty()) text += " " + path;
  text += ": " + reason;
  return text;
}

SysError sys_error(int errnum, std::string action, std::string path) {
  return SysError{errnum, std::move(action), std::move(path), std::strerror(errnum)};
}

SysError logic_error(std::string action, std::string path, std::string reason) {
  return SysError{0, std::move(action), std::move(path), std::move(reason)};
}

}  // namespace nvmetctl
