#include "nvmetctl/config/key_secrets.h"

#include <sys/stat.h>

#include <cerrno>

#include "nvmetctl/util/text_file.h"

namespace nvmetctl {
namespace {
// A DHHC-1 secret is at most ~100 characters; anything much larger is not one.
constexpr off_t kLargestKeyFile = 4096;
}  // namespace

Expected<std::string> read_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return sys_error(errno, "read key file", path);
  if (!S_ISREG(st.st_mode)) return logic_error("read key file", path, "not a regular file");
  if (st.st_size > kLargestKeyFile)
    return logic_error("read key file", path, "larger than " + std::to_string(kLargestKeyFile) + " bytes: not a key");
  auto text = read_text_file(path);
  if (!text) return sys_error(text.error().errnum, "read key file", path);
  std::string key = text->substr(0, text->find('\n'));
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  return key;
}

void load_key_secrets(Target& target, Diagnostics& diagnostics) {
  for (Host& host : target.hosts) {
    for (const auto& [attr, path] : host.key_files) {
      auto key = read_key_file(path);
      if (!key) {
        SourceLocation where = attr_location(host.attr_where, attr, host.where);
        diagnostics.error(where, "host " + host.nqn, key.error().describe());
        continue;
      }
      host.attrs[attr] = *key;
    }
  }
}

}  // namespace nvmetctl
