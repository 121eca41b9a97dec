#include "nvmetctl/formats/nvmetcli_format.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "nvmetctl/config/value_syntax.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/model/attribute_table.h"

namespace nvmetctl {
namespace {

using json = nlohmann::json;

// Attributes nvmetcli keeps as numbers at the object's top level instead of
// in a prefix group.
const std::set<std::string> kTopLevelNumbers{"enable", "ana_grpid", "clear_ids", "admin_timeout",
                                             "io_timeout"};

std::string trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

class Importer {
 public:
  explicit Importer(NvmetcliImport& out) : out_(out) {}

  void warn(const std::string& where, const std::string& what) { out_.warnings.push_back(where + ": " + what); }
  void error(const std::string& where, const std::string& what) { out_.errors.push_back(where + ": " + what); }

  // A scalar as nvmetcli wrote it: a string, or a number for the few
  // top-level values. nullopt (and an error) for anything else.
  std::optional<std::string> text_of(const json& value, const std::string& where) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return value.dump();  // get<long long> would wrap one above INT64_MAX
    if (value.is_boolean()) return std::string(value.get<bool>() ? "1" : "0");
    error(where, std::string("expected a string or a number, got ") + value.type_name());
    return std::nullopt;
  }

  std::optional<long long> number_of(const json& value, const std::string& where, long long min, long long max) {
    long long n = 0;
    // nvmetcli writes these as numbers, but hand-written files quote them.
    std::string text = value.is_number_integer() ? value.dump()
                       : value.is_string()       ? trim(value.get<std::string>())
                                                 : std::string();
    DecimalSyntax syntax = scan_decimal(text, n);
    if (syntax == DecimalSyntax::Malformed) {
      error(where, "expected a decimal number");
      return std::nullopt;
    }
    if (syntax == DecimalSyntax::OutOfRange || n < min || n > max) {
      error(where, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
      return std::nullopt;
    }
    return n;
  }

  std::optional<std::string> string_of(const json& value, const std::string& where) {
    if (value.is_string()) return value.get<std::string>();
    error(where, "expected a string");
    return std::nullopt;
  }

  std::vector<std::string> names_of(const json& value, const std::string& where) {
    std::vector<std::string> names;
    if (!value.is_array()) {
      error(where, "expected a list of names");
      return names;
    }
    for (std::size_t i = 0; i < value.size(); ++i)
      if (auto name = string_of(value[i], where + "[" + std::to_string(i) + "]")) names.push_back(*name);
    return names;
  }

  // One configfs attribute from nvmetcli's text into the model's canonical value.
  void store(ObjectKind kind, const std::string& file, const json& value, const std::string& where,
             AttrMap& attrs, const std::string& host_nqn = {}) {
    if (value.is_null()) return;
    const AttributeSpec* spec = find_attribute_by_file(kind, file);
    if (!spec && !is_attribute_file_name(file)) {
      warn(where, std::string("no ") + object_kind_name(kind) + " attribute '" + file + "' in nvmetctl; skipped");
      return;
    }
    auto raw = text_of(value, where);
    if (!raw) return;
    std::string text = trim(*raw);
    if (text.empty() || text == "(null)") return;  // never set
    if (!spec) {  // a newer kernel's attribute: kept, as export keeps it
      warn(where, std::string(object_kind_name(kind)) + " attribute '" + file +
                      "' is unknown to this nvmetctl; kept under extra_attributes, written as is");
      attrs[file] = text;
      return;
    }
    if (spec->type == ValueType::Secret) {
      out_.inline_keys.push_back({host_nqn, file, text});
      return;
    }
    if (spec->type == ValueType::Bool) {
      if (text == "1" || text == "Y" || text == "y" || text == "true") attrs[file] = "1";
      else if (text == "0" || text == "N" || text == "n" || text == "false") attrs[file] = "0";
      else error(where, "expected 0 or 1, got '" + text + "'");
      return;
    }
    ValueCheck check = canonical_value(*spec, ScalarInput{text, false});
    if (!check.canonical) {
      error(where, check.problem);
      return;
    }
    attrs[file] = *check.canonical;
  }

  // Every member of an nvmetcli object that is not structural: prefix groups
  // ({"addr": {"traddr": ...}} is addr_traddr) and top-level attributes.
  void attributes(const json& object, ObjectKind kind, const std::set<std::string>& structural,
                  const std::string& where, AttrMap& attrs, const std::string& host_nqn = {}) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      const std::string& key = it.key();
      if (structural.count(key)) continue;
      if (it->is_object()) {
        for (auto member = it->begin(); member != it->end(); ++member)
          store(kind, key + "_" + member.key(), *member, where + "." + key + "." + member.key(), attrs, host_nqn);
      } else {
        store(kind, key, *it, where + "." + key, attrs, host_nqn);
      }
    }
  }

  template <class Each>
  void list(const json& parent, const char* key, const std::string& where, Each each) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return;
    std::string field = where.empty() ? key : where + "." + key;
    if (!it->is_array()) {
      error(field, "expected a list");
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      std::string item_where = field + "[" + std::to_string(i) + "]";
      if (!(*it)[i].is_object()) {
        error(item_where, "expected an object");
        continue;
      }
      each((*it)[i], item_where);
    }
  }

  void host(const json& h, const std::string& where, Target& t) {
    auto nqn = h.find("nqn");
    if (nqn == h.end()) return error(where, "missing 'nqn'");
    Host out;
    if (auto name = string_of(*nqn, where + ".nqn")) out.nqn = *name;
    else return;
    attributes(h, ObjectKind::Host, {"nqn"}, where, out.attrs, out.nqn);
    t.hosts.push_back(out);
  }

  void namespace_(const json& n, const std::string& where, Subsystem& s) {
    auto nsid = n.find("nsid");
    if (nsid == n.end()) return error(where, "missing 'nsid'");
    Namespace out;
    if (auto id = number_of(*nsid, where + ".nsid", 1, 4294967294LL)) out.nsid = static_cast<std::uint32_t>(*id);
    else return;
    attributes(n, ObjectKind::Namespace, {"nsid"}, where, out.attrs);
    s.namespaces.push_back(out);
  }

  void passthru(const json& p, const std::string& where, Subsystem& s) {
    Passthru out;
    attributes(p, ObjectKind::Passthru, {}, where, out.attrs);
    if (s.passthru) warn(where, "a second passthru entry; only the first is used");
    else s.passthru = out;
  }

  void subsystem(const json& sj, const std::string& where, Target& t) {
    auto nqn = sj.find("nqn");
    if (nqn == sj.end()) return error(where, "missing 'nqn'");
    Subsystem out;
    if (auto name = string_of(*nqn, where + ".nqn")) out.nqn = *name;
    else return;
    attributes(sj, ObjectKind::Subsystem, {"nqn", "namespaces", "allowed_hosts", "passthru"}, where, out.attrs);
    list(sj, "namespaces", where, [&](const json& n, const std::string& w) { namespace_(n, w, out); });
    if (auto hosts = sj.find("allowed_hosts"); hosts != sj.end() && !hosts->is_null())
      out.allowed_hosts = names_of(*hosts, where + ".allowed_hosts");
    if (auto pt = sj.find("passthru"); pt != sj.end() && !pt->is_null()) {
      if (pt->is_object()) passthru(*pt, where + ".passthru", out);
      else list(sj, "passthru", where, [&](const json& p, const std::string& w) { passthru(p, w, out); });
    }
    t.subsystems.push_back(out);
  }

  void port(const json& pj, const std::string& where, Target& t) {
    auto portid = pj.find("portid");
    if (portid == pj.end()) return error(where, "missing 'portid'");
    Port out;
    if (auto id = number_of(*portid, where + ".portid", 0, 65535)) out.id = static_cast<std::uint16_t>(*id);
    else return;
    attributes(pj, ObjectKind::Port, {"portid", "subsystems", "referrals", "ana_groups"}, where, out.attrs);
    if (auto subs = pj.find("subsystems"); subs != pj.end() && !subs->is_null())
      out.subsystems = names_of(*subs, where + ".subsystems");
    list(pj, "referrals", where, [&](const json& r, const std::string& w) {
      auto name = r.find("name");
      if (name == r.end()) return error(w, "missing 'name'");
      Referral ref;
      if (auto text = string_of(*name, w + ".name")) ref.name = *text;
      else return;
      attributes(r, ObjectKind::Referral, {"name"}, w, ref.attrs);
      out.referrals.push_back(ref);
    });
    list(pj, "ana_groups", where, [&](const json& g, const std::string& w) {
      auto grpid = g.find("grpid");
      if (grpid == g.end()) return error(w, "missing 'grpid'");
      AnaGroup group;
      if (auto id = number_of(*grpid, w + ".grpid", 1, 128)) group.id = static_cast<std::uint32_t>(*id);
      else return;
      attributes(g, ObjectKind::AnaGroup, {"grpid"}, w, group.attrs);
      out.ana_groups.push_back(group);
    });
    t.ports.push_back(out);
  }

  void root(const json& doc) {
    if (!doc.is_object()) return error("(top)", "expected a JSON object with hosts, subsystems and ports");
    Target live;
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (it.key() != "hosts" && it.key() != "subsystems" && it.key() != "ports")
        warn(it.key(), "not an nvmetcli key; skipped");
    list(doc, "hosts", "", [&](const json& h, const std::string& w) { host(h, w, live); });
    list(doc, "subsystems", "", [&](const json& s, const std::string& w) { subsystem(s, w, live); });
    list(doc, "ports", "", [&](const json& p, const std::string& w) { port(p, w, live); });
    // Same reduction as `export`: values a fresh object already has go.
    out_.target = exportable_target(live, {});
  }

 private:
  NvmetcliImport& out_;
};

// One object's attributes in nvmetcli's shape: grouped by prefix, strings.
// Known attributes first; then the ones this nvmetctl does not know, each
// only where its key is free: a newer kernel's file named like a group
// ("attr") or inside a plain key ("enable_x") has no place in this shape.
json grouped_attrs(ObjectKind kind, const AttrMap& attrs, const std::vector<std::string>& always_groups) {
  json out = json::object();
  for (const auto& group : always_groups) out[group] = json::object();
  for (bool known : {true, false}) {
    for (const auto& [file, value] : attrs) {
      const AttributeSpec* spec = find_attribute_by_file(kind, file);
      if ((spec != nullptr) != known) continue;
      if (spec && spec->type == ValueType::Secret) continue;  // never written
      if (kTopLevelNumbers.count(file)) {
        long long number = 0;
        if (parse_decimal(value, number)) out[file] = number;
        else out[file] = value;
        continue;
      }
      auto underscore = file.find('_');
      std::string key = underscore == std::string::npos ? file : file.substr(0, underscore);
      if (!known && out.contains(key) && out[key].is_object() != (underscore != std::string::npos)) continue;
      if (underscore == std::string::npos) out[file] = value;
      else out[key][file.substr(underscore + 1)] = value;
    }
  }
  return out;
}

}  // namespace

NvmetcliImport target_from_nvmetcli(const nlohmann::json& document) {
  NvmetcliImport result;
  Importer(result).root(document);
  return result;
}

NvmetcliImport target_from_nvmetcli_text(const std::string& text) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& e) {  // also out_of_range.406: a number past a double's range
    NvmetcliImport result;
    result.errors.push_back(std::string("not valid JSON: ") + e.what());
    return result;
  }
  return target_from_nvmetcli(document);
}

nlohmann::json target_to_nvmetcli(const Target& t) {
  json doc{{"hosts", json::array()}, {"ports", json::array()}, {"subsystems", json::array()}};
  for (const Host& h : t.hosts) {
    json host = grouped_attrs(ObjectKind::Host, h.attrs, {});
    host["nqn"] = h.nqn;
    doc["hosts"].push_back(host);
  }
  for (const Subsystem& s : t.subsystems) {
    json sub = grouped_attrs(ObjectKind::Subsystem, s.attrs, {"attr"});
    sub["nqn"] = s.nqn;
    sub["allowed_hosts"] = s.allowed_hosts ? *s.allowed_hosts : std::vector<std::string>{};
    sub["namespaces"] = json::array();
    for (const Namespace& ns : s.namespaces) {
      json n = grouped_attrs(ObjectKind::Namespace, ns.attrs, {"device"});
      n["nsid"] = ns.nsid;
      if (!n.contains("enable")) n["enable"] = 0;
      sub["namespaces"].push_back(n);
    }
    if (s.passthru) sub["passthru"] = json::array({grouped_attrs(ObjectKind::Passthru, s.passthru->attrs, {"device"})});
    doc["subsystems"].push_back(sub);
  }
  for (const Port& p : t.ports) {
    json port = grouped_attrs(ObjectKind::Port, p.attrs, {"addr", "param"});
    port["portid"] = p.id;
    port["subsystems"] = p.subsystems ? *p.subsystems : std::vector<std::string>{};
    port["referrals"] = json::array();
    for (const Referral& r : p.referrals) {
      json ref = grouped_attrs(ObjectKind::Referral, r.attrs, {"addr"});
      ref["name"] = r.name;
      port["referrals"].push_back(ref);
    }
    port["ana_groups"] = json::array();
    for (const AnaGroup& g : p.ana_groups) {
      json group = grouped_attrs(ObjectKind::AnaGroup, g.attrs, {"ana"});
      group["grpid"] = g.id;
      port["ana_groups"].push_back(group);
    }
    doc["ports"].push_back(port);
  }
  return doc;
}

}  // namespace nvmetctl
