// The host ID a probe connects with (host_ids_in_use, host_id_for,
// random_host_nqn) and the block devices a controller's namespaces got
// (host_block_devices), both over a fake sysfs tree.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "nvmetctl/check/host_block_devices.h"
#include "nvmetctl/check/host_identity.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;

constexpr const char* kUuidPrefix = "nqn.2014-08.org.nvmexpress:uuid:";

bool uuid_v4_shaped(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return text[14] == '4' && std::string("89ab").find(text[19]) != std::string::npos;
}

SystemPaths paths_in(const TempDir& dir) {
  SystemPaths paths;
  paths.sysfs = dir.path() + "/sys";
  return paths;
}

TEST(CheckHostIdentity, HostIdsInUseAreReadFromEachControllerInSysfs) {
  TempDir dir;
  dir.write("sys/class/nvme/nvme0/hostnqn", "nqn.2014-08.org.nvmexpress:uuid:aaaa\n");
  dir.write("sys/class/nvme/nvme0/hostid", "0f6f3e2a-6d7b-4b6e-9c3e-1d2a3b4c5d6e\n");
  dir.write("sys/class/nvme/nvme1/hostnqn", "nqn.2024-01.io.example:node7");
  dir.write("sys/class/nvme/nvme1/hostid", "7d1c2b3a-0000-4000-8000-000000000007 \n");
  dir.write("sys/class/nvme/nvme2/hostnqn", "nqn.2024-01.io.example:pcie-has-no-hostid\n");  // no hostid
  dir.write("sys/class/nvme/nvme3/hostid", "11111111-1111-4111-8111-111111111111\n");       // no hostnqn
  std::map<std::string, std::string> ids = host_ids_in_use(paths_in(dir));
  EXPECT_EQ(ids, (std::map<std::string, std::string>{
                     {"nqn.2014-08.org.nvmexpress:uuid:aaaa", "0f6f3e2a-6d7b-4b6e-9c3e-1d2a3b4c5d6e"},
                     {"nqn.2024-01.io.example:node7", "7d1c2b3a-0000-4000-8000-000000000007"}}));
}

TEST(CheckHostIdentity, NoNvmeClassMeansNoIdsInUse) {
  TempDir dir;
  EXPECT_TRUE(host_ids_in_use(paths_in(dir)).empty());
}

TEST(CheckHostIdentity, AnNqnInUseKeepsItsId) {
  const std::map<std::string, std::string> in_use = {
      {"nqn.2024-01.io.example:node7", "7d1c2b3a-0000-4000-8000-000000000007"},
      // The kernel's ID for this NQN is not the UUID in its name: the kernel's wins.
      {std::string(kUuidPrefix) + "5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11", "0f6f3e2a-6d7b-4b6e-9c3e-1d2a3b4c5d6e"}};
  EXPECT_EQ(host_id_for("nqn.2024-01.io.example:node7", in_use), "7d1c2b3a-0000-4000-8000-000000000007");
  EXPECT_EQ(host_id_for(std::string(kUuidPrefix) + "5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11", in_use),
            "0f6f3e2a-6d7b-4b6e-9c3e-1d2a3b4c5d6e");
}

TEST(CheckHostIdentity, AnNqnOfTheUuidFormUsesItsUuid) {
  EXPECT_EQ(host_id_for(std::string(kUuidPrefix) + "5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11", {}),
            "5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11");
}

TEST(CheckHostIdentity, UuidTakenByAnotherNqnIsNotReused) {
  const std::string uuid = "5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11";
  const std::map<std::string, std::string> in_use = {{"nqn.2024-01.io.example:other", uuid}};
  std::string id = host_id_for(std::string(kUuidPrefix) + uuid, in_use);
  EXPECT_NE(id, uuid);
  EXPECT_TRUE(uuid_v4_shaped(id)) << id;
  EXPECT_EQ(id, host_id_for(std::string(kUuidPrefix) + uuid, in_use)) << "derived IDs are stable";
}

TEST(CheckHostIdentity, OtherNqnsGetAStableDerivedV4Uuid) {
  const std::string nqn = "nqn.2024-01.io.example:node7";
  std::string id = host_id_for(nqn, {});
  EXPECT_TRUE(uuid_v4_shaped(id)) << id;
  EXPECT_EQ(id, host_id_for(nqn, {}));
  EXPECT_NE(id, host_id_for("nqn.2024-01.io.example:node8", {}));
  // ":uuid:" followed by something that is not a UUID is an ordinary NQN.
  std::string fallback = host_id_for(std::string(kUuidPrefix) + "nvmetctl-check", {});
  EXPECT_TRUE(uuid_v4_shaped(fallback)) << fallback;
}

TEST(CheckHostIdentity, DerivedIdNeverCollidesWithOneInUse) {
  const std::string nqn = "nqn.2024-01.io.example:node7";
  const std::string first = host_id_for(nqn, {});
  std::map<std::string, std::string> in_use = {{"nqn.2024-01.io.example:someone", first}};
  const std::string second = host_id_for(nqn, in_use);
  EXPECT_NE(second, first);
  EXPECT_TRUE(uuid_v4_shaped(second)) << second;
  in_use["nqn.2024-01.io.example:someone-else"] = second;
  const std::string third = host_id_for(nqn, in_use);
  EXPECT_NE(third, first);
  EXPECT_NE(third, second);
  EXPECT_TRUE(uuid_v4_shaped(third)) << third;
}

TEST(CheckHostIdentity, RandomHostNqnIsAUuidFormNqnNobodyHas) {
  std::set<std::string> seen;
  for (int i = 0; i < 32; ++i) {
    const std::string nqn = random_host_nqn();
    ASSERT_EQ(nqn.rfind(kUuidPrefix, 0), 0u) << nqn;
    EXPECT_TRUE(uuid_v4_shaped(nqn.substr(std::string(kUuidPrefix).size()))) << nqn;
    seen.insert(nqn);
    // Its UUID is the ID it connects with.
    EXPECT_EQ(host_id_for(nqn, {}), nqn.substr(std::string(kUuidPrefix).size()));
  }
  EXPECT_EQ(seen.size(), 32u);
}

// --- host_block_devices ----------------------------------------------------

TEST(CheckHostBlockDevices, MultipathPathDisksMapToTheSubsystemsHeadDevice) {
  TempDir dir;
  // Controller nvme3 of subsystem instance 1: path disks nvme1c3n1 and
  // nvme1c3n2; the heads' numbers are instances, not nsids.
  dir.write("sys/class/nvme/nvme3/nvme1c3n1/nsid", "1\n");
  dir.write("sys/class/nvme/nvme3/nvme1c3n2/nsid", "5\n");
  dir.write("sys/block/nvme1n1/nsid", "1\n");
  dir.write("sys/block/nvme1n2/nsid", "5\n");
  dir.write("sys/class/nvme/nvme3/hostnqn", "nqn.x\n");
  dir.write("sys/class/nvme/nvme3/power/control", "auto\n");
  EXPECT_EQ(host_block_devices(paths_in(dir), "nvme3"),
            (std::map<std::uint32_t, std::string>{{1, "/dev/nvme1n1"}, {5, "/dev/nvme1n2"}}));
}

TEST(CheckHostBlockDevices, WithoutMultipathTheControllersOwnDisks) {
  TempDir dir;
  dir.write("sys/class/nvme/nvme3/nvme3n1/nsid", "1\n");
  dir.write("sys/class/nvme/nvme3/nvme3n2/nsid", "2\n");
  dir.write("sys/block/nvme3n1/nsid", "1\n");
  dir.write("sys/block/nvme3n2/nsid", "2\n");
  // nvme30n1 is another controller's disk (not under nvme3 in a real sysfs,
  // but the prefix must not fool the match).
  dir.write("sys/class/nvme/nvme3/nvme30n1/nsid", "7\n");
  dir.write("sys/block/nvme30n1/nsid", "7\n");
  EXPECT_EQ(host_block_devices(paths_in(dir), "nvme3"),
            (std::map<std::uint32_t, std::string>{{1, "/dev/nvme3n1"}, {2, "/dev/nvme3n2"}}));
}

TEST(CheckHostBlockDevices, DiskWithoutAMatchingBlockDeviceIsLeftOut) {
  TempDir dir;
  dir.write("sys/class/nvme/nvme3/nvme1c3n1/nsid", "1\n");  // head not made yet
  dir.write("sys/class/nvme/nvme3/nvme1c3n2/nsid", "2\n");
  dir.write("sys/block/nvme1n2/nsid", "9\n");  // a head of another namespace
  dir.write("sys/class/nvme/nvme3/nvme1c3n3/nsid", "garbage\n");
  dir.write("sys/block/nvme1n3/nsid", "3\n");
  dir.write("sys/class/nvme/nvme3/nvme1c3n4/nsid", "4\n");
  dir.write("sys/block/nvme1n4/nsid", "4\n");
  EXPECT_EQ(host_block_devices(paths_in(dir), "nvme3"), (std::map<std::uint32_t, std::string>{{4, "/dev/nvme1n4"}}));
}

TEST(CheckHostBlockDevices, UnknownControllerHasNoDevices) {
  TempDir dir;
  dir.write("sys/class/nvme/nvme3/nvme3n1/nsid", "1\n");
  dir.write("sys/block/nvme3n1/nsid", "1\n");
  EXPECT_TRUE(host_block_devices(paths_in(dir), "nvme4").empty());
}

}  // namespace
}  // namespace nvmetctl
