#include "nvmetctl/kernel/module_failure.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace nvmetctl {
namespace {

ModuleEnvironment root_env() {
  ModuleEnvironment env;
  env.kernel_modules_dir = "/lib/modules/6.1.0-9-amd64";
  return env;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ModuleFailure, Classification) {
  auto env = root_env();
  EXPECT_EQ(classify_module_failure(ENOENT, env), ModuleFailure::NotFound);
  EXPECT_EQ(classify_module_failure(kModuleRefusedByConfigErrno, env),
            ModuleFailure::RefusedByConfig);
  EXPECT_EQ(classify_module_failure(EKEYREJECTED, env), ModuleFailure::SignatureRejected);
  EXPECT_EQ(classify_module_failure(ENOKEY, env), ModuleFailure::SignatureRejected);
  EXPECT_EQ(classify_module_failure(ENOEXEC, env), ModuleFailure::BadModule);
  EXPECT_EQ(classify_module_failure(EINVAL, env), ModuleFailure::BadModule);
  EXPECT_EQ(classify_module_failure(EAGAIN, env), ModuleFailure::InUse);
  EXPECT_EQ(classify_module_failure(EBUSY, env), ModuleFailure::InUse);
  EXPECT_EQ(classify_module_failure(ENOMEM, env), ModuleFailure::Other);
}

TEST(ModuleFailure, EpermMeaningDependsOnEnvironment) {
  auto env = root_env();
  EXPECT_EQ(classify_module_failure(EPERM, env), ModuleFailure::NotPermitted);
  env.lockdown = "integrity";
  EXPECT_EQ(classify_module_failure(EPERM, env), ModuleFailure::LockedDown);
  env.loading_disabled = true;
  EXPECT_EQ(classify_module_failure(EPERM, env), ModuleFailure::LoadingDisabled);
  env.can_load_modules = false;  // the capability check comes first
  EXPECT_EQ(classify_module_failure(EPERM, env), ModuleFailure::NotPermitted);
}

TEST(ModuleFailure, NotFoundNamesKernelAndPackages) {
  auto env = root_env();
  EXPECT_EQ(module_failure_reason(ENOENT, "6.1.0-9-amd64", env),
            "module not found for kernel 6.1.0-9-amd64");
  auto hint = module_failure_hint("nvmet-rdma", ENOENT, "6.1.0-9-amd64", env);
  EXPECT_TRUE(contains(hint, "linux-image-6.1.0-9-amd64")) << hint;
  EXPECT_TRUE(contains(hint, "linux-modules-extra-6.1.0-9-amd64")) << hint;
  EXPECT_TRUE(contains(hint, "built without nvmet-rdma")) << hint;
}

TEST(ModuleFailure, NotFoundWithoutAnyModulesForTheKernel) {
  auto env = root_env();
  env.modules_installed = false;
  auto reason = module_failure_reason(ENOENT, "6.1.0-9-amd64", env);
  EXPECT_TRUE(contains(reason, "no modules are installed for kernel 6.1.0-9-amd64")) << reason;
  EXPECT_TRUE(contains(reason, "/lib/modules/6.1.0-9-amd64")) << reason;
  EXPECT_TRUE(contains(module_failure_hint("nvmet", ENOENT, "6.1.0-9-amd64", env), "reboot"));
}

TEST(ModuleFailure, Texts) {
  auto env = root_env();
  EXPECT_EQ(module_failure_reason(kModuleRefusedByConfigErrno, "r", env),
            "blacklisted by modprobe configuration");
  EXPECT_TRUE(contains(module_failure_hint("nvmet-rdma", kModuleRefusedByConfigErrno, "r", env),
                       "grep -rE 'nvmet[-_]rdma' /etc/modprobe.d"));
  EXPECT_TRUE(contains(module_failure_reason(EKEYREJECTED, "r", env), "signature"));
  EXPECT_TRUE(contains(module_failure_reason(EPERM, "r", env), "requires root"));
  env.lockdown = "confidentiality";
  EXPECT_TRUE(contains(module_failure_reason(EPERM, "r", env), "lockdown (confidentiality)"));
  EXPECT_TRUE(contains(module_failure_hint("siw", EPERM, "r", env), "Secure Boot"));
}

TEST(ModuleFailure, BadRdmaModulePointsAtOfed) {
  auto env = root_env();
  auto hint = module_failure_hint("nvmet-rdma", ENOEXEC, "r", env);
  EXPECT_TRUE(contains(hint, "disagrees about version of symbol")) << hint;
  EXPECT_TRUE(contains(hint, "exports duplicate symbol")) << hint;
  EXPECT_TRUE(contains(hint, "OFED")) << hint;
  EXPECT_FALSE(contains(module_failure_hint("nvmet-tcp", EINVAL, "r", env), "OFED"));
}

TEST(ModuleFailure, EveryErrnoHasAHint) {
  auto env = root_env();
  for (int errnum : {ENOENT, EPERM, ENOEXEC, EAGAIN, EOPNOTSUPP, ENOMEM, EKEYREJECTED,
                     kModuleRefusedByConfigErrno})
    EXPECT_FALSE(module_failure_hint("nvmet", errnum, "r", env).empty()) << errnum;
}

class ModuleEnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("nvmetctl-modenv-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "sys/kernel/security");
    std::filesystem::create_directories(root_ / "proc/sys/kernel");
    std::filesystem::create_directories(root_ / "proc/self");
    std::filesystem::create_directories(root_ / "lib/modules/6.1.0-test");
    paths_.sysfs = (root_ / "sys").string();
    paths_.proc = (root_ / "proc").string();
    paths_.modules_dir = (root_ / "lib/modules").string();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& relative, const std::string& content) {
    std::ofstream(root_ / relative) << content;
  }

  std::filesystem::path root_;
  SystemPaths paths_;
};

TEST_F(ModuleEnvironmentTest, ReadsLockdownModulesDisabledAndCapabilities) {
  write("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
  write("proc/sys/kernel/modules_disabled", "1\n");
  write("proc/self/status", "Name:\tx\nCapEff:\t0000000000000000\n");
  auto env = read_module_environment(paths_, "6.1.0-test");
  EXPECT_EQ(env.lockdown, "integrity");
  EXPECT_TRUE(env.loading_disabled);
  EXPECT_FALSE(env.can_load_modules);
  EXPECT_TRUE(env.modules_installed);
  EXPECT_EQ(env.kernel_modules_dir, paths_.modules_dir + "/6.1.0-test");
}

TEST_F(ModuleEnvironmentTest, NoLockdownAndFullCapabilities) {
  write("sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
  write("proc/self/status", "CapEff:\t000001ffffffffff\n");
  auto env = read_module_environment(paths_, "6.9.9-missing");
  EXPECT_EQ(env.lockdown, "");
  EXPECT_FALSE(env.loading_disabled);
  EXPECT_TRUE(env.can_load_modules);
  EXPECT_FALSE(env.modules_installed);
}

TEST_F(ModuleEnvironmentTest, HintFromPathsUsesEnvironment) {
  write("sys/kernel/security/lockdown", "none integrity [confidentiality]\n");
  write("proc/self/status", "CapEff:\t000001ffffffffff\n");
  auto hint = module_failure_hint("rdma_rxe", EPERM, "6.1.0-test", paths_);
  EXPECT_TRUE(contains(hint, "Secure Boot")) << hint;
}

}  // namespace
}  // namespace nvmetctl
