#pragma once
// A ConfigFs that passes everything to another and calls a hook around each
// mutation (1-based count): how the tests make a run meet a signal, an
// interrupt or a SIGKILL at its n-th configfs change.
#include <functional>
#include <string>
#include <vector>

#include "nvmetctl/configfs/config_fs.h"

namespace nvmetctl {

class MutationHookFs final : public ConfigFs {
 public:
  using Hook = std::function<void(int mutation)>;
  // `before` runs before the mutation reaches `inner` (it may throw, as a
  // kill would stop the run there); `after` runs once it went through.
  MutationHookFs(ConfigFs& inner, Hook before, Hook after)
      : inner_(inner), before_(std::move(before)), after_(std::move(after)) {}

  bool exists(const std::string& path) const override { return inner_.exists(path); }
  Expected<std::vector<DirEntry>> list(const std::string& dir) const override { return inner_.list(dir); }
  Expected<std::string> read(const std::string& attr) const override { return inner_.read(attr); }
  Expected<std::string> read_link(const std::string& link) const override { return inner_.read_link(link); }
  Expected<void> write(const std::string& attr, const std::string& value) override {
    return hooked([&] { return inner_.write(attr, value); });
  }
  Expected<void> make_dir(const std::string& dir) override {
    return hooked([&] { return inner_.make_dir(dir); });
  }
  Expected<void> remove_dir(const std::string& dir) override {
    return hooked([&] { return inner_.remove_dir(dir); });
  }
  Expected<void> make_link(const std::string& target, const std::string& link) override {
    return hooked([&] { return inner_.make_link(target, link); });
  }
  Expected<void> remove_link(const std::string& link) override {
    return hooked([&] { return inner_.remove_link(link); });
  }

 private:
  template <class Mutation>
  Expected<void> hooked(Mutation mutate) {
    ++count_;
    if (before_) before_(count_);
    Expected<void> result = mutate();
    if (after_) after_(count_);
    return result;
  }

  ConfigFs& inner_;
  Hook before_, after_;
  int count_ = 0;
};

}  // namespace nvmetctl
