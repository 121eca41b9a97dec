#include <gtest/gtest.h>
#include <unistd.h>

#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {
namespace {

#define NVMETCTL_TEST_LIBC_FUNCTIONS(X) X(getpid) X(getppid)
NVMETCTL_LIBRARY_API(Libc, NVMETCTL_TEST_LIBC_FUNCTIONS)

TEST(SharedLibrary, OpenLibraryBindsEveryFunctionOfTheList) {
  auto libc = open_library<Libc>("libc.so.6", "libc6");
  ASSERT_TRUE(libc) << libc.error().describe();
  EXPECT_EQ(libc->getpid(), ::getpid());
  EXPECT_EQ(libc->getppid(), ::getppid());
}

// Opened once a process: the second call answers with the first's functions.
TEST(SharedLibrary, OpenedLibraryIsOpenedOnce) {
  auto first = opened_library<Libc>("libc.so.6", "libc6");
  ASSERT_TRUE(first) << first.error().describe();
  auto second = opened_library<Libc>("libc.so.6", "libc6");
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  EXPECT_EQ((*second)->getpid(), ::getpid());
}

TEST(SharedLibrary, AMissingLibraryNamesItsPackage) {
  auto library = SharedLibrary::open("libnvmetctl-no-such-library.so.7", "libnvmetctl-nothing1");
  ASSERT_FALSE(library);
  std::string text = library.error().describe();
  EXPECT_NE(text.find("load libnvmetctl-no-such-library.so.7"), std::string::npos) << text;
  EXPECT_NE(text.find("install the Debian package libnvmetctl-nothing1"), std::string::npos) << text;
}

TEST(SharedLibrary, BindsAFunctionWithItsDeclaredType) {
  auto library = SharedLibrary::open("libc.so.6", "libc6");
  ASSERT_TRUE(library) << library.error().describe();
  decltype(&::getpid) own_pid = nullptr;
  ASSERT_TRUE(library->bind(own_pid, "getpid"));
  EXPECT_EQ(own_pid(), ::getpid());
}

TEST(SharedLibrary, AFunctionTheLibraryLacksIsNamed) {
  auto library = SharedLibrary::open("libc.so.6", "libc6");
  ASSERT_TRUE(library);
  int (*missing)() = nullptr;
  auto bound = library->bind(missing, "nvmetctl_no_such_function");
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().describe().find("nvmetctl_no_such_function"), std::string::npos);
  EXPECT_EQ(missing, nullptr);
}

}  // namespace
}  // namespace nvmetctl
