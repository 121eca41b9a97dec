#include "nvmetctl/config/key_secrets.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>

#include "nvmetctl/util/text_file.h"

namespace nvmetctl {
namespace {
// A DHHC-1 secret is at most ~100 characters; anything much larger is not one.
constexpr std::size_t kLargestKeyFile = 4096;
}  // namespace

Expected<std::string> read_key_file(const std::string& path) {
  auto text = read_text_file(path, kLargestKeyFile);
  if (!text) {
    SysError error = text.error();
    error.action = "read key file";
    return error;
  }
  std::string key = text->substr(0, text->find('\n'));
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  return key;
}

Expected<std::string> write_key_file(const std::string& dir, const std::string& host_nqn,
                                     const std::string& attribute, const std::string& secret) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return sys_error(errno, "create", dir);
  std::string path = dir + "/" + host_nqn + "." + attribute;
  ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  if (!out || !(out << secret << "\n")) return sys_error(errno, "write", path);
  ::chmod(path.c_str(), 0600);
  return path;
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
