#include "cli_context.h"
#include "nvmetctl/util/phase_profile.h"

#include "nvmetctl/check/libnvme_host.h"
#include "nvmetctl/check/target_check.h"

#include <cstdlib>
#include <iostream>

#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/engine/journal.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/util/text_file.h"

namespace nvmetctl::cli {

RealSystem::RealSystem(const SystemPaths& paths)
    : fs(paths.configfs),
      modules(make_kmod_module_loader(paths)),
      rdma(make_netlink_rdma_links(paths)),
      network(make_system_network_info(paths)),
      kernel_log(paths.kmsg),
      keyring(paths.tls_keyring),
      engine{paths, fs, modules.get(), rdma.get(), network.get(), &mounter, &kernel_log, &keyring} {
  engine.crash_journal = true;
  engine.served_sizes = true;
}

void print_error(const CliContext& ctx, const std::string& what, const std::string& hint) {
  if (ctx.json()) {
    nlohmann::json doc{{"error", what}};
    if (!hint.empty()) doc["hint"] = hint;
    print_json(doc);
    return;
  }
  std::cerr << "nvmetctl: error: " << what << "\n";
  if (!hint.empty()) std::cerr << "hint: " << hint << "\n";
}

// Names read from configfs or a file may hold any bytes; a report must never
// abort on one that is not UTF-8, so such bytes print as U+FFFD.
std::string json_text(const nlohmann::json& document) {
  // A name read from configfs need not be UTF-8: replaced, never an abort.
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void print_json(const nlohmann::json& document) { std::cout << json_text(document); }

bool report_diagnostics(const CliContext& ctx, const Diagnostics& diagnostics, nlohmann::json* json_out) {
  for (const Diagnostic& d : diagnostics.in_file_order()) {
    if (json_out) {
      (*json_out)["diagnostics"].push_back({{"severity", d.severity == Severity::Error ? "error" : "warning"},
                                            {"file", d.where.file},
                                            {"line", d.where.line},
                                            {"column", d.where.column},
                                            {"field", d.field},
                                            {"message", d.message}});
    } else if (!ctx.json()) {
      std::cerr << "nvmetctl: " << d.format() << "\n";
    }
  }
  return !diagnostics.has_errors();
}

nlohmann::json file_document(const std::string& file) {
  return {{"file", file}, {"diagnostics", nlohmann::json::array()}};
}

std::optional<Target> load_target_or_report(CliContext& ctx, const std::string& file, nlohmann::json& doc) {
  auto target = load_target(ctx, file, ctx.json() ? &doc : nullptr);
  if (!target && ctx.json()) print_json(doc);
  return target;
}

std::optional<Target> load_target(CliContext& ctx, const std::string& file, nlohmann::json* json_out) {
  auto text = read_text_file(file);
  if (!text) {
    const char* hint = "give the path of a target file (YAML)";
    if (json_out) {  // the caller prints the one JSON document
      (*json_out)["error"] = text.error().describe();
      (*json_out)["hint"] = hint;
    } else {
      print_error(ctx, text.error().describe(), hint);
    }
    ctx.exit_status = exit_code::kError;
    return std::nullopt;
  }
  ParsedTarget parsed = parse_target_text(*text, file);
  if (parsed.ok()) load_key_secrets(parsed.target, parsed.diagnostics);
  if (!report_diagnostics(ctx, parsed.diagnostics, json_out)) {
    ctx.exit_status = exit_code::kInvalidInput;
    return std::nullopt;
  }
  return std::move(parsed.target);
}

ApplyConfirm confirm_by_check(const SystemPaths& paths, RealSystem& system, const Target& target,
                              double connect_timeout, std::optional<CheckReport>& report) {
  return [&paths, &system, &target, connect_timeout, &report](const Plan& applied) {
    auto host = make_libnvme_host(paths, connect_timeout);
    TargetCheckOptions options;
    options.changed_paths = paths_changed_by(applied);
    options.only_changed = true;
    options.interrupted = &g_interrupted;
    report = check_target(target, system.engine, *host, options);
    return report->failures();
  };
}

void add_plan_options(CLI::App* cmd, PlanOptions& options) {
  cmd->add_flag("--prune", options.prune, "Also remove objects the file does not declare");
  cmd->add_flag("--allow-recreate", options.allow_recreate,
                "Recreate subsystems whose identity (serial, model, ...) is frozen; drops their hosts");
}

CLI::Validator lock_timeout_seconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        double seconds = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !lock_timeout_ms(seconds))
          return "must be a number of seconds, 0 or more, got '" + text + "'";
        return {};
      },
      "SECONDS");
}

std::optional<RunLock> take_run_lock(CliContext& ctx, double seconds) {
  ProfiledPhase profiled("lock");
  // The validator refused what lock_timeout_ms refuses.
  auto lock = RunLock::acquire(ctx.paths.lock_file, lock_timeout_ms(seconds).value_or(0));
  if (lock) return std::move(*lock);
  if (RunLock::held_by_another_run(lock.error())) {
    print_error(ctx, lock.error().describe(), "wait for the other run to finish, or use --lock-timeout");
    ctx.exit_status = exit_code::kLocked;
  } else {
    print_error(ctx, lock.error().describe(),
                "run nvmetctl as root; the lock file must be a regular file of its own (or choose one with --lock-file)");
    ctx.exit_status = exit_code::kError;
  }
  return std::nullopt;
}

void warn_interrupted_run(const CliContext& ctx, nlohmann::json& doc) {
  CrashJournal journal(ctx.paths.run_dir, ctx.paths.proc);
  auto found = journal.find_interrupted();
  std::string line;
  if (!found) {
    line = "crash journal: " + found.error().describe();
    doc["interrupted_run"] = {{"error", line}};
  } else if (*found) {
    const JournalRecord& run = **found;
    line = describe_interrupted_run(run) + "; 'nvmetctl rollback' restores the target as it was before it";
    doc["interrupted_run"] = {{"pid", run.pid},          {"started", run.started},
                              {"command", run.command},  {"steps_done", run.done},
                              {"steps", run.steps.size()}, {"journal", journal.record_path()}};
  }
  if (!line.empty() && !ctx.json()) std::cerr << "nvmetctl: warning: " << line << "\n";
}

std::optional<LiveState> read_live_or_report(CliContext& ctx, RealSystem& system) {
  auto live = read_live_state(system.fs, system.engine.layout(), ReadScope{});
  if (!live) {
    print_error(ctx, live.error().describe(), "run 'nvmetctl doctor'");
    ctx.exit_status = exit_code::kError;
    return std::nullopt;
  }
  return std::move(*live);
}

}  // namespace nvmetctl::cli
