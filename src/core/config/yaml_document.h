#pragma once
// The target file's text as one YAML document, or located errors: text that
// is not UTF-8, YAML syntax, aliases and explicit tags (refused), and more
// than one document. Private to src/core/config.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "nvmetctl/config/diagnostic.h"

namespace nvmetctl::yaml_input {

// nullopt when `diagnostics` got an error; a null node for an empty file.
std::optional<YAML::Node> load_single_document(const std::string& text, const std::string& file_name,
                                               Diagnostics& diagnostics);

}  // namespace nvmetctl::yaml_input
