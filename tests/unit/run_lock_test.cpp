#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>

#include "nvmetctl/util/run_lock.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

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
              second.error().reason.find("pid " + std::to_string(getppid())) != std::string::npos &&
              RunLock::held_by_another_run(second.error());
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  unlink(path.c_str());
}

// A lock file that cannot be opened (not root, a read-only /run) was
// reported as another run holding the lock, with exit 6 and the hint to
// wait: it is an error of its own, with the real reason.
TEST(RunLock, AnUnopenableLockFileIsNotAnotherRun) {
  auto lock = RunLock::acquire("/nonexistent-dir/nvmetctl.lock", 0);
  ASSERT_FALSE(lock.has_value());
  EXPECT_FALSE(RunLock::held_by_another_run(lock.error()));
  EXPECT_EQ(lock.error().describe(), "open lock file /nonexistent-dir/nvmetctl.lock: No such file or directory");
}

// --lock-timeout 1e12 overflowed the int of milliseconds ("waited
// -2147483s"), and nan, inf and negative seconds were taken.
TEST(RunLock, TimeoutSecondsAreFiniteNotNegativeAndCapped) {
  EXPECT_EQ(lock_timeout_ms(0), 0);
  EXPECT_EQ(lock_timeout_ms(10), 10000);
  EXPECT_EQ(lock_timeout_ms(0.25), 250);
  EXPECT_EQ(lock_timeout_ms(1e12), kLongestLockTimeoutMs);
  EXPECT_EQ(lock_timeout_ms(86400), kLongestLockTimeoutMs);
  EXPECT_FALSE(lock_timeout_ms(-1).has_value());
  EXPECT_FALSE(lock_timeout_ms(std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_FALSE(lock_timeout_ms(std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE(lock_timeout_ms(-std::numeric_limits<double>::infinity()).has_value());
}

// flock works on a read-only descriptor: a lock file others can open lets
// any user block every apply.
TEST(RunLock, TheLockFileIsPrivate) {
  TempDir dir;
  std::string fresh = dir.path() + "/fresh.lock";
  { auto lock = RunLock::acquire(fresh, 0); ASSERT_TRUE(lock.has_value()) << lock.error().describe(); }
  struct stat st {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  std::string old = dir.path() + "/old.lock";
  dir.write("old.lock", "");
  ASSERT_EQ(::chmod(old.c_str(), 0644), 0);
  { auto lock = RunLock::acquire(old, 0); ASSERT_TRUE(lock.has_value()) << lock.error().describe(); }
  ASSERT_EQ(::stat(old.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u) << "a lock file from an older run is made private too";
}

// A symlink at the lock path was followed, and its target truncated.
TEST(RunLock, ASymlinkIsRefusedAndItsTargetLeftAlone) {
  TempDir dir;
  dir.write("precious", "keep me\n");
  dir.symlink("nvmetctl.lock", dir.path() + "/precious");
  auto lock = RunLock::acquire(dir.path() + "/nvmetctl.lock", 0);
  ASSERT_FALSE(lock.has_value());
  EXPECT_FALSE(RunLock::held_by_another_run(lock.error()));
  EXPECT_NE(lock.error().reason.find("a symlink"), std::string::npos) << lock.error().describe();
  std::ifstream in(dir.path() + "/precious");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep me\n");
}

TEST(RunLock, OnlyARegularFileOfTheRunningUserIsALockFile) {
  TempDir dir;
  std::string fifo = dir.path() + "/fifo.lock";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto lock = RunLock::acquire(fifo, 0);
  ASSERT_FALSE(lock.has_value());
  EXPECT_NE(lock.error().reason.find("not a regular file"), std::string::npos) << lock.error().describe();
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  std::string foreign = dir.path() + "/foreign.lock";
  dir.write("foreign.lock", "");
  ASSERT_EQ(::chown(foreign.c_str(), 65534, 65534), 0);
  auto taken = RunLock::acquire(foreign, 0);
  ASSERT_FALSE(taken.has_value());
  EXPECT_FALSE(RunLock::held_by_another_run(taken.error()));
  EXPECT_NE(taken.error().reason.find("owned by uid 65534"), std::string::npos) << taken.error().describe();
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
