#include "nvmetctl/util/interrupt.h"

#include <csignal>
#include <cstring>

namespace nvmetctl {

std::atomic<bool> g_interrupted{false};

namespace {

void on_signal(int) { g_interrupted = true; }

}  // namespace

// Apply stops between steps and rolls back; without SA_RESTART a blocking
// call returns EINTR instead of hiding the signal.
void install_interrupt_handlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace nvmetctl
