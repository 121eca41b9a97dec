#pragma once
#include <memory>

#include "nvmetctl/check/fabrics_host.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// The kernel's host side through libnvme. A connect or discovery that gets
// no answer within `connect_timeout_seconds` is interrupted and reported as
// ETIMEDOUT (the kernel's own TCP connect would wait minutes).
std::unique_ptr<FabricsHost> make_libnvme_host(const SystemPaths& paths, double connect_timeout_seconds);

}  // namespace nvmetctl
