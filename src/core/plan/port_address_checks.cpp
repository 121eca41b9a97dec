#include "nvmetctl/plan/port_address_checks.h"
#include "nvmetctl/util/phase_profile.h"

#include <optional>
#include <set>
#include <utility>

#include "nvmetctl/model/port_listener.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"

namespace nvmetctl {
namespace {

// The live port listens on the declared transport, address and service
// already: nothing new for the kernel to bind.
bool already_listening(const Port& port, const Port* live_port) {
  if (!live_port || !live_port->enabled()) return false;
  for (const char* file : {"addr_trtype", "addr_traddr", "addr_trsvcid"})
    if (attr_value(live_port->attrs, file) != attr_value(port.attrs, file)) return false;
  return true;
}

// The port will have links once the plan is done, so the kernel listens on
// it, and it does not listen there already.
bool starts_listening(const Outcome& outcome, const Port& port) {
  return outcome.listens_after(port.id) && !already_listening(port, outcome.live().find_port(port.id));
}

// Soft-RoCE and soft-iWARP have no T10-PI offload: the kernel turns
// pi_enable off at the first connect, and every apply would then turn it on
// again, relinking the port each time.
void warn_pi_without_offload(const Port& port, const RdmaAddressCheck& check, const std::vector<RdmaDevice>& devices,
                             Plan& plan) {
  for (const RdmaDevice& device : devices) {
    if (device.name != check.device || (device.link_type != "rxe" && device.link_type != "siw")) continue;
    plan.problems.warning(attr_location(port.attr_where, "param_pi_enable", port.where),
                          "port " + std::to_string(port.id),
                          "pi_enable: RDMA device " + device.name + " (" + device.link_type +
                              ") has no T10-PI offload: the kernel turns pi_enable off at the first connect, and "
                              "each later apply would turn it on again, relinking the port; leave pi_enable out");
    return;
  }
}

// The kernel refuses an rdma port whose address no RDMA device serves (-99,
// -19); say so at plan time instead of failing half-way. Also pi_enable on a
// soft device.
void warn_about_rdma_ports(const Target& desired, const SystemFacts& facts, NetworkInfo* network, Plan& plan) {
  if (!network) return;
  std::vector<RdmaDevice> devices =
      devices_after_links(facts.rdma_devices.value_or(std::vector<RdmaDevice>{}), desired.rdma_links);
  for (const Port& port : desired.ports) {
    if (attr_value(port.attrs, "addr_trtype") != "rdma") continue;
    std::string traddr = attr_value(port.attrs, "addr_traddr");
    auto check = check_rdma_address(traddr, *network, devices);
    if (!check) continue;
    std::string object = "port " + std::to_string(port.id);
    if (check->coverage == RdmaAddressCoverage::NotLocal)
      plan.problems.warning(port.where, object,
                            "traddr " + traddr +
                                " is not on any local interface: the kernel will refuse the port "
                                "(binding CM ID failed (-99)); add it with 'ip addr add " +
                                traddr + "/24 dev <netdev>'");
    else if (check->coverage == RdmaAddressCoverage::NoRdmaDevice)
      plan.problems.warning(port.where, object,
                            "traddr " + traddr + " is on " + check->interface +
                                ", which no RDMA device covers: the "
                                "kernel will refuse the port (-19); add an rdma_links entry {name: rxe_" +
                                check->interface + ", type: rxe, netdev: " + check->interface +
                                "} or run 'rdma link add rxe_" + check->interface + " type rxe netdev " +
                                check->interface + "'");
    else if (check->coverage == RdmaAddressCoverage::Covered && attr_value(port.attrs, "param_pi_enable") == "1")
      warn_pi_without_offload(port, *check, devices, plan);
  }
}

// A process listening on a tcp port's address makes the kernel refuse the
// port (EADDRINUSE) only once a subsystem is linked, half-way through apply:
// refuse at plan time instead, naming the process.
void refuse_tcp_ports_held_by_processes(const Outcome& outcome, const ListenerFacts& listeners, Plan& plan) {
  const std::vector<TcpSocket>& sockets = listeners.sockets;
  const SocketHolders& holders = listeners.holders;
  auto starting = tcp_ports_starting(outcome);
  for (const auto& [port, service] : starting) {
    std::string traddr = attr_value(port->attrs, "addr_traddr"), trsvcid = attr_value(port->attrs, "addr_trsvcid");
    auto conflict = find_process_listener(sockets, holders, traddr, service);
    if (!conflict) continue;
    std::string message = "tcp " + listen_address(port->attrs) + " is taken: " + conflict->holder + " listens on " +
                          socket_address_text(conflict->listener) +
                          (conflict->certain ? ", so the kernel will refuse the port (EADDRINUSE)"
                                             : ", so the kernel may refuse the port (EADDRINUSE) unless that "
                                               "socket is IPv6-only") +
                          "; stop it, or choose another trsvcid (see: ss -ltnp 'sport = :" + trsvcid + "')";
    std::string object = "port " + std::to_string(port->id);
    if (conflict->certain) plan.problems.error(port->where, object, message);
    else plan.problems.warning(port->where, object, message);
  }
}

// A declared port that must start listening, where an enabled port the file
// does not declare listens already: the kernel refuses the link. With
// --prune that port is unlinked first, so nothing is in the way.
void refuse_ports_held_by_undeclared_ports(const Outcome& outcome, Plan& plan) {
  if (outcome.options().prune) return;
  const Target& desired = outcome.desired();
  for (const Port& port : desired.ports) {
    if (!starts_listening(outcome, port)) continue;
    for (const Port& other : outcome.live().ports) {
      if (other.id == port.id || desired.find_port(other.id) || !other.enabled()) continue;
      if (!listeners_clash(port.attrs, other.attrs)) continue;
      plan.problems.error(port.where, "port " + std::to_string(port.id),
                          attr_value(port.attrs, "addr_trtype") + " " + listen_address(port.attrs) +
                              " is taken by port " + std::to_string(other.id) + " (" + listen_address(other.attrs) +
                              ", enabled, not in the file), so the kernel would refuse this port (EADDRINUSE); "
                              "declare port " +
                              std::to_string(other.id) +
                              " in the file, remove it (apply --prune removes what the file does not declare), "
                              "or choose another trsvcid");
      break;
    }
  }
}

}  // namespace

std::vector<std::pair<const Port*, std::uint16_t>> tcp_ports_starting(const Outcome& outcome) {
  std::vector<std::pair<const Port*, std::uint16_t>> starting;
  for (const Port& port : outcome.desired().ports) {
    auto attr = [&](const char* file) { return attr_value(port.attrs, file); };
    if (attr("addr_trtype") != "tcp" || attr("addr_traddr").empty() || attr("addr_trsvcid").empty()) continue;
    if (!starts_listening(outcome, port)) continue;
    if (auto service = parse_tcp_service(attr("addr_trsvcid"))) starting.push_back({&port, *service});
  }
  return starting;
}

ListenerFacts read_listener_facts(const Outcome& outcome, const std::string& proc_root, const ListenerFacts* earlier) {
  ProfiledPhase profiled("facts: listeners");
  ListenerFacts facts;
  for (const auto& [port, service] : tcp_ports_starting(outcome)) facts.services.insert(service);
  if (facts.services.empty()) return facts;
  if (earlier && earlier->services == facts.services) return *earlier;
  facts.sockets = read_tcp_sockets(proc_root);
  facts.holders = listener_holders(proc_root, facts.sockets, facts.services);
  return facts;
}

void check_port_addresses(const Outcome& outcome, const SystemFacts& facts, const ListenerFacts& listeners,
                          NetworkInfo* network, Plan& plan) {
  warn_about_rdma_ports(outcome.desired(), facts, network, plan);
  refuse_tcp_ports_held_by_processes(outcome, listeners, plan);
  refuse_ports_held_by_undeclared_ports(outcome, plan);
}

}  // namespace nvmetctl
