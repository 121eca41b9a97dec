#pragma once
// Plan-time checks of the ports' addresses: what the kernel would refuse only
// once a subsystem is linked (half-way through apply) becomes a plan problem
// while nothing has been touched.
#include "nvmetctl/engine/engine.h"

namespace nvmetctl {

// rdma: traddr on no local interface (-99) or on one no RDMA device serves
// (-19), as warnings. tcp: a process already listening on traddr:trsvcid
// (EADDRINUSE), as an error naming the process. tcp and rdma: an enabled
// port the file does not declare (and --prune would not remove) listening
// where a declared port must (EADDRINUSE), as an error.
void check_port_addresses(const Target& desired, const LiveState& live, const SystemFacts& facts,
                          const PlanOptions& options, EngineContext& ctx, Plan& plan);

}  // namespace nvmetctl
