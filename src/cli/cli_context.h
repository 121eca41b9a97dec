#pragma once
// What every command shares: system paths from global options, the output
// format, and factories for the real kernel interfaces.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "nvmetctl/apply/environment.h"
#include "nvmetctl/check/check_report.h"
#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/engine/engine.h"
#include "nvmetctl/tls/psk_keyring.h"
#include "nvmetctl/net/network_info.h"
#include "nvmetctl/system_paths.h"
#include "nvmetctl/util/interrupt.h"
#include "nvmetctl/util/run_lock.h"

namespace nvmetctl::cli {

struct CliContext {
  SystemPaths paths;
  std::string output = "text";
  int exit_status = 0;

  bool json() const { return output == "json"; }
  bool prometheus() const { return output == "prometheus"; }  // status only
};

// The real kernel behind the engine's interfaces, owned in one place.
struct RealSystem {
  explicit RealSystem(const SystemPaths& paths);
  RealConfigFs fs;
  std::unique_ptr<ModuleLoader> modules;
  std::unique_ptr<RdmaLinks> rdma;
  std::unique_ptr<NetworkInfo> network;
  RealConfigfsMounter mounter;
  KernelLog kernel_log;
  KernelPskKeyring keyring;
  EngineContext engine;
};

// "nvmetctl: error: <what>" then "hint: <hint>" on stderr, or JSON on stdout.
void print_error(const CliContext& ctx, const std::string& what, const std::string& hint = {});
// One JSON document, indented, with a newline.
std::string json_text(const nlohmann::json& document);
void print_json(const nlohmann::json& document);
// Prints every diagnostic; returns false when any is an error.
bool report_diagnostics(const CliContext& ctx, const Diagnostics& diagnostics, nlohmann::json* json_out = nullptr);
// Parses and validates; prints problems. Empty when the file has errors.
std::optional<Target> load_target(CliContext& ctx, const std::string& file, nlohmann::json* json_out = nullptr);
// The JSON document of a command that reads FILE: {"file", "diagnostics"}.
nlohmann::json file_document(const std::string& file);
// load_target for a command that plans from FILE: on failure the document is
// printed (with -o json) and nullopt returned.
std::optional<Target> load_target_or_report(CliContext& ctx, const std::string& file, nlohmann::json& doc);
// apply --check, watch --check: after verify, check (check/) what the
// applied plan touched; its report lands in `report`, its failures roll back.
ApplyConfirm confirm_by_check(const SystemPaths& paths, RealSystem& system, const Target& target,
                              double connect_timeout, std::optional<CheckReport>& report);
// --prune and --allow-recreate, the same for plan, apply and watch.
void add_plan_options(CLI::App* cmd, PlanOptions& options);
// --lock-timeout: seconds, finite and not negative (more than a day waits a day).
CLI::Validator lock_timeout_seconds();
// Takes the run lock for apply and clear, waiting up to `seconds`. Another
// run holding it is exit 6; a lock file that cannot be had is an error
// (exit 1) with its reason. Empty (and reported) on failure.
std::optional<RunLock> take_run_lock(CliContext& ctx, double seconds);
// A crash journal left by a run that is gone: a warning line on stderr, and
// with -o json an "interrupted_run" field in `doc`. A journal that cannot be
// read is a warning too (rollback reports it as an error).
void warn_interrupted_run(const CliContext& ctx, nlohmann::json& doc);
// Reads the whole live tree; on failure prints the error with a hint and sets
// the exit status. Empty then.
std::optional<LiveState> read_live_or_report(CliContext& ctx, RealSystem& system);

void register_validate(CLI::App& app, CliContext& ctx);
void register_plan(CLI::App& app, CliContext& ctx);
void register_apply(CLI::App& app, CliContext& ctx);
void register_export(CLI::App& app, CliContext& ctx);
void register_clear(CLI::App& app, CliContext& ctx);
void register_rollback(CLI::App& app, CliContext& ctx);
void register_doctor(CLI::App& app, CliContext& ctx);
void register_import_nvmetcli(CLI::App& app, CliContext& ctx);
void register_status(CLI::App& app, CliContext& ctx);
void register_check(CLI::App& app, CliContext& ctx);
void register_watch(CLI::App& app, CliContext& ctx);

}  // namespace nvmetctl::cli
