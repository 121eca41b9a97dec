#include "nvmetctl/rdma/rdma_link_type.h"

#include <filesystem>
#include <system_error>

#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {
namespace {

std::filesystem::path class_dir(const SystemPaths& paths, const std::string& ibdev) {
  return std::filesystem::path(paths.sysfs) / "class/infiniband" / ibdev;
}

bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

std::string infer_link_type(const SystemPaths& paths, const std::string& ibdev,
                            const std::string& protocol) {
  if (!is_plain_name(ibdev)) return "";
  std::error_code ec;
  const auto dir = class_dir(paths, ibdev);
  if (std::filesystem::exists(dir / "parent", ec)) return "rxe";
  // symlink_status: the `device` link of a hardware device must count even
  // if its target is missing from a test tree.
  if (protocol == "iw" && std::filesystem::exists(dir, ec) &&
      !std::filesystem::exists(std::filesystem::symlink_status(dir / "device", ec)))
    return "siw";
  return "";
}

std::string rxe_parent_netdev(const SystemPaths& paths, const std::string& ibdev) {
  if (!is_plain_name(ibdev)) return "";
  return sys_files::read_trimmed(class_dir(paths, ibdev) / "parent").value_or("");
}

}  // namespace nvmetctl
