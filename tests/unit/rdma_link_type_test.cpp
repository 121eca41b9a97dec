#include "nvmetctl/rdma/rdma_link_type.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;

class RdmaLinkTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("nvmetctl-ibclass-" + std::to_string(getpid()));
    fs::remove_all(root_);
    classes_ = root_ / "class/infiniband";
    fs::create_directories(classes_);
    paths_.sysfs = root_.string();
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path classes_;
  fs::path root_;
  SystemPaths paths_;
};

TEST_F(RdmaLinkTypeTest, ParentFileMeansRxe) {
  fs::create_directories(classes_ / "rxe0");
  std::ofstream(classes_ / "rxe0/parent") << "eth0\n";
  EXPECT_EQ(infer_link_type(paths_, "rxe0", "roce"), "rxe");
  EXPECT_EQ(rxe_parent_netdev(paths_, "rxe0"), "eth0");
}

TEST_F(RdmaLinkTypeTest, IwarpWithoutBusDeviceMeansSiw) {
  fs::create_directories(classes_ / "siw0");
  EXPECT_EQ(infer_link_type(paths_, "siw0", "iw"), "siw");
  EXPECT_EQ(rxe_parent_netdev(paths_, "siw0"), "");
}

TEST_F(RdmaLinkTypeTest, HardwareHasADeviceLink) {
  fs::create_directories(classes_ / "mlx5_0");
  fs::create_directory_symlink("../../devices/pci0000:00/0000:00:03.0", classes_ / "mlx5_0/device");
  EXPECT_EQ(infer_link_type(paths_, "mlx5_0", "roce"), "");
  fs::create_directories(classes_ / "iwp0");
  fs::create_directory_symlink("../../devices/pci0000:00/0000:00:04.0", classes_ / "iwp0/device");
  EXPECT_EQ(infer_link_type(paths_, "iwp0", "iw"), "");  // dangling link still counts
}

TEST_F(RdmaLinkTypeTest, UnknownOrHostileNamesAreNotSoftware) {
  EXPECT_EQ(infer_link_type(paths_, "missing0", "iw"), "");
  EXPECT_EQ(infer_link_type(paths_, "../..", "iw"), "");
  EXPECT_EQ(infer_link_type(paths_, "", "roce"), "");
}

}  // namespace
}  // namespace nvmetctl
