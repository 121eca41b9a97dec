#include "nvmetctl/formats/yaml_text_writer.h"

#include <array>
#include <cstdio>

namespace nvmetctl {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Characters that never start an indicator, a comment or a flow item.
bool plain_inner(char c) {
  return is_alnum(c) || static_cast<unsigned char>(c) >= 0x80 || c == '.' || c == '_' || c == '/' || c == '-' ||
         c == ':' || c == '+' || c == '=' || c == '@' || c == '(' || c == ')' || c == ' ';
}

// Words some YAML reader (1.1 or 1.2) takes for null or a boolean.
bool is_special_word(std::string_view s) {
  static constexpr std::array<std::string_view, 26> kWords = {
      "null", "Null", "NULL", "~",  "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
      "no",   "No",   "NO",   "on", "On",   "ON",   "off",  "Off",   "OFF",   "y",     "Y",   "n",   "N"};
  for (std::string_view word : kWords)
    if (s == word) return true;
  return false;
}

bool plain_is_safe(std::string_view s) {
  if (s.empty() || is_special_word(s)) return false;
  if (!is_alnum(s.front()) && s.front() != '/' && s.front() != '.' && s.front() != '_' && s.front() != '(')
    return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!plain_inner(s[i])) return false;
    if (s[i] == ':' && s[i + 1] == ' ') return false;  // a key; s.back() is no ':', so i + 1 exists
  }
  return true;
}

}  // namespace

void append_yaml_double_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (char byte : value) {
    unsigned char c = static_cast<unsigned char>(byte);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
          out += escaped;
        } else {
          out += byte;  // UTF-8 or not: see the header
        }
    }
  }
  out += '"';
}

void append_yaml_scalar(std::string& out, std::string_view value) {
  if (plain_is_safe(value)) out += value;
  else append_yaml_double_quoted(out, value);
}

std::string yaml_double_quoted(std::string_view value) {
  std::string out;
  append_yaml_double_quoted(out, value);
  return out;
}

std::string yaml_scalar_text(std::string_view value) {
  std::string out;
  append_yaml_scalar(out, value);
  return out;
}

void YamlTextWriter::start_line(int indent) {
  if (after_dash_) {
    after_dash_ = false;
    return;
  }
  if (!out_.empty()) out_ += '\n';
  out_.append(static_cast<std::size_t>(indent), ' ');
}

void YamlTextWriter::key(std::string_view name) {
  Level& map = levels_.back();
  start_line(map.indent);
  map.empty = false;
  append_yaml_scalar(out_, name);
  out_ += ':';
}

void YamlTextWriter::value(std::string_view text) {
  out_ += ' ';
  append_yaml_scalar(out_, text);
}

void YamlTextWriter::quoted_value(std::string_view text) {
  out_ += ' ';
  append_yaml_double_quoted(out_, text);
}

void YamlTextWriter::scalar_value(std::string_view text) {
  out_ += ' ';
  out_ += text;
}

void YamlTextWriter::flow_sequence(const std::vector<std::string>& items) {
  out_ += " [";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out_ += ", ";
    append_yaml_scalar(out_, items[i]);
  }
  out_ += ']';
}

void YamlTextWriter::begin_map() {
  if (!levels_.empty() && !levels_.back().is_map) {
    Level& sequence = levels_.back();
    start_line(sequence.indent);
    sequence.empty = false;
    out_ += "- ";
    after_dash_ = true;
  }
  levels_.push_back({true, child_indent()});
}

void YamlTextWriter::end_map() { close_level("{}"); }

void YamlTextWriter::begin_sequence() { levels_.push_back({false, child_indent()}); }

void YamlTextWriter::end_sequence() { close_level("[]"); }

// An empty one is written as yaml-cpp wrote it: "{}" or "[]" on its own line.
void YamlTextWriter::close_level(const char* empty_mark) {
  Level level = levels_.back();
  levels_.pop_back();
  if (!level.empty) return;
  start_line(level.indent);
  out_ += empty_mark;
}

}  // namespace nvmetctl
