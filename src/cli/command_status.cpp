#include <iostream>

#include "cli_context.h"
#include "live_status.h"
#include "nvmetctl/status/prometheus_text.h"
#include "nvmetctl/status/status_render.h"
#include "nvmetctl/status/target_status.h"

namespace nvmetctl::cli {

TargetStatus live_status(RealSystem& system, const LiveState& live, const StatusFilter& filter) {
  std::vector<RdmaDevice> devices;
  bool has_rdma_port = false;
  for (const Port& p : live.target.ports)
    if (p.attrs.count("addr_trtype") && p.attrs.at("addr_trtype") == "rdma") has_rdma_port = true;
  if (has_rdma_port)
    if (auto listed = system.rdma->list()) devices = *listed;
  TargetStatus status = build_target_status(live.target, system.engine.paths, has_rdma_port ? system.network.get() : nullptr,
                                            devices, filter);
  status.nvmet_loaded = live.nvmet_loaded;
  return status;
}

void register_status(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "status", "Show the live target: subsystems, namespaces, ports, RDMA devices and connected hosts");
  struct Args {
    std::string subsystem;
    int port = -1;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--subsystem", args->subsystem, "Show only this subsystem (and the ports exporting it)");
  cmd->add_option("--port", args->port, "Show only this port (and the subsystems on it)")->check(CLI::Range(0, 65535));
  cmd->callback([&ctx, args] {
    RealSystem system(ctx.paths);
    auto live = read_live_or_report(ctx, system);
    if (!live) return;
    StatusFilter filter;
    filter.subsystem = args->subsystem;
    if (args->port >= 0) filter.port = static_cast<std::uint16_t>(args->port);
    TargetStatus status = live_status(system, *live, filter);
    if (ctx.prometheus()) std::cout << prometheus_text(status);
    else if (ctx.json()) print_json(status_to_json(status));
    else print_status_tree(std::cout, status);
  });
}

}  // namespace nvmetctl::cli
