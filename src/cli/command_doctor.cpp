// nvmetctl doctor [FILE]: what is wrong with the live target (and, given a
// file, whether it can be applied here), each finding with its evidence and
// a fix. Read-only. Exit 0 without failures, 7 with any.
#include <iostream>

#include "cli_context.h"
#include "nvmetctl/check/libnvme_host.h"
#include "nvmetctl/check/target_check.h"
#include "nvmetctl/doctor/catalog.h"
#include "nvmetctl/doctor/probe_findings.h"
#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {
namespace {

// doctor --probe: the check of the file's target (or the live one) as findings.
bool probe_findings(CliContext& ctx, RealSystem& system, const doctor::DoctorInputs& inputs, double timeout,
                    doctor::Findings& findings) {
  std::optional<Target> target = inputs.desired;
  if (!target && inputs.live) target = inputs.live->target;
  if (!target) return true;  // nothing to probe; the findings say why
  auto lock = take_run_lock(ctx, 10);
  if (!lock) return false;
  auto host = make_libnvme_host(ctx.paths, timeout);
  TargetCheckOptions options;
  options.interrupted = &g_interrupted;
  CheckReport report = check_target(*target, system.engine, *host, options);
  doctor::ProbeEvidence evidence;
  evidence.configfs_nvmet = system.engine.layout().root();
  evidence.file = inputs.file;
  bool tcp_unreachable = false;
  for (const ProbeResult& result : report.results)
    tcp_unreachable |= result.verdict == Verdict::Unreachable && result.probe.connect.trtype == "tcp";
  if (tcp_unreachable) {
    if (auto ruleset = read_nftables_ruleset()) evidence.firewall = std::move(*ruleset);
    else evidence.firewall_error = ruleset.error().describe();
  }
  doctor::add_probe_findings(report, evidence, findings);
  return true;
}

}  // namespace

void register_doctor(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "doctor", "Diagnose the live target (and a file's pre-flight): the cause and the fix for each problem");
  struct Args {
    std::string file;
    bool verbose = false;
    bool list = false;
    bool probe = false;
    double timeout = 10;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML) to check before applying it");
  cmd->add_flag("-v,--verbose", args->verbose, "Also list what was checked and found healthy");
  cmd->add_flag("--probe", args->probe,
                "Also connect as each host the target allows (as 'check' does) and explain what is not served");
  cmd->add_option("--timeout", args->timeout, "With --probe: seconds a connect may take")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
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
    if (args->probe && !probe_findings(ctx, system, inputs, args->timeout, findings)) return;
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
