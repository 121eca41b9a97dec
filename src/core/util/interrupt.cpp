#include "nvmetctl/util/interrupt.h"

#include <csignal>
#include <cstring>

namespace nvmetctl {

std::atomic<bool> g_interrupted{false};

namespace {

void on_signal(int) { g_interrupted = true; }

}  // namespace

// Apply stops between steps and rolls back; without SA_RESTART a blocking
// call returns EINTR instead of hiding the signal. Every signal whose
// default ends the process and that a run meets in ordinary use: a closed
// terminal or ssh session (SIGHUP), Ctrl-\ (SIGQUIT), and a report
// written to a pipe whose reader went away (SIGPIPE; the write then fails
// with EPIPE instead).
void install_interrupt_handlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) sigaction(sig, &action, nullptr);
}

}  // namespace nvmetctl
