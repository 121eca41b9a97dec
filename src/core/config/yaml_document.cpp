#include "yaml_document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

#include "nvmetctl/config/value_syntax.h"

namespace nvmetctl::yaml_input {

// The nodes of the first document, and what the reader refuses, in one pass
// over the parser's events. An alias shares its node, but every walk over
// the tree repeats it: 300 aliases of 300 aliases made a 3.4 KB file take
// minutes and print tens of thousands of errors. An explicit tag would
// change a value's type ('!!str 5'), and the reader goes by the text alone.
// Later documents are only counted: a target file is exactly one.
class DocumentBuilder final : public YAML::EventHandler {
 public:
  struct Uses {
    YAML::Mark first;
    std::size_t count = 0;
    void add(const YAML::Mark& mark) {
      if (count++ == 0) first = mark;
    }
  };

  explicit DocumentBuilder(Document& document) : document_(document) {}

  Uses aliases;
  Uses tags;
  std::string first_tag;
  // yaml-cpp 0.7 never consumes a token that cannot start a node where a
  // document starts (a ',' outside [...] or {...}): HandleNextDocument then
  // reports the same empty document forever. A document that starts where
  // the previous one did is that token.
  std::optional<YAML::Mark> stuck;
  std::size_t documents = 0;
  std::optional<YAML::Mark> second_document;  // where its first node is

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents++ > 0 && mark.pos == last_start_.pos) stuck = mark;
    last_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { add(Node::Kind::Null, mark); }
  // The alias itself stands as a null: the file is refused for it anyway.
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    aliases.add(mark);
    add(Node::Kind::Null, mark);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    note_tag(mark, tag);
    if (Node* node = add(Node::Kind::Scalar, mark)) {
      node->text_ = value;
      node->quoted_ = tag == "!";
    }
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note_tag(mark, tag);
    open(add(Node::Kind::Sequence, mark));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note_tag(mark, tag);
    open(add(Node::Kind::Map, mark));
  }
  void OnMapEnd() override { close(); }

 private:
  bool building() const { return documents == 1; }

  // A new node in its place: the root, a sequence's next item, or a
  // mapping's next key or the value of its last key.
  Node* add(Node::Kind kind, const YAML::Mark& mark) {
    if (!building()) {
      if (documents == 2 && !second_document) second_document = mark;
      return nullptr;
    }
    Node& node = document_.nodes.emplace_back();
    node.kind_ = kind;
    node.mark_ = mark;
    if (open_.empty()) {
      document_.root = &node;
    } else if (Node& parent = *open_.back(); parent.IsSequence()) {
      parent.items_.push_back(&node);
    } else if (parent.entries_.empty() || parent.entries_.back().second != nullptr) {
      parent.entries_.emplace_back(&node, nullptr);
    } else {
      parent.entries_.back().second = &node;
    }
    return &node;
  }
  void open(Node* node) {
    if (node) open_.push_back(node);
  }
  void close() {
    if (building() && !open_.empty()) open_.pop_back();
  }

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

  Document& document_;
  std::vector<Node*> open_;  // the collections being filled, innermost last
  YAML::Mark last_start_;
};

namespace {

std::string stuck_message(const std::string& text, const YAML::Mark& at) {
  const auto pos = static_cast<std::size_t>(at.pos);
  const char c = pos < text.size() ? text[pos] : '\0';
  std::string message = "not valid YAML: ";
  if (c == ',') return message + "unexpected ','; a comma separates items only inside [...] or {...}";
  if (c > ' ' && c < 127) return message + "unexpected '" + c + "'";
  return message + "a token here cannot start a value";
}

// One error for all uses, at the first: the rest say the same.
void report_uses(const DocumentBuilder::Uses& uses, const std::string& file_name, const std::string& message,
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

}  // namespace

std::optional<Document> load_single_document(const std::string& text, const std::string& file_name,
                                             Diagnostics& diagnostics) {
  if (auto where = first_non_text_byte(text, file_name)) {
    diagnostics.error(*where, "", "not a UTF-8 text file (a NUL byte or an invalid byte sequence here)");
    return std::nullopt;
  }
  Document document;
  DocumentBuilder builder(document);
  try {
    std::istringstream events(text);
    YAML::Parser parser(events);
    // Every document consumes at least one byte, so the bound only stops a
    // parser that makes no progress in a way the start marks do not show.
    for (std::size_t n = 0; !builder.stuck && parser.HandleNextDocument(builder); ++n)
      if (n > text.size()) builder.stuck = YAML::Mark();
  } catch (const YAML::ParserException& e) {
    diagnostics.error({file_name, e.mark.line + 1, e.mark.column + 1}, "", "not valid YAML: " + e.msg);
    return std::nullopt;
  }
  if (builder.stuck) {
    const YAML::Mark& at = *builder.stuck;
    diagnostics.error({file_name, at.line + 1, at.column + 1}, "", stuck_message(text, at));
    return std::nullopt;
  }
  report_uses(builder.aliases, file_name, "YAML aliases are not supported: write the value out", "aliases",
              diagnostics);
  report_uses(builder.tags, file_name,
              "YAML tags are not supported (" + builder.first_tag + "): write the plain value, quoted when it is text",
              "tags", diagnostics);
  if (diagnostics.has_errors()) return std::nullopt;
  if (builder.documents > 1) {
    YAML::Mark second = builder.second_document.value_or(YAML::Mark::null_mark());
    diagnostics.error({file_name, second.is_null() ? 0 : second.line + 1, second.is_null() ? 0 : second.column + 1},
                      "", "the file holds " + std::to_string(builder.documents) +
                              " YAML documents ('---'); a target file is exactly one");
    return std::nullopt;
  }
  return document;
}

}  // namespace nvmetctl::yaml_input
