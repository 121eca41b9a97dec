#include <filesystem>
#include <functional>
#include <iostream>

#include "cli_context.h"
#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/formats/nvmetcli_format.h"
#include "nvmetctl/util/text_file.h"

namespace nvmetctl::cli {

namespace {

struct ImportArgs {
  std::string file;
  std::string key_dir;
};

using Warn = std::function<void(const std::string&)>;

// The importer's own errors (not valid nvmetcli JSON, unknown transport...).
void report_import_errors(CliContext& ctx, const NvmetcliImport& imported, const ImportArgs& args,
                          nlohmann::json& doc) {
  for (const auto& e : imported.errors) {
    if (ctx.json()) doc["errors"].push_back(e);
    else std::cerr << "nvmetctl: error: " << args.file << ": " << e << "\n";
  }
  if (ctx.json()) print_json(doc);
  ctx.exit_status = exit_code::kInvalidInput;
}

// Inline secrets: the file format references key files only. Written only
// for a valid import (`valid`), never over an existing file. False when a
// write failed (reported).
bool write_inline_keys(CliContext& ctx, NvmetcliImport& imported, const ImportArgs& args, bool valid,
                       const Warn& warn) {
  for (const auto& key : imported.inline_keys) {
    if (args.key_dir.empty() || !valid) {
      warn("host " + escape_control_characters(key.host_nqn) + ": its inline " + key.attribute + " is left out; " +
           (valid ? "use --key-dir DIR to write it to a key file" : "the import is not a valid target"));
      continue;
    }
    // The file format wants absolute key paths.
    auto path = write_key_file(std::filesystem::absolute(args.key_dir).lexically_normal().string(), key.host_nqn,
                               key.attribute, key.secret);
    if (!path) {
      print_error(ctx, path.error().describe(), "a key file is never overwritten: remove it, or choose another --key-dir");
      ctx.exit_status = exit_code::kError;
      return false;
    }
    for (Host& h : imported.target.hosts)
      if (h.nqn == key.host_nqn) h.attrs[key.attribute] = *path;
  }
  return true;
}

void import_nvmetcli(CliContext& ctx, const ImportArgs& args) {
  auto text = read_text_file(args.file);
  if (!text) {
    print_error(ctx, text.error().describe(), "give the path of an nvmetcli config (/etc/nvmet/config.json)");
    ctx.exit_status = exit_code::kError;
    return;
  }
  NvmetcliImport imported = target_from_nvmetcli_text(*text);
  nlohmann::json doc{{"file", args.file}, {"warnings", nlohmann::json::array()}, {"errors", nlohmann::json::array()}};
  Warn warn = [&](const std::string& what) {
    if (ctx.json()) doc["warnings"].push_back(what);
    else std::cerr << "nvmetctl: warning: " << args.file << ": " << what << "\n";
  };
  for (const auto& w : imported.warnings) warn(w);
  if (!imported.ok()) return report_import_errors(ctx, imported, args, doc);
  // What comes out must be a valid target file; say so when it is not.
  // Checked before any key file is written (the host NQNs name them): an
  // invalid import writes nothing.
  ParsedTarget check = parse_target_text(target_to_yaml(imported.target), "(imported)");
  if (!write_inline_keys(ctx, imported, args, check.ok(), warn)) return;
  std::string yaml = target_to_yaml(imported.target);
  if (check.ok() && !args.key_dir.empty() && !imported.inline_keys.empty())
    check = parse_target_text(yaml, "(imported)");  // reads the key files back
  if (ctx.json()) {
    doc["target"] = target_to_json(imported.target);
    report_diagnostics(ctx, check.diagnostics, &doc);
    print_json(doc);
  } else {
    std::cout << yaml;
    report_diagnostics(ctx, check.diagnostics);
  }
  if (!check.ok()) ctx.exit_status = exit_code::kInvalidInput;
}

}  // namespace

void register_import_nvmetcli(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("import-nvmetcli",
                                 "Print an nvmetcli config.json (/etc/nvmet/config.json) in the file format");
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("CONFIG", args->file, "nvmetcli saved configuration (JSON)")->required();
  cmd->add_option("--key-dir", args->key_dir,
                  "Write DH-HMAC-CHAP keys held inline in the JSON file to key files in this directory");
  cmd->callback([&ctx, args] { import_nvmetcli(ctx, *args); });
}

}  // namespace nvmetctl::cli
