#pragma once
// Small readers for the one-line sysfs/procfs files the tool consults.
// Absence is an answer there (no lockdown file, module not loaded, device
// gone), so they return nullopt rather than an error.
#include <optional>
#include <string>
#include <vector>

namespace nvmetctl::sys_files {

// Whole file without trailing newlines; nullopt when unreadable.
std::optional<std::string> read_trimmed(const std::string& path);

bool exists(const std::string& path);

// Entry names of a directory, sorted; empty when missing.
std::vector<std::string> list_dir(const std::string& path);

}  // namespace nvmetctl::sys_files
