#include "nvmetctl/util/text_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace nvmetctl {

Expected<std::string> read_text_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return sys_error(errno, "read", path);
  // An ifstream opens a directory and then reads nothing: say what it is.
  if (S_ISDIR(st.st_mode)) return sys_error(EISDIR, "read", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return sys_error(errno, "read", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return sys_error(EIO, "read", path);
  return text.str();
}

}  // namespace nvmetctl
