#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/util/text_file.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

// 'validate /dev/zero' read until the memory ran out: a device is no file.
TEST(TextFile, DeviceIsRefused) {
  auto text = read_text_file("/dev/null");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().describe(), "read /dev/null: not a regular file (a character device)");
}

// A FIFO blocked the open (and the read) until someone wrote to it. The
// alarm turns a hang into a failure.
TEST(TextFile, FifoIsRefusedWithoutWaiting) {
  TempDir dir;
  std::string fifo = dir.path() + "/target.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ::alarm(10);
  auto text = read_text_file(fifo);
  ::alarm(0);
  ASSERT_FALSE(text.has_value());
  EXPECT_NE(text.error().reason.find("not a regular file (a FIFO)"), std::string::npos) << text.error().describe();
}

TEST(TextFile, DirectoryIsRefused) {
  TempDir dir;
  auto text = read_text_file(dir.path());
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().errnum, EISDIR);
}

// Sparse: 17 MiB that take no disk.
TEST(TextFile, FileOverTheLimitIsRefused) {
  TempDir dir;
  std::string path = dir.path() + "/big.yaml";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
  ::close(fd);
  auto text = read_text_file(path);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().reason, "larger than 16 MiB");
  ParsedTarget parsed = parse_target_file(path);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.diagnostics.all()[0].message.find("larger than 16 MiB"), std::string::npos);
}

TEST(TextFile, SymlinkToARegularFileIsRead) {
  TempDir dir;
  dir.write("real.yaml", "version: 1\n");
  dir.symlink("link.yaml", dir.path() + "/real.yaml");
  auto text = read_text_file(dir.path() + "/link.yaml");
  ASSERT_TRUE(text.has_value()) << text.error().describe();
  EXPECT_EQ(*text, "version: 1\n");
}

TEST(TextFile, KeyFilesKeepTheirSmallerLimit) {
  TempDir dir;
  dir.write("key", std::string(5000, 'k'));
  auto key = read_key_file(dir.path() + "/key");
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().describe(), "read key file " + dir.path() + "/key: larger than 4096 bytes");
  auto device = read_key_file("/dev/null");
  ASSERT_FALSE(device.has_value());
  EXPECT_EQ(device.error().describe(), "read key file /dev/null: not a regular file (a character device)");
}

}  // namespace
}  // namespace nvmetctl
