#pragma once
// Checks that need the whole file: names that become configfs paths,
// duplicates, references between objects, and per-transport address rules.
#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

inline constexpr const char* kDiscoveryNqn = "nqn.2014-08.org.nvmexpress.discovery";
inline constexpr std::size_t kMaxNqnBytes = 223;

// Fills in what the file may leave out: adrfam from traddr, trsvcid 4420.
void complete_derived_values(Target& target);
void validate_target(const Target& target, Diagnostics& diagnostics);

}  // namespace nvmetctl
