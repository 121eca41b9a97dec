#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>

#include "nvmetctl/formats/yaml_text_writer.h"

namespace nvmetctl {
namespace {

std::string read_back(const std::string& scalar_text) { return YAML::Load("k: " + scalar_text)["k"].as<std::string>(); }

std::string flow_read_back(const std::vector<std::string>& items, std::size_t index) {
  YamlTextWriter out;
  out.begin_map();
  out.key("list");
  out.flow_sequence(items);
  out.end_map();
  return YAML::Load(out.text())["list"][index].as<std::string>();
}

TEST(YamlTextWriter, OrdinaryValuesStayPlain) {
  for (const char* value : {"nqn.2014-08.org.nvmexpress:uuid:0f8fad5b-d9cb-469f-a165-70867728950e", "/dev/nvme0n1",
                            "127.0.0.1", "fe80::1", "tcp", "QEMU NVMe Ctrl", "hmac(sha384)", "1.3", "4420"})
    EXPECT_EQ(yaml_scalar_text(value), value);
}

// Each would read back as something else, or not at all, if written plain.
TEST(YamlTextWriter, QuotesWhatAReaderWouldTakeForSomethingElse) {
  for (const char* value : {"",     " lead", "trail ", "true", "no",  "null", "~",      "Y",       "a: b",      "key:",
                            "a #b", "-dash", "?q",     "[x]",  "{x}", "a,b",  "*alias", "&anchor", "!tag",      "|",
                            ">",    "'",     "\"",     "%x",   "@x",  "`x",   "#x",     "a\tb",    "two\nlines"}) {
    std::string text = yaml_scalar_text(value);
    EXPECT_EQ(text.front(), '"') << value;
    EXPECT_EQ(read_back(text), value) << text;
    EXPECT_EQ(flow_read_back({value, "after"}, 0), value) << text;
    EXPECT_EQ(flow_read_back({value, "after"}, 1), "after") << text;
  }
}

TEST(YamlTextWriter, DoubleQuotedEscapesAndKeepsEveryByte) {
  EXPECT_EQ(yaml_double_quoted("a\"b\\c\n\t\x01\x7f"), "\"a\\\"b\\\\c\\n\\t\\x01\\x7f\"");
  EXPECT_EQ(yaml_double_quoted("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  // No UTF-8: kept as it is, so the file is refused rather than naming
  // something else (yaml-cpp's emitter put U+FFFD there).
  EXPECT_EQ(yaml_double_quoted("x\xffy"), "\"x\xffy\"");
  EXPECT_EQ(yaml_scalar_text("nqn.bad-\xff"), "nqn.bad-\xff");
  EXPECT_EQ(yaml_scalar_text("caf\xc3\xa9"), "caf\xc3\xa9");
}

// Any printable-ASCII or control text comes back from yaml-cpp as it went in.
TEST(YamlTextWriter, RandomTextReadsBackUnchanged) {
  std::mt19937 random(16);
  std::uniform_int_distribution<int> length(0, 12), byte(1, 0x7f);
  for (int i = 0; i < 3000; ++i) {
    std::string value;
    for (int n = length(random); n > 0; --n) value += static_cast<char>(byte(random));
    ASSERT_EQ(read_back(yaml_scalar_text(value)), value) << yaml_scalar_text(value);
    ASSERT_EQ(flow_read_back({value, value}, 1), value) << yaml_scalar_text(value);
  }
}

// The layout yaml-cpp's emitter gave the same calls (two spaces a level,
// "- " items, {} and [] for empty ones), so exported files read as before.
TEST(YamlTextWriter, LayoutIsYamlCppEmittersLayout) {
  YamlTextWriter out;
  out.begin_map();
  out.key("version");
  out.value(std::int64_t{1});
  out.key("items");
  out.begin_sequence();
  out.begin_map();
  out.key("id");
  out.value(std::uint64_t{7});
  out.key("nested");
  out.begin_sequence();
  out.begin_map();
  out.key("on");
  out.value(false);
  out.end_map();
  out.end_sequence();
  out.key("extra");
  out.begin_map();
  out.key("k");
  out.quoted_value("1");
  out.end_map();
  out.key("empty");
  out.begin_map();
  out.end_map();
  out.end_map();
  out.begin_map();
  out.end_map();
  out.end_sequence();
  out.key("none");
  out.begin_sequence();
  out.end_sequence();
  out.key("flow");
  out.flow_sequence({"a", "b c"});
  out.key("flow_empty");
  out.flow_sequence({});
  out.end_map();
  EXPECT_EQ(out.text(),
            "version: 1\n"
            "items:\n"
            "  - id: 7\n"
            "    nested:\n"
            "      - \"on\": false\n"
            "    extra:\n"
            "      k: \"1\"\n"
            "    empty:\n"
            "      {}\n"
            "  - {}\n"
            "none:\n"
            "  []\n"
            "flow: [a, b c]\n"
            "flow_empty: []");
  YAML::Node back = YAML::Load(out.text());
  EXPECT_EQ(back["items"][0]["extra"]["k"].as<std::string>(), "1");
  EXPECT_EQ(back["items"][0]["nested"][0]["on"].as<bool>(), false);
  EXPECT_EQ(back["flow"][1].as<std::string>(), "b c");
}

// Text beyond ASCII (accents, a no-break space, NEL, the line separator, a
// byte order mark) reads back as it went in, plain or in a flow sequence.
TEST(YamlTextWriter, NonAsciiTextReadsBackUnchanged) {
  for (const char* value : {"caf\xc3\xa9",
                            "a\xc2\xa0"
                            "b",
                            "a\xc2\x85"
                            "b",
                            "a\xe2\x80\xa8"
                            "b",
                            "a\xef\xbb\xbf"
                            "b",
                            "\xc3\xa9t\xc3\xa9"}) {
    EXPECT_EQ(read_back(yaml_scalar_text(value)), value) << yaml_scalar_text(value);
    EXPECT_EQ(flow_read_back({value, "after"}, 0), value);
  }
}

// A literal is text, not a boolean.
TEST(YamlTextWriter, ALiteralValueIsText) {
  YamlTextWriter out;
  out.begin_map();
  out.key("model");
  out.value("Linux");
  out.end_map();
  EXPECT_EQ(out.text(), "model: Linux");
}

}  // namespace
}  // namespace nvmetctl
