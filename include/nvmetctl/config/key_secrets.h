#pragma once
#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

// Reads each host's DH-HMAC-CHAP key files into the attributes they set, so
// the planner can compare them with configfs like any other value.
void load_key_secrets(Target& target, Diagnostics& diagnostics);

}  // namespace nvmetctl
