// NetworkInfo of the running system.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "nvmetctl/net/network_info.h"

namespace nvmetctl {
namespace {

unsigned prefix_length_of(const sockaddr* netmask) {
  if (netmask == nullptr) return 0;
  const std::uint8_t* bytes = nullptr;
  std::size_t size = 0;
  if (netmask->sa_family == AF_INET) {
    bytes = reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<const sockaddr_in*>(netmask)->sin_addr);
    size = 4;
  } else if (netmask->sa_family == AF_INET6) {
    bytes = reinterpret_cast<const sockaddr_in6*>(netmask)->sin6_addr.s6_addr;
    size = 16;
  }
  unsigned length = 0;
  for (std::size_t i = 0; i < size; ++i) length += static_cast<unsigned>(std::popcount(bytes[i]));
  return length;
}

std::optional<IpAddress> address_of(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  IpAddress address;
  if (sa->sa_family == AF_INET) {
    address.family = IpFamily::V4;
    std::memcpy(address.bytes.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return address;
  }
  if (sa->sa_family == AF_INET6) {
    address.family = IpFamily::V6;
    std::memcpy(address.bytes.data(), reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr, 16);
    return address;
  }
  return std::nullopt;
}

bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

class SystemNetworkInfo final : public NetworkInfo {
 public:
  explicit SystemNetworkInfo(const SystemPaths& paths) : paths_(paths) {}

  Expected<std::vector<NetworkInterface>> interfaces() override {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return sys_error(errno, "list network interfaces", "");
    std::vector<NetworkInterface> result;
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
      auto& interface = find_or_add(result, entry->ifa_name);
      interface.up = interface.up || (entry->ifa_flags & IFF_UP) != 0;
      if (auto address = address_of(entry->ifa_addr))
        interface.addresses.push_back({*address, prefix_length_of(entry->ifa_netmask)});
    }
    freeifaddrs(list);
    for (auto& interface : result) interface.lower_devices = lower_devices(interface.name);
    return result;
  }

  bool netdev_exists(const std::string& name) override {
    std::error_code ec;
    return is_plain_name(name) && std::filesystem::exists(net_class_dir() / name, ec);
  }

 private:
  static NetworkInterface& find_or_add(std::vector<NetworkInterface>& all, const char* name) {
    auto found = std::find_if(all.begin(), all.end(), [&](const auto& i) { return i.name == name; });
    if (found != all.end()) return *found;
    all.push_back(NetworkInterface{name, false, {}, {}});
    return all.back();
  }

  std::filesystem::path net_class_dir() const {
    return std::filesystem::path(paths_.sysfs) / "class/net";
  }

  // The kernel links each lower device as <sysfs>/class/net/<dev>/lower_<name>.
  std::vector<std::string> lower_devices(const std::string& name) const {
    std::vector<std::string> lower;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(net_class_dir() / name, ec), end;
         !ec && it != end; it.increment(ec)) {
      const std::string entry = it->path().filename().string();
      if (entry.rfind("lower_", 0) == 0) lower.push_back(entry.substr(6));
    }
    std::sort(lower.begin(), lower.end());
    return lower;
  }

  SystemPaths paths_;
};

}  // namespace

std::unique_ptr<NetworkInfo> make_system_network_info(const SystemPaths& paths) {
  return std::make_unique<SystemNetworkInfo>(paths);
}

}  // namespace nvmetctl
