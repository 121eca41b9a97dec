#pragma once
// JSON text written without building nlohmann's document first, for the
// files an apply writes on every run (the crash journal's steps, the
// served-size record): at 1024x4 they hold tens of thousands of strings,
// and building then dumping a document was a third of a cold apply's
// userland time (issue 16).
#include <string>
#include <string_view>

namespace nvmetctl {

// A string as JSON, as nlohmann writes it. Printable ASCII without quotes
// or backslashes (every path and NQN nvmetctl makes) is copied as it is;
// anything else goes through nlohmann, which replaces what is not UTF-8.
void append_json_string(std::string& out, std::string_view text);

}  // namespace nvmetctl
