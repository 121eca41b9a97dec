#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/configfs/live_state.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

std::string content_of(const std::string& path) { return testing_support::file_content(path); }

// configfs has no symlinked attribute files; under a redirected --configfs
// one linked to /etc/... was printed by export and written by apply.
TEST(RealConfigFs, ASymlinkedAttributeIsNeitherReadNorWritten) {
  TempDir root;
  root.write("outside", "secret\n");
  root.symlink("nvmet/subsystems/nqn.a/attr_model", root.path() + "/outside");
  RealConfigFs fs;
  std::string attr = root.path() + "/nvmet/subsystems/nqn.a/attr_model";
  auto read = fs.read(attr);
  ASSERT_FALSE(read.has_value()) << "read " << *read;
  EXPECT_EQ(read.error().describe(), "read " + attr + ": is a symlink; configfs attributes never are");
  auto written = fs.write(attr, "changed");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().describe(), "write " + attr + ": is a symlink; configfs attributes never are");
  EXPECT_EQ(content_of(root.path() + "/outside"), "secret\n");
}

// The reader lists the first object of a kind and reads the same files of
// the others: a second subsystem's attr_model linked elsewhere was read.
TEST(RealConfigFs, TheLiveTreeRefusesASymlinkWhereAFileOrDirectoryBelongs) {
  TempDir root;
  for (const char* dir : {"nvmet/hosts", "nvmet/ports"}) root.write(std::string(dir) + "/.keep", "");
  for (const char* nqn : {"nqn.a", "nqn.b"}) {
    std::string s = std::string("nvmet/subsystems/") + nqn;
    root.write(s + "/attr_allow_any_host", "1\n");
    root.write(s + "/namespaces/.keep", "");
    root.write(s + "/allowed_hosts/.keep", "");
  }
  root.write("nvmet/subsystems/nqn.a/attr_model", "Linux\n");
  root.write("outside", "secret\n");
  root.symlink("nvmet/subsystems/nqn.b/attr_model", root.path() + "/outside");
  RealConfigFs fs;
  NvmetLayout layout(root.path());
  auto live = read_live_state(fs, layout);
  ASSERT_FALSE(live.has_value()) << "read attr_model " << live->target.subsystems[1].attrs["attr_model"];
  EXPECT_NE(live.error().reason.find("is a symlink"), std::string::npos) << live.error().describe();

  TempDir linked;
  for (const char* dir : {"nvmet/hosts", "nvmet/ports", "nvmet/subsystems"}) linked.write(std::string(dir) + "/.keep", "");
  linked.write("elsewhere/attr_allow_any_host", "1\n");
  linked.symlink("nvmet/subsystems/nqn.c", linked.path() + "/elsewhere");
  auto with_linked_dir = read_live_state(fs, NvmetLayout(linked.path()));
  ASSERT_FALSE(with_linked_dir.has_value()) << "a symlinked subsystem directory was skipped without a word";
  EXPECT_EQ(with_linked_dir.error().describe(),
            "list " + linked.path() + "/nvmet/subsystems: nqn.c is a symlink; configfs has none here");
}

}  // namespace
}  // namespace nvmetctl
