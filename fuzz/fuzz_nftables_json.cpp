// libFuzzer target: the reader of `nft -j list ruleset` (net/firewall_rules),
// which doctor --probe feeds with what libnftables prints. Any document,
// however deep, however odd its numbers, must come back as a ruleset or an
// error; every rule found is then asked about a few ports and printed, as
// the doctor does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nvmetctl/net/firewall_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nvmetctl;
  auto ruleset = parse_nftables_json(std::string(reinterpret_cast<const char*>(data), size));
  if (!ruleset) return 0;
  for (std::uint32_t port : {0u, 4420u, 65535u, 4294967295u})
    for (const FirewallRule& rule : rules_blocking_tcp_port(*ruleset, port)) {
      volatile std::size_t sink = rule.describe().size() + rule.delete_command().size();
      (void)sink;
    }
  return 0;
}
