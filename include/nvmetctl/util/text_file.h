#pragma once
// The whole content of a file the user named (a target file, an nvmetcli
// config), or why it cannot be had: missing, a directory, unreadable.
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

Expected<std::string> read_text_file(const std::string& path);

}  // namespace nvmetctl
