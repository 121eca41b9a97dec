#include "nvmetctl/net/firewall_rules.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::file_content;

// What `nft -j -a list ruleset` printed (nftables 1.0.6) for: an inet filter
// input chain with policy drop; tcp dport 22 accept (handle 2); tcp dport 4420
// drop (3); ip daddr 127.0.0.1 tcp dport { 4420, 4421 } reject (5); th dport
// 4400-4500 counter reject with tcp reset (6); udp dport 4420 drop (7);
// iifname "eth9" drop (8); and an ip nat table with a prerouting chain.
FirewallRuleset sample() {
  auto parsed = parse_nftables_json(file_content(std::string(NVMETCTL_SOURCE_DIR) + "/tests/unit/data/nftables/ruleset.json"));
  EXPECT_TRUE(parsed) << parsed.error().describe();
  return parsed ? *parsed : FirewallRuleset{};
}

std::vector<std::uint64_t> handles(const std::vector<FirewallRule>& rules) {
  std::vector<std::uint64_t> out;
  for (const FirewallRule& rule : rules) out.push_back(rule.handle);
  return out;
}

TEST(FirewallRules, ReadsEveryDropAndRejectRuleButNoAccept) {
  FirewallRuleset ruleset = sample();
  EXPECT_EQ(handles(ruleset.blocking_rules), (std::vector<std::uint64_t>{3, 5, 6, 7, 8}));
  ASSERT_EQ(ruleset.dropping_chains.size(), 1u);
  EXPECT_EQ(ruleset.dropping_chains[0].table, "filter");
  EXPECT_EQ(ruleset.dropping_chains[0].hook, "input");
}

TEST(FirewallRules, RulesBlockingAPortNameItFirstThenThoseForEveryPort) {
  FirewallRuleset ruleset = sample();
  EXPECT_EQ(handles(rules_blocking_tcp_port(ruleset, 4420)), (std::vector<std::uint64_t>{3, 5, 6, 8}));
  EXPECT_EQ(handles(rules_blocking_tcp_port(ruleset, 4450)), (std::vector<std::uint64_t>{6, 8}));
  EXPECT_EQ(handles(rules_blocking_tcp_port(ruleset, 22)), (std::vector<std::uint64_t>{8}));
}

TEST(FirewallRules, DescribesARuleAndTheCommandThatDeletesIt) {
  FirewallRuleset ruleset = sample();
  auto blocking = rules_blocking_tcp_port(ruleset, 4421);
  ASSERT_FALSE(blocking.empty());
  const FirewallRule& set_rule = blocking.front();
  EXPECT_EQ(set_rule.handle, 5u);
  EXPECT_EQ(set_rule.text, "... tcp dport { 4420, 4421 } reject");
  EXPECT_TRUE(set_rule.other_matches);
  EXPECT_EQ(set_rule.describe(), "inet filter input handle 5: ... tcp dport { 4420, 4421 } reject");
  EXPECT_EQ(set_rule.delete_command(), "nft delete rule inet filter input handle 5");
  auto exact = rules_blocking_tcp_port(ruleset, 4420).front();
  EXPECT_EQ(exact.text, "tcp dport 4420 drop");
  EXPECT_FALSE(exact.other_matches);
  EXPECT_EQ(rules_blocking_tcp_port(ruleset, 4450).front().text, "tcp dport 4400-4500 reject");
}

TEST(FirewallRules, AnythingButAnNftablesDocumentIsAnError) {
  for (const char* text : {"", "not json", "[]", "{\"nftables\": 5}", "{\"other\": []}"}) {
    auto parsed = parse_nftables_json(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().reason.find("not an nftables JSON document"), std::string::npos);
  }
}

TEST(FirewallRules, OddValuesAreSkippedNotTrusted) {
  // A port above 65535, a reversed range, a set with a bad member, and
  // members of the wrong type: none becomes a port range of the rule.
  const char* text = R"({"nftables": [
    {"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 1,
              "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 70000}},
                       {"drop": null}]}},
    {"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 2,
              "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"range": [4500, 4400]}}},
                       {"drop": null}]}},
    {"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 3,
              "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [4420, "x"]}}},
                       {"drop": null}]}},
    {"rule": {"family": 5, "table": [], "chain": null, "handle": -1, "expr": "drop"}},
    {"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 4,
              "expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 4420}},
                       {"reject": null}]}},
    7, "text", {"chain": "not an object"}
  ]})";
  auto parsed = parse_nftables_json(text);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(handles(parsed->blocking_rules), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  for (const FirewallRule& rule : parsed->blocking_rules) {
    EXPECT_TRUE(rule.dport_ranges.empty()) << rule.handle;
    EXPECT_TRUE(rule.other_matches) << rule.handle;
  }
}

TEST(FirewallRules, AnEmptyRulesetBlocksNothing) {
  auto parsed = parse_nftables_json(R"({"nftables": [{"metainfo": {"version": "1.0.6"}}]})");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->blocking_rules.empty());
  EXPECT_TRUE(rules_blocking_tcp_port(*parsed, 4420).empty());
}

}  // namespace
}  // namespace nvmetctl
