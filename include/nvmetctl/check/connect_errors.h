#pragma once
// libnvme reports a failed connect as its own code (ENVME_CONNECT_WRITE: the
// write to /dev/nvme-fabrics failed) and logs the kernel's errno as text;
// this puts the errno back, so the check can tell refused from unreachable.
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

// `libnvme_errno`: errno after nvmf_add_ctrl; `timed_out`: the deadline cut
// it short; `libnvme_log`: what libnvme logged meanwhile.
SysError connect_error(int libnvme_errno, bool timed_out, const std::string& action, const std::string& where,
                       const std::string& libnvme_log);

}  // namespace nvmetctl
