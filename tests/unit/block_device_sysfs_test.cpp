#include "nvmetctl/util/block_device_sysfs.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

SystemPaths with_sysfs(const TempDir& dir) {
  SystemPaths paths;
  paths.sysfs = dir.path();
  return paths;
}

TEST(BlockDeviceSysfs, SizeIsInSectorsOf512BytesWhateverTheBlockSize) {
  TempDir sysfs;
  sysfs.write("dev/block/259:3/size", "7814037168\n");
  sysfs.write("dev/block/259:3/queue/logical_block_size", "4096\n");
  EXPECT_EQ(block_device_bytes(with_sysfs(sysfs), makedev(259, 3)), 7814037168ULL * 512);
}

TEST(BlockDeviceSysfs, MissingOrMalformedSizeIsUnknown) {
  TempDir sysfs;
  sysfs.write("dev/block/7:0/size", "12x\n");
  sysfs.write("dev/block/7:1/size", "");
  EXPECT_EQ(block_device_bytes(with_sysfs(sysfs), makedev(7, 0)), std::nullopt);
  EXPECT_EQ(block_device_bytes(with_sysfs(sysfs), makedev(7, 1)), std::nullopt);
  EXPECT_EQ(block_device_bytes(with_sysfs(sysfs), makedev(8, 0)), std::nullopt);
}

TEST(BlockDeviceSysfs, DirIsNamedByMajorAndMinor) {
  SystemPaths paths;
  paths.sysfs = "/sys";
  EXPECT_EQ(block_device_sysfs_dir(paths, makedev(259, 12)), "/sys/dev/block/259:12");
}

}  // namespace
}  // namespace nvmetctl
