#pragma once
// Stable exit statuses; scripts depend on them (documented in nvmetctl(8)).
namespace nvmetctl {
enum class ApplyStatus;  // engine/engine.h
}  // namespace nvmetctl

namespace nvmetctl::exit_code {
inline constexpr int kOk = 0;
inline constexpr int kError = 1;              // could not do the job (I/O, permissions, ...)
inline constexpr int kChangesPending = 2;     // plan --detailed-exitcode: changes to make
inline constexpr int kInvalidInput = 3;       // the file, or the plan for it, has errors
inline constexpr int kRolledBack = 4;         // apply failed; everything was put back
inline constexpr int kRollbackIncomplete = 5; // apply failed and the rollback could not finish
inline constexpr int kLocked = 6;             // another nvmetctl holds the lock
inline constexpr int kDoctorFailures = 7;     // doctor found at least one failure
inline constexpr int kNotServed = 8;          // check: something the target promises is not served
inline constexpr int kUsage = 64;             // bad command line

// The exit status of apply and clear for what the engine reports
// (src/core/engine/exit_code.cpp).
int for_apply_status(ApplyStatus status);
}  // namespace nvmetctl::exit_code
