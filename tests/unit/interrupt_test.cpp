#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <map>

#include "nvmetctl/util/interrupt.h"

namespace nvmetctl {
namespace {

// Puts back the test process's own dispositions.
class SavedSignals {
 public:
  explicit SavedSignals(std::initializer_list<int> signals) {
    for (int sig : signals) sigaction(sig, nullptr, &saved_[sig]);
  }
  ~SavedSignals() {
    for (auto& [sig, action] : saved_) sigaction(sig, &action, nullptr);
    g_interrupted = false;
  }

 private:
  std::map<int, struct sigaction> saved_;
};

// SIGHUP (a closed terminal or ssh session) ended an apply half-way with
// exit 129, and SIGQUIT and SIGPIPE (stdout closed under a pager) the same;
// each must roll back like SIGTERM.
TEST(Interrupt, HangupQuitAndBrokenPipeStopTheRunLikeTermination) {
  SavedSignals saved{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
  install_interrupt_handlers();
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) {
    g_interrupted = false;
    ASSERT_EQ(std::raise(sig), 0);
    EXPECT_TRUE(g_interrupted.load()) << strsignal(sig);
  }
}

}  // namespace
}  // namespace nvmetctl
