#pragma once
// What wakes the agent. The real source multiplexes rtnetlink (addresses,
// links), kernel and udev uevents (block devices), inotify on the file's
// directory, signals and nothing else; tests script one.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"

namespace nvmetctl {

enum class WatchEvent {
  Network,      // an address or a link came or went
  Device,       // a block device (or its udev link) came or went
  RdmaDevice,   // an RDMA device (an rxe link made or gone, a driver bound) came or went
  FileChanged,  // the target file was written or replaced
  Reload,       // SIGHUP: read the file again now
  Stop,         // SIGTERM, SIGINT, SIGQUIT: finish and exit
};

std::string to_string(WatchEvent event);

class WatchEvents {
 public:
  virtual ~WatchEvents() = default;
  // Waits up to `timeout` (forever when nullopt) and returns what happened,
  // each kind at most once; empty when the time ran out.
  virtual std::vector<WatchEvent> wait(std::optional<std::chrono::milliseconds> timeout) = 0;
  // Device paths waited for: a change in their directories is a Device
  // event too (a /dev/disk/by-id link made without a uevent reaching us).
  // Replaces the previous set.
  virtual void watch_devices(const std::vector<std::string>& paths) { (void)paths; }
};

// The real one. Blocks the stop and reload signals (they arrive through a
// signalfd, so an apply in flight is never cut: it finishes, then the agent
// stops). `file` is watched by its directory, so an editor's rename counts.
Expected<std::unique_ptr<WatchEvents>> make_linux_watch_events(const std::string& file);

}  // namespace nvmetctl
