#include "rdma_links_fake.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "nvmetctl/rdma/rdma_link_errors.h"

namespace nvmetctl {
namespace {

constexpr int kPortActive = 4;

std::string protocol_of(const std::string& type) { return type == "siw" ? "iw" : "roce"; }

}  // namespace

FakeRdmaLinks& FakeRdmaLinks::add_netdev(const std::string& netdev) {
  netdevs_.insert(netdev);
  return *this;
}

FakeRdmaLinks& FakeRdmaLinks::add_hardware_device(const std::string& name,
                                                  const std::string& protocol,
                                                  const std::string& netdev) {
  if (!netdev.empty()) netdevs_.insert(netdev);
  devices_.push_back({next_index_++, name, protocol, "", netdev, kPortActive});
  return *this;
}

FakeRdmaLinks& FakeRdmaLinks::make_type_unavailable(const std::string& type) {
  unavailable_types_.insert(type);
  return *this;
}

FakeRdmaLinks& FakeRdmaLinks::fail_next(const std::string& operation, int errnum, int skip) {
  faults_.fail_next(operation, errnum, skip);
  return *this;
}

bool FakeRdmaLinks::take_failure(const std::string& operation, int& errnum) {
  auto fault = faults_.take(operation);
  if (fault) errnum = *fault;
  return fault.has_value();
}

Expected<std::vector<RdmaDevice>> FakeRdmaLinks::list() {
  calls_.push_back("list");
  if (int errnum = 0; take_failure("list", errnum))
    return SysError{errnum, "list rdma devices", "", rdma_netlink_failure_reason(errnum)};
  return devices_;
}

Expected<void> FakeRdmaLinks::add(const std::string& name, const std::string& type,
                                  const std::string& netdev) {
  calls_.push_back("add " + name + " " + type + " " + netdev);
  const LinkSpec spec{name, type, netdev};
  if (auto valid = validate_link_spec(spec); !valid) return valid.error();

  AddLinkFacts facts;
  int errnum = 0;
  if (take_failure("add", errnum)) {
    // an injected failure wins over the rules below
  } else if (type != "rxe" && type != "siw") {
    errnum = EINVAL;
    facts.link_module_loaded = false;
  } else if (unavailable_types_.count(type)) {
    errnum = EINVAL;
    facts.link_module_loaded = false;
  } else if (!netdevs_.count(netdev)) {
    errnum = ENODEV;
  } else if (auto same = std::find_if(devices_.begin(), devices_.end(),
                                      [&](const RdmaDevice& d) {
                                        return d.netdev == netdev && d.link_type == type;
                                      });
             same != devices_.end()) {
    errnum = EEXIST;
    facts.existing_device = same->name;
  } else if (std::any_of(devices_.begin(), devices_.end(),
                         [&](const RdmaDevice& d) { return d.name == name; })) {
    errnum = ENFILE;
  }
  if (errnum != 0)
    return SysError{errnum, "add rdma link", name, add_link_failure_reason(errnum, spec, facts)};

  devices_.push_back({next_index_++, name, protocol_of(type), type, netdev, kPortActive});
  return {};
}

Expected<void> FakeRdmaLinks::remove(const std::string& name) {
  calls_.push_back("remove " + name);
  auto device = std::find_if(devices_.begin(), devices_.end(),
                             [&](const RdmaDevice& d) { return d.name == name; });
  int errnum = 0;
  if (take_failure("remove", errnum)) {
    // an injected failure wins over the rules below
  } else if (device == devices_.end()) {
    errnum = ENODEV;
  } else if (device->link_type.empty()) {
    errnum = EINVAL;
  }
  if (errnum != 0) {
    const bool software = device == devices_.end() || !device->link_type.empty();
    return SysError{errnum, "delete rdma link", name,
                    remove_link_failure_reason(errnum, name, software)};
  }
  devices_.erase(device);
  return {};
}

}  // namespace nvmetctl
