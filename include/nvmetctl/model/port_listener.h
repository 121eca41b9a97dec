#pragma once
// Whether two nvmet ports can listen at once. The kernel binds one socket
// (tcp) or CM ID (rdma) per enabled port, and refuses a second one on the
// same transport and service when the addresses overlap (EADDRINUSE).
#include "nvmetctl/model/target.h"

namespace nvmetctl {

// Same tcp/rdma transport and trsvcid, and the same address or a wildcard
// covering the other: 0.0.0.0 covers IPv4, :: covers both families (nvmet's
// sockets are not IPv6-only).
bool listeners_clash(const AttrMap& port, const AttrMap& other);

// "10.0.0.1:4420", "[fd00::1]:4420": where a port listens, for messages.
std::string listen_address(const AttrMap& port);

}  // namespace nvmetctl
