#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "nvmetctl/util/durable_file.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

std::string content_of(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, WritesAPrivateFileAndLeavesNoTemporary) {
  TempDir dir;
  fs::path path = fs::path(dir.path()) / "export.yaml";
  ::umask(022);
  ASSERT_TRUE(write_file_atomically(path.string(), "version: 1\n", 0600).has_value());
  EXPECT_EQ(content_of(path), "version: 1\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(dir.path())), fs::directory_iterator{}), 1);
}

TEST(AtomicFile, ReplacesTheOldFileWholeAndASymlinkIsReplacedNotFollowed) {
  TempDir dir;
  fs::path target = fs::path(dir.path()) / "elsewhere";
  std::ofstream(target) << "keep me\n";
  fs::path path = fs::path(dir.path()) / "export.yaml";
  fs::create_symlink(target, path);
  ASSERT_TRUE(write_file_atomically(path.string(), "new\n", 0600).has_value());
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_EQ(content_of(path), "new\n");
  EXPECT_EQ(content_of(target), "keep me\n");
  ASSERT_TRUE(write_file_atomically(path.string(), "newer\n", 0600).has_value());
  EXPECT_EQ(content_of(path), "newer\n");
}

TEST(AtomicFile, AMissingDirectoryIsAnErrorNamingIt) {
  TempDir dir;
  auto written = write_file_atomically((fs::path(dir.path()) / "no" / "such.yaml").string(), "x\n", 0600);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().errnum, ENOENT);
  EXPECT_NE(written.error().describe().find("no"), std::string::npos) << written.error().describe();
}

}  // namespace
}  // namespace nvmetctl
