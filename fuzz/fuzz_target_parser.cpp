// libFuzzer target: the YAML parser and validator, as `nvmetctl validate`
// runs them on a file's text (cli/cli_context.cpp load_target): parse and
// validate, read the key files a valid target references, then format every
// diagnostic the way the CLI prints it. Any crash, sanitizer report, or an
// input slower than the run's -timeout is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/config/target_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  nvmetctl::ParsedTarget parsed = nvmetctl::parse_target_text(text, "fuzz.yaml");
  if (parsed.ok()) nvmetctl::load_key_secrets(parsed.target, parsed.diagnostics);
  std::size_t printed = 0;
  for (const nvmetctl::Diagnostic& d : parsed.diagnostics.in_file_order()) printed += d.format().size();
  (void)printed;
  return 0;
}
