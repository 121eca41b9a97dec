#include "nvmetctl/engine/journal_record.h"


#include "nvmetctl/engine/snapshot_json.h"
#include "nvmetctl/util/json_text.h"

namespace nvmetctl {

std::string journal_record_to_text(const JournalRecord& record) {
  nlohmann::json head = {{"format", record.format},   {"pid", record.pid},
                         {"pid_start", record.pid_start}, {"started", record.started},
                         {"command", record.command}, {"snapshot", snapshot_to_json(record.snapshot)}};
  std::string text = head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.pop_back();  // the closing brace: the steps follow
  // A step is a row [change, operation, path] (util/json_text): with keys
  // (format 1) the steps were twice the bytes, and as a document they were a
  // third of a cold apply's userland time at 1024x4 (issue 16).
  text += R"(,"steps":[)";
  for (std::size_t i = 0; i < record.steps.size(); ++i) {
    const JournalStep& step = record.steps[i];
    if (i != 0) text += ',';
    text += '[';
    append_json_string(text, step.change);
    text += ',';
    append_json_string(text, step.operation);
    text += ',';
    append_json_string(text, step.path);
    text += ']';
  }
  text += "]}\n";
  return text;
}

Expected<JournalRecord> journal_record_from_json(const nlohmann::json& doc, const std::string& where) {
  JournalRecord record;
  try {
    record.format = doc.at("format").get<int>();
    if (record.format != kJournalFormat && record.format != kJournalFormatWithKeyedSteps)
      return logic_error("read", where, "journal format " + std::to_string(record.format) + ", this nvmetctl reads " +
                                            std::to_string(kJournalFormat));
    record.pid = doc.at("pid").get<long>();
    record.pid_start = doc.at("pid_start").get<unsigned long long>();
    record.started = doc.at("started").get<std::string>();
    record.command = doc.at("command").get<std::string>();
    // Format 1, written by nvmetctl before 2026-12, is still read: a journal
    // left by a run killed before an upgrade must stay rollbackable.
    bool keyed = record.format == kJournalFormatWithKeyedSteps;
    for (const auto& s : doc.at("steps")) {
      if (keyed)
        record.steps.push_back(
            {s.at("change").get<std::string>(), s.at("operation").get<std::string>(), s.at("path").get<std::string>()});
      else if (s.size() == 3)
        record.steps.push_back({s.at(0).get<std::string>(), s.at(1).get<std::string>(), s.at(2).get<std::string>()});
      else
        return logic_error("read", where, "not a journal nvmetctl wrote: a step is not [change, operation, path]");
    }
    record.format = kJournalFormat;
  } catch (const std::exception& e) {
    return logic_error("read", where, std::string("not a journal nvmetctl wrote: ") + e.what());
  }
  if (!doc.contains("snapshot")) return logic_error("read", where, "not a journal nvmetctl wrote: no snapshot");
  auto snapshot = snapshot_from_json(doc["snapshot"], where);
  if (!snapshot) return snapshot.error();
  record.snapshot = std::move(*snapshot);
  return record;
}

std::vector<JournalStep> journal_steps_of(const Plan& plan) {
  std::vector<JournalStep> steps;
  steps.reserve(plan.steps.size());
  for (const Step& step : plan.steps)
    steps.push_back({change_symbol(step.change), op_kind_name(step.op.kind), step.op.path});
  return steps;
}

}  // namespace nvmetctl
