#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/util/phase_profile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "nvmetctl/config/target_validator.h"
#include "nvmetctl/config/value_syntax.h"
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/util/text_file.h"
#include "yaml_document.h"
#include "yaml_reader.h"

namespace nvmetctl {
namespace {

using yaml_input::Reader;
using yaml_input::subfield;


bool parse_namespace(Reader& r, const yaml_input::Node& node, const std::string& field, Namespace& ns) {
  bool has_nsid = false;
  bool ok = r.for_each_key(node, field, "a namespace", {"nsid", "extra_attributes"}, ObjectKind::Namespace,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
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
    if (key == "extra_attributes")
      return r.extra_attributes(ObjectKind::Namespace, value, field + "." + key, ns.attrs, ns.attr_where);
    r.attribute(ObjectKind::Namespace, key, value, field + "." + key, ns.attrs, ns.attr_where);
  });
  if (ok && !has_nsid) r.error(node, field, "missing required key 'nsid'");
  return ok;  // kept even when invalid, so later indices match the file
}

bool parse_passthru(Reader& r, const yaml_input::Node& node, const std::string& field, Passthru& pt) {
  pt.where = r.where(node);
  return r.for_each_key(node, field, "passthru", {"extra_attributes"}, ObjectKind::Passthru,
                        [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    if (key == "extra_attributes")
      return r.extra_attributes(ObjectKind::Passthru, value, field + "." + key, pt.attrs, pt.attr_where);
    r.attribute(ObjectKind::Passthru, key, value, field + "." + key, pt.attrs, pt.attr_where);
  });
}

bool parse_subsystem(Reader& r, const yaml_input::Node& node, const std::string& field, Subsystem& s) {
  bool ok = r.for_each_key(node, field, "a subsystem", {"nqn", "namespaces", "allowed_hosts", "passthru", "extra_attributes"},
                           ObjectKind::Subsystem,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    std::string sub = field + "." + key;
    if (key == "nqn") {
      if (auto nqn = r.string_value(value, sub)) s.nqn = *nqn;
    } else if (key == "namespaces") {
      r.sequence(value, sub, s.namespaces, [&](const yaml_input::Node& n, const std::string& f, Namespace& ns) {
        return parse_namespace(r, n, f, ns);
      });
    } else if (key == "allowed_hosts") {
      s.allowed_hosts = r.name_list(value, sub, s.allowed_hosts_where);
    } else if (key == "passthru") {
      Passthru pt;
      if (parse_passthru(r, value, sub, pt)) s.passthru = pt;
    } else if (key == "extra_attributes") {
      r.extra_attributes(ObjectKind::Subsystem, value, sub, s.attrs, s.attr_where);
    } else {
      r.attribute(ObjectKind::Subsystem, key, value, sub, s.attrs, s.attr_where);
    }
  });
  if (ok && s.nqn.empty() && !node.has("nqn")) r.error(node, field, "missing required key 'nqn'");
  return ok;
}

bool parse_referral(Reader& r, const yaml_input::Node& node, const std::string& field, Referral& ref) {
  bool ok = r.for_each_key(node, field, "a referral", {"name", "extra_attributes"}, ObjectKind::Referral,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    if (key == "name") {
      if (auto name = r.string_value(value, field + ".name")) ref.name = *name;
      return;
    }
    if (key == "extra_attributes")
      return r.extra_attributes(ObjectKind::Referral, value, field + "." + key, ref.attrs, ref.attr_where);
    r.attribute(ObjectKind::Referral, key, value, field + "." + key, ref.attrs, ref.attr_where);
  });
  if (ok && ref.name.empty()) r.error(node, field, "missing required key 'name'");
  return ok;
}

bool parse_ana_group(Reader& r, const yaml_input::Node& node, const std::string& field, AnaGroup& g) {
  bool ok = r.for_each_key(node, field, "an ANA group", {"id", "state"}, std::nullopt,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    if (key == "id") {
      if (auto id = r.integer(value, field + ".id", 1, 128)) g.id = static_cast<std::uint32_t>(*id);
    } else {
      r.attribute(ObjectKind::AnaGroup, key, value, field + ".state", g.attrs, g.attr_where);
    }
  });
  if (ok && g.id == 0 && !node.has("id")) r.error(node, field, "missing required key 'id'");
  return ok;
}

bool parse_port(Reader& r, const yaml_input::Node& node, const std::string& field, Port& p) {
  bool has_id = false;
  bool ok = r.for_each_key(node, field, "a port", {"id", "subsystems", "referrals", "ana_groups", "extra_attributes"},
                           ObjectKind::Port,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    std::string sub = field + "." + key;
    if (key == "id") {
      has_id = true;
      if (auto id = r.integer(value, sub, 0, 65535)) {
        p.id = static_cast<std::uint16_t>(*id);
      }
    } else if (key == "subsystems") {
      p.subsystems = r.name_list(value, sub, p.subsystems_where);
    } else if (key == "referrals") {
      r.sequence(value, sub, p.referrals, [&](const yaml_input::Node& n, const std::string& f, Referral& ref) {
        return parse_referral(r, n, f, ref);
      });
    } else if (key == "ana_groups") {
      r.sequence(value, sub, p.ana_groups, [&](const yaml_input::Node& n, const std::string& f, AnaGroup& g) {
        return parse_ana_group(r, n, f, g);
      });
    } else if (key == "extra_attributes") {
      r.extra_attributes(ObjectKind::Port, value, sub, p.attrs, p.attr_where);
    } else {
      r.attribute(ObjectKind::Port, key, value, sub, p.attrs, p.attr_where);
    }
  });
  if (ok && !has_id) r.error(node, field, "missing required key 'id'");
  return ok;
}

bool parse_host(Reader& r, const yaml_input::Node& node, const std::string& field, Host& h) {
  bool ok = r.for_each_key(node, field, "a host", {"nqn", "tls_psk_file", "extra_attributes"}, ObjectKind::Host,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    std::string sub = field + "." + key;
    if (key == "nqn") {
      if (auto nqn = r.string_value(value, sub)) h.nqn = *nqn;
      return;
    }
    if (key == "extra_attributes") return r.extra_attributes(ObjectKind::Host, value, sub, h.attrs, h.attr_where);
    if (key == "tls_psk_file") {
      if (auto path = r.string_value(value, sub)) {
        h.tls_psk_file = *path;
        h.tls_psk_where = r.where(value);
      }
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

bool parse_rdma_link(Reader& r, const yaml_input::Node& node, const std::string& field, RdmaLink& l) {
  std::set<std::string> given;
  bool ok = r.for_each_key(node, field, "an rdma link", {"name", "type", "netdev"}, std::nullopt,
                           [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    given.insert(key);
    auto text = r.string_value(value, field + "." + key);
    if (!text) return;
    if (key == "name") {
      l.name = *text;
    } else if (key == "netdev") {
      l.netdev = *text;
    } else if (*text != "rxe" && *text != "siw") {
      r.error(value, field + ".type", "must be one of rxe, siw, got '" + *text + "'");
    } else {
      l.type = *text;
    }
  });
  if (!ok) return false;
  for (const char* required : {"name", "type", "netdev"})
    if (!given.count(required)) r.error(node, field, std::string("missing required key '") + required + "'");
  return true;  // kept even when invalid, so later indices match the file
}

// The top level: version, discovery_nqn, modules, rdma_links, hosts, subsystems, ports.
void read_top_level(Reader& r, const yaml_input::Node& root, Target& t, const std::string& file_name,
                    Diagnostics& diagnostics) {
  bool has_version = false;
  r.for_each_key(root, "", "the top level", {"version", "discovery_nqn", "modules", "rdma_links", "hosts", "subsystems", "ports"},
                 std::nullopt,
                 [&](const std::string& key, const yaml_input::Node&, const yaml_input::Node& value) {
    if (key == "version") {
      has_version = true;
      auto input = r.scalar(value, "version");
      if (input && !input->quoted && input->text != "1")
        r.error(value, "version", "unsupported version '" + input->text + "'; this nvmetctl reads version 1");
      else if (input)
        r.integer(value, "version", 1, 1);  // reports a quoted "1"
    } else if (key == "discovery_nqn") {
      t.discovery_nqn = r.string_value(value, "discovery_nqn");
      t.discovery_nqn_where = r.where(value);
    } else if (key == "modules") {
      t.modules = r.name_list(value, "modules", t.modules_where);
    } else if (key == "rdma_links") {
      r.sequence(value, "rdma_links", t.rdma_links, [&](const yaml_input::Node& n, const std::string& f, RdmaLink& l) {
        return parse_rdma_link(r, n, f, l);
      });
    } else if (key == "hosts") {
      r.sequence(value, "hosts", t.hosts, [&](const yaml_input::Node& n, const std::string& f, Host& h) {
        return parse_host(r, n, f, h);
      });
    } else if (key == "subsystems") {
      r.sequence(value, "subsystems", t.subsystems, [&](const yaml_input::Node& n, const std::string& f, Subsystem& s) {
        return parse_subsystem(r, n, f, s);
      });
    } else if (key == "ports") {
      r.sequence(value, "ports", t.ports, [&](const yaml_input::Node& n, const std::string& f, Port& p) {
        return parse_port(r, n, f, p);
      });
    }
  });
  if (root.IsMap() && !has_version)
    diagnostics.error({file_name, 1, 1}, "version", "missing required key 'version' (use 'version: 1')");
}

}  // namespace

ParsedTarget parse_target_text(const std::string& text, const std::string& file_name) {
  ProfiledPhase profiled("file");
  ParsedTarget result;
  std::optional<yaml_input::Document> document;
  {
    ProfiledPhase yaml("yaml load");
    document = yaml_input::load_single_document(text, file_name, result.diagnostics);
  }
  if (!document) return result;
  const yaml_input::Node* root = document->root;
  if (!root || root->IsNull()) {
    result.diagnostics.error({file_name, 1, 1}, "", "the file is empty; expected at least 'version: 1'");
    return result;
  }
  Reader r(file_name, result.diagnostics);
  read_top_level(r, *root, result.target, file_name, result.diagnostics);
  complete_derived_values(result.target);
  ProfiledPhase validation("validate");
  validate_target(result.target, result.diagnostics);
  return result;
}

ParsedTarget parse_target_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) {
    ParsedTarget result;
    result.diagnostics.error({path, 0, 0}, "", "cannot read the file: " + text.error().reason);
    return result;
  }
  return parse_target_text(*text, path);
}

}  // namespace nvmetctl
