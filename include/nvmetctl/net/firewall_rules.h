#pragma once
// The node's nftables rules that can stop a port's traffic: when a check
// finds a tcp port unreachable, the doctor names the rule that drops it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nvmetctl/expected.h"

namespace nvmetctl {

struct FirewallRule {
  std::string family, table, chain;
  std::uint64_t handle = 0;
  std::string verdict;   // "drop" or "reject"
  std::string protocol;  // "tcp", "udp", "th" (either), or "" when the rule names none
  // Destination ports the rule matches; empty: it does not look at the port.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> dport_ranges;
  bool other_matches = false;  // it also matches on something else (an address, an interface)
  std::string text;            // "tcp dport 4420 drop", as nft would print the parts read here

  // "nft delete rule inet filter input handle 3"
  std::string delete_command() const;
  std::string describe() const;  // "inet filter input handle 3: tcp dport 4420 drop"
};

// A base chain whose policy drops what no rule accepts.
struct FirewallChain {
  std::string family, table, name, hook, policy;
};

struct FirewallRuleset {
  std::vector<FirewallRule> blocking_rules;  // every drop/reject rule
  std::vector<FirewallChain> dropping_chains;  // base chains with policy drop
};

// From `nft -j list ruleset`'s document. A document that is not nftables
// JSON is an error; parts this reader does not know are skipped.
Expected<FirewallRuleset> parse_nftables_json(const std::string& json);

// The rules that drop or reject tcp traffic to `port`: those that name it
// first, then those that match every port.
std::vector<FirewallRule> rules_blocking_tcp_port(const FirewallRuleset& ruleset, std::uint32_t port);

// The live ruleset through libnftables (needs CAP_NET_ADMIN).
Expected<FirewallRuleset> read_nftables_ruleset();

}  // namespace nvmetctl
