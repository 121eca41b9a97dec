#pragma once
// Reads the kernel log (/dev/kmsg) from a chosen point on, so a failed
// configfs operation can be reported with the lines the kernel printed for it.
#include <cstdint>
#include <string>
#include <vector>

namespace nvmetctl {

struct KernelLogLine {
  std::uint64_t usec = 0;  // since boot
  int level = 6;
  std::string text;        // "nvmet: transport type 1 not supported"

  std::string stamped() const;  // "[   12.345678] nvmet: ..."
};

// Parses one /dev/kmsg record: "pri,seq,usec,flags;message".
bool parse_kmsg_record(const std::string& record, KernelLogLine& out);

class KernelLog {
 public:
  explicit KernelLog(std::string path);
  ~KernelLog();
  KernelLog(const KernelLog&) = delete;
  KernelLog& operator=(const KernelLog&) = delete;

  bool available() const { return fd_ >= 0; }
  // Forget everything logged so far (writes a marker on /dev/kmsg).
  void skip_to_end();
  // Drop what is already buffered, without waiting for late lines.
  void discard_pending();
  // Everything logged since the last call. Messages can trail the operation
  // that caused them, so a marker is written and read back first.
  std::vector<KernelLogLine> take_new();
  // What is readable now, without a marker (nothing written to the log):
  // for counting over time, where a line that trails into the next call is fine.
  std::vector<KernelLogLine> take_available();
  // The whole buffer still held by the kernel.
  std::vector<KernelLogLine> read_all();

 private:
  std::vector<KernelLogLine> read_until_marker(const std::string& marker);

  std::string path_;
  int fd_ = -1;
  bool writable_device_ = false;
  unsigned marker_counter_ = 0;
};

}  // namespace nvmetctl
