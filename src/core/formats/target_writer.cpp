#include "nvmetctl/formats/target_writer.h"

#include "nvmetctl/config/target_validator.h"
#include "nvmetctl/formats/yaml_text_writer.h"
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/util/parse_number.h"

namespace nvmetctl {
namespace {

AttrMap exportable_attrs(ObjectKind kind, const AttrMap& live, bool port_enabled = false) {
  AttrMap out;
  for (const AttributeSpec* spec : attributes_of(kind)) {
    auto it = live.find(spec->file);
    if (it == live.end() || it->second.empty() || is_unset_path(*spec, it->second)) continue;
    if (spec->type == ValueType::Secret) continue;
    if (spec->fresh_default && attribute_values_equal(*spec, spec->fresh_default, it->second)) continue;
    if (spec->kernel_rewrites && port_enabled) continue;  // the transport chose it
    std::string_view value = it->second;
    if (spec->type == ValueType::Text)
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    out.emplace(spec->file, value);
  }
  // What the file format could not take back (a name no configfs attribute
  // has, a value of more than one line) is no attribute worth keeping.
  for (const auto& [file, value] : live)
    if (is_extra_attribute(kind, file) && is_attribute_file_name(file) && !value.empty() &&
        value.find('\n') == std::string::npos && value.size() <= 4096)
      out.emplace(file, value);
  return out;
}

// YAML keys in the table's order, typed as the file format expects.
template <class Sink>
void emit_attrs(ObjectKind kind, const AttrMap& attrs, Sink sink) {
  for (const AttributeSpec* spec : attributes_of(kind)) {
    auto it = attrs.find(spec->file);
    if (it != attrs.end()) sink(*spec, it->second);
  }
}

// The attributes the table does not know, in file name order.
std::vector<const AttrMap::value_type*> extras_of(ObjectKind kind, const AttrMap& attrs) {
  std::vector<const AttrMap::value_type*> extras;
  for (const auto& attr : attrs)
    if (is_extra_attribute(kind, attr.first)) extras.push_back(&attr);
  return extras;
}

// A live integer that no 64-bit type holds is written as the kernel shows
// it: validating the exported file then names it, instead of export failing.
std::optional<long long> integer_of(const AttributeSpec& spec, const std::string& value) {
  if (spec.type != ValueType::UInt && spec.type != ValueType::Int) return std::nullopt;
  return parse_number<long long>(value);
}

void yaml_attrs(YamlTextWriter& out, ObjectKind kind, const AttrMap& attrs) {
  emit_attrs(kind, attrs, [&](const AttributeSpec& spec, const std::string& value) {
    out.key(spec.key);
    if (spec.type == ValueType::Bool) out.value(value == "1");
    else if (auto number = integer_of(spec, value)) out.value(static_cast<std::int64_t>(*number));
    else out.value(value);
  });
  auto extras = extras_of(kind, attrs);
  if (extras.empty()) return;
  out.key("extra_attributes");
  out.begin_map();
  // Quoted: the value is the kernel's text, never a YAML number or boolean.
  for (const auto* extra : extras) {
    out.key(extra->first);
    out.quoted_value(extra->second);
  }
  out.end_map();
}

void json_attrs(nlohmann::json& out, ObjectKind kind, const AttrMap& attrs) {
  emit_attrs(kind, attrs, [&](const AttributeSpec& spec, const std::string& value) {
    if (spec.type == ValueType::Bool) out[spec.key] = value == "1";
    else if (auto number = integer_of(spec, value)) out[spec.key] = *number;
    else out[spec.key] = value;
  });
  auto extras = extras_of(kind, attrs);
  if (extras.empty()) return;
  nlohmann::json& extra_attributes = out["extra_attributes"];
  for (const auto* extra : extras) extra_attributes[extra->first] = extra->second;
}

}  // namespace

Target exportable_target(const Target& live, const std::vector<RdmaDevice>& rdma_devices) {
  Target t;
  // The kernel's own default is no choice of the node's.
  if (live.discovery_nqn && *live.discovery_nqn != kDiscoveryNqn) t.discovery_nqn = live.discovery_nqn;
  for (const RdmaDevice& device : rdma_devices)
    if ((device.link_type == "rxe" || device.link_type == "siw") && !device.netdev.empty())
      t.rdma_links.push_back({device.name, device.link_type, device.netdev, {}});
  for (const Host& h : live.hosts) {
    Host out;
    out.nqn = h.nqn;
    out.attrs = exportable_attrs(ObjectKind::Host, h.attrs);
    t.hosts.push_back(std::move(out));
  }
  for (const Subsystem& s : live.subsystems) {
    Subsystem out;
    out.nqn = s.nqn;
    out.attrs = exportable_attrs(ObjectKind::Subsystem, s.attrs);
    if (s.passthru_enabled()) out.attrs.erase("attr_version");  // the controller's, not the subsystem's
    if (s.allowed_hosts && !s.allowed_hosts->empty()) out.allowed_hosts = s.allowed_hosts;
    for (const Namespace& ns : s.namespaces) {
      Namespace n;
      n.nsid = ns.nsid;
      n.attrs = exportable_attrs(ObjectKind::Namespace, ns.attrs);
      if (!n.attrs.count("enable")) n.attrs["enable"] = "0";  // explicit: a disabled namespace stays so
      out.namespaces.push_back(std::move(n));
    }
    if (s.passthru && s.passthru->attrs.count("device_path") && s.passthru->attrs.at("device_path") != "(null)") {
      Passthru pt;
      pt.attrs = exportable_attrs(ObjectKind::Passthru, s.passthru->attrs);
      out.passthru = std::move(pt);
    }
    t.subsystems.push_back(std::move(out));
  }
  for (const Port& p : live.ports) {
    Port out;
    out.id = p.id;
    out.attrs = exportable_attrs(ObjectKind::Port, p.attrs, p.enabled());
    if (p.subsystems && !p.subsystems->empty()) out.subsystems = p.subsystems;
    for (const Referral& r : p.referrals) {
      Referral ref;
      ref.name = r.name;
      ref.attrs = exportable_attrs(ObjectKind::Referral, r.attrs);
      out.referrals.push_back(std::move(ref));
    }
    for (const AnaGroup& g : p.ana_groups) {
      auto state = g.attrs.find("ana_state");
      if (g.id == 1 && (state == g.attrs.end() || state->second == "optimized")) continue;
      AnaGroup group;
      group.id = g.id;
      if (state != g.attrs.end()) group.attrs["ana_state"] = state->second;
      out.ana_groups.push_back(std::move(group));
    }
    t.ports.push_back(std::move(out));
  }
  return t;
}

namespace {

void emit_subsystem(YamlTextWriter& out, const Subsystem& s) {
  out.begin_map();
  out.key("nqn");
  out.value(s.nqn);
  yaml_attrs(out, ObjectKind::Subsystem, s.attrs);
  if (s.allowed_hosts) {
    out.key("allowed_hosts");
    out.flow_sequence(*s.allowed_hosts);
  }
  if (!s.namespaces.empty()) {
    out.key("namespaces");
    out.begin_sequence();
    for (const Namespace& ns : s.namespaces) {
      out.begin_map();
      out.key("nsid");
      out.value(static_cast<std::uint64_t>(ns.nsid));
      yaml_attrs(out, ObjectKind::Namespace, ns.attrs);
      out.end_map();
    }
    out.end_sequence();
  }
  if (s.passthru) {
    out.key("passthru");
    out.begin_map();
    yaml_attrs(out, ObjectKind::Passthru, s.passthru->attrs);
    out.end_map();
  }
  out.end_map();
}

void emit_port(YamlTextWriter& out, const Port& p) {
  out.begin_map();
  out.key("id");
  out.value(static_cast<std::int64_t>(p.id));
  yaml_attrs(out, ObjectKind::Port, p.attrs);
  if (p.subsystems) {
    out.key("subsystems");
    out.flow_sequence(*p.subsystems);
  }
  if (!p.referrals.empty()) {
    out.key("referrals");
    out.begin_sequence();
    for (const Referral& r : p.referrals) {
      out.begin_map();
      out.key("name");
      out.value(r.name);
      yaml_attrs(out, ObjectKind::Referral, r.attrs);
      out.end_map();
    }
    out.end_sequence();
  }
  if (!p.ana_groups.empty()) {
    out.key("ana_groups");
    out.begin_sequence();
    for (const AnaGroup& g : p.ana_groups) {
      out.begin_map();
      out.key("id");
      out.value(static_cast<std::int64_t>(g.id));
      if (g.attrs.count("ana_state")) {
        out.key("state");
        out.value(g.attrs.at("ana_state"));
      }
      out.end_map();
    }
    out.end_sequence();
  }
  out.end_map();
}

// A top-level list, left out when empty.
template <class T, class Emit>
void emit_list(YamlTextWriter& out, const char* key, const std::vector<T>& items, Emit emit) {
  if (items.empty()) return;
  out.key(key);
  out.begin_sequence();
  for (const T& item : items) emit(out, item);
  out.end_sequence();
}

}  // namespace

std::vector<std::string> extra_attribute_names(const Target& t) {
  std::vector<std::string> names;
  // The object is named only when it has one: nearly none do.
  auto add = [&](ObjectKind kind, const AttrMap& attrs, auto object_name) {
    for (const auto* extra : extras_of(kind, attrs)) names.push_back(object_name() + ": " + extra->first);
  };
  for (const Host& h : t.hosts) add(ObjectKind::Host, h.attrs, [&] { return "host " + h.nqn; });
  for (const Subsystem& s : t.subsystems) {
    add(ObjectKind::Subsystem, s.attrs, [&] { return "subsystem " + s.nqn; });
    for (const Namespace& ns : s.namespaces)
      add(ObjectKind::Namespace, ns.attrs, [&] { return "namespace " + std::to_string(ns.nsid) + " of " + s.nqn; });
    if (s.passthru) add(ObjectKind::Passthru, s.passthru->attrs, [&] { return "passthru of " + s.nqn; });
  }
  for (const Port& p : t.ports) {
    add(ObjectKind::Port, p.attrs, [&] { return "port " + std::to_string(p.id); });
    for (const Referral& r : p.referrals)
      add(ObjectKind::Referral, r.attrs, [&] { return "referral " + r.name + " of port " + std::to_string(p.id); });
  }
  return names;
}

std::string target_to_yaml(const Target& t) {
  YamlTextWriter out;
  out.begin_map();
  out.key("version");
  out.value(std::int64_t{1});
  if (t.discovery_nqn) {
    out.key("discovery_nqn");
    out.value(*t.discovery_nqn);
  }
  emit_list(out, "rdma_links", t.rdma_links, [](YamlTextWriter& o, const RdmaLink& l) {
    o.begin_map();
    o.key("name");
    o.value(l.name);
    o.key("type");
    o.value(l.type);
    o.key("netdev");
    o.value(l.netdev);
    o.end_map();
  });
  emit_list(out, "hosts", t.hosts, [](YamlTextWriter& o, const Host& h) {
    o.begin_map();
    o.key("nqn");
    o.value(h.nqn);
    yaml_attrs(o, ObjectKind::Host, h.attrs);
    o.end_map();
  });
  emit_list(out, "subsystems", t.subsystems, emit_subsystem);
  emit_list(out, "ports", t.ports, emit_port);
  out.end_map();
  return out.text() + "\n";
}

nlohmann::json target_to_json(const Target& t) {
  nlohmann::json out;
  out["version"] = 1;
  if (t.discovery_nqn) out["discovery_nqn"] = *t.discovery_nqn;
  out["rdma_links"] = nlohmann::json::array();
  for (const RdmaLink& l : t.rdma_links) out["rdma_links"].push_back({{"name", l.name}, {"type", l.type}, {"netdev", l.netdev}});
  out["hosts"] = nlohmann::json::array();
  for (const Host& h : t.hosts) {
    nlohmann::json host{{"nqn", h.nqn}};
    json_attrs(host, ObjectKind::Host, h.attrs);
    out["hosts"].push_back(host);
  }
  out["subsystems"] = nlohmann::json::array();
  for (const Subsystem& s : t.subsystems) {
    nlohmann::json sub{{"nqn", s.nqn}};
    json_attrs(sub, ObjectKind::Subsystem, s.attrs);
    if (s.allowed_hosts) sub["allowed_hosts"] = *s.allowed_hosts;
    sub["namespaces"] = nlohmann::json::array();
    for (const Namespace& ns : s.namespaces) {
      nlohmann::json n{{"nsid", ns.nsid}};
      json_attrs(n, ObjectKind::Namespace, ns.attrs);
      sub["namespaces"].push_back(n);
    }
    if (s.passthru) {
      nlohmann::json pt = nlohmann::json::object();
      json_attrs(pt, ObjectKind::Passthru, s.passthru->attrs);
      sub["passthru"] = pt;
    }
    out["subsystems"].push_back(sub);
  }
  out["ports"] = nlohmann::json::array();
  for (const Port& p : t.ports) {
    nlohmann::json port{{"id", p.id}};
    json_attrs(port, ObjectKind::Port, p.attrs);
    if (p.subsystems) port["subsystems"] = *p.subsystems;
    port["referrals"] = nlohmann::json::array();
    for (const Referral& r : p.referrals) {
      nlohmann::json ref{{"name", r.name}};
      json_attrs(ref, ObjectKind::Referral, r.attrs);
      port["referrals"].push_back(ref);
    }
    port["ana_groups"] = nlohmann::json::array();
    for (const AnaGroup& g : p.ana_groups)
      port["ana_groups"].push_back({{"id", g.id}, {"state", g.attrs.count("ana_state") ? g.attrs.at("ana_state") : ""}});
    out["ports"].push_back(port);
  }
  return out;
}

}  // namespace nvmetctl
