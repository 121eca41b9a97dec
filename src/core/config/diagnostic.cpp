#include "nvmetctl/config/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace nvmetctl {

std::string escape_control_characters(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
      continue;
    }
    static const char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

std::string Diagnostic::format() const {
  // Problems of the machine rather than the file carry no location.
  std::string text = where.file;
  if (!text.empty() && where.line > 0) {
    // Appended piecewise: GCC 12 warns (-Wrestrict, falsely) on ":" + to_string().
    text += ':';
    text += std::to_string(where.line);
    text += ':';
    text += std::to_string(where.column);
  }
  if (!text.empty()) text += ": ";
  text += severity == Severity::Error ? "error: " : "warning: ";
  if (!field.empty()) text += escape_control_characters(field) + ": ";
  return text + escape_control_characters(message);
}

void Diagnostics::index(const Diagnostic& d) {
  if (d.severity != Severity::Error) return;
  error_fields_.insert(d.field);
  error_fields_at_.insert({d.where.line, d.where.column, d.field});
}

void Diagnostics::error(const SourceLocation& where, std::string field, std::string message) {
  items_.push_back({Severity::Error, where, std::move(field), std::move(message)});
  index(items_.back());
}

void Diagnostics::error_once(const SourceLocation& where, std::string field, std::string message) {
  if (!field.empty()) {
    if (error_fields_.count(field)) return;
    // An enclosing object's field is a prefix ending where a '.' or '[' starts.
    if (where.line > 0)
      for (std::size_t end = 0; end < field.size(); ++end)
        if ((field[end] == '.' || field[end] == '[') &&
            error_fields_at_.count({where.line, where.column, field.substr(0, end)}))
          return;
  }
  items_.push_back({Severity::Error, where, std::move(field), std::move(message)});
  index(items_.back());
}

void Diagnostics::warning(const SourceLocation& where, std::string field, std::string message) {
  items_.push_back({Severity::Warning, where, std::move(field), std::move(message)});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::vector<Diagnostic> Diagnostics::in_file_order() const {
  std::vector<Diagnostic> sorted = items_;
  auto key = [](const Diagnostic& d) {
    bool placed = d.where.line > 0;
    return std::make_tuple(!placed, d.where.file, d.where.line, d.where.column);
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  return sorted;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  for (const Diagnostic& d : other.items_) index(d);
}

}  // namespace nvmetctl
