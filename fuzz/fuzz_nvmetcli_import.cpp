// libFuzzer target: nvmetcli's config.json importer, as `nvmetctl
// import-nvmetcli` runs it (cli/command_import_nvmetcli.cpp): import the
// text, and when it is usable write the target file and parse it back, print
// it as JSON, and turn it into nvmetcli's JSON again (export --format
// nvmetcli).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/formats/nvmetcli_format.h"
#include "nvmetctl/formats/target_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  nvmetctl::NvmetcliImport imported = nvmetctl::target_from_nvmetcli_text(text);
  if (!imported.ok()) return 0;
  const std::string yaml = nvmetctl::target_to_yaml(imported.target);
  nvmetctl::ParsedTarget check = nvmetctl::parse_target_text(yaml, "(imported)");
  for (const nvmetctl::Diagnostic& d : check.diagnostics.in_file_order()) (void)d.format();
  // The CLI prints JSON with invalid UTF-8 replaced (cli_context.cpp print_json).
  const auto replace = nlohmann::json::error_handler_t::replace;
  (void)nvmetctl::target_to_json(imported.target).dump(2, ' ', false, replace);
  (void)nvmetctl::target_to_nvmetcli(imported.target).dump(2, ' ', false, replace);
  return 0;
}
