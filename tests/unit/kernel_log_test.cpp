#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "nvmetctl/kernel/kernel_log.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(KernelLog, TakeNewReturnsOnlyWhatCameAfterSkipToEnd) {
  TempDir dir;
  dir.write("kmsg", "6,1,1000,-;old line one\n6,2,2000,-;old line two\n");
  const std::string path = dir.path() + "/kmsg";
  KernelLog log(path);
  ASSERT_TRUE(log.available());
  log.skip_to_end();
  std::ofstream(path, std::ios::app) << "3,3,3000,-;nvmet: new line\n";
  auto lines = log.take_new();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "nvmet: new line");
  EXPECT_EQ(lines[0].level, 3);
}

TEST(KernelLog, APlainFileStandingInForKmsgIsNeverWritten) {
  TempDir dir;
  const std::string original = "6,1,1000,-;old line\n";
  dir.write("kmsg", original);
  KernelLog log(dir.path() + "/kmsg");
  log.skip_to_end();
  log.take_new();
  EXPECT_EQ(read_file(dir.path() + "/kmsg"), original) << "no marker may land in the stand-in file";
}

// A marker that became readable late (the kernel held it back) or one that
// a concurrent run wrote is not evidence of anything: never quoted.
TEST(KernelLog, MarkersAreNeverQuoted) {
  TempDir dir;
  dir.write("kmsg", "");
  const std::string path = dir.path() + "/kmsg";
  KernelLog log(path);
  log.skip_to_end();
  std::ofstream(path, std::ios::app) << "7,1,1000,-;nvmetctl: log mark 170.1\n"
                                     << "5,2,2000,-;Lockdown: nvmetctl: unsigned module loading is restricted\n";
  auto lines = log.take_new();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "Lockdown: nvmetctl: unsigned module loading is restricted");
}

}  // namespace
}  // namespace nvmetctl
