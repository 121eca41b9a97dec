#pragma once
#include <string>

#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/expected.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

// The secret a DH-HMAC-CHAP key file holds: its first line, trimmed. Only a
// small regular file qualifies, so a path such as /dev/zero or a FIFO is an
// error instead of a read that never ends.
Expected<std::string> read_key_file(const std::string& path);

// Reads each host's DH-HMAC-CHAP key files into the attributes they set, so
// the planner can compare them with configfs like any other value.
void load_key_secrets(Target& target, Diagnostics& diagnostics);

// Writes one secret to a new file <dir>/<host nqn>.<attribute>, readable by
// its owner only (import-nvmetcli --key-dir); returns the path. Refuses an
// NQN that cannot be a file name there, a file already there, and a symlink.
Expected<std::string> write_key_file(const std::string& dir, const std::string& host_nqn,
                                     const std::string& attribute, const std::string& secret);

}  // namespace nvmetctl
