// The kernel's own cost of what nvmetctl does, for the bench: the
// operations of nvmetctl's plan (`plan -o json`) replayed with bare
// syscalls, the attributes that plan writes read back the same way, the
// whole tree read as export must, and yaml-cpp's load of the file alone.
// Each prints the seconds its syscalls (or the load) took, the plan's JSON
// parse and the process start left out: the limit is the kernel's, so
// what nvmetctl spends beyond it, start-up included, is counted as its own.
//
//   nvmetctl-raw-replay replay PLAN.json [NVMET_DIR]   mkdir, open+write+close, symlink, in plan order
//   nvmetctl-raw-replay read PLAN.json [NVMET_DIR]     open+read+close of each written attribute,
//                                                      readdir of each made directory
//   nvmetctl-raw-replay read-tree [NVMET_DIR]          readdir of every directory, readlink of every
//                                                      link, open+read+close of every readable file
//   nvmetctl-raw-replay yaml FILE                      YAML::LoadFile
//   nvmetctl-raw-replay start                          nothing: timed from outside, what starting
//                                                      a C++ program linked like this one costs
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

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

// Depth first, as export reads: every entry, links not followed.
int read_tree(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return fail("opendir " + dir);
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") entries.emplace_back(name, entry->d_type);
  }
  ::closedir(handle);
  char buffer[4096];
  for (const auto& [name, type] : entries) {
    const std::string path = dir + "/" + name;
    if (type == DT_DIR) {
      if (int rc = read_tree(path); rc != 0) return rc;
    } else if (type == DT_LNK) {
      if (::readlink(path.c_str(), buffer, sizeof buffer) < 0) return fail("readlink " + path);
    } else {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;  // write-only attributes
      while (::read(fd, buffer, sizeof buffer) > 0) {
      }
      ::close(fd);
    }
  }
  return 0;
}

int timed(const std::function<int()>& run) {
  const auto start = std::chrono::steady_clock::now();
  const int rc = run();
  std::printf("%.3f\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::string root_default = "/sys/kernel/config/nvmet";
  if (mode == "start") return 0;
  if (mode == "read-tree") {
    const std::string root = argc > 2 ? argv[2] : root_default;
    return timed([&] { return read_tree(root); });
  }
  if (mode == "yaml" && argc > 2) {
    const std::string file = argv[2];
    return timed([&] {
      YAML::Node document = YAML::LoadFile(file);
      return document ? 0 : 1;
    });
  }
  if (argc < 3 || (mode != "replay" && mode != "read")) {
    std::fprintf(stderr, "usage: nvmetctl-raw-replay replay|read PLAN.json [NVMET_DIR] | read-tree [NVMET_DIR] | yaml FILE | start\n");
    return 64;
  }
  std::ifstream in(argv[2]);
  nlohmann::json plan = nlohmann::json::parse(in, nullptr, false);
  if (plan.is_discarded() || !plan.contains("plan") || !plan["plan"].contains("steps")) {
    std::fprintf(stderr, "nvmetctl-raw-replay: %s is not the output of 'nvmetctl plan -o json'\n", argv[2]);
    return 1;
  }
  const std::string root = argc > 3 ? argv[3] : root_default;
  const auto& steps = plan["plan"]["steps"];
  return timed([&] { return mode == "replay" ? replay(steps, root) : read_back(steps, root); });
}
