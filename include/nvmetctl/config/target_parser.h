#pragma once
// Reads a target file (format version 1) into the model, reporting every
// problem with file, line, column and field, and never stopping at the first.
#include <string>

#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

struct ParsedTarget {
  Target target;
  Diagnostics diagnostics;
  bool ok() const { return !diagnostics.has_errors(); }
};

ParsedTarget parse_target_text(const std::string& text, const std::string& file_name);
ParsedTarget parse_target_file(const std::string& path);

}  // namespace nvmetctl
