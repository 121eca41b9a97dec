#pragma once
// The target file's text as one YAML document, or located errors: text that
// is not UTF-8, YAML syntax, aliases and explicit tags (refused), and more
// than one document. Private to src/core/config.
#include <yaml-cpp/mark.h>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nvmetctl/config/diagnostic.h"

namespace nvmetctl::yaml_input {

// One node of the file, built from yaml-cpp's parser events: what the reader
// asks of a node and nothing more. The events must be seen anyway (aliases,
// tags and a parser stuck on a stray ',' are refused before anything is
// read), so building from them spares yaml-cpp's own node tree a second
// scan of the text. The accessors keep yaml-cpp's names.
class Node {
 public:
  enum class Kind { Null, Scalar, Sequence, Map };
  using Entry = std::pair<const Node*, const Node*>;  // key, value

  bool IsNull() const { return kind_ == Kind::Null; }
  bool IsScalar() const { return kind_ == Kind::Scalar; }
  bool IsSequence() const { return kind_ == Kind::Sequence; }
  bool IsMap() const { return kind_ == Kind::Map; }
  const std::string& Scalar() const { return text_; }
  bool quoted() const { return quoted_; }  // '...' or "...": text, whatever it looks like
  const YAML::Mark& Mark() const { return mark_; }
  std::size_t size() const { return items_.size(); }
  const Node& operator[](std::size_t index) const { return *items_[index]; }
  const std::vector<Entry>& entries() const { return entries_; }
  bool has(const std::string& key) const {  // a mapping's plain key
    for (const Entry& entry : entries_)
      if (entry.first->IsScalar() && entry.first->Scalar() == key) return true;
    return false;
  }

 private:
  friend class DocumentBuilder;
  Kind kind_ = Kind::Null;
  bool quoted_ = false;
  YAML::Mark mark_;
  std::string text_;
  std::vector<const Node*> items_;  // a sequence's
  std::vector<Entry> entries_;      // a mapping's, in file order, duplicates kept
};

// Owns every node; a deque keeps their addresses when it grows or moves.
struct Document {
  std::deque<Node> nodes;
  const Node* root = nullptr;  // nullptr: the file holds no document
};

// nullopt when `diagnostics` got an error.
std::optional<Document> load_single_document(const std::string& text, const std::string& file_name,
                                             Diagnostics& diagnostics);

}  // namespace nvmetctl::yaml_input
