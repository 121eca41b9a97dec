#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "nvmetctl/config/key_secrets.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

std::string content_of(const std::string& path) { return testing_support::file_content(path); }

const char* kSecret = "DHHC-1:00:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0:";

TEST(KeyFileWriter, WritesAPrivateFileNamedForTheHost) {
  TempDir dir;
  auto path = write_key_file(dir.path() + "/keys", "nqn.h", "dhchap_key", kSecret);
  ASSERT_TRUE(path.has_value()) << path.error().describe();
  EXPECT_EQ(*path, dir.path() + "/keys/nqn.h.dhchap_key");
  EXPECT_EQ(content_of(*path), std::string(kSecret) + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

// The host NQN names the file: '../escaped' wrote outside the directory.
TEST(KeyFileWriter, AHostNqnThatWouldLeaveTheDirectoryIsRefused) {
  TempDir dir;
  for (const std::string nqn : {"../escaped", "a/b", "..", ".hidden", ""}) {
    auto path = write_key_file(dir.path() + "/keys", nqn, "dhchap_key", kSecret);
    EXPECT_FALSE(path.has_value()) << "'" << nqn << "' wrote " << *path;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/escaped.dhchap_key"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/keys/a"));
}

// A NUL cut the name short: 'nqn.h\0' wrote (over) keys/nqn.h.
TEST(KeyFileWriter, AHostNqnWithANulIsRefused) {
  TempDir dir;
  dir.write("keys/nqn.h", "precious\n");
  auto path = write_key_file(dir.path() + "/keys", std::string("nqn.h\0", 6), "dhchap_key", kSecret);
  ASSERT_FALSE(path.has_value()) << *path;
  EXPECT_NE(path.error().describe().find("\\x00"), std::string::npos) << path.error().describe();
  EXPECT_EQ(content_of(dir.path() + "/keys/nqn.h"), "precious\n");
}

// std::ofstream followed a symlink and truncated an existing file.
TEST(KeyFileWriter, NeverFollowsASymlinkNorOverwritesAFile) {
  TempDir dir;
  dir.write("victim", "precious\n");
  dir.symlink("keys/nqn.h.dhchap_key", dir.path() + "/victim");
  auto linked = write_key_file(dir.path() + "/keys", "nqn.h", "dhchap_key", kSecret);
  EXPECT_FALSE(linked.has_value());
  EXPECT_EQ(content_of(dir.path() + "/victim"), "precious\n");
  dir.write("keys/nqn.h.dhchap_ctrl_key", "earlier\n");
  auto existing = write_key_file(dir.path() + "/keys", "nqn.h", "dhchap_ctrl_key", kSecret);
  ASSERT_FALSE(existing.has_value());
  EXPECT_NE(existing.error().describe().find("File exists"), std::string::npos) << existing.error().describe();
  EXPECT_EQ(content_of(dir.path() + "/keys/nqn.h.dhchap_ctrl_key"), "earlier\n");
}

}  // namespace
}  // namespace nvmetctl
