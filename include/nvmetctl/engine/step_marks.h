#pragma once
// journal.steps: one completed step index a line ("0\n1\n2\n..."), so a
// run killed in the middle leaves how far it got. The file is sized for
// every step before the first one and written through a shared mapping: a
// mark is a store into the page cache, not a syscall (a cold apply at
// 256x4 has 3880 steps; a write(2) each cost about a tenth of its time
// under emulation). What is stored there outlives a killed process, as a
// write(2) would; a kernel crash loses both, and configfs with them.
#include <cstddef>
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

class StepMarks {
 public:
  StepMarks() = default;
  ~StepMarks();
  StepMarks(StepMarks&& other) noexcept;
  StepMarks& operator=(StepMarks&& other) noexcept;
  StepMarks(const StepMarks&) = delete;
  StepMarks& operator=(const StepMarks&) = delete;

  // Creates or truncates `path` (mode for a new file) with room for `steps`
  // marks; no space on the file system is an error here, before any change.
  static Expected<StepMarks> create(const std::string& path, unsigned mode, std::size_t steps);
  // Step `index` completed. Marks come in order: 0, 1, 2, ...
  Expected<void> mark(std::size_t index);

 private:
  void release();

  int fd_ = -1;
  char* map_ = nullptr;  // nullptr where the file system cannot map: pwrite then
  std::size_t size_ = 0;
  std::size_t next_index_ = 0;
  std::size_t next_offset_ = 0;
  std::string path_;
};

}  // namespace nvmetctl
