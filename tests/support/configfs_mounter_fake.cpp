#include "configfs_mounter_fake.h"

namespace nvmetctl {

FakeConfigfsMounter& FakeConfigfsMounter::fail_next(int errnum) {
  failure_ = errnum;
  return *this;
}

FakeConfigfsMounter& FakeConfigfsMounter::on_mount(std::function<void(const std::string&)> callback) {
  on_mount_ = std::move(callback);
  return *this;
}

Expected<void> FakeConfigfsMounter::mount(const std::string& mount_point) {
  calls_.push_back(mount_point);
  if (int errnum = failure_; errnum != 0) {
    failure_ = 0;
    return sys_error(errnum, "mount configfs on", mount_point);
  }
  mounted_.push_back(mount_point);
  if (on_mount_) on_mount_(mount_point);
  return {};
}

}  // namespace nvmetctl
