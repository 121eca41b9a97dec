#pragma once
// A file replaced whole or not at all: written to a private temporary file in
// the same directory, synced, renamed over the target, the directory synced.
// A crash or a full disk leaves the old file, never half a new one; readers
// never see a partial file. What nvmetcli's saveconfig does for config.json.
#include <string>
#include <sys/types.h>

#include "nvmetctl/expected.h"

namespace nvmetctl {

// `mode` is the new file's (0600: an export names hosts and key file paths).
// A symlink at `path` is replaced, not followed.
Expected<void> write_file_atomically(const std::string& path, const std::string& content, mode_t mode = 0600);

}  // namespace nvmetctl
