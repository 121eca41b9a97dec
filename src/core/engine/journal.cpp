#include "nvmetctl/engine/journal.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "nvmetctl/engine/journal_record.h"
#include "nvmetctl/util/durable_file.h"
#include "nvmetctl/util/text_file.h"

namespace nvmetctl {
namespace {

// Root-only: the snapshot holds the DH-HMAC-CHAP keys configfs holds.
constexpr unsigned kDirMode = 0700;
constexpr unsigned kFileMode = 0600;

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Field 22 of /proc/<pid>/stat, after the command name in parentheses
// (which may itself hold spaces and parentheses). 0 when unreadable.
unsigned long long process_start(const std::string& proc, long pid) {
  auto stat = read_text_file(proc + "/" + std::to_string(pid) + "/stat", 4096);
  if (!stat) return 0;
  auto close = stat->rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat->substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i)
    if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
  return 0;
}

// journal.steps: one completed step index a line. A line cut short by a
// kill while it was written is no completed step.
std::size_t count_done(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return 0;
  std::size_t lines = 0;
  for (char c : *text) lines += c == '\n';
  return lines;
}

}  // namespace

CrashJournal::CrashJournal(std::string run_dir, std::string proc) : dir_(std::move(run_dir)), proc_(std::move(proc)) {}

Expected<void> CrashJournal::begin(const std::string& command, const Target& snapshot, const Plan& plan) {
  if (auto dir = ensure_private_dir(dir_, kDirMode); !dir) return dir;
  JournalRecord record;
  record.pid = static_cast<long>(::getpid());
  record.pid_start = process_start(proc_, record.pid);
  record.started = utc_now();
  record.command = command;
  record.snapshot = snapshot;
  record.steps = journal_steps_of(plan);
  // The steps file first: a record without it would read as steps done by
  // an older run.
  auto steps = StepMarks::create(steps_path(), kFileMode, record.steps.size());
  if (!steps) return steps.error();
  steps_ = std::move(*steps);
  return write_file_atomically(record_path(), journal_record_to_text(record), kFileMode);
}

Expected<void> CrashJournal::mark(std::size_t index) { return steps_.mark(index); }

Expected<void> CrashJournal::remove() {
  steps_ = StepMarks();
  // The record first: steps without a record are ignored.
  if (auto removed = remove_file(record_path()); !removed) return removed;
  return remove_file(steps_path());
}

Expected<void> CrashJournal::restore(const JournalRecord& record) {
  if (auto dir = ensure_private_dir(dir_, kDirMode); !dir) return dir;
  auto steps = StepMarks::create(steps_path(), kFileMode, record.steps.size());
  if (!steps) return steps.error();
  for (std::size_t i = 0; i < record.done && i < record.steps.size(); ++i)
    if (auto marked = steps->mark(i); !marked) return marked;
  steps_ = StepMarks();
  return write_file_atomically(record_path(), journal_record_to_text(record), kFileMode);
}

Expected<std::optional<JournalRecord>> CrashJournal::read() const {
  if (::access(record_path().c_str(), F_OK) != 0 && errno == ENOENT) return std::optional<JournalRecord>{};
  auto text = read_text_file(record_path(), 256 * 1024 * 1024);
  if (!text) return text.error();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return logic_error("read", record_path(), "not JSON (cut short?)");
  auto record = journal_record_from_json(doc, record_path());
  if (!record) return record.error();
  record->done = count_done(steps_path());
  return std::optional<JournalRecord>(std::move(*record));
}

bool CrashJournal::is_running(const JournalRecord& record) const {
  unsigned long long start = process_start(proc_, record.pid);
  return start != 0 && start == record.pid_start;
}

Expected<std::optional<JournalRecord>> CrashJournal::find_interrupted() const {
  auto record = read();
  if (!record || !*record || !is_running(**record)) return record;
  return std::optional<JournalRecord>{};
}

std::string describe_interrupted_run(const JournalRecord& record) {
  return "an interrupted run was found (pid " + std::to_string(record.pid) + ", started " + record.started + "): " +
         std::to_string(record.done) + " of " + std::to_string(record.steps.size()) + " steps done";
}

}  // namespace nvmetctl
