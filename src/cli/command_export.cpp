#include <iostream>

#include "cli_context.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/formats/nvmetcli_format.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/util/durable_file.h"
#include "nvmetctl/util/phase_profile.h"
#include "nvmetctl/util/stable_device_name.h"

namespace nvmetctl::cli {

void register_export(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("export", "Print the live target in the file format (re-appliable; no secrets)");
  auto format = std::make_shared<std::string>("yaml");
  cmd->add_option("--format", *format, "yaml: the target file format; nvmetcli: nvmetcli's config.json")
      ->check(CLI::IsMember({"yaml", "nvmetcli"}))
      ->capture_default_str();
  auto output = std::make_shared<std::string>();
  cmd->add_option("--output", *output,
                  "Write to this file instead of standard output: replaced whole (never half-written), mode 0600");
  auto stable_paths = std::make_shared<bool>(false);
  cmd->add_flag("--stable-paths", *stable_paths,
                "Write each device_path that is a kernel name (/dev/sdb, /dev/nvme0n1) as the udev "
                "/dev/disk/by-id link that names the same device, where there is one");
  cmd->callback([&ctx, format, output, stable_paths] {
    RealSystem system(ctx.paths);
    auto live = read_live_or_report(ctx, system);
    if (!live) return;
    std::vector<RdmaDevice> devices;
    if (!live->target.ports.empty() || !live->target.subsystems.empty()) {
      ProfiledPhase profiled("facts: rdma");
      if (auto listed = system.rdma->list()) devices = *listed;
    }
    std::string text;
    {
      ProfiledPhase profiled("format");
      Target exported = exportable_target(live->target, devices);
      if (*stable_paths) use_stable_device_names(exported, ctx.paths.dev);
      // Kept, not dropped: an attribute of a newer kernel survives export ->
      // apply. stderr, so the exported text stays clean on stdout.
      for (const std::string& name : extra_attribute_names(exported))
        std::cerr << "nvmetctl: warning: " << name << " is an attribute file this nvmetctl does not know; "
                  << "kept under extra_attributes, written back as is\n";
      if (*format == "nvmetcli" && exported.discovery_nqn)
        std::cerr << "nvmetctl: warning: discovery_nqn " << *exported.discovery_nqn
                  << " is not exported: nvmetcli's format has no field for it (export --format yaml keeps it)\n";
      if (*format == "nvmetcli") text = json_text(target_to_nvmetcli(exported));
      else if (ctx.json()) text = json_text(target_to_json(exported));
      else text = target_to_yaml(exported);
    }
    if (output->empty()) {
      std::cout << text;
      return;
    }
    if (auto written = write_file_atomically(*output, text, 0600); !written) {
      print_error(ctx, written.error().describe(), "choose a writable path for --output");
      ctx.exit_status = exit_code::kError;
    }
  });
}

}  // namespace nvmetctl::cli
