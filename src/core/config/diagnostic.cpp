#include "nvmetctl/config/diagnostic.h"

#include <algorithm>

namespace nvmetctl {

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
  if (!field.empty()) text += field + ": ";
  return text + message;
}

void Diagnostics::error(const SourceLocation& where, std::string field, std::string message) {
  items_.push_back({Severity::Error, where, std::move(field), std::move(message)});
}

void Diagnostics::warning(const SourceLocation& where, std::string field, std::string message) {
  items_.push_back({Severity::Warning, where, std::move(field), std::move(message)});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

}  // namespace nvmetctl
