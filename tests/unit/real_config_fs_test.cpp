#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/configfs/live_state.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

std::string content_of(const std::string& path) { return testing_support::file_content(path); }

std::map<std::string, EntryType> types_by_name(const std::vector<DirEntry>& entries) {
  std::map<std::string, EntryType> types;
  for (const auto& entry : entries) types[entry.name] = entry.type;
  return types;
}

// configfs has no symlinked attribute files; under a redirected --configfs
// one linked to /etc/... was printed by export and written by apply.
class EitherWay : public ::testing::TestWithParam<bool> {
 protected:
  // Paths walked from "/", or from a descriptor of the mount.
  RealConfigFs configfs_at(const std::string& mount) const {
    return GetParam() ? RealConfigFs(mount, RealConfigFs::Anchor::Always) : RealConfigFs();
  }
};
INSTANTIATE_TEST_SUITE_P(RealConfigFs, EitherWay, ::testing::Bool(),
                         [](const auto& which) { return which.param ? "FromTheMount" : "FromTheRoot"; });

TEST_P(EitherWay, ASymlinkedAttributeIsNeitherReadNorWritten) {
  TempDir root;
  root.write("outside", "secret\n");
  root.symlink("nvmet/subsystems/nqn.a/attr_model", root.path() + "/outside");
  RealConfigFs fs = configfs_at(root.path());
  std::string attr = root.path() + "/nvmet/subsystems/nqn.a/attr_model";
  auto read = fs.read(attr);
  ASSERT_FALSE(read.has_value()) << "read " << *read;
  EXPECT_EQ(read.error().describe(), "read " + attr + ": is a symlink; configfs attributes never are");
  auto written = fs.write(attr, "changed");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().describe(), "write " + attr + ": is a symlink; configfs attributes never are");
  EXPECT_EQ(content_of(root.path() + "/outside"), "secret\n");
  EXPECT_EQ(fs.anchored(), GetParam());
}

// The reader lists the first object of a kind and reads the same files of
// the others: a second subsystem's attr_model linked elsewhere was read.
TEST_P(EitherWay, TheLiveTreeRefusesASymlinkWhereAFileOrDirectoryBelongs) {
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
  RealConfigFs fs = configfs_at(root.path());
  NvmetLayout layout(root.path());
  auto live = read_live_state(fs, layout);
  ASSERT_FALSE(live.has_value()) << "read attr_model " << live->target.subsystems[1].attrs["attr_model"];
  EXPECT_NE(live.error().reason.find("is a symlink"), std::string::npos) << live.error().describe();

  TempDir linked;
  for (const char* dir : {"nvmet/hosts", "nvmet/ports", "nvmet/subsystems"}) linked.write(std::string(dir) + "/.keep", "");
  linked.write("elsewhere/attr_allow_any_host", "1\n");
  linked.symlink("nvmet/subsystems/nqn.c", linked.path() + "/elsewhere");
  RealConfigFs linked_fs = configfs_at(linked.path());
  auto with_linked_dir = read_live_state(linked_fs, NvmetLayout(linked.path()));
  ASSERT_FALSE(with_linked_dir.has_value()) << "a symlinked subsystem directory was skipped without a word";
  EXPECT_EQ(with_linked_dir.error().describe(),
            "list " + linked.path() + "/nvmet/subsystems: nqn.c is a symlink; configfs has none here");
}

// keep_written_open: an attribute written stays open until it is read (the
// verify's read is then one pread), and nothing stays open after it is
// turned off or once its directory is removed.
TEST_P(EitherWay, AWrittenAttributeIsKeptOpenUntilItIsRead) {
  TempDir root;
  root.write("nvmet/subsystems/nqn.a/attr_model", "");
  root.write("nvmet/subsystems/nqn.a/attr_serial", "");
  const std::string model = root.path() + "/nvmet/subsystems/nqn.a/attr_model";
  const std::string serial = root.path() + "/nvmet/subsystems/nqn.a/attr_serial";
  RealConfigFs fs = configfs_at(root.path());
  ASSERT_TRUE(fs.write(model, "unkept").has_value());
  EXPECT_EQ(fs.kept_open(), 0u);

  fs.keep_written_open(true);
  ASSERT_TRUE(fs.write(model, "first").has_value());
  ASSERT_TRUE(fs.write(model, "second").has_value());  // written again: one file kept, the newer
  ASSERT_TRUE(fs.write(serial, "S1").has_value());
  EXPECT_EQ(fs.kept_open(), 2u);
  // Read back from the kept file, from its start: what the file holds now,
  // not what this run wrote into it (configfs calls show() at this read).
  std::ofstream(serial, std::ios::trunc) << "changed by hand\n";
  EXPECT_EQ(fs.read(serial).value_or("?"), "changed by hand");
  EXPECT_EQ(fs.kept_open(), 1u);
  EXPECT_EQ(fs.read(serial).value_or("?"), "changed by hand");  // then opened as ever

  fs.keep_written_open(false);
  EXPECT_EQ(fs.kept_open(), 0u);
  EXPECT_EQ(fs.read(model).value_or("?"), "second");
}

TEST_P(EitherWay, RemovingADirectoryClosesTheFilesKeptUnderIt) {
  TempDir root;
  root.write("nvmet/subsystems/nqn.a/namespaces/1/enable", "");
  root.write("nvmet/subsystems/nqn.ab/attr_model", "");
  const std::string subsystem = root.path() + "/nvmet/subsystems/nqn.a";
  RealConfigFs fs = configfs_at(root.path());
  fs.keep_written_open(true);
  ASSERT_TRUE(fs.write(subsystem + "/namespaces/1/enable", "1").has_value());
  ASSERT_TRUE(fs.write(root.path() + "/nvmet/subsystems/nqn.ab/attr_model", "m").has_value());
  ASSERT_EQ(fs.kept_open(), 2u);
  // configfs removes a directory's attributes with it; a plain one needs help.
  std::filesystem::remove_all(subsystem + "/namespaces");
  ASSERT_TRUE(fs.remove_dir(subsystem).has_value());
  EXPECT_EQ(fs.kept_open(), 1u) << "a sibling whose name begins alike (nqn.ab) is no child of nqn.a";
}

// Every operation on a path under the mount, from its descriptor: the same
// tree as from "/" (mkdir, write, read, list, link, readlink, unlink, rmdir).
TEST_P(EitherWay, EveryOperationReachesTheSameTree) {
  TempDir root;
  const std::string nvmet = root.path() + "/nvmet";
  RealConfigFs fs = configfs_at(root.path());
  EXPECT_FALSE(fs.exists(nvmet));
  ASSERT_TRUE(fs.make_dir(nvmet).has_value());
  ASSERT_TRUE(fs.make_dir(nvmet + "/hosts").has_value());
  ASSERT_TRUE(fs.make_dir(nvmet + "/hosts/nqn.h").has_value());
  root.write("nvmet/hosts/nqn.h/dhchap_hash", "");  // configfs makes a group's files
  ASSERT_TRUE(fs.write(nvmet + "/hosts/nqn.h/dhchap_hash", "hmac(sha256)").has_value());
  EXPECT_EQ(content_of(nvmet + "/hosts/nqn.h/dhchap_hash"), "hmac(sha256)");
  EXPECT_EQ(fs.read(nvmet + "/hosts/nqn.h/dhchap_hash").value_or("?"), "hmac(sha256)");
  ASSERT_TRUE(fs.make_link(nvmet + "/hosts/nqn.h", nvmet + "/allowed").has_value());
  EXPECT_EQ(fs.read_link(nvmet + "/allowed").value_or("?"), nvmet + "/hosts/nqn.h");
  auto entries = fs.list(nvmet);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  std::map<std::string, EntryType> types = types_by_name(*entries);
  EXPECT_EQ(types["hosts"], EntryType::Directory);
  EXPECT_EQ(types["allowed"], EntryType::Symlink);
  ASSERT_TRUE(fs.remove_link(nvmet + "/allowed").has_value());
  std::filesystem::remove(nvmet + "/hosts/nqn.h/dhchap_hash");
  ASSERT_TRUE(fs.remove_dir(nvmet + "/hosts/nqn.h").has_value());
  EXPECT_FALSE(fs.exists(nvmet + "/hosts/nqn.h"));
  EXPECT_TRUE(fs.exists(root.path()));  // the mount itself, as given
  auto missing = fs.read(nvmet + "/hosts/nqn.h/dhchap_hash");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().describe(),
            "read " + nvmet + "/hosts/nqn.h/dhchap_hash: No such file or directory");
}

// A directory bigger than one getdents64 buffer (a target with thousands of
// subsystems): every entry, once, with its type.
TEST_P(EitherWay, ABigDirectoryIsListedWhole) {
  TempDir root;
  const std::string subsystems = root.path() + "/nvmet/subsystems";
  std::filesystem::create_directories(subsystems);
  const std::string prefix = "nqn.2024-01.io.example.a-name-long-enough-to-fill-buffers-quickly:";
  for (int i = 0; i < 1500; ++i) std::filesystem::create_directory(subsystems + "/" + prefix + std::to_string(i));
  root.write("nvmet/subsystems/a-file", "");
  root.symlink("nvmet/subsystems/a-link", subsystems + "/" + prefix + "0");
  RealConfigFs fs = configfs_at(root.path());
  auto entries = fs.list(subsystems);
  ASSERT_TRUE(entries.has_value()) << entries.error().describe();
  ASSERT_EQ(entries->size(), 1502u);
  std::map<std::string, EntryType> types = types_by_name(*entries);
  EXPECT_EQ(types.size(), 1502u) << "an entry was listed twice";
  EXPECT_EQ(types[prefix + "1499"], EntryType::Directory);
  EXPECT_EQ(types["a-file"], EntryType::File);
  EXPECT_EQ(types["a-link"], EntryType::Symlink);
  EXPECT_FALSE(fs.list(subsystems + "/a-file").has_value());
  auto missing = fs.list(root.path() + "/nvmet/ports");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().describe(), "list " + root.path() + "/nvmet/ports: No such file or directory");
}

// Held, the mount's descriptor is what paths under it are walked from: the
// tree moved away after the first call is still the one operated on.
TEST(RealConfigFs, PathsUnderTheMountAreWalkedFromItsDescriptor) {
  TempDir root;
  root.write("nvmet/subsystems/nqn.a/attr_model", "Linux\n");
  RealConfigFs fs(root.path(), RealConfigFs::Anchor::Always);
  EXPECT_FALSE(fs.anchored());
  const std::string model = root.path() + "/nvmet/subsystems/nqn.a/attr_model";
  EXPECT_EQ(fs.read(model).value_or("?"), "Linux");
  ASSERT_TRUE(fs.anchored());
  const std::string moved = root.path() + ".moved";
  std::filesystem::rename(root.path(), moved);
  EXPECT_EQ(fs.read(model).value_or("?"), "Linux");
  std::filesystem::rename(moved, root.path());
  // A path outside the mount, or a sibling whose name begins alike, is
  // walked as given.
  TempDir other;
  other.write("attr_model", "other\n");
  EXPECT_EQ(fs.read(other.path() + "/attr_model").value_or("?"), "other");
  const std::string sibling = root.path() + "x";
  std::filesystem::create_directories(sibling);
  std::ofstream(sibling + "/attr_model") << "sibling\n";
  EXPECT_EQ(fs.read(sibling + "/attr_model").value_or("?"), "sibling");
  std::filesystem::remove_all(sibling);
}

// Let go (a long-running watch between its runs), the mount is taken again
// by the next call under it.
TEST(RealConfigFs, AReleasedMountIsTakenAgainWhenNeeded) {
  TempDir root;
  root.write("nvmet/subsystems/nqn.a/attr_model", "Linux\n");
  RealConfigFs fs(root.path(), RealConfigFs::Anchor::Always);
  const std::string model = root.path() + "/nvmet/subsystems/nqn.a/attr_model";
  EXPECT_EQ(fs.read(model).value_or("?"), "Linux");
  ASSERT_TRUE(fs.anchored());
  fs.release_mount();
  EXPECT_FALSE(fs.anchored());
  fs.release_mount();  // twice is harmless
  EXPECT_EQ(fs.read(model).value_or("?"), "Linux");
  EXPECT_TRUE(fs.anchored());
}

// A plain directory is no configfs: paths under it stay absolute, and
// work as ever (tests and --configfs redirected to a copy of a tree).
TEST(RealConfigFs, AMountThatIsNoConfigfsIsNotHeld) {
  TempDir root;
  root.write("nvmet/subsystems/nqn.a/attr_model", "Linux\n");
  RealConfigFs fs(root.path());
  EXPECT_EQ(fs.read(root.path() + "/nvmet/subsystems/nqn.a/attr_model").value_or("?"), "Linux");
  EXPECT_FALSE(fs.anchored());
}

}  // namespace
}  // namespace nvmetctl
