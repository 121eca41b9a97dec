// The libkmod loader against a fabricated modules tree: depmod indexes a
// built-in list and a stub .ko, and /sys/module is a temporary directory.
// Nothing here inserts or removes a real module.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "nvmetctl/kernel/module_loader.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;
constexpr const char* kRelease = "6.1.0-nvmetctl-test";

std::string find_depmod() {
  for (const char* candidate : {"/usr/sbin/depmod", "/sbin/depmod", "/usr/bin/depmod"})
    if (access(candidate, X_OK) == 0) return candidate;
  return "";
}

class KmodModuleLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("nvmetctl-kmod-" + std::to_string(getpid()));
    fs::remove_all(root_);
    const fs::path modules = root_ / "lib/modules" / kRelease;
    fs::create_directories(modules / "kernel/drivers/nvme/target");
    fs::create_directories(root_ / "proc/sys/kernel");
    fs::create_directories(root_ / "sys/module");
    std::ofstream(root_ / "proc/sys/kernel/osrelease") << kRelease << "\n";
    std::ofstream(modules / "modules.builtin") << "kernel/fs/configfs/configfs.ko\n"
                                                   "kernel/drivers/nvme/target/nvmet.ko\n";
    paths_.modules_dir = (root_ / "lib/modules").string();
    paths_.proc = (root_ / "proc").string();
    paths_.sysfs = (root_ / "sys").string();

    const std::string depmod = find_depmod();
    if (depmod.empty()) GTEST_SKIP() << "depmod not installed";
    // A stub module: depmod only needs its .modinfo section.
    const fs::path source = root_ / "stub.c";
    std::ofstream(source) << "__attribute__((section(\".modinfo\"), used)) static const char "
                             "info[] = \"alias=nvmet-transport-1\\0name=nvmet_rdma\\0license=GPL\";\n";
    const fs::path ko = modules / "kernel/drivers/nvme/target/nvmet-rdma.ko";
    if (std::system(("cc -c -o '" + ko.string() + "' '" + source.string() + "' 2>/dev/null").c_str()) != 0)
      GTEST_SKIP() << "no C compiler to build a stub module";
    if (std::system((depmod + " -b '" + root_.string() + "' " + kRelease + " 2>/dev/null").c_str()) != 0)
      GTEST_SKIP() << "depmod failed";
  }

  void TearDown() override { fs::remove_all(root_); }

  void mark_loaded(const std::string& kernel_name) {
    fs::create_directories(root_ / "sys/module" / kernel_name / "holders");
    std::ofstream(root_ / "sys/module" / kernel_name / "initstate") << "live\n";
    std::ofstream(root_ / "sys/module" / kernel_name / "refcnt") << "0\n";
  }

  fs::path root_;
  SystemPaths paths_;
};

TEST_F(KmodModuleLoaderTest, ReadsKernelReleaseFromProc) {
  EXPECT_EQ(make_kmod_module_loader(paths_)->kernel_release(), kRelease);
}

TEST_F(KmodModuleLoaderTest, StatesFromModulesTreeAndSysfs) {
  auto loader = make_kmod_module_loader(paths_);
  EXPECT_EQ(*loader->state("nvmet"), ModuleState::BuiltIn);
  EXPECT_EQ(*loader->state("nvmet-rdma"), ModuleState::NotLoaded);
  EXPECT_EQ(*loader->state("nvmet_rdma"), ModuleState::NotLoaded);
  EXPECT_EQ(*loader->state("nvmet-transport-1"), ModuleState::NotLoaded);
  EXPECT_EQ(*loader->state("nvmet-tcp"), ModuleState::Unavailable);
  mark_loaded("nvmet_rdma");
  EXPECT_EQ(*loader->state("nvmet-transport-1"), ModuleState::Loaded);
}

TEST_F(KmodModuleLoaderTest, LoadIsANoOpForBuiltInAndLoadedModules) {
  auto loader = make_kmod_module_loader(paths_);
  auto builtin = loader->load("nvmet");
  ASSERT_TRUE(builtin) << builtin.error().describe();
  EXPECT_EQ(builtin->action, ModuleAction::BuiltIn);
  mark_loaded("nvmet_rdma");
  auto loaded = loader->load("nvmet-rdma");
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EXPECT_EQ(loaded->action, ModuleAction::AlreadyLoaded);
  EXPECT_EQ(loaded->name, "nvmet_rdma");
}

TEST_F(KmodModuleLoaderTest, MissingModuleNamesTheKernel) {
  auto result = make_kmod_module_loader(paths_)->load("nvmet-tcp");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, ENOENT);
  EXPECT_EQ(result.error().describe(),
            std::string("load module nvmet-tcp: module not found for kernel ") + kRelease);
}

TEST_F(KmodModuleLoaderTest, UnloadRules) {
  auto loader = make_kmod_module_loader(paths_);
  EXPECT_TRUE(loader->unload("nvmet-rdma"));  // not loaded: nothing to do
  EXPECT_TRUE(loader->unload("nvmet-tcp"));   // unknown: nothing to do
  auto builtin = loader->unload("nvmet");
  ASSERT_FALSE(builtin);
  EXPECT_EQ(builtin.error().errnum, EOPNOTSUPP);
}

TEST_F(KmodModuleLoaderTest, NoModulesDirectoryForTheRunningKernel) {
  std::ofstream(root_ / "proc/sys/kernel/osrelease") << "6.99.0-removed\n";
  auto result = make_kmod_module_loader(paths_)->load("nvmet-rdma");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, ENOENT);
  EXPECT_NE(result.error().reason.find("no modules are installed for kernel 6.99.0-removed"),
            std::string::npos)
      << result.error().reason;
}

TEST_F(KmodModuleLoaderTest, ALoadedModuleIsLoadedWhateverTheIndexesHold) {
  // Loaded as far as sysfs knows, while every libkmod index of the running
  // kernel is unreadable: a query that opened them would fail.
  const fs::path modules = root_ / "lib/modules" / kRelease;
  for (const auto& entry : fs::directory_iterator(modules))
    if (entry.is_regular_file()) std::ofstream(entry.path(), std::ios::trunc) << "not an index";
  mark_loaded("nvmet_tcp");
  auto loader = make_kmod_module_loader(paths_);
  ASSERT_TRUE(loader->state("nvmet-tcp"));
  EXPECT_EQ(*loader->state("nvmet-tcp"), ModuleState::Loaded);
}

TEST_F(KmodModuleLoaderTest, MalformedNameIsNotAModuleFailure) {
  auto result = make_kmod_module_loader(paths_)->state("nvmet[");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, EINVAL);
  EXPECT_EQ(result.error().describe(), "query module nvmet[: not a valid module name or alias");
}

TEST(ModuleNameNormalization, DashesBecomeUnderscores) {
  EXPECT_EQ(normalize_module_name("nvmet-rdma"), "nvmet_rdma");
  EXPECT_EQ(normalize_module_name("rdma_rxe"), "rdma_rxe");
}

TEST(ModuleLoaderStrings, States) {
  EXPECT_EQ(to_string(ModuleState::BuiltIn), "built-in");
  EXPECT_EQ(to_string(ModuleAction::AlreadyLoaded), "already loaded");
}

}  // namespace
}  // namespace nvmetctl
