#include "nvmetctl/config/target_parser.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "nvmetctl/config/target_validator.h"
#include "nvmetctl/config/value_syntax.h"
#include "nvmetctl/model/attribute_table.h"

namespace nvmetctl {
namespace {

class Reader {
 public:
  Reader(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  SourceLocation where(const YAML::Node& node) const {
    YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {file_, 0, 0};
    return {file_, mark.line + 1, mark.column + 1};
  }

  void error(const YAML::Node& node, const std::string& field, const std::string& message) {
    diagnostics_.error(where(node), field, message);
  }

  // Walks a mapping once: reports duplicate and unknown keys, hands the rest
  // to `handle(key, keynode, value)`; returns false when it is no mapping.
  template <class Handler>
  bool for_each_key(const YAML::Node& map, const std::string& field,
                    const std::set<std::string>& structural, ObjectKind kind, Handler handle) {
    if (!map.IsMap()) {
      error(map, field, "expected a mapping of keys to values");
      return false;
    }
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key_node = it->first;
      if (!key_node.IsScalar()) {
        error(key_node, field, "keys must be plain names");
        continue;
      }
      std::string key = key_node.Scalar();
      if (!seen.insert(key).second) {
        error(key_node, field + "." + key, "duplicate key");
        continue;
      }
      bool known = structural.count(key) ||
                   (kind != ObjectKind::AnaGroup && find_attribute_by_key(kind, key));
      if (!known) {
        error(key_node, field + "." + key,
              "unknown key for a " + std::string(object_kind_name(kind)) + "; known keys: " +
                  known_keys(structural, kind));
        continue;
      }
      handle(key, key_node, it->second);
    }
    return true;
  }

  std::optional<ScalarInput> scalar(const YAML::Node& node, const std::string& field) {
    if (!node.IsScalar() || node.IsNull()) {
      error(node, field, node.IsNull() ? "a value is required" : "expected a single value");
      return std::nullopt;
    }
    return ScalarInput{node.Scalar(), node.Tag() == "!"};
  }

  std::optional<std::string> string_value(const YAML::Node& node, const std::string& field) {
    auto input = scalar(node, field);
    if (!input) return std::nullopt;
    return input->text;
  }

  std::optional<long long> integer(const YAML::Node& node, const std::string& field,
                                   long long min, long long max) {
    auto input = scalar(node, field);
    if (!input) return std::nullopt;
    long long value = 0;
    if (input->quoted || !parse_decimal(input->text, value)) {
      error(node, field, "expected a decimal integer without leading zeros, got '" + input->text + "'");
      return std::nullopt;
    }
    if (value < min || value > max) {
      error(node, field, "must be between " + std::to_string(min) + " and " +
                             std::to_string(max) + ", got " + input->text);
      return std::nullopt;
    }
    return value;
  }

  void attribute(ObjectKind kind, const std::string& key, const YAML::Node& value,
                 const std::string& field, AttrMap& attrs, AttrLocations& locations) {
    const AttributeSpec* spec = find_attribute_by_key(kind, key);
    auto input = scalar(value, field);
    if (!spec || !input) return;
    ValueCheck check = canonical_value(*spec, *input);
    locations[spec->file] = where(value);  // even when invalid: the key was given
    if (!check.canonical) {
      error(value, field, check.problem);
      return;
    }
    attrs[spec->file] = *check.canonical;
    locations[spec->file] = where(value);
  }

  std::vector<std::string> name_list(const YAML::Node& node, const std::string& field) {
    std::vector<std::string> names;
    if (!node.IsSequence()) {
      error(node, field, "expected a list");
      return names;
    }
    for (size_t i = 0; i < node.size(); ++i)
      if (auto name = string_value(node[i], field + "[" + std::to_string(i) + "]"))
        names.push_back(*name);
    return names;
  }

  template <class Item, class ParseOne>
  void sequence(const YAML::Node& node, const std::string& field, std::vector<Item>& out,
                ParseOne parse_one) {
    if (!node.IsSequence()) {
      error(node, field, "expected a list");
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      Item item;
      item.where = where(node[i]);
      if (parse_one(node[i], field + "[" + std::to_string(i) + "]", item)) out.push_back(item);
    }
  }

 private:
  static std::string known_keys(const std::set<std::string>& structural, ObjectKind kind) {
    std::string text;
    for (const auto& key : structural) text += (text.empty() ? "" : ", ") + key;
    if (kind != ObjectKind::AnaGroup)
      for (const auto* spec : attributes_of(kind)) text += std::string(", ") + spec->key;
    return text;
  }

  std::string file_;
  Diagnostics& diagnostics_;
};

bool parse_namespace(Reader& r, const YAML::Node& node, const std::string& field, Namespace& ns) {
  bool has_nsid = false;
  bool ok = r.for_each_key(node, field, {"nsid"}, ObjectKind::Namespace,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    if (key == "nsid") {
      if (auto nsid = r.integer(value, field + ".nsid", 1, 4294967294LL)) {
        ns.nsid = static_cast<std::uint32_t>(*nsid);
        has_nsid = true;
      } else {
        has_nsid = true;  // already reported
        ns.nsid = 0;
      }
      return;
    }
    r.attribute(ObjectKind::Namespace, key, value, field + "." + key, ns.attrs, ns.attr_where);
  });
  if (ok && !has_nsid) r.error(node, field, "missing required key 'nsid'");
  return ok;  // kept even when invalid, so later indices match the file
}

bool parse_passthru(Reader& r, const YAML::Node& node, const std::string& field, Passthru& pt) {
  pt.where = r.where(node);
  return r.for_each_key(node, field, {}, ObjectKind::Passthru,
                        [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    r.attribute(ObjectKind::Passthru, key, value, field + "." + key, pt.attrs, pt.attr_where);
  });
}

bool parse_subsystem(Reader& r, const YAML::Node& node, const std::string& field, Subsystem& s) {
  bool ok = r.for_each_key(node, field, {"nqn", "namespaces", "allowed_hosts", "passthru"},
                           ObjectKind::Subsystem,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    std::string sub = field + "." + key;
    if (key == "nqn") {
      if (auto nqn = r.string_value(value, sub)) s.nqn = *nqn;
    } else if (key == "namespaces") {
      r.sequence(value, sub, s.namespaces, [&](const YAML::Node& n, const std::string& f, Namespace& ns) {
        return parse_namespace(r, n, f, ns);
      });
    } else if (key == "allowed_hosts") {
      s.allowed_hosts = r.name_list(value, sub);
    } else if (key == "passthru") {
      Passthru pt;
      if (parse_passthru(r, value, sub, pt)) s.passthru = pt;
    } else {
      r.attribute(ObjectKind::Subsystem, key, value, sub, s.attrs, s.attr_where);
    }
  });
  if (ok && s.nqn.empty() && !node["nqn"]) r.error(node, field, "missing required key 'nqn'");
  return ok;
}

bool parse_referral(Reader& r, const YAML::Node& node, const std::string& field, Referral& ref) {
  bool ok = r.for_each_key(node, field, {"name"}, ObjectKind::Referral,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    if (key == "name") {
      if (auto name = r.string_value(value, field + ".name")) ref.name = *name;
      return;
    }
    r.attribute(ObjectKind::Referral, key, value, field + "." + key, ref.attrs, ref.attr_where);
  });
  if (ok && ref.name.empty()) r.error(node, field, "missing required key 'name'");
  return ok;
}

bool parse_ana_group(Reader& r, const YAML::Node& node, const std::string& field, AnaGroup& g) {
  bool ok = r.for_each_key(node, field, {"id", "state"}, ObjectKind::AnaGroup,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    if (key == "id") {
      if (auto id = r.integer(value, field + ".id", 1, 128)) g.id = static_cast<std::uint32_t>(*id);
    } else {
      r.attribute(ObjectKind::AnaGroup, key, value, field + ".state", g.attrs, g.attr_where);
    }
  });
  if (ok && g.id == 0 && !node["id"]) r.error(node, field, "missing required key 'id'");
  return ok;
}

bool parse_port(Reader& r, const YAML::Node& node, const std::string& field, Port& p) {
  bool has_id = false;
  bool ok = r.for_each_key(node, field, {"id", "subsystems", "referrals", "ana_groups"},
                           ObjectKind::Port,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    std::string sub = field + "." + key;
    if (key == "id") {
      has_id = true;
      if (auto id = r.integer(value, sub, 0, 65535)) {
        p.id = static_cast<std::uint16_t>(*id);
      }
    } else if (key == "subsystems") {
      p.subsystems = r.name_list(value, sub);
    } else if (key == "referrals") {
      r.sequence(value, sub, p.referrals, [&](const YAML::Node& n, const std::string& f, Referral& ref) {
        return parse_referral(r, n, f, ref);
      });
    } else if (key == "ana_groups") {
      r.sequence(value, sub, p.ana_groups, [&](const YAML::Node& n, const std::string& f, AnaGroup& g) {
        return parse_ana_group(r, n, f, g);
      });
    } else {
      r.attribute(ObjectKind::Port, key, value, sub, p.attrs, p.attr_where);
    }
  });
  if (ok && !has_id) r.error(node, field, "missing required key 'id'");
  return ok;
}

bool parse_host(Reader& r, const YAML::Node& node, const std::string& field, Host& h) {
  bool ok = r.for_each_key(node, field, {"nqn"}, ObjectKind::Host,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    std::string sub = field + "." + key;
    if (key == "nqn") {
      if (auto nqn = r.string_value(value, sub)) h.nqn = *nqn;
      return;
    }
    const AttributeSpec* spec = find_attribute_by_key(ObjectKind::Host, key);
    if (spec && spec->type == ValueType::Secret) {
      AttrMap files;
      AttrLocations where;
      r.attribute(ObjectKind::Host, key, value, sub, files, where);
      for (auto& [file, path] : files) {
        h.key_files[file] = path;
        h.attr_where[file] = where[file];
      }
      return;
    }
    r.attribute(ObjectKind::Host, key, value, sub, h.attrs, h.attr_where);
  });
  if (ok && h.nqn.empty()) r.error(node, field, "missing required key 'nqn'");
  return ok;
}

bool parse_rdma_link(Reader& r, const YAML::Node& node, const std::string& field, RdmaLink& l) {
  if (!node.IsMap()) {
    r.error(node, field, "expected a mapping of keys to values");
    return false;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    std::string sub = field + "." + key;
    if (!seen.insert(key).second) {
      r.error(it->first, sub, "duplicate key");
      continue;
    }
    auto value = r.string_value(it->second, sub);
    if (!value) continue;
    if (key == "name") l.name = *value;
    else if (key == "netdev") l.netdev = *value;
    else if (key == "type") {
      if (*value != "rxe" && *value != "siw")
        r.error(it->second, sub, "must be one of rxe, siw, got '" + *value + "'");
      l.type = *value;
    } else {
      r.error(it->first, sub, "unknown key for an rdma link; known keys: name, type, netdev");
    }
  }
  for (const char* required : {"name", "type", "netdev"})
    if (!seen.count(required)) r.error(node, field, std::string("missing required key '") + required + "'");
  return !l.name.empty() && !l.type.empty() && !l.netdev.empty();
}

}  // namespace

ParsedTarget parse_target_text(const std::string& text, const std::string& file_name) {
  ParsedTarget result;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    result.diagnostics.error({file_name, e.mark.line + 1, e.mark.column + 1}, "",
                             "not valid YAML: " + e.msg);
    return result;
  }
  Reader r(file_name, result.diagnostics);
  Target& t = result.target;
  if (!root || root.IsNull()) {
    result.diagnostics.error({file_name, 1, 1}, "", "the file is empty; expected at least 'version: 1'");
    return result;
  }
  bool has_version = false;
  r.for_each_key(root, "", {"version", "modules", "rdma_links", "hosts", "subsystems", "ports"},
                 ObjectKind::AnaGroup,
                 [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    if (key == "version") {
      has_version = true;
      if (auto v = r.integer(value, "version", 1, 1)) t.version = static_cast<int>(*v);
    } else if (key == "modules") {
      t.modules = r.name_list(value, "modules");
    } else if (key == "rdma_links") {
      r.sequence(value, "rdma_links", t.rdma_links, [&](const YAML::Node& n, const std::string& f, RdmaLink& l) {
        return parse_rdma_link(r, n, f, l);
      });
    } else if (key == "hosts") {
      r.sequence(value, "hosts", t.hosts, [&](const YAML::Node& n, const std::string& f, Host& h) {
        return parse_host(r, n, f, h);
      });
    } else if (key == "subsystems") {
      r.sequence(value, "subsystems", t.subsystems, [&](const YAML::Node& n, const std::string& f, Subsystem& s) {
        return parse_subsystem(r, n, f, s);
      });
    } else if (key == "ports") {
      r.sequence(value, "ports", t.ports, [&](const YAML::Node& n, const std::string& f, Port& p) {
        return parse_port(r, n, f, p);
      });
    }
  });
  if (root.IsMap() && !has_version)
    result.diagnostics.error({file_name, 1, 1}, "version", "missing required key 'version' (use 'version: 1')");
  complete_derived_values(result.target);
  validate_target(result.target, result.diagnostics);
  return result;
}

ParsedTarget parse_target_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ParsedTarget result;
    result.diagnostics.error({path, 0, 0}, "", "cannot read the file: " + std::string(std::strerror(errno)));
    return result;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_target_text(buffer.str(), path);
}

}  // namespace nvmetctl
