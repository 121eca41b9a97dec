#pragma once
// Which software driver, if any, backs an RDMA device. RDMA netlink does not
// report the driver, so this reads sysfs the way `rdma link` users would.
#include <string>

#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// "rxe" when <sysfs>/class/infiniband/<dev>/parent exists (only rxe has it),
// "siw" for an iWARP device with no bus device behind it, else "" (hardware).
std::string infer_link_type(const SystemPaths& paths, const std::string& ibdev,
                            const std::string& protocol);

// rxe's parent netdev as recorded in sysfs, "" if not rxe. Unlike netlink it
// is known even when the netdev lives in another network namespace.
std::string rxe_parent_netdev(const SystemPaths& paths, const std::string& ibdev);

}  // namespace nvmetctl
