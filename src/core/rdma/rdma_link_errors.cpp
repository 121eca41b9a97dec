#include "nvmetctl/rdma/rdma_link_errors.h"

#include <cerrno>
#include <cstring>

#include "nvmetctl/kernel/module_names.h"
#include "nvmetctl/rdma/nldev_protocol.h"

namespace nvmetctl {
namespace {


SysError invalid(const LinkSpec& spec, std::string reason) {
  return SysError{EINVAL, "add rdma link", spec.name, std::move(reason)};
}

}  // namespace

Expected<void> validate_link_spec(const LinkSpec& spec) {
  if (spec.name.empty()) return invalid(spec, "the RDMA device name is empty");
  if (spec.name.find('%') != std::string::npos)
    return invalid(spec, "RDMA device names must not contain '%' (no rxe%d templates)");
  if (spec.name.find('/') != std::string::npos)
    return invalid(spec, "RDMA device names must not contain '/'");
  if (spec.name.size() >= nldev::kDeviceNameMax)
    return invalid(spec, "the RDMA device name is longer than " +
                             std::to_string(nldev::kDeviceNameMax - 1) + " characters");
  if (spec.type.empty()) return invalid(spec, "the link type is empty (use rxe or siw)");
  if (spec.type.size() >= nldev::kLinkTypeMax)
    return invalid(spec, "unknown link type '" + spec.type + "' (use rxe or siw)");
  if (spec.netdev.empty()) return invalid(spec, "no network interface given");
  if (spec.netdev.size() >= nldev::kNetdevNameMax)
    return invalid(spec, "network interface name '" + spec.netdev + "' is longer than " +
                             std::to_string(nldev::kNetdevNameMax - 1) + " characters");
  return {};
}

std::string add_link_failure_reason(int errnum, const LinkSpec& spec, const AddLinkFacts& facts) {
  switch (errnum) {
    case EPERM:
      if (facts.netdev_is_vlan)
        return spec.netdev + " is a VLAN interface; " + spec.type +
               " links must be created on the underlying real device";
      return "permission denied: creating RDMA links needs CAP_NET_ADMIN (run as root)";
    case ENODEV:
      return "network interface " + spec.netdev + " does not exist in this network namespace";
    case EEXIST:
      if (!facts.existing_device.empty())
        return spec.netdev + " already has an " + spec.type + " device: " + facts.existing_device;
      return spec.netdev + " already has an " + spec.type + " device";
    case ENFILE:
      return "the name " + spec.name + " is already used by another RDMA device";
    case EINVAL:
      if (!facts.link_module_loaded) {
        auto module = link_type_module(spec.type);
        if (!module)
          return "unknown link type " + spec.type + " (the kernel has no rdma-link-" + spec.type +
                 " module; use rxe or siw)";
        return "link type " + spec.type + " is not available: module " + std::string(*module) +
               " is not loaded and the kernel could not load it";
      }
      return "the kernel rejected the request as invalid (link type " + spec.type +
             ", netdev " + spec.netdev + ")";
    default:
      return std::strerror(errnum);
  }
}

std::string remove_link_failure_reason(int errnum, const std::string& name, bool software_link) {
  switch (errnum) {
    case ENODEV:
      return "no RDMA device named " + name;
    case EPERM:
      return "permission denied: deleting RDMA links needs CAP_NET_ADMIN (run as root)";
    case EINVAL:
      if (!software_link)
        return name + " is not a software link (rxe/siw); hardware RDMA devices cannot be deleted";
      return "the kernel no longer knows " + name + " (it was removed meanwhile)";
    default:
      return std::strerror(errnum);
  }
}

std::string rdma_netlink_failure_reason(int errnum) {
  switch (errnum) {
    case EPROTONOSUPPORT:
      return "RDMA netlink is not available: ib_core is not loaded and could not be loaded";
    case EPERM:
    case EACCES:
      return "permission denied talking to RDMA netlink (run as root)";
    default:
      return std::strerror(errnum);
  }
}

}  // namespace nvmetctl
