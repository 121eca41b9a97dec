// The kernel's own cost of what nvmetctl does, for the bench: the
// operations of nvmetctl's plan (`plan -o json`) replayed with bare
// syscalls, and every attribute that plan writes read back the same way.
// What nvmetctl spends beyond these is its own.
//
//   nvmetctl-raw-replay replay PLAN.json [NVMET_DIR]   mkdir, open+write+close, symlink, in plan order
//   nvmetctl-raw-replay read PLAN.json [NVMET_DIR]     open+read+close of each written attribute,
//                                                      readdir of each made directory
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "nvmetctl-raw-replay: %s: %s\n", what.c_str(), std::strerror(errno));
  return 1;
}

int replay(const nlohmann::json& steps, const std::string& root) {
  for (const auto& step : steps) {
    const std::string op = step.value("operation", ""), path = root + "/" + step.value("path", "");
    if (op == "mkdir") {
      if (::mkdir(path.c_str(), 0755) != 0) return fail("mkdir " + path);
    } else if (op == "write") {
      const std::string value = step.value("value", "");
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) return fail("open " + path);
      ssize_t n = ::write(fd, value.data(), value.size());
      ::close(fd);
      if (n != static_cast<ssize_t>(value.size())) return fail("write " + path);
    } else if (op == "link") {
      const std::string target = root + "/" + step.value("target", "");
      if (::symlink(target.c_str(), path.c_str()) != 0) return fail("symlink " + path);
    }
  }
  return 0;
}

int read_back(const nlohmann::json& steps, const std::string& root) {
  char buffer[4096];
  for (const auto& step : steps) {
    const std::string op = step.value("operation", ""), path = root + "/" + step.value("path", "");
    if (op == "write") {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;  // write-only attributes
      while (::read(fd, buffer, sizeof buffer) > 0) {
      }
      ::close(fd);
    } else if (op == "mkdir") {
      DIR* dir = ::opendir(path.c_str());
      if (!dir) return fail("opendir " + path);
      while (::readdir(dir) != nullptr) {
      }
      ::closedir(dir);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || (std::string(argv[1]) != "replay" && std::string(argv[1]) != "read")) {
    std::fprintf(stderr, "usage: nvmetctl-raw-replay replay|read PLAN.json [NVMET_DIR]\n");
    return 64;
  }
  std::ifstream in(argv[2]);
  nlohmann::json plan = nlohmann::json::parse(in, nullptr, false);
  if (plan.is_discarded() || !plan.contains("plan") || !plan["plan"].contains("steps")) {
    std::fprintf(stderr, "nvmetctl-raw-replay: %s is not the output of 'nvmetctl plan -o json'\n", argv[2]);
    return 1;
  }
  const std::string root = argc > 3 ? argv[3] : "/sys/kernel/config/nvmet";
  const auto& steps = plan["plan"]["steps"];
  return std::string(argv[1]) == "replay" ? replay(steps, root) : read_back(steps, root);
}
