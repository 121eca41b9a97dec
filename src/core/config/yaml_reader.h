#pragma once
// Reads the target file's YAML nodes into the model, with one located error
// per problem (file, line, column, field). Private to src/core/config.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/config/value_syntax.h"
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/target.h"
#include "yaml_document.h"

namespace nvmetctl::yaml_input {

// "subsystems[0]" + "nqn" -> "subsystems[0].nqn"; top-level keys stand alone.
inline std::string subfield(const std::string& field, const std::string& key) {
  return field.empty() ? key : field + "." + key;
}

class Reader {
 public:
  Reader(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  SourceLocation where(const Node& node) const {
    const YAML::Mark& mark = node.Mark();
    if (mark.is_null()) return {file_, 0, 0};
    return {file_, mark.line + 1, mark.column + 1};
  }

  void error(const Node& node, const std::string& field, const std::string& message) {
    diagnostics_.error(where(node), field, message);
  }

  // Walks a mapping once: reports duplicate and unknown keys, hands the rest
  // to `handle(key, keynode, value)`; returns false when it is no mapping.
  // `what` names the mapping in messages ("a subsystem"); `attributes_of`,
  // when set, adds that kind's configfs attributes to the known keys.
  template <class Handler>
  bool for_each_key(const Node& map, const std::string& field, const std::string& what,
                    const std::set<std::string>& structural, std::optional<ObjectKind> attributes_of,
                    Handler handle) {
    if (!map.IsMap()) {
      error(map, field, "expected a mapping of keys to values");
      return false;
    }
    std::set<std::string> seen;
    for (const auto& [key_at, value_at] : map.entries()) {
      const Node& key_node = *key_at;
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
      handle(key, key_node, *value_at);
    }
    return true;
  }

  std::optional<ScalarInput> scalar(const Node& node, const std::string& field) {
    if (!node.IsScalar() || node.IsNull()) {
      error(node, field, node.IsNull() ? "a value is required" : "expected a single value");
      return std::nullopt;
    }
    return ScalarInput{node.Scalar(), node.quoted()};
  }

  std::optional<std::string> string_value(const Node& node, const std::string& field) {
    auto input = scalar(node, field);
    if (!input) return std::nullopt;
    return input->text;
  }

  std::optional<long long> integer(const Node& node, const std::string& field,
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

  void attribute(ObjectKind kind, const std::string& key, const Node& value,
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

  // `extra_attributes: {file: value}`: attribute files this nvmetctl does not
  // know, kept in `attrs` under their file name. Each gets a warning: the
  // kernel alone judges the value.
  void extra_attributes(ObjectKind kind, const Node& map, const std::string& field, AttrMap& attrs,
                        AttrLocations& locations) {
    if (!map.IsMap()) {
      error(map, field, "expected a mapping of attribute file names to values");
      return;
    }
    for (const auto& [key_at, value_at] : map.entries()) {
      const Node& key_node = *key_at;
      std::string file = key_node.IsScalar() ? key_node.Scalar() : "";
      std::string sub = subfield(field, file);
      if (!is_attribute_file_name(file)) {
        error(key_node, field, "'" + file + "' is no configfs attribute file name ([a-z][a-z0-9_]*, at most 64)");
        continue;
      }
      if (const AttributeSpec* spec = find_attribute_by_file(kind, file)) {
        error(key_node, sub, std::string("nvmetctl knows this attribute: write it as '") + spec->key + "'");
        continue;
      }
      if (attrs.count(file)) {
        error(key_node, sub, "duplicate key");
        continue;
      }
      auto value = string_value(*value_at, sub);
      if (!value) continue;
      if (value->find('\n') != std::string::npos || value->size() > 4096) {
        error(*value_at, sub, "a configfs attribute value is one line of at most 4096 bytes");
        continue;
      }
      attrs[file] = *value;
      locations[file] = where(*value_at);
      diagnostics_.warning(where(key_node), sub,
                           "attribute file '" + file + "' of " + object_kind_name(kind) +
                               " is unknown to this nvmetctl: written as is, checked by the kernel alone");
    }
  }

  // Entries that are no single value are reported and left out; `where` gets
  // the location of each entry kept.
  std::vector<std::string> name_list(const Node& node, const std::string& field,
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
  void sequence(const Node& node, const std::string& field, std::vector<Item>& out,
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

}  // namespace nvmetctl::yaml_input
