#pragma once
// A problem found in a target file, pinned to the exact place it came from.
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "nvmetctl/model/target.h"

namespace nvmetctl {

enum class Severity { Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLocation where;
  std::string field;    // "subsystems[0].namespaces[1].nsid"
  std::string message;

  // "target.yaml:12:9: error: subsystems[0].namespaces[1].nsid: ..."
  std::string format() const;
};

// Values quoted in messages may hold any bytes: a NUL or an escape sequence
// is shown as \xNN instead of reaching the terminal raw.
std::string escape_control_characters(const std::string& text);

class Diagnostics {
 public:
  void error(const SourceLocation& where, std::string field, std::string message);
  // One error per problem, for checks that run after the file is read: skipped
  // when an earlier error is about the same field, or about the enclosing
  // object at the same place (an empty nqn after "missing required key
  // 'nqn'", a 256-byte NQN that is also over 223 bytes).
  void error_once(const SourceLocation& where, std::string field, std::string message);
  void warning(const SourceLocation& where, std::string field, std::string message);
  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  // As a reader walks the file: by line and column; problems without a
  // place (the machine's, not the file's) last.
  std::vector<Diagnostic> in_file_order() const;
  void append(const Diagnostics& other);

 private:
  void index(const Diagnostic& d);

  std::vector<Diagnostic> items_;
  // What error_once looks up, so a file with many errors is not quadratic:
  // the fields with an error, and each with the line and column it is at.
  std::set<std::string> error_fields_;
  std::set<std::tuple<int, int, std::string>> error_fields_at_;
};

}  // namespace nvmetctl
