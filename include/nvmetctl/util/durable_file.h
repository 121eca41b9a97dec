#pragma once
// Files that must survive the process being killed at any instant (the
// crash journal): written whole or not at all, and on disk before the caller
// goes on.
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

// mkdir with `mode`, an existing directory being fine. Refuses a symlink or
// a non-directory in its place: the journal holds secrets.
Expected<void> ensure_private_dir(const std::string& dir, unsigned mode);

// temp file + write + fsync + rename + fsync of the directory: a reader sees
// the old content or the new one, never a mix, even after SIGKILL. A symlink
// at `path` is replaced, not followed. Used by the journal and by
// export --output (as nvmetcli's saveconfig does).
Expected<void> write_file_atomically(const std::string& path, const std::string& content, unsigned mode);

// unlink; a file already gone is fine.
Expected<void> remove_file(const std::string& path);

}  // namespace nvmetctl
