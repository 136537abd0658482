// A small JSON scanner for the JSON functions: validates a document, then walks it without
// building a tree. Nodes are views into the document text.
//
// Validation is RFC 8259 with valid UTF-8 inside strings (as simdjson, which ClickHouse
// uses, checks) and nesting of at most kMaxDepth; it runs iteratively with an explicit
// stack, so hostile input (deep nesting, truncation, junk) costs linear time and no
// recursion. The walking functions REQUIRE a node from a successful Parse: they rely on
// the text being valid and never read past it.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_EXEC_JSON_SCANNER_H_
#define TALLY_ENGINE_EXEC_JSON_SCANNER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace tally::engine::exec::json_scan {

inline constexpr int kMaxDepth = 1024;

enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

struct Node {
  Kind kind = Kind::kNull;
  absl::string_view text;  // the value's bytes: "quoted" strings, [..] and {..} included
};

// True when `doc` is exactly one JSON value, optionally surrounded by whitespace.
bool Parse(absl::string_view doc, Node* root);

// The first member named `key` of an object. False when absent or not an object.
bool Member(const Node& object, absl::string_view key, Node* out);
// Element `index` of an array, or the value of member `index` of an object: 1-based,
// negative counts from the end (-1 is the last), 0 finds nothing (ClickHouse's rule).
bool Element(const Node& container, int64_t index, Node* out);
// Elements of an array or members of an object; 0 for scalars.
size_t Length(const Node& node);

// Walks the members of an object (key = the member name, still quoted and escaped) or
// the elements of an array (key empty). REQUIRES: a container node from Parse.
class Iterator {
 public:
  explicit Iterator(const Node& container);
  bool Next(absl::string_view* key, Node* value);

 private:
  absl::string_view text_;
  bool object_;
  size_t pos_;
};

// A string node's value, unescaped (\uXXXX to UTF-8; Parse rejects lone surrogates).
void AppendUnescaped(const Node& string_node, std::string* out);

// How a string is written back: both escape " \\ \b \f \n \r \t and the other control
// characters as \u00XX, and write everything else (é, /, DEL) as UTF-8.
enum class Escape {
  kClickHouse,  // ClickHouse's writeJSONString (JSONExtractRaw): \u001F, and \u2028, \u2029
  kSimdjson,    // simdjson's minifier (JSON_QUERY): \u001f, U+2028 and U+2029 as they are
};
// `value` as a JSON string literal, quotes included.
void AppendQuoted(absl::string_view value, Escape style, std::string* out);
// The node's text without insignificant whitespace, strings decoded and written back in
// `style`, numbers reprinted as ClickHouse does: integers in decimal (beyond 64 bits as a
// JSON string), others as Float64 text.
void AppendMinified(const Node& node, std::string* out, Escape style = Escape::kClickHouse);

// ClickHouse's JSONExtract conversions; false (the caller's default) when the value does
// not convert. Numbers convert when in range (floats truncate toward zero for integers);
// strings holding a number are parsed; for Bool, true/false and integers (non-zero).
bool ToInt64(const Node& node, int64_t* out);
bool ToUInt64(const Node& node, uint64_t* out);
bool ToDouble(const Node& node, double* out);
bool ToBool(const Node& node, bool* out);

}  // namespace tally::engine::exec::json_scan

#endif  // TALLY_ENGINE_EXEC_JSON_SCANNER_H_
