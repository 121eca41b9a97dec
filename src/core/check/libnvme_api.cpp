#include "libnvme_api.h"

namespace nvmetctl {

Expected<const Libnvme*> libnvme() { return opened_library<Libnvme>(NVMETCTL_LIBNVME_SONAME, "libnvme1"); }

std::string libnvme_error_text(int code) {
  auto api = libnvme();
  if (!api) return "libnvme error " + std::to_string(code);
  return (*api)->nvme_errno_to_string(code);
}

}  // namespace nvmetctl
