#include "nvmetctl/util/sys_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "nvmetctl/util/text_file.h"

namespace nvmetctl::sys_files {

std::optional<std::string> read_trimmed(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return std::nullopt;
  std::string content = std::move(*text);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r' || content.back() == ' '))
    content.pop_back();
  return content;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace nvmetctl::sys_files
