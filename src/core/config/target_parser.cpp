#include "nvmetctl/config/target_parser.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

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

namespace nvmetctl {
namespace {

// "subsystems[0]" + "nqn" -> "subsystems[0].nqn"; top-level keys stand alone.
std::string subfield(const std::string& field, const std::string& key) {
  return field.empty() ? key : field + "." + key;
}

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
  // `what` names the mapping in messages ("a subsystem"); `attributes_of`,
  // when set, adds that kind's configfs attributes to the known keys.
  template <class Handler>
  bool for_each_key(const YAML::Node& map, const std::string& field, const std::string& what,
                    const std::set<std::string>& structural, std::optional<ObjectKind> attributes_of,
                    Handler handle) {
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
        error(key_node, subfield(field, key), "duplicate key");
        continue;
      }
      bool known = structural.count(key) || (attributes_of && find_attribute_by_key(*attributes_of, key));
      if (!known) {
        error(key_node, subfield(field, key),
              "unknown key for " + what + "; known keys: " + known_keys(structural, attributes_of));
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
    DecimalSyntax syntax = scan_decimal(input->text, value);
    bool decimal = syntax == DecimalSyntax::Valid;
    if (input->quoted && decimal) {
      error(node, field, "expected a number, got the quoted string '" + input->text + "' (remove the quotes)");
      return std::nullopt;
    }
    if (syntax == DecimalSyntax::OutOfRange) {
      error(node, field, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                             input->text);
      return std::nullopt;
    }
    if (input->quoted || !decimal) {
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

  // Entries that are no single value are reported and left out; `where` gets
  // the location of each entry kept.
  std::vector<std::string> name_list(const YAML::Node& node, const std::string& field,
                                     std::vector<SourceLocation>& where_out) {
    std::vector<std::string> names;
    where_out.clear();
    if (!node.IsSequence()) {
      error(node, field, "expected a list");
      return names;
    }
    for (size_t i = 0; i < node.size(); ++i)
      if (auto name = string_value(node[i], field + "[" + std::to_string(i) + "]")) {
        names.push_back(*name);
        where_out.push_back(where(node[i]));
      }
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
  static std::string known_keys(const std::set<std::string>& structural, std::optional<ObjectKind> kind) {
    std::string text;
    for (const auto& key : structural) text += (text.empty() ? "" : ", ") + key;
    if (kind)
      for (const auto* spec : attributes_of(*kind)) text += std::string(", ") + spec->key;
    return text;
  }

  std::string file_;
  Diagnostics& diagnostics_;
};

bool parse_namespace(Reader& r, const YAML::Node& node, const std::string& field, Namespace& ns) {
  bool has_nsid = false;
  bool ok = r.for_each_key(node, field, "a namespace", {"nsid"}, ObjectKind::Namespace,
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
  return r.for_each_key(node, field, "passthru", {}, ObjectKind::Passthru,
                        [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    r.attribute(ObjectKind::Passthru, key, value, field + "." + key, pt.attrs, pt.attr_where);
  });
}

bool parse_subsystem(Reader& r, const YAML::Node& node, const std::string& field, Subsystem& s) {
  bool ok = r.for_each_key(node, field, "a subsystem", {"nqn", "namespaces", "allowed_hosts", "passthru"},
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
      s.allowed_hosts = r.name_list(value, sub, s.allowed_hosts_where);
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
  bool ok = r.for_each_key(node, field, "a referral", {"name"}, ObjectKind::Referral,
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
  bool ok = r.for_each_key(node, field, "an ANA group", {"id", "state"}, std::nullopt,
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
  bool ok = r.for_each_key(node, field, "a port", {"id", "subsystems", "referrals", "ana_groups"},
                           ObjectKind::Port,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    std::string sub = field + "." + key;
    if (key == "id") {
      has_id = true;
      if (auto id = r.integer(value, sub, 0, 65535)) {
        p.id = static_cast<std::uint16_t>(*id);
      }
    } else if (key == "subsystems") {
      p.subsystems = r.name_list(value, sub, p.subsystems_where);
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
  bool ok = r.for_each_key(node, field, "a host", {"nqn"}, ObjectKind::Host,
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
  std::set<std::string> given;
  bool ok = r.for_each_key(node, field, "an rdma link", {"name", "type", "netdev"}, std::nullopt,
                           [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
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

// What the reader refuses, found in one pass over the parser's events
// before any node is built. An alias shares its node, but every walk over
// the tree repeats it: 300 aliases of 300 aliases made a 3.4 KB file take
// minutes and print tens of thousands of errors. An explicit tag would
// change a value's type ('!!str 5'), and the reader goes by the text alone.
class UnsupportedSyntax final : public YAML::EventHandler {
 public:
  struct Uses {
    YAML::Mark first;
    std::size_t count = 0;
    void add(const YAML::Mark& mark) {
      if (count++ == 0) first = mark;
    }
  };
  Uses aliases;
  Uses tags;
  std::string first_tag;
  // yaml-cpp 0.7 never consumes a token that cannot start a node where a
  // document starts (a ',' outside [...] or {...}): HandleNextDocument then
  // reports the same empty document forever, and so would YAML::LoadAll.
  // A document that starts where the previous one did is that token.
  std::optional<YAML::Mark> stuck;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0 && mark.pos == last_start_.pos) stuck = mark;
    last_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { aliases.add(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string&) override {
    note_tag(mark, tag);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note_tag(mark, tag);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note_tag(mark, tag);
  }
  void OnMapEnd() override {}

 private:
  // yaml-cpp gives an untagged plain node "?" and a quoted one (or one
  // tagged '!') "!"; anything else was written out.
  void note_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    if (tags.count == 0) {
      static const std::string kCore = "tag:yaml.org,2002:";
      first_tag = tag.rfind(kCore, 0) == 0 ? "!!" + tag.substr(kCore.size()) : tag;
    }
    tags.add(mark);
  }

  std::size_t documents_ = 0;
  YAML::Mark last_start_;
};

// One error for all uses, at the first: the rest say the same.
void report_uses(const UnsupportedSyntax::Uses& uses, const std::string& file_name, const std::string& message,
                 const std::string& plural, Diagnostics& diagnostics) {
  if (uses.count == 0) return;
  std::string text = message;
  if (uses.count > 1) text += " (the first of " + std::to_string(uses.count) + " " + plural + " in the file)";
  diagnostics.error({file_name, uses.first.line + 1, uses.first.column + 1}, "", text);
}

// Where a file stops being UTF-8 text (a binary file, UTF-16): yaml-cpp
// would report a confusing escape or scanner error further on.
std::optional<SourceLocation> first_non_text_byte(const std::string& text, const std::string& file_name) {
  size_t bad = std::min(text.find('\0'), first_invalid_utf8(text));
  if (bad == std::string::npos) return std::nullopt;
  size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
  line_start = line_start == std::string::npos || bad == 0 ? 0 : line_start + 1;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
  return SourceLocation{file_name, line, static_cast<int>(bad - line_start) + 1};
}

}  // namespace

ParsedTarget parse_target_text(const std::string& text, const std::string& file_name) {
  ParsedTarget result;
  if (auto where = first_non_text_byte(text, file_name)) {
    result.diagnostics.error(*where, "", "not a UTF-8 text file (a NUL byte or an invalid byte sequence here)");
    return result;
  }
  YAML::Node root;
  try {
    UnsupportedSyntax unsupported;
    std::istringstream events(text);
    YAML::Parser parser(events);
    // Every document consumes at least one byte, so the bound only stops a
    // parser that makes no progress in a way the start marks do not show.
    for (std::size_t n = 0; !unsupported.stuck && parser.HandleNextDocument(unsupported); ++n)
      if (n > text.size()) unsupported.stuck = YAML::Mark();
    if (unsupported.stuck) {
      const YAML::Mark& at = *unsupported.stuck;
      const auto pos = static_cast<std::size_t>(at.pos);
      const char c = pos < text.size() ? text[pos] : '\0';
      std::string message = "not valid YAML: ";
      if (c == ',') message += "unexpected ','; a comma separates items only inside [...] or {...}";
      else if (c > ' ' && c < 127) message += std::string("unexpected '") + c + "'";
      else message += "a token here cannot start a value";
      result.diagnostics.error({file_name, at.line + 1, at.column + 1}, "", message);
      return result;
    }
    report_uses(unsupported.aliases, file_name, "YAML aliases are not supported: write the value out", "aliases",
                result.diagnostics);
    report_uses(unsupported.tags, file_name,
                "YAML tags are not supported (" + unsupported.first_tag +
                    "): write the plain value, quoted when it is text",
                "tags", result.diagnostics);
    if (result.diagnostics.has_errors()) return result;
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      YAML::Mark second = documents[1].Mark();
      result.diagnostics.error({file_name, second.is_null() ? 0 : second.line + 1, second.is_null() ? 0 : second.column + 1},
                               "", "the file holds " + std::to_string(documents.size()) +
                                       " YAML documents ('---'); a target file is exactly one");
      return result;
    }
    if (!documents.empty()) root = documents[0];
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
  r.for_each_key(root, "", "the top level", {"version", "modules", "rdma_links", "hosts", "subsystems", "ports"},
                 std::nullopt,
                 [&](const std::string& key, const YAML::Node&, const YAML::Node& value) {
    if (key == "version") {
      has_version = true;
      auto input = r.scalar(value, "version");
      if (input && !input->quoted && input->text != "1")
        r.error(value, "version", "unsupported version '" + input->text + "'; this nvmetctl reads version 1");
      else if (input)
        r.integer(value, "version", 1, 1);  // reports a quoted "1"
    } else if (key == "modules") {
      t.modules = r.name_list(value, "modules", t.modules_where);
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
  auto text = read_text_file(path);
  if (!text) {
    ParsedTarget result;
    result.diagnostics.error({path, 0, 0}, "", "cannot read the file: " + text.error().reason);
    return result;
  }
  return parse_target_text(*text, path);
}

}  // namespace nvmetctl
