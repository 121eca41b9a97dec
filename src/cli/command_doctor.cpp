// nvmetctl doctor [FILE]: what is wrong with the live target (and, given a
// file, whether it can be applied here), each finding with its evidence and
// a fix. Read-only. Exit 0 without failures, 7 with any.
#include <iostream>

#include "cli_context.h"
#include "nvmetctl/doctor/catalog.h"
#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {

void register_doctor(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "doctor", "Diagnose the live target (and a file's pre-flight): the cause and the fix for each problem");
  struct Args {
    std::string file;
    bool verbose = false;
    bool list = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML) to check before applying it");
  cmd->add_flag("-v,--verbose", args->verbose, "Also list what was checked and found healthy");
  cmd->add_flag("--list", args->list, "List every finding id and what it checks, then exit");
  cmd->footer("Exit status: 0 when no finding is a failure (warnings allowed), 7 when any is.");
  cmd->callback([&ctx, args] {
    if (args->list) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& kind : doctor::finding_catalog()) {
        if (ctx.json()) list.push_back({{"id", kind.id}, {"checks", kind.checks}});
        else std::cout << kind.id << std::string(kind.id.size() < 28 ? 28 - kind.id.size() : 1, ' ') << kind.checks << "\n";
      }
      if (ctx.json()) print_json({{"finding_ids", list}});
      return;
    }
    RealSystem system(ctx.paths);
    doctor::DoctorInputs inputs = doctor::gather_inputs(system.engine, args->file);
    doctor::Findings findings = doctor::run_checks(inputs);
    ctx.exit_status = findings.has_failures() ? exit_code::kDoctorFailures : exit_code::kOk;
    if (ctx.json()) {
      nlohmann::json doc = doctor::to_json(findings);
      if (!args->file.empty()) doc["file"] = args->file;
      doc["kernel"] = inputs.kernel_release;
      doc["exit_status"] = ctx.exit_status;
      print_json(doc);
      return;
    }
    std::cout << doctor::format_findings(findings, args->verbose);
  });
}

}  // namespace nvmetctl::cli
