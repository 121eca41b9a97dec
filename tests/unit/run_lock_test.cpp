#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "nvmetctl/util/run_lock.h"

namespace nvmetctl {
namespace {

std::string temp_lock_path() {
  char pattern[] = "/tmp/nvmetctl-lock-XXXXXX";
  int fd = mkstemp(pattern);
  close(fd);
  return pattern;
}

TEST(RunLock, SecondRunWaitsThenFailsNamingTheHolder) {
  std::string path = temp_lock_path();
  auto held = RunLock::acquire(path, 0);
  ASSERT_TRUE(held.has_value());
  pid_t child = fork();
  if (child == 0) {
    auto start = std::chrono::steady_clock::now();
    auto second = RunLock::acquire(path, 300);
    auto waited = std::chrono::steady_clock::now() - start;
    bool ok = !second.has_value() && waited >= std::chrono::milliseconds(250) &&
              second.error().reason.find("pid " + std::to_string(getppid())) != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  unlink(path.c_str());
}

TEST(RunLock, ReleasedWhenTheHolderEnds) {
  std::string path = temp_lock_path();
  { auto first = RunLock::acquire(path, 0); ASSERT_TRUE(first.has_value()); }
  auto again = RunLock::acquire(path, 0);
  EXPECT_TRUE(again.has_value());
  unlink(path.c_str());
}

}  // namespace
}  // namespace nvmetctl
