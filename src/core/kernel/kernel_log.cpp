#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/util/phase_profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace nvmetctl {

std::string KernelLogLine::stamped() const {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%5llu.%06llu] ", static_cast<unsigned long long>(usec / 1000000),
                static_cast<unsigned long long>(usec % 1000000));
  return stamp + text;
}

bool parse_kmsg_record(const std::string& record, KernelLogLine& out) {
  auto semicolon = record.find(';');
  if (semicolon == std::string::npos) return false;
  unsigned long long prio = 0, seq = 0, usec = 0;
  if (std::sscanf(record.c_str(), "%llu,%llu,%llu", &prio, &seq, &usec) != 3) return false;
  out.level = static_cast<int>(prio & 7);
  out.usec = usec;
  std::string text = record.substr(semicolon + 1);
  // Continuation lines (" KEY=value") carry device metadata, not message text.
  auto newline = text.find('\n');
  if (newline != std::string::npos) text.resize(newline);
  out.text = text;
  return true;
}

KernelLog::KernelLog(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st {};
  // Markers go only to the real /dev/kmsg: a plain file standing in for it
  // (tests, --kmsg) must not be written.
  writable_device_ = fd_ >= 0 && ::fstat(fd_, &st) == 0 && S_ISCHR(st.st_mode);
}

KernelLog::~KernelLog() {
  if (fd_ >= 0) ::close(fd_);
}

void KernelLog::skip_to_end() {
  ProfiledPhase profiled("kernel log");
  if (fd_ < 0) return;
  ::lseek(fd_, 0, SEEK_END);
  // SEEK_END stops before a last message that lacks its newline (nvmet's
  // "cannot enable both passthru and regular namespaces ..."): the kernel
  // finalizes it only when the next record comes. A marker is that record;
  // reading up to it consumes the straggler, which belongs to no step of ours.
  take_new();
}

namespace {
const std::string kMarkerPrefix = "nvmetctl: log mark ";
}  // namespace

std::vector<KernelLogLine> KernelLog::read_until_marker(const std::string& marker) {
  std::vector<KernelLogLine> lines;
  if (fd_ < 0) return lines;
  char buffer[8192];
  // Without a marker (no write access) read what is there now.
  int idle_rounds = 0;
  for (;;) {
    ssize_t n = ::read(fd_, buffer, sizeof buffer - 1);
    if (n < 0 && errno == EPIPE) continue;  // overwritten records: keep going
    if (n < 0 && errno == EAGAIN) {
      if (marker.empty() || ++idle_rounds > 50) break;
      ::usleep(2000);
      continue;
    }
    if (n <= 0) break;
    // /dev/kmsg returns one record per read; a plain file (tests) many.
    std::string chunk(buffer, static_cast<size_t>(n));
    size_t start = 0;
    while (start < chunk.size()) {
      size_t end = chunk.find('\n', start);
      if (end == std::string::npos) end = chunk.size();
      std::string record = chunk.substr(start, end - start);
      start = end + 1;
      KernelLogLine line;
      if (record.empty() || record[0] == ' ' || !parse_kmsg_record(record, line)) continue;
      if (!marker.empty() && line.text.find(marker) != std::string::npos) return lines;
      // Another run's marker (or one of ours that came late) is nobody's evidence.
      if (line.text.find(kMarkerPrefix) != std::string::npos) continue;
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

void KernelLog::discard_pending() { read_until_marker({}); }

std::vector<KernelLogLine> KernelLog::take_available() { return read_until_marker({}); }

std::vector<KernelLogLine> KernelLog::take_new() {
  ProfiledPhase profiled("kernel log");
  std::string marker = kMarkerPrefix + std::to_string(::getpid()) + "." + std::to_string(++marker_counter_);
  int out = writable_device_ ? ::open(path_.c_str(), O_WRONLY | O_CLOEXEC) : -1;
  if (out >= 0) {
    // Debug level: invisible on consoles. The newline makes the kernel
    // finalize the record at once; without it the record (like nvmet's
    // newline-less messages) only becomes readable when the next one comes.
    std::string record = "<7>" + marker + "\n";
    bool written = ::write(out, record.data(), record.size()) == static_cast<ssize_t>(record.size());
    ::close(out);
    if (!written) marker.clear();
  } else {
    marker.clear();
  }
  return read_until_marker(marker);
}

std::vector<KernelLogLine> KernelLog::read_all() {
  if (fd_ < 0) return {};
  ::lseek(fd_, 0, SEEK_SET);
  return read_until_marker({});
}

}  // namespace nvmetctl
