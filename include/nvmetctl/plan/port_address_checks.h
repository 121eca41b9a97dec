#pragma once
// Plan-time checks of the ports' addresses: what the kernel would refuse only
// once a subsystem is linked (half-way through apply) becomes a plan problem
// while nothing has been touched. Pure: the system's facts are handed in.
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "nvmetctl/net/network_info.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "nvmetctl/plan/outcome.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/plan/prerequisites.h"

namespace nvmetctl {

// The tcp ports this plan makes the kernel start listening on, with their service.
std::vector<std::pair<const Port*, std::uint16_t>> tcp_ports_starting(const Outcome& outcome);

// Who listens on the services of the tcp ports a plan starts: read from
// <proc> only when there are such ports.
struct ListenerFacts {
  std::set<std::uint16_t> services;  // the ones asked about
  std::vector<TcpSocket> sockets;
  SocketHolders holders;
};
// `earlier`: facts read for the same services in this run (the quick plan
// before the snapshot plan), kept instead of walking /proc again.
ListenerFacts read_listener_facts(const Outcome& outcome, const std::string& proc_root,
                                  const ListenerFacts* earlier = nullptr);

// rdma: traddr on no local interface (-99) or on one no RDMA device serves
// (-19), as warnings (with `network`). tcp: a process already listening on
// traddr:trsvcid (EADDRINUSE), as an error naming the process. tcp and rdma:
// an enabled port the file does not declare (and --prune would not remove)
// listening where a declared port must (EADDRINUSE), as an error.
void check_port_addresses(const Outcome& outcome, const SystemFacts& facts, const ListenerFacts& listeners,
                          NetworkInfo* network, Plan& plan);

}  // namespace nvmetctl
