#pragma once
// NetworkInfo from a list given by the test.
#include <initializer_list>
#include <string>
#include <vector>

#include "nvmetctl/net/network_info.h"

namespace nvmetctl {

class FakeNetworkInfo final : public NetworkInfo {
 public:
  // addresses as "10.0.0.1/24" or "fe80::1/64"; a missing prefix means a
  // host route. Unparsable entries are ignored, so tests fail visibly on lookup.
  FakeNetworkInfo& add_interface(const std::string& name,
                                 std::initializer_list<std::string> addresses = {},
                                 std::vector<std::string> lower_devices = {}, bool up = true);
  FakeNetworkInfo& fail_with(int errnum);  // interfaces() fails from now on

  Expected<std::vector<NetworkInterface>> interfaces() override;
  bool netdev_exists(const std::string& name) override;

 private:
  std::vector<NetworkInterface> interfaces_;
  int failure_ = 0;
};

}  // namespace nvmetctl
