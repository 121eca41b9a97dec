#include "network_info_fake.h"

#include <algorithm>
#include <cstdlib>

namespace nvmetctl {

FakeNetworkInfo& FakeNetworkInfo::add_interface(const std::string& name,
                                                std::initializer_list<std::string> addresses,
                                                std::vector<std::string> lower_devices, bool up) {
  NetworkInterface interface{name, up, {}, std::move(lower_devices)};
  for (const auto& text : addresses) {
    const auto slash = text.find('/');
    auto address = parse_ip_address(text.substr(0, slash));
    if (!address) continue;
    unsigned prefix = address->family == IpFamily::V4 ? 32 : 128;
    if (slash != std::string::npos)
      prefix = static_cast<unsigned>(std::strtoul(text.c_str() + slash + 1, nullptr, 10));
    interface.addresses.push_back({*address, prefix});
  }
  interfaces_.push_back(std::move(interface));
  return *this;
}

FakeNetworkInfo& FakeNetworkInfo::fail_with(int errnum) {
  failure_ = errnum;
  return *this;
}

Expected<std::vector<NetworkInterface>> FakeNetworkInfo::interfaces() {
  if (failure_ != 0) return sys_error(failure_, "list network interfaces", "");
  return interfaces_;
}

bool FakeNetworkInfo::netdev_exists(const std::string& name) {
  return std::any_of(interfaces_.begin(), interfaces_.end(),
                     [&](const auto& i) { return i.name == name; });
}

}  // namespace nvmetctl
