#include "engine/exec/json.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/text_parse.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::TypeId;

// --- Writing ---

void AppendJsonString(absl::string_view s, const JsonWriteOptions& options, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\' && u != '/' && u != 0xE2) continue;
    const char* esc = nullptr;
    switch (u) {
      case '"':
        esc = "\\\"";
        break;
      case '\\':
        esc = "\\\\";
        break;
      case '/':
        if (!options.escape_forward_slashes) continue;
        esc = "\\/";
        break;
      case '\b':
        esc = "\\b";
        break;
      case '\f':
        esc = "\\f";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\t':
        esc = "\\t";
        break;
      case 0xE2:
        // U+2028 and U+2029 end lines in JavaScript; ClickHouse escapes them.
        if (i + 2 < s.size() && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
          out->append(s.data() + run, i - run);
          out->append(s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");
          i += 2;
          run = i + 1;
        }
        continue;
      default:
        break;
    }
    out->append(s.data() + run, i - run);
    run = i + 1;
    if (esc != nullptr) {
      out->append(esc, 2);
    } else {  // other control characters
      char buf[6] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 15]};
      out->append(buf, 6);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

namespace {

template <typename F>
void AppendJsonFloat(F v, const JsonWriteOptions& options, std::string* out) {
  if (std::isfinite(v)) {
    if (sizeof(F) == 4) {
      AppendFloat32Text(static_cast<float>(v), out);
    } else {
      AppendFloat64Text(static_cast<double>(v), out);
    }
    return;
  }
  if (!options.quote_denormals) {
    out->append("null");
    return;
  }
  const char* text = std::isnan(v) ? (std::signbit(v) ? "\"-nan\"" : "\"nan\"")
                                   : (v < 0 ? "\"-inf\"" : "\"inf\"");
  out->append(text);
}

void AppendJsonNested(const Column& c, size_t row, const JsonWriteOptions& options,
                      std::string* out) {
  uint64_t begin = row == 0 ? 0 : c.offsets[row - 1];
  uint64_t end = c.offsets[row];
  if (c.type->id() == TypeId::kArray) {
    out->push_back('[');
    for (uint64_t k = begin; k < end; ++k) {
      if (k > begin) out->push_back(',');
      AppendJsonValue(c.children[0], k, options, out);
    }
    out->push_back(']');
    return;
  }
  out->push_back('{');
  std::string key;
  for (uint64_t k = begin; k < end; ++k) {
    if (k > begin) out->push_back(',');
    key.clear();
    AppendPlainValue(c.children[0], k, "null", &key);  // keys are always JSON strings
    AppendJsonString(key, options, out);
    out->push_back(':');
    AppendJsonValue(c.children[1], k, options, out);
  }
  out->push_back('}');
}

}  // namespace

void AppendJsonValue(const Column& c, size_t row, const JsonWriteOptions& options,
                     std::string* out) {
  switch (c.type->id()) {
    case TypeId::kUInt64:
    case TypeId::kInt64:
      if (options.quote_64bit_integers) {
        out->push_back('"');
        AppendScalarText(c, row, out);
        out->push_back('"');
      } else {
        AppendScalarText(c, row, out);
      }
      return;
    case TypeId::kFloat32:
      AppendJsonFloat(c.values<float>()[row], options, out);
      return;
    case TypeId::kFloat64:
      AppendJsonFloat(c.values<double>()[row], options, out);
      return;
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kDateTime64:
    case TypeId::kUUID:
      out->push_back('"');
      AppendScalarText(c, row, out);
      out->push_back('"');
      return;
    case TypeId::kString:
      AppendJsonString(c.StringAt(row), options, out);
      return;
    case TypeId::kLowCardinality: {
      uint32_t index = c.IndexAt(row);
      if (index == 0 && c.type->is_nullable_low_cardinality()) {
        out->append("null");
      } else {
        AppendJsonString(c.dictionary->StringAt(index), options, out);
      }
      return;
    }
    case TypeId::kNullable:
      if (c.nulls[row]) {
        out->append("null");
      } else {
        AppendJsonValue(c.children[0], row, options, out);
      }
      return;
    case TypeId::kArray:
    case TypeId::kMap:
      AppendJsonNested(c, row, options, out);
      return;
    default:  // the other integers and Bool
      AppendScalarText(c, row, out);
  }
}

// --- Reading ---

absl::Status JsonReader::Error(absl::string_view why) const {
  return absl::InvalidArgumentError(absl::StrCat("JSON syntax error at byte ", pos_, ": ", why));
}

bool JsonReader::Consume(char c) {
  SkipSpace();
  if (Peek() == c && !AtEnd()) {
    ++pos_;
    return true;
  }
  return false;
}

absl::Status JsonReader::Expect(char c) {
  if (Consume(c)) return absl::OkStatus();
  if (AtEnd()) return Error(absl::StrCat("expected '", std::string(1, c), "', got the end"));
  return Error(absl::StrCat("expected '", std::string(1, c), "', got '",
                            TextForError(text_.substr(pos_, 1)), "'"));
}

absl::Status JsonReader::ReadHex4(uint32_t* code) {
  if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
  *code = 0;
  for (int i = 0; i < 4; ++i) {
    char c = text_[pos_ + i];
    int v = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (v < 0) return Error("bad hex digit in \\u escape");
    *code = *code * 16 + v;
  }
  pos_ += 4;
  return absl::OkStatus();
}

namespace {

// The first '"' or '\\' at or after `i` (or the end), eight bytes at a time: a byte equal
// to c makes (w ^ c*0x01..) zero, and (x - 0x01..) & ~x & 0x80.. flags the lowest zero byte
// exactly (higher flags can be false, so only the lowest is used).
size_t QuoteOrBackslash(absl::string_view text, size_t i) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kQuote = kOnes * '"', kBackslash = kOnes * '\\';
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    uint64_t q = w ^ kQuote, b = w ^ kBackslash;
    uint64_t hit = ((q - kOnes) & ~q & kHigh) | ((b - kOnes) & ~b & kHigh);
    if (hit != 0) return i + static_cast<size_t>(std::countr_zero(hit)) / 8;  // little-endian
  }
  while (i < text.size() && text[i] != '"' && text[i] != '\\') ++i;
  return i;
}

}  // namespace

absl::Status JsonReader::ReadString(std::string* scratch, absl::string_view* value) {
  size_t start = ++pos_;  // past the opening quote
  size_t i = QuoteOrBackslash(text_, start);
  if (i < text_.size() && text_[i] == '"') {
    *value = text_.substr(start, i - start);
    pos_ = i + 1;
    return absl::OkStatus();
  }
  scratch->assign(text_.data() + start, i - start);
  pos_ = i;
  while (true) {
    size_t run = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\\') ++pos_;
    scratch->append(text_.data() + run, pos_ - run);
    if (pos_ >= text_.size()) return Error("unterminated string");
    char c = text_[pos_++];
    if (c == '"') break;
    if (pos_ >= text_.size()) return Error("unterminated string");
    char e = text_[pos_++];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        scratch->push_back(e);
        break;
      case 'b':
        scratch->push_back('\b');
        break;
      case 'f':
        scratch->push_back('\f');
        break;
      case 'n':
        scratch->push_back('\n');
        break;
      case 'r':
        scratch->push_back('\r');
        break;
      case 't':
        scratch->push_back('\t');
        break;
      case 'u': {
        uint32_t cp;
        TALLY_RETURN_IF_ERROR(ReadHex4(&cp));
        if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
          size_t save = pos_;
          pos_ += 2;
          uint32_t low;
          TALLY_RETURN_IF_ERROR(ReadHex4(&low));
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            pos_ = save;  // not a pair: the high half alone, the next escape on its own
            cp = 0xFFFD;
          }
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        AppendUtf8(cp, scratch);
        break;
      }
      default:
        --pos_;
        return Error(absl::StrCat("invalid escape '\\", TextForError(std::string(1, e)), "'"));
    }
  }
  *value = *scratch;
  return absl::OkStatus();
}

absl::Status JsonReader::ReadNumber(absl::string_view* token) {
  size_t start = pos_;
  auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (!digit()) return Error("expected a digit");
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (digit()) ++pos_;
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (!digit()) return Error("expected a digit after '.'");
    while (digit()) ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (!digit()) return Error("expected a digit in the exponent");
    while (digit()) ++pos_;
  }
  *token = text_.substr(start, pos_ - start);
  return absl::OkStatus();
}

absl::Status JsonReader::ReadLiteral(absl::string_view word) {
  if (text_.substr(pos_, word.size()) != word) {
    return Error(absl::StrCat("unexpected '", TextForError(text_.substr(pos_, word.size())), "'"));
  }
  pos_ += word.size();
  return absl::OkStatus();
}

absl::Status JsonReader::SkipValue(absl::string_view* raw) {
  SkipSpace();
  size_t start = pos_;
  std::vector<char> open;  // the containers we are inside, innermost last
  std::string scratch;
  absl::string_view ignored;
  while (true) {
    // A value.
    SkipSpace();
    char c = Peek();
    if (AtEnd()) return Error("unexpected end, expected a value");
    if (c == '{' || c == '[') {
      if (open.size() >= static_cast<size_t>(kMaxDepth)) {
        return Error(absl::StrCat("nesting deeper than ", kMaxDepth));
      }
      ++pos_;
      open.push_back(c);
      char close = c == '{' ? '}' : ']';
      if (Consume(close)) {
        open.pop_back();  // empty: a complete value
      } else if (c == '{') {
        SkipSpace();
        if (Peek() != '"') return Error("expected a string key");
        TALLY_RETURN_IF_ERROR(ReadString(&scratch, &ignored));
        TALLY_RETURN_IF_ERROR(Expect(':'));
        continue;
      } else {
        continue;
      }
    } else if (c == '"') {
      TALLY_RETURN_IF_ERROR(ReadString(&scratch, &ignored));
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      TALLY_RETURN_IF_ERROR(ReadNumber(&ignored));
    } else if (c == 't') {
      TALLY_RETURN_IF_ERROR(ReadLiteral("true"));
    } else if (c == 'f') {
      TALLY_RETURN_IF_ERROR(ReadLiteral("false"));
    } else if (c == 'n') {
      TALLY_RETURN_IF_ERROR(ReadLiteral("null"));
    } else {
      return Error(absl::StrCat("unexpected '", TextForError(text_.substr(pos_, 1)), "'"));
    }
    // After a value: close containers or move to the next element.
    bool next = false;
    while (!open.empty() && !next) {
      char close = open.back() == '{' ? '}' : ']';
      if (Consume(',')) {
        if (open.back() == '{') {
          SkipSpace();
          if (Peek() != '"') return Error("expected a string key");
          TALLY_RETURN_IF_ERROR(ReadString(&scratch, &ignored));
          TALLY_RETURN_IF_ERROR(Expect(':'));
        }
        next = true;
      } else if (Consume(close)) {
        open.pop_back();
      } else {
        return Error(absl::StrCat("expected ',' or '", std::string(1, close), "'"));
      }
    }
    if (open.empty()) break;
  }
  if (raw != nullptr) *raw = text_.substr(start, pos_ - start);
  return absl::OkStatus();
}

namespace {

absl::Status Mismatch(const DataType& type, absl::string_view json, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", type.ToString(), ", got '",
                                                 TextForError(json), "' (", why, ")"));
}

// A plain loop: number tokens are short, and find_first_of builds a table per call.
bool IsIntegerToken(absl::string_view token) {
  for (char c : token) {
    if (c == '.' || c == 'e' || c == 'E') return false;
  }
  return true;
}

absl::Status ReadJsonNested(Column* col, JsonReader* in, const JsonReadOptions& options) {
  const bool map = col->type->id() == TypeId::kMap;
  char open = map ? '{' : '[', close = map ? '}' : ']';
  if (in->Peek() != open) {
    absl::string_view raw;
    TALLY_RETURN_IF_ERROR(in->SkipValue(&raw));
    return Mismatch(*col->type, raw, map ? "expected a JSON object" : "expected a JSON array");
  }
  TALLY_RETURN_IF_ERROR(in->Expect(open));
  if (!in->Consume(close)) {
    std::string scratch;
    while (true) {
      if (map) {
        in->SkipSpace();
        if (in->Peek() != '"') return in->Error("expected a string key");
        absl::string_view key;
        TALLY_RETURN_IF_ERROR(in->ReadString(&scratch, &key));
        absl::Status s =
            ParseTextField(&col->children[0], key, TextParseOptions{.detect_null = false});
        if (!s.ok()) return Mismatch(*col->children[0].type, key, s.message());
        TALLY_RETURN_IF_ERROR(in->Expect(':'));
        TALLY_RETURN_IF_ERROR(ReadJsonInto(&col->children[1], in, options));
      } else {
        TALLY_RETURN_IF_ERROR(ReadJsonInto(&col->children[0], in, options));
      }
      if (in->Consume(',')) continue;
      if (in->Consume(close)) break;
      return in->Error(absl::StrCat("expected ',' or '", std::string(1, close), "'"));
    }
  }
  col->offsets.push_back(col->children[0].size());
  return absl::OkStatus();
}

absl::Status ReadJsonText(Column* col, JsonReader* in) {
  char c = in->Peek();
  std::string scratch;
  absl::string_view text;
  if (c == '"') {
    TALLY_RETURN_IF_ERROR(in->ReadString(&scratch, &text));
  } else if (c == '{' || c == '[') {
    TALLY_RETURN_IF_ERROR(in->SkipValue(&text));  // nested JSON kept as its text
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    TALLY_RETURN_IF_ERROR(in->ReadNumber(&text));
  } else if (c == 't' || c == 'f') {
    text = c == 't' ? "true" : "false";
    TALLY_RETURN_IF_ERROR(in->ReadLiteral(text));
  } else {
    return in->Error(absl::StrCat("unexpected '", TextForError(std::string(1, c)), "'"));
  }
  if (col->type->id() == TypeId::kString) {
    col->AppendString(text);
    return absl::OkStatus();
  }
  const DataType* inner = col->type->id() == TypeId::kLowCardinality ? &col->type->child(0) : nullptr;
  if (inner != nullptr && inner->id() == TypeId::kNullable) inner = &inner->child(0);
  if (inner != nullptr && inner->id() == TypeId::kString) {
    // LowCardinality(String) straight to its dictionary, without a Value (a copy) per row.
    col->AppendLowCardinalityString(text);
    return absl::OkStatus();
  }
  return col->AppendValue(format::Value::String(std::string(text)));
}

absl::Status ReadJsonScalar(Column* col, JsonReader* in) {
  const DataType& type = *col->type;
  char c = in->Peek();
  if (c == '"') {
    std::string scratch;
    absl::string_view text;
    size_t start = in->pos();
    TALLY_RETURN_IF_ERROR(in->ReadString(&scratch, &text));
    absl::Status s = ParseTextField(col, text, TextParseOptions{.detect_null = false});
    if (!s.ok()) return Mismatch(type, in->text().substr(start, in->pos() - start), s.message());
    return absl::OkStatus();
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    absl::string_view token;
    TALLY_RETURN_IF_ERROR(in->ReadNumber(&token));
    bool integral = type.is_integer() || type.id() == TypeId::kBool || type.id() == TypeId::kDate;
    if (integral && !IsIntegerToken(token)) return Mismatch(type, token, "not an integer");
    absl::Status s = ParseNumberInto(col, token);
    if (!s.ok()) return Mismatch(type, token, s.message());
    return absl::OkStatus();
  }
  if (c == 't' || c == 'f') {
    absl::string_view word = c == 't' ? "true" : "false";
    TALLY_RETURN_IF_ERROR(in->ReadLiteral(word));
    if (!type.is_integer() && type.id() != TypeId::kBool) {
      return Mismatch(type, word, "a JSON boolean fits only Bool and integer columns");
    }
    return ParseNumberInto(col, c == 't' ? "1" : "0");
  }
  if (c == '{' || c == '[') {
    absl::string_view raw;
    TALLY_RETURN_IF_ERROR(in->SkipValue(&raw));
    return Mismatch(type, raw, c == '{' ? "got a JSON object" : "got a JSON array");
  }
  return in->Error(absl::StrCat("unexpected '", TextForError(std::string(1, c)), "'"));
}

}  // namespace

absl::Status ReadJsonInto(Column* col, JsonReader* in, const JsonReadOptions& options) {
  in->SkipSpace();
  if (in->AtEnd()) return in->Error("unexpected end, expected a value");
  const DataType& type = *col->type;
  if (in->Peek() == 'n') {
    TALLY_RETURN_IF_ERROR(in->ReadLiteral("null"));
    absl::Status s = AppendNull(col, options.null_as_default);
    if (!s.ok()) return Mismatch(type, "null", s.message());
    return absl::OkStatus();
  }
  switch (type.id()) {
    case TypeId::kNullable:
      TALLY_RETURN_IF_ERROR(ReadJsonInto(&col->children[0], in, options));
      col->nulls.push_back(0);
      return absl::OkStatus();
    case TypeId::kArray:
    case TypeId::kMap:
      return ReadJsonNested(col, in, options);
    case TypeId::kString:
    case TypeId::kLowCardinality:
      return ReadJsonText(col, in);
    default:
      return ReadJsonScalar(col, in);
  }
}

}  // namespace tally::engine
