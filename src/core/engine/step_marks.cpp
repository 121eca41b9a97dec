#include "nvmetctl/engine/step_marks.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace nvmetctl {
namespace {

// Bytes of "0\n" .. "<steps-1>\n".
std::size_t file_size_for(std::size_t steps) {
  std::size_t size = 0;
  for (std::size_t first = 0, last = 10, width = 1; first < steps; first = last, last *= 10, ++width)
    size += ((steps < last ? steps : last) - first) * (width + 1);
  return size;
}

}  // namespace

StepMarks::~StepMarks() { release(); }

StepMarks::StepMarks(StepMarks&& other) noexcept { *this = std::move(other); }

StepMarks& StepMarks::operator=(StepMarks&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
    next_index_ = std::exchange(other.next_index_, 0);
    next_offset_ = std::exchange(other.next_offset_, 0);
    path_ = std::move(other.path_);
  }
  return *this;
}

void StepMarks::release() {
  if (map_) ::munmap(map_, size_);
  if (fd_ >= 0) ::close(fd_);
  map_ = nullptr;
  fd_ = -1;
}

Expected<StepMarks> StepMarks::create(const std::string& path, unsigned mode, std::size_t steps) {
  StepMarks marks;
  marks.path_ = path;
  marks.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (marks.fd_ < 0) return sys_error(errno, "create", path);
  marks.size_ = file_size_for(steps);
  if (marks.size_ == 0) return marks;
  // Reserved now: a store into a mapping of a full tmpfs would be SIGBUS in
  // the middle of the apply instead of an error before it.
  if (int failed = ::posix_fallocate(marks.fd_, 0, static_cast<off_t>(marks.size_)); failed != 0)
    return sys_error(failed, "reserve space for", path);
  void* map = ::mmap(nullptr, marks.size_, PROT_READ | PROT_WRITE, MAP_SHARED, marks.fd_, 0);
  if (map != MAP_FAILED) marks.map_ = static_cast<char*>(map);
  return marks;
}

Expected<void> StepMarks::mark(std::size_t index) {
  if (fd_ < 0) return logic_error("mark a step in", path_, "not open");
  if (index != next_index_) return logic_error("mark a step in", path_, "steps marked out of order");
  std::string line = std::to_string(index) + "\n";
  if (next_offset_ + line.size() > size_) return logic_error("mark a step in", path_, "more steps than planned");
  if (map_) {
    // The digits before the newline: a line without its newline, where a
    // kill falls between the two, counts as no completed step.
    std::memcpy(map_ + next_offset_, line.data(), line.size() - 1);
    std::atomic_signal_fence(std::memory_order_release);
    map_[next_offset_ + line.size() - 1] = '\n';
  } else if (::pwrite(fd_, line.data(), line.size(), static_cast<off_t>(next_offset_)) !=
             static_cast<ssize_t>(line.size())) {
    return sys_error(errno, "write", path_);
  }
  next_offset_ += line.size();
  ++next_index_;
  return {};
}

}  // namespace nvmetctl
