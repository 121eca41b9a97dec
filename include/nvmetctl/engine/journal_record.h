#pragma once
// journal.json's content: the record without its `done` count (that is in
// journal.steps), as JSON and back.
#include <nlohmann/json.hpp>

#include "nvmetctl/engine/journal.h"

namespace nvmetctl {

// journal.json as written: one line, ending in a newline.
std::string journal_record_to_text(const JournalRecord& record);
Expected<JournalRecord> journal_record_from_json(const nlohmann::json& doc, const std::string& where);
std::vector<JournalStep> journal_steps_of(const Plan& plan);

}  // namespace nvmetctl
