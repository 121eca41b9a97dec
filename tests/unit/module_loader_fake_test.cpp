#include "module_loader_fake.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

using Names = std::vector<std::string>;

TEST(FakeModuleLoader, UnknownModuleIsUnavailableAndFailsToLoad) {
  FakeModuleLoader loader("6.1.0-9-amd64");
  EXPECT_EQ(*loader.state("nvmet"), ModuleState::Unavailable);
  auto result = loader.load("nvmet");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, ENOENT);
  EXPECT_EQ(result.error().describe(), "load module nvmet: module not found for kernel 6.1.0-9-amd64");
}

TEST(FakeModuleLoader, LoadsDependenciesFirstAndReportsThem) {
  FakeModuleLoader loader;
  loader.add_nvmet_modules();
  auto report = loader.load("nvmet-rdma");
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_EQ(report->name, "nvmet_rdma");
  EXPECT_EQ(report->action, ModuleAction::Loaded);
  EXPECT_EQ(report->dependencies_loaded, (Names{"configfs", "nvmet", "ib_core", "rdma_cm"}));
  EXPECT_EQ(loader.loads(), (Names{"configfs", "nvmet", "ib_core", "rdma_cm", "nvmet_rdma"}));
  EXPECT_EQ(*loader.state("nvmet_rdma"), ModuleState::Loaded);
}

TEST(FakeModuleLoader, AliasesAndDashUnderscoreResolveToOneModule) {
  FakeModuleLoader loader;
  loader.add_nvmet_modules();
  ASSERT_TRUE(loader.load("rdma-link-rxe"));
  EXPECT_TRUE(loader.is_loaded("rdma-rxe"));
  auto again = loader.load("rdma_rxe");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->action, ModuleAction::AlreadyLoaded);
  EXPECT_EQ(*loader.state("nvmet-transport-3"), ModuleState::NotLoaded);
}

TEST(FakeModuleLoader, BuiltInIsReportedAndNeverUnloaded) {
  FakeModuleLoader loader;
  loader.add_nvmet_modules().set_builtin("configfs");
  EXPECT_EQ(*loader.state("configfs"), ModuleState::BuiltIn);
  auto report = loader.load("nvmet");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->dependencies_loaded, Names{});
  EXPECT_EQ(loader.load("configfs")->action, ModuleAction::BuiltIn);
  auto unload = loader.unload("configfs");
  ASSERT_FALSE(unload);
  EXPECT_EQ(unload.error().errnum, EOPNOTSUPP);
  EXPECT_EQ(unload.error().reason, "built into the kernel, it cannot be unloaded");
}

TEST(FakeModuleLoader, UnloadRefusedWhileAnotherLoadedModuleDependsOnIt) {
  FakeModuleLoader loader;
  loader.add_nvmet_modules();
  ASSERT_TRUE(loader.load("nvmet-tcp"));
  auto busy = loader.unload("nvmet");
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().errnum, EAGAIN);
  EXPECT_EQ(busy.error().describe(), "unload module nvmet: module in use by nvmet_tcp");
  ASSERT_TRUE(loader.unload("nvmet-tcp"));
  ASSERT_TRUE(loader.unload("nvmet"));
  EXPECT_EQ(loader.unloads(), (Names{"nvmet_tcp", "nvmet"}));
  EXPECT_TRUE(loader.unload("nvmet"));  // not loaded: nothing to do
}

TEST(FakeModuleLoader, ConfiguredFailuresUseRealTexts) {
  FakeModuleLoader loader("6.12.0-test");
  loader.add_nvmet_modules().fail_load("ib_core", ENOEXEC).fail_unload("nvmet", EPERM);
  auto failed = loader.load("nvmet-rdma");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().errnum, ENOEXEC);
  EXPECT_EQ(failed.error().path, "nvmet-rdma");
  EXPECT_EQ(failed.error().reason.rfind("dependency ib_core: the kernel rejected the module", 0), 0U)
      << failed.error().reason;
  EXPECT_FALSE(loader.is_loaded("nvmet_rdma"));

  ASSERT_TRUE(loader.load("nvmet"));
  auto denied = loader.unload("nvmet");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().errnum, EPERM);
}

TEST(FakeModuleLoader, EnvironmentShapesReasons) {
  ModuleEnvironment env;
  env.lockdown = "integrity";
  FakeModuleLoader loader;
  loader.add_module("siw").fail_load("siw", EPERM).set_environment(env);
  auto failed = loader.load("siw");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().reason,
            "refused by kernel lockdown (integrity): only modules signed with a trusted key can be "
            "loaded");
}

TEST(FakeModuleLoader, PreloadedModulesCountAsLoaded) {
  FakeModuleLoader loader("6.1.0-test");
  loader.set_loaded("nvmet");
  EXPECT_EQ(loader.load("nvmet")->action, ModuleAction::AlreadyLoaded);
  EXPECT_TRUE(loader.loads().empty());
}

}  // namespace
}  // namespace nvmetctl
