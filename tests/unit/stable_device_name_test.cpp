// Kernel device names and the udev links that name the same device, over a
// <dev> stand-in: plain files for the devices, relative symlinks as udev
// makes them.
#include "nvmetctl/util/stable_device_name.h"

#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

class StableDeviceNameTest : public ::testing::Test {
 protected:
  StableDeviceNameTest() {
    for (const char* device : {"nvme0n1", "sdb", "loop0", "dm-0", "vg/data"}) dev_.write(device, "");
    dev_.symlink("disk/by-id/nvme-QEMU_NVMe_Ctrl_serial1", "../../nvme0n1");
    dev_.symlink("disk/by-id/nvme-eui.0011223344556677", "../../nvme0n1");
    dev_.symlink("disk/by-id/ata-MODEL_SERIAL1", "../../sdb");
    dev_.symlink("disk/by-id/wwn-0x5000c500a1b2c3d4", "../../sdb");
    dev_.symlink("disk/by-uuid/0b5d-11aa", "../../loop0");
    dev_.symlink("disk/by-id/loop-a", "loop-b");
    dev_.symlink("disk/by-id/loop-b", "loop-a");
    dev_.symlink("disk/by-id/dm-name-vg-data", "../../dm-0");
    dev_.symlink("disk/by-id/broken", "../../gone");
  }
  std::string at(const std::string& name) const { return dev_.path() + "/" + name; }

  TempDir dev_;
};

TEST_F(StableDeviceNameTest, KernelNamesAreTheProbeOrderOnes) {
  const std::string dev = "/dev";
  for (const char* name : {"/dev/sda", "/dev/sdab3", "/dev/vdb", "/dev/xvda1", "/dev/nvme0n1", "/dev/nvme12n3p2",
                           "/dev/loop0", "/dev/loop7p1", "/dev/dm-3", "/dev/nbd3", "/dev/md127"})
    EXPECT_TRUE(is_kernel_device_name(name, dev)) << name;
  for (const char* name : {"/dev/disk/by-id/wwn-0x5000", "/dev/vg/data", "/dev/mapper/vg-data", "/dev/nvme0",
                           "/srv/images/disk.img", "/dev/sdb/../sda", "/devices/sda", "/dev/", "/dev/sd",
                           "/dev/nvme0n", "/dev/nvme0n1p", "/dev/loop", "/dev/sda1b", "/dev/dm-"})
    EXPECT_FALSE(is_kernel_device_name(name, dev)) << name;
}

TEST_F(StableDeviceNameTest, TheMediumsOwnIdComesBeforeModelAndSerial) {
  StableDeviceNames names(dev_.path());
  EXPECT_EQ(names.stable_name(at("nvme0n1")), at("disk/by-id/nvme-eui.0011223344556677"));
  EXPECT_EQ(names.stable_name(at("sdb")), at("disk/by-id/wwn-0x5000c500a1b2c3d4"));
}

// A filesystem UUID is content the remote host writes (and clones share):
// never the stable name of an exported device. A link loop is skipped.
TEST_F(StableDeviceNameTest, ByUuidAndLinkLoopsNameNothing) {
  StableDeviceNames names(dev_.path());
  EXPECT_EQ(names.stable_name(at("loop0")), std::nullopt);
}

TEST_F(StableDeviceNameTest, AHugePathIsNoKernelName) {
  EXPECT_FALSE(is_kernel_device_name("/dev/sd" + std::string(1 << 20, 'a') + "!", "/dev"));
  EXPECT_TRUE(is_kernel_device_name("/dev/sd" + std::string(1 << 20, 'a'), "/dev"));
  StableDeviceNames names(dev_.path());
  EXPECT_EQ(names.stable_name(at("nvme0n" + std::string(1 << 20, '1'))), std::nullopt);
}

TEST_F(StableDeviceNameTest, ExportRenamesOnlyKernelNamesThatHaveALink) {
  Target target;
  Subsystem s;
  s.nqn = "nqn.2024-01.io.example:disk";
  for (std::uint32_t nsid : {1u, 2u, 3u}) {
    Namespace ns;
    ns.nsid = nsid;
    s.namespaces.push_back(ns);
  }
  s.namespaces[0].attrs["device_path"] = at("nvme0n1");
  s.namespaces[1].attrs["device_path"] = at("loop0");
  s.namespaces[2].attrs["device_path"] = at("vg/data");
  target.subsystems.push_back(s);
  use_stable_device_names(target, dev_.path());
  EXPECT_EQ(target.subsystems[0].namespaces[0].attrs["device_path"], at("disk/by-id/nvme-eui.0011223344556677"));
  EXPECT_EQ(target.subsystems[0].namespaces[1].attrs["device_path"], at("loop0"));
  EXPECT_EQ(target.subsystems[0].namespaces[2].attrs["device_path"], at("vg/data"));
}

TEST_F(StableDeviceNameTest, NoLinkOrNoKernelNameGivesNothing) {
  StableDeviceNames names(dev_.path());
  EXPECT_EQ(names.stable_name(at("loop0")), std::nullopt);
  EXPECT_EQ(names.stable_name(at("vg/data")), std::nullopt);
  EXPECT_EQ(names.stable_name(at("sdz")), std::nullopt) << "a device that does not exist";
  EXPECT_EQ(names.stable_name("/srv/disk.img"), std::nullopt);
  StableDeviceNames no_udev("/nonexistent-dev");
  EXPECT_EQ(no_udev.stable_name("/nonexistent-dev/sdb"), std::nullopt);
}

TEST_F(StableDeviceNameTest, PlanWarnsAtTheDevicePathAndNamesTheLink) {
  testing_support::EngineFixture f;
  f.ctx.paths.dev = dev_.path();
  Target desired = testing_support::parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.2024-01.io.example:disk\n"
                                             "    allow_any_host: true\n    namespaces:\n"
                                             "      - {nsid: 1, device_path: " + at("nvme0n1") + ", enable: true}\n"
                                             "      - {nsid: 2, device_path: " + at("loop0") + ", enable: true}\n");
  Plan plan = f.plan(desired);
  std::vector<std::string> warnings;
  for (const auto& d : plan.problems.all())
    if (d.severity == Severity::Warning) warnings.push_back(d.format());
  ASSERT_EQ(warnings.size(), 1u) << "the loop device has no link to name";
  EXPECT_NE(warnings[0].find("test.yaml:6:"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find(at("nvme0n1") + " is a name the kernel gives in probe order"), std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[0].find(at("disk/by-id/nvme-eui.0011223344556677") + " names this device"), std::string::npos)
      << warnings[0];
  EXPECT_FALSE(plan.blocked());
}

}  // namespace
}  // namespace nvmetctl
