#pragma once
// Block-style YAML text for what export prints: maps, sequences of maps,
// flow sequences of scalars, scalars. yaml-cpp stays the parser; its
// emitter decided the quoting of every scalar with a regular expression per
// character, which was a third of a 256x4 export under emulation (issue 16).
// The layout is the one yaml-cpp's emitter gave (two spaces a level, "- "
// items, "{}" / "[]" for empty ones), so exported files read as before.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nvmetctl {

// A scalar as YAML text: plain where that reads back as the same string in
// every YAML reader (no indicator, no null/boolean word, nothing a flow
// sequence would split), double-quoted with escapes otherwise.
std::string yaml_scalar_text(std::string_view value);
// Always double-quoted: values that must never read as a number or boolean.
// Every byte is kept, UTF-8 or not: a name the kernel holds with a byte that
// is no UTF-8 makes a file the parser refuses ("not a UTF-8 text file"),
// never one that silently names something else (U+FFFD in its place).
std::string yaml_double_quoted(std::string_view value);
// The same, appended to `out`: a big export writes each scalar straight
// into the document.
void append_yaml_scalar(std::string& out, std::string_view value);
void append_yaml_double_quoted(std::string& out, std::string_view value);

class YamlTextWriter {
 public:
  // Inside a map: the key of the next entry (then a value, a map or a sequence).
  void key(std::string_view name);
  void value(std::string_view text);
  // A literal is text: without this it would convert to bool, not string_view.
  void value(const char* text) { value(std::string_view(text)); }
  void quoted_value(std::string_view text);
  void value(std::int64_t number) { scalar_value(std::to_string(number)); }
  void value(std::uint64_t number) { scalar_value(std::to_string(number)); }
  void value(bool flag) { scalar_value(flag ? "true" : "false"); }
  void flow_sequence(const std::vector<std::string>& items);

  // At the top, as the value of a key, or as an item of a sequence.
  void begin_map();
  void end_map();
  // As the value of a key; its items are maps.
  void begin_sequence();
  void end_sequence();

  // The document, without a final newline (as yaml-cpp's c_str()).
  const std::string& text() const { return out_; }

 private:
  struct Level {
    bool is_map;
    int indent;  // of its entries, or of its items' "- "
    bool empty = true;
  };
  void scalar_value(std::string_view text);
  void start_line(int indent);
  void close_level(const char* empty_mark);
  int child_indent() const { return levels_.empty() ? 0 : levels_.back().indent + 2; }

  std::string out_;
  std::vector<Level> levels_;
  bool after_dash_ = false;  // the next entry goes on the "- " line
};

}  // namespace nvmetctl
