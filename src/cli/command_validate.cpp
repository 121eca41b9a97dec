#include <iostream>

#include "cli_context.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {

void register_validate(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("validate", "Check a target file alone, without touching the kernel");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "Target file (YAML)")->required();
  cmd->callback([&ctx, file] {
    nlohmann::json doc = file_document(*file);
    auto target = load_target(ctx, *file, ctx.json() ? &doc : nullptr);
    doc["valid"] = target.has_value();
    if (ctx.json()) {
      print_json(doc);
    } else if (target) {
      std::cout << *file << ": valid (" << target->subsystems.size() << " subsystems, " << target->ports.size()
                << " ports, " << target->hosts.size() << " hosts)\n";
    }
  });
}

}  // namespace nvmetctl::cli
