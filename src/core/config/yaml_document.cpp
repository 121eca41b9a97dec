#include "yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

#include "nvmetctl/config/value_syntax.h"

namespace nvmetctl::yaml_input {
namespace {

// What the reader refuses, found in one pass over the parser's events
// before any node is built. An alias shares its node, but every walk over
// the tree repeats it: 300 aliases of 300 aliases made a 3.4 KB file take
// minutes and print tens of thousands of errors. An explicit tag would
// change a value's type ('!!str 5'), and the reader goes by the text alone.
class UnsupportedSyntax final : public YAML::EventHandler {
 public:
  struct Uses {
    YAML::Mark first;
    std::size_t count = 0;
    void add(const YAML::Mark& mark) {
      if (count++ == 0) first = mark;
    }
  };
  Uses aliases;
  Uses tags;
  std::string first_tag;
  // yaml-cpp 0.7 never consumes a token that cannot start a node where a
  // document starts (a ',' outside [...] or {...}): HandleNextDocument then
  // reports the same empty document forever, and so would YAML::LoadAll.
  // A document that starts where the previous one did is that token.
  std::optional<YAML::Mark> stuck;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0 && mark.pos == last_start_.pos) stuck = mark;
    last_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { aliases.add(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string&) override {
    note_tag(mark, tag);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note_tag(mark, tag);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note_tag(mark, tag);
  }
  void OnMapEnd() override {}

 private:
  // yaml-cpp gives an untagged plain node "?" and a quoted one (or one
  // tagged '!') "!"; anything else was written out.
  void note_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    if (tags.count == 0) {
      static const std::string kCore = "tag:yaml.org,2002:";
      first_tag = tag.rfind(kCore, 0) == 0 ? "!!" + tag.substr(kCore.size()) : tag;
    }
    tags.add(mark);
  }

  std::size_t documents_ = 0;
  YAML::Mark last_start_;
};

std::string stuck_message(const std::string& text, const YAML::Mark& at) {
  const auto pos = static_cast<std::size_t>(at.pos);
  const char c = pos < text.size() ? text[pos] : '\0';
  std::string message = "not valid YAML: ";
  if (c == ',') return message + "unexpected ','; a comma separates items only inside [...] or {...}";
  if (c > ' ' && c < 127) return message + "unexpected '" + c + "'";
  return message + "a token here cannot start a value";
}

// One error for all uses, at the first: the rest say the same.
void report_uses(const UnsupportedSyntax::Uses& uses, const std::string& file_name, const std::string& message,
                 const std::string& plural, Diagnostics& diagnostics) {
  if (uses.count == 0) return;
  std::string text = message;
  if (uses.count > 1) text += " (the first of " + std::to_string(uses.count) + " " + plural + " in the file)";
  diagnostics.error({file_name, uses.first.line + 1, uses.first.column + 1}, "", text);
}

// Where a file stops being UTF-8 text (a binary file, UTF-16): yaml-cpp
// would report a confusing escape or scanner error further on.
std::optional<SourceLocation> first_non_text_byte(const std::string& text, const std::string& file_name) {
  size_t bad = std::min(text.find('\0'), first_invalid_utf8(text));
  if (bad == std::string::npos) return std::nullopt;
  size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
  line_start = line_start == std::string::npos || bad == 0 ? 0 : line_start + 1;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
  return SourceLocation{file_name, line, static_cast<int>(bad - line_start) + 1};
}

// One pass over the parser's events before any node is built. It costs a
// second scan of the text, and no cheaper test is safe: a stray ',' can
// hang YAML::LoadAll itself.
bool refuse_unsupported_syntax(const std::string& text, const std::string& file_name, Diagnostics& diagnostics) {
  UnsupportedSyntax unsupported;
  std::istringstream events(text);
  YAML::Parser parser(events);
  // Every document consumes at least one byte, so the bound only stops a
  // parser that makes no progress in a way the start marks do not show.
  for (std::size_t n = 0; !unsupported.stuck && parser.HandleNextDocument(unsupported); ++n)
    if (n > text.size()) unsupported.stuck = YAML::Mark();
  if (unsupported.stuck) {
    const YAML::Mark& at = *unsupported.stuck;
    diagnostics.error({file_name, at.line + 1, at.column + 1}, "", stuck_message(text, at));
    return false;
  }
  report_uses(unsupported.aliases, file_name, "YAML aliases are not supported: write the value out", "aliases",
              diagnostics);
  report_uses(unsupported.tags, file_name,
              "YAML tags are not supported (" + unsupported.first_tag + "): write the plain value, quoted when it is text",
              "tags", diagnostics);
  return !diagnostics.has_errors();
}

}  // namespace

std::optional<YAML::Node> load_single_document(const std::string& text, const std::string& file_name,
                                               Diagnostics& diagnostics) {
  if (auto where = first_non_text_byte(text, file_name)) {
    diagnostics.error(*where, "", "not a UTF-8 text file (a NUL byte or an invalid byte sequence here)");
    return std::nullopt;
  }
  try {
    if (!refuse_unsupported_syntax(text, file_name, diagnostics)) return std::nullopt;
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      YAML::Mark second = documents[1].Mark();
      diagnostics.error({file_name, second.is_null() ? 0 : second.line + 1, second.is_null() ? 0 : second.column + 1},
                        "", "the file holds " + std::to_string(documents.size()) +
                                " YAML documents ('---'); a target file is exactly one");
      return std::nullopt;
    }
    return documents.empty() ? YAML::Node() : documents[0];
  } catch (const YAML::ParserException& e) {
    diagnostics.error({file_name, e.mark.line + 1, e.mark.column + 1}, "", "not valid YAML: " + e.msg);
    return std::nullopt;
  }
}

}  // namespace nvmetctl::yaml_input
