#include <iostream>

#include "cli_context.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/formats/nvmetcli_format.h"

namespace nvmetctl::cli {

void register_export(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("export", "Print the live target in the file format (re-appliable; no secrets)");
  auto format = std::make_shared<std::string>("yaml");
  cmd->add_option("--format", *format, "yaml: the target file format; nvmetcli: nvmetcli's config.json")
      ->check(CLI::IsMember({"yaml", "nvmetcli"}))
      ->capture_default_str();
  cmd->callback([&ctx, format] {
    RealSystem system(ctx.paths);
    auto live = read_live_or_report(ctx, system);
    if (!live) return;
    std::vector<RdmaDevice> devices;
    if (!live->target.ports.empty() || !live->target.subsystems.empty()) {
      if (auto listed = system.rdma->list()) devices = *listed;
    }
    Target exported = exportable_target(live->target, devices);
    if (*format == "nvmetcli") print_json(target_to_nvmetcli(exported));
    else if (ctx.json()) print_json(target_to_json(exported));
    else std::cout << target_to_yaml(exported);
  });
}

}  // namespace nvmetctl::cli
