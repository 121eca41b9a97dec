#pragma once
// In-memory ConfigfsMounter for tests of the MountConfigfs step: records each
// mount, fails on demand with the errno mount(2) would give, and can run a
// callback on success (e.g. to make the fake tree appear).
#include <functional>
#include <string>
#include <vector>

#include "nvmetctl/apply/environment.h"

namespace nvmetctl {

class FakeConfigfsMounter final : public ConfigfsMounter {
 public:
  // The next mount fails with errnum (EPERM without CAP_SYS_ADMIN, ENODEV
  // without configfs in the kernel, EBUSY, ...).
  FakeConfigfsMounter& fail_next(int errnum);
  FakeConfigfsMounter& on_mount(std::function<void(const std::string&)> callback);

  Expected<void> mount(const std::string& mount_point) override;

  // Every call, failed or not, in call order.
  const std::vector<std::string>& calls() const { return calls_; }
  // Mount points mounted successfully.
  const std::vector<std::string>& mounted() const { return mounted_; }

 private:
  int failure_ = 0;
  std::function<void(const std::string&)> on_mount_;
  std::vector<std::string> calls_;
  std::vector<std::string> mounted_;
};

}  // namespace nvmetctl
