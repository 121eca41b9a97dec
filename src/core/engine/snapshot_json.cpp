#include "nvmetctl/engine/snapshot_json.h"

#include <cstdio>

#include "nvmetctl/config/value_syntax.h"

namespace nvmetctl {
namespace {

using nlohmann::json;

// A string nlohmann can dump (valid UTF-8) as itself; any other as
// {"hex": "..."}, so no byte is lost or replaced.
json text(const std::string& s) {
  // nlohmann's dump refuses exactly what is not strict UTF-8.
  if (is_valid_utf8(s)) return s;
  std::string hex;
  char byte[3];
  for (char c : s) {
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
    hex += byte;
  }
  return json{{"hex", hex}};
}

std::string text_of(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  std::string hex = j.at("hex").get<std::string>(), out;
  if (hex.size() % 2) throw std::invalid_argument("odd hex string");
  for (std::size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

json attrs_json(const AttrMap& attrs) {
  json out = json::array();
  for (const auto& [file, value] : attrs) out.push_back({text(file), text(value)});
  return out;
}

AttrMap attrs_of(const json& j) {
  AttrMap out;
  for (const json& pair : j) out[text_of(pair.at(0))] = text_of(pair.at(1));
  return out;
}

json names_json(const std::vector<std::string>& names) {
  json out = json::array();
  for (const auto& name : names) out.push_back(text(name));
  return out;
}

std::vector<std::string> names_of(const json& j) {
  std::vector<std::string> out;
  for (const json& name : j) out.push_back(text_of(name));
  return out;
}

json subsystem_json(const Subsystem& s) {
  json out{{"nqn", text(s.nqn)}, {"attrs", attrs_json(s.attrs)}, {"namespaces", json::array()}};
  for (const Namespace& ns : s.namespaces) out["namespaces"].push_back({{"nsid", ns.nsid}, {"attrs", attrs_json(ns.attrs)}});
  if (s.allowed_hosts) out["allowed_hosts"] = names_json(*s.allowed_hosts);
  if (s.passthru) out["passthru"] = {{"attrs", attrs_json(s.passthru->attrs)}};
  return out;
}

Subsystem subsystem_of(const json& j) {
  Subsystem s;
  s.nqn = text_of(j.at("nqn"));
  s.attrs = attrs_of(j.at("attrs"));
  for (const json& ns : j.at("namespaces")) {
    Namespace n;
    n.nsid = ns.at("nsid").get<std::uint32_t>();
    n.attrs = attrs_of(ns.at("attrs"));
    s.namespaces.push_back(std::move(n));
  }
  if (j.contains("allowed_hosts")) s.allowed_hosts = names_of(j.at("allowed_hosts"));
  if (j.contains("passthru")) s.passthru = Passthru{attrs_of(j.at("passthru").at("attrs")), {}, {}};
  return s;
}

json port_json(const Port& p) {
  json out{{"id", p.id}, {"attrs", attrs_json(p.attrs)}, {"referrals", json::array()}, {"ana_groups", json::array()}};
  if (p.subsystems) out["subsystems"] = names_json(*p.subsystems);
  for (const Referral& r : p.referrals) out["referrals"].push_back({{"name", text(r.name)}, {"attrs", attrs_json(r.attrs)}});
  for (const AnaGroup& g : p.ana_groups) out["ana_groups"].push_back({{"id", g.id}, {"attrs", attrs_json(g.attrs)}});
  return out;
}

Port port_of(const json& j) {
  Port p;
  p.id = j.at("id").get<std::uint16_t>();
  p.attrs = attrs_of(j.at("attrs"));
  if (j.contains("subsystems")) p.subsystems = names_of(j.at("subsystems"));
  for (const json& r : j.at("referrals")) p.referrals.push_back({text_of(r.at("name")), attrs_of(r.at("attrs")), {}, {}});
  for (const json& g : j.at("ana_groups")) p.ana_groups.push_back({g.at("id").get<std::uint32_t>(), attrs_of(g.at("attrs")), {}, {}});
  return p;
}

json host_json(const Host& h) {
  json key_files = json::array();
  for (const auto& [attr, file] : h.key_files) key_files.push_back({text(attr), text(file)});
  return {{"nqn", text(h.nqn)}, {"attrs", attrs_json(h.attrs)}, {"key_files", key_files}};
}

Host host_of(const json& j) {
  Host h;
  h.nqn = text_of(j.at("nqn"));
  h.attrs = attrs_of(j.at("attrs"));
  for (const json& pair : j.at("key_files")) h.key_files[text_of(pair.at(0))] = text_of(pair.at(1));
  return h;
}

}  // namespace

nlohmann::json snapshot_to_json(const Target& target) {
  json out{{"version", target.version}, {"modules", names_json(target.modules)}, {"rdma_links", json::array()},
           {"hosts", json::array()},     {"subsystems", json::array()},             {"ports", json::array()}};
  for (const RdmaLink& l : target.rdma_links)
    out["rdma_links"].push_back({{"name", text(l.name)}, {"type", text(l.type)}, {"netdev", text(l.netdev)}});
  for (const Host& h : target.hosts) out["hosts"].push_back(host_json(h));
  for (const Subsystem& s : target.subsystems) out["subsystems"].push_back(subsystem_json(s));
  for (const Port& p : target.ports) out["ports"].push_back(port_json(p));
  if (target.discovery_nqn) out["discovery_nqn"] = text(*target.discovery_nqn);
  return out;
}

Expected<Target> snapshot_from_json(const nlohmann::json& doc, const std::string& where) {
  try {
    Target t;
    t.version = doc.at("version").get<int>();
    t.modules = names_of(doc.at("modules"));
    for (const json& l : doc.at("rdma_links"))
      t.rdma_links.push_back({text_of(l.at("name")), text_of(l.at("type")), text_of(l.at("netdev")), {}});
    for (const json& h : doc.at("hosts")) t.hosts.push_back(host_of(h));
    for (const json& s : doc.at("subsystems")) t.subsystems.push_back(subsystem_of(s));
    for (const json& p : doc.at("ports")) t.ports.push_back(port_of(p));
    // Absent from journals of nvmetctl before discovery_nqn was managed.
    if (doc.contains("discovery_nqn")) t.discovery_nqn = text_of(doc.at("discovery_nqn"));
    return t;
  } catch (const std::exception& e) {
    return logic_error("read", where, std::string("not a snapshot nvmetctl wrote: ") + e.what());
  }
}

}  // namespace nvmetctl
