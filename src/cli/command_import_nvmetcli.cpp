#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli_context.h"
#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/formats/nvmetcli_format.h"
#include "nvmetctl/util/text_file.h"

namespace nvmetctl::cli {
namespace {

// Writes one inline secret to <dir>/<host nqn>.<attribute>, readable by root
// only; returns the path, or an error message.
std::optional<std::string> write_key_file(const std::string& dir, const NvmetcliImport::InlineKey& key,
                                          std::string& problem) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    problem = "cannot create " + dir + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string path = dir + "/" + key.host_nqn + "." + key.attribute;
  ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  if (!out || !(out << key.secret << "\n")) {
    problem = "cannot write " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  ::chmod(path.c_str(), 0600);
  return path;
}

}  // namespace

void register_import_nvmetcli(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("import-nvmetcli",
                                 "Print an nvmetcli config.json (/etc/nvmet/config.json) in the file format");
  struct Args {
    std::string file;
    std::string key_dir;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("CONFIG", args->file, "nvmetcli saved configuration (JSON)")->required();
  cmd->add_option("--key-dir", args->key_dir,
                  "Write DH-HMAC-CHAP keys held inline in the JSON file to key files in this directory");
  cmd->callback([&ctx, args] {
    auto text = read_text_file(args->file);
    if (!text) {
      print_error(ctx, text.error().describe(), "give the path of an nvmetcli config (/etc/nvmet/config.json)");
      ctx.exit_status = exit_code::kError;
      return;
    }
    NvmetcliImport imported = target_from_nvmetcli_text(*text);
    nlohmann::json doc{{"file", args->file}, {"warnings", nlohmann::json::array()}, {"errors", nlohmann::json::array()}};
    auto warn = [&](const std::string& what) {
      if (ctx.json()) doc["warnings"].push_back(what);
      else std::cerr << "nvmetctl: warning: " << args->file << ": " << what << "\n";
    };
    for (const auto& w : imported.warnings) warn(w);
    if (!imported.ok()) {
      for (const auto& e : imported.errors) {
        if (ctx.json()) doc["errors"].push_back(e);
        else std::cerr << "nvmetctl: error: " << args->file << ": " << e << "\n";
      }
      if (ctx.json()) print_json(doc);
      ctx.exit_status = exit_code::kInvalidInput;
      return;
    }
    // Inline secrets: the file format references key files only.
    for (const auto& key : imported.inline_keys) {
      if (args->key_dir.empty()) {
        warn("host " + key.host_nqn + ": its inline " + key.attribute +
             " is left out; use --key-dir DIR to write it to a key file");
        continue;
      }
      std::string problem;
      // The file format wants absolute key paths.
      auto path = write_key_file(std::filesystem::absolute(args->key_dir).lexically_normal().string(), key, problem);
      if (!path) {
        print_error(ctx, problem);
        ctx.exit_status = exit_code::kError;
        return;
      }
      for (Host& h : imported.target.hosts)
        if (h.nqn == key.host_nqn) h.attrs[key.attribute] = *path;
    }
    std::string yaml = target_to_yaml(imported.target);
    // What comes out must be a valid target file; say so when it is not.
    ParsedTarget check = parse_target_text(yaml, "(imported)");
    if (ctx.json()) {
      doc["target"] = target_to_json(imported.target);
      report_diagnostics(ctx, check.diagnostics, &doc);
      print_json(doc);
    } else {
      std::cout << yaml;
      report_diagnostics(ctx, check.diagnostics);
    }
    if (!check.ok()) ctx.exit_status = exit_code::kInvalidInput;
  });
}

}  // namespace nvmetctl::cli
