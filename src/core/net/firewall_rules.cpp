// nftables' JSON ruleset, read for the rules that drop or reject traffic.
#include "nvmetctl/net/firewall_rules.h"

#include <algorithm>
#include <cerrno>

#include <nlohmann/json.hpp>

namespace nvmetctl {
namespace {

using nlohmann::json;

// A port, a set of ports and ranges, or a range: as nft writes a match's right side.
bool read_ports(const json& right, std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) {
  if (right.is_number_unsigned()) {
    auto port = right.get<std::uint64_t>();
    if (port > 65535) return false;
    out.emplace_back(static_cast<std::uint32_t>(port), static_cast<std::uint32_t>(port));
    return true;
  }
  if (right.is_object() && right.contains("range")) {
    const json& range = right["range"];
    if (!range.is_array() || range.size() != 2 || !range[0].is_number_unsigned() || !range[1].is_number_unsigned())
      return false;
    auto low = range[0].get<std::uint64_t>(), high = range[1].get<std::uint64_t>();
    if (low > 65535 || high > 65535 || low > high) return false;
    out.emplace_back(static_cast<std::uint32_t>(low), static_cast<std::uint32_t>(high));
    return true;
  }
  if (right.is_object() && right.contains("set") && right["set"].is_array()) {
    for (const json& item : right["set"])
      if (!read_ports(item, out)) return false;
    return true;
  }
  return false;
}

std::string ports_text(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges) {
  auto one = [](const std::pair<std::uint32_t, std::uint32_t>& r) {
    return r.first == r.second ? std::to_string(r.first) : std::to_string(r.first) + "-" + std::to_string(r.second);
  };
  if (ranges.size() == 1) return one(ranges[0]);
  std::string text = "{ ";
  for (std::size_t i = 0; i < ranges.size(); ++i) text += (i ? ", " : "") + one(ranges[i]);
  return text + " }";
}

std::string str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One rule's expressions; false when it neither drops nor rejects.
bool read_rule(const json& rule, FirewallRule& out) {
  out.family = str(rule, "family");
  out.table = str(rule, "table");
  out.chain = str(rule, "chain");
  if (auto handle = rule.find("handle"); handle != rule.end() && handle->is_number_unsigned())
    out.handle = handle->get<std::uint64_t>();
  auto expressions = rule.find("expr");
  if (expressions == rule.end() || !expressions->is_array()) return false;
  std::string matches;
  for (const json& expression : *expressions) {
    if (!expression.is_object() || expression.empty()) continue;
    const std::string kind = expression.begin().key();
    const json& body = expression.begin().value();
    if (kind == "drop" || kind == "reject") {
      out.verdict = kind;
      break;
    }
    if (kind == "accept" || kind == "return" || kind == "jump" || kind == "goto") return false;
    if (kind != "match" || !body.is_object()) continue;
    const json* left = body.contains("left") ? &body["left"] : nullptr;
    bool dport = left && left->is_object() && left->contains("payload") && (*left)["payload"].is_object() &&
                 str((*left)["payload"], "field") == "dport";
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ports;
    if (dport && str(body, "op") == "==" && body.contains("right") && read_ports(body["right"], ports)) {
      out.protocol = str((*left)["payload"], "protocol");
      matches += out.protocol + " dport " + ports_text(ports) + " ";
      out.dport_ranges.insert(out.dport_ranges.end(), ports.begin(), ports.end());
    } else {
      out.other_matches = true;
      matches += "... ";
    }
  }
  if (out.verdict.empty()) return false;
  out.text = matches + out.verdict;
  return true;
}

bool covers(const FirewallRule& rule, std::uint32_t port) {
  return std::any_of(rule.dport_ranges.begin(), rule.dport_ranges.end(),
                     [&](const auto& range) { return range.first <= port && port <= range.second; });
}

}  // namespace

std::string FirewallRule::delete_command() const {
  return "nft delete rule " + family + " " + table + " " + chain + " handle " + std::to_string(handle);
}

std::string FirewallRule::describe() const {
  return family + " " + table + " " + chain + " handle " + std::to_string(handle) + ": " + text;
}

Expected<FirewallRuleset> parse_nftables_json(const std::string& text) {
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("nftables") ||
      !document["nftables"].is_array())
    return SysError{EINVAL, "read", "nftables ruleset", "not an nftables JSON document"};
  FirewallRuleset ruleset;
  for (const json& item : document["nftables"]) {
    if (!item.is_object()) continue;
    if (auto chain = item.find("chain"); chain != item.end() && chain->is_object()) {
      if (str(*chain, "policy") == "drop" && !str(*chain, "hook").empty())
        ruleset.dropping_chains.push_back(
            {str(*chain, "family"), str(*chain, "table"), str(*chain, "name"), str(*chain, "hook"), "drop"});
    } else if (auto rule = item.find("rule"); rule != item.end() && rule->is_object()) {
      FirewallRule read;
      if (read_rule(*rule, read)) ruleset.blocking_rules.push_back(std::move(read));
    }
  }
  return ruleset;
}

std::vector<FirewallRule> rules_blocking_tcp_port(const FirewallRuleset& ruleset, std::uint32_t port) {
  std::vector<FirewallRule> naming, any_port;
  for (const FirewallRule& rule : ruleset.blocking_rules) {
    bool tcp = rule.protocol.empty() || rule.protocol == "tcp" || rule.protocol == "th";
    if (!tcp) continue;
    if (covers(rule, port)) naming.push_back(rule);
    else if (rule.dport_ranges.empty()) any_port.push_back(rule);
  }
  naming.insert(naming.end(), any_port.begin(), any_port.end());
  return naming;
}

}  // namespace nvmetctl
