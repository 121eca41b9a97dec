#pragma once
// A scratch directory tree for tests that read files (<proc>, <sysfs>
// stand-ins); removed when the test ends.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace nvmetctl::testing_support {

// A whole file's content ("" when it cannot be read).
inline std::string file_content(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/nvmetctl-test-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  void write(const std::string& relative, const std::string& text) const {
    std::filesystem::path file = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }
  // A symlink whose target need not exist (e.g. "socket:[123]" under fd/).
  void symlink(const std::string& relative, const std::string& target) const {
    std::filesystem::path link = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(link.parent_path());
    std::filesystem::create_symlink(target, link);
  }

 private:
  std::string path_;
};

}  // namespace nvmetctl::testing_support
