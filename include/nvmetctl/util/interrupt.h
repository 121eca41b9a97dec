#pragma once
// Signals that ask a run to stop. Apply and clear look at the flag between
// steps and roll back what they did; nothing else needs to know.
#include <atomic>

namespace nvmetctl {

extern std::atomic<bool> g_interrupted;

// Catches the signals that would otherwise end the process mid-apply and
// sets g_interrupted instead.
void install_interrupt_handlers();

}  // namespace nvmetctl
