#include "nvmetctl/config/key_secrets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "nvmetctl/config/value_syntax.h"
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
  // The NQN becomes a file name: one that is no configfs name ('/', '..',
  // a NUL that would cut the name short) could leave the directory or hit
  // another file, and a leading '.' would hide the key.
  std::string problem = name_problem(host_nqn);
  if (problem.empty() && host_nqn[0] == '.') problem = "must not start with '.' (it names a key file)";
  if (!problem.empty())
    return logic_error("write key file", dir + "/",
                       "host NQN '" + escape_control_characters(host_nqn) + "' " + problem);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return sys_error(errno, "create", dir);
  std::string path = dir + "/" + host_nqn + "." + attribute;
  // O_EXCL|O_NOFOLLOW: never through a symlink, never over a file already there.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error(errno, "create key file", path);
  std::string line = secret + "\n";
  ssize_t written = ::write(fd, line.data(), line.size());
  int saved = errno;
  if (::close(fd) != 0 && written >= 0) written = -1, saved = errno;
  if (written != static_cast<ssize_t>(line.size())) {
    ::unlink(path.c_str());  // a partial key must not be taken for one
    return written < 0 ? sys_error(saved, "write key file", path) : logic_error("write key file", path, "short write");
  }
  return path;
}

namespace {

void load_tls_psk(Host& host, Diagnostics& diagnostics) {
  const std::string& path = *host.tls_psk_file;
  std::string field = "host " + host.nqn + " tls_psk_file";
  auto text = read_key_file(path);
  if (!text) {
    diagnostics.error(host.tls_psk_where, field, text.error().describe());
    return;
  }
  auto psk = parse_psk_interchange(*text);
  if (!psk) {
    diagnostics.error(host.tls_psk_where, field,
                      "key file " + path + ": " + psk.error().reason + " (e.g. from 'nvme gen-tls-key')");
    return;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077))
    diagnostics.warning(host.tls_psk_where, field, "key file " + path + " is readable by other users; chmod 600 it");
  host.tls_psk = std::move(*psk);
}

}  // namespace

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
    if (host.tls_psk_file) load_tls_psk(host, diagnostics);
  }
}

}  // namespace nvmetctl
