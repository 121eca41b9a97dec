#pragma once
// The whole content of a file the user named (a target file, an nvmetcli
// config), or why it cannot be had: missing, a directory, unreadable, no
// regular file (a device never ends, a FIFO waits for a writer), or too big.
#include <cstddef>
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

// Far above any real target file (a 1024-subsystem bench target is ~200 KB)
// and far below what would hurt to hold in memory.
inline constexpr std::size_t kLargestTextFile = 16 * 1024 * 1024;

// A symlink to a regular file is read: /etc/nvmetctl/target.yaml may be one.
Expected<std::string> read_text_file(const std::string& path, std::size_t max_bytes = kLargestTextFile);

}  // namespace nvmetctl
