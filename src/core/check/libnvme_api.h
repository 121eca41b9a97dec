#pragma once
// libnvme, opened when first needed (util/shared_library): only check and
// doctor --probe connect as a host, and libnvme with what it pulls in
// (json-c, OpenSSL) cost every other run a fifth of a small export's time
// under emulation (issue 16). Its functions keep the header's types.
extern "C" {
#include <nvme/fabrics.h>
#include <nvme/ioctl.h>
#include <nvme/tree.h>
#include <nvme/util.h>
}

#include <string>

#include "nvmetctl/expected.h"
#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {

// clang-format off
#define NVMETCTL_LIBNVME_FUNCTIONS(X) \
  X(nvme_create_root) \
  X(nvme_free_tree) \
  X(nvme_lookup_host) \
  X(nvme_host_set_dhchap_key) \
  X(nvme_create_ctrl) \
  X(nvme_ctrl_set_dhchap_host_key) \
  X(nvme_ctrl_set_dhchap_key) \
  X(nvme_ctrl_get_name) \
  X(nvme_ctrl_get_fd) \
  X(nvme_disconnect_ctrl) \
  X(nvme_free_ctrl) \
  X(nvme_identify) \
  X(nvme_errno_to_string) \
  X(nvmf_default_config) \
  X(nvmf_add_ctrl) \
  X(nvmf_get_discovery_log) \
  X(nvmf_trtype_str)
// clang-format on

NVMETCTL_LIBRARY_API(Libnvme, NVMETCTL_LIBNVME_FUNCTIONS)

// Opened once a process; the error names the package when it cannot be.
Expected<const Libnvme*> libnvme();

// nvme_errno_to_string's text, or the bare code when libnvme is not there.
std::string libnvme_error_text(int code);

}  // namespace nvmetctl
