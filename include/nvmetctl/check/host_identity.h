#pragma once
// The host ID to connect with a host NQN. The kernel keeps one ID per NQN
// (a second ID for a known NQN, or a known ID under another NQN, is refused),
// so a probe reuses what this node's controllers already use, then the UUID
// an NQN of the uuid form carries, then one derived from the NQN.
#include <map>
#include <string>

#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// hostnqn -> hostid of the controllers under <sysfs>/class/nvme.
std::map<std::string, std::string> host_ids_in_use(const SystemPaths& paths);

std::string host_id_for(const std::string& host_nqn, const std::map<std::string, std::string>& in_use);

// "nqn.2014-08.org.nvmexpress:uuid:<random uuid>": a host NQN nobody has.
std::string random_host_nqn();

}  // namespace nvmetctl
