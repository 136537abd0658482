// String transforms with ClickHouse semantics, over bytes: lower upper (ASCII letters, as
// ClickHouse), lowerUTF8 / upperUTF8 (ICU's full case mapping, 'straße' -> 'STRASSE'; see
// engine/exec/unicode_case.h), concat, substring, trim*,
// replaceAll / replaceOne, splitByChar / splitByString. The searches (startsWith,
// position, like, hasToken ...) are in string_search_functions.cc.
//
// Every function is bound through BindPlain (engine/exec/arg_adapters.h): Nullable
// arguments give Nullable results, and a LowCardinality(String) argument is transformed
// once per dictionary entry. Length, empty and notEmpty belong to the collection functions.
#include <string.h>  // memmem (glibc)

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/find_bytes.h"
#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"
#include "engine/exec/like_pattern.h"
#include "engine/exec/unicode_case.h"
#include "format/status_macros.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

DataTypePtr StringType() { return TypeOf(TypeId::kString); }

// Arguments [first, last) must be String (what a kernel sees of LowCardinality too).
absl::Status ExpectStrings(absl::string_view name, absl::Span<const ArgInfo> args, size_t first,
                           size_t last) {
  for (size_t i = first; i < last && i < args.size(); ++i) {
    if (!IsString(*args[i].type)) return ArgTypeError(name, i, *args[i].type, "String");
  }
  return absl::OkStatus();
}

absl::Status ExpectInteger(absl::string_view name, absl::Span<const ArgInfo> args, size_t i) {
  if (i < args.size() && !args[i].type->is_integer()) {
    return ArgTypeError(name, i, *args[i].type, "an integer");
  }
  return absl::OkStatus();
}

// Builds a String column row by row: emit(r, &chars) appends row r's bytes.
template <typename Emit>
Column BuildStrings(size_t rows, Emit&& emit) {
  Column out = Column::Make(StringType());
  out.offsets.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    emit(r, &out.chars);
    out.offsets[r] = out.chars.size();
  }
  return out;
}

void Append(format::PodVector<uint8_t>* chars, absl::string_view s) {
  chars->append(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// --- lower / upper ---------------------------------------------------------------------

template <char (*kMap)(char)>
PlainBinder CaseBinder(std::string name) {
  return [name](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStrings(name, args, 0, 1));
    return MakeKernel(
        StringType(), [](absl::Span<const ColumnArg> a, size_t) -> absl::StatusOr<Column> {
          const Column& in = *a[0].column;  // whole column: offsets stay, every byte maps
          Column out = Column::Make(StringType());
          out.offsets = in.offsets;
          out.chars.resize(in.chars.size());
          const uint8_t* src = in.chars.data();
          uint8_t* dst = out.chars.data();
          for (size_t i = 0; i < in.chars.size(); ++i)
            dst[i] = static_cast<uint8_t>(kMap(static_cast<char>(src[i])));
          return out;
        });
  };
}

PlainBinder Utf8CaseBinder(std::string name, bool upper) {
  return [name, upper](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStrings(name, args, 0, 1));
    return MakeKernel(StringType(), [upper](absl::Span<const ColumnArg> a, size_t) -> absl::StatusOr<Column> {
      const Column& in = *a[0].column;
      uint8_t any = 0;
      for (uint8_t b : in.chars) any |= b;
      if (any < 0x80) {  // all ASCII: byte by byte, lengths kept, as lower and upper
        Column out = Column::Make(StringType());
        out.offsets = in.offsets;
        out.chars.resize(in.chars.size());
        for (size_t i = 0; i < in.chars.size(); ++i) {
          const char c = static_cast<char>(in.chars[i]);
          out.chars[i] = static_cast<uint8_t>(upper ? AsciiUpper(c) : AsciiLower(c));
        }
        return out;
      }
      std::string mapped;  // row by row: a sequence never spans two rows
      return BuildStrings(in.size(), [&](size_t r, format::PodVector<uint8_t>* chars) {
        if (upper) {
          Utf8UpperInto(in.StringAt(r), &mapped);
        } else {
          Utf8LowerInto(in.StringAt(r), &mapped);
        }
        Append(chars, mapped);
      });
    });
  };
}

// --- concat ------------------------------------------------------------------------------

// Any types; non-strings in their text form (ClickHouse 23+). NULL anywhere gives NULL.
Bound BindConcat(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.empty()) return ArgCountError("concat", "at least 1", 0);
  std::vector<bool> is_string;
  for (const ArgInfo& a : args) is_string.push_back(IsString(*a.type));
  return MakeKernel(
      StringType(),
      [is_string, context](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        std::vector<Column> converted(a.size());
        std::vector<StringArg> parts;
        for (size_t i = 0; i < a.size(); ++i) {
          if (is_string[i]) {
            parts.emplace_back(a[i]);
            continue;
          }
          TALLY_ASSIGN_OR_RETURN(converted[i], ConvertArg(a[i], StringType(), context, "concat"));
          parts.emplace_back(ColumnArg{&converted[i], a[i].is_const});
        }
        return BuildStrings(rows, [&](size_t r, format::PodVector<uint8_t>* chars) {
          for (const StringArg& p : parts) Append(chars, p[r]);
        });
      });
}

// --- substring -----------------------------------------------------------------------------

// ClickHouse's byte slice: offset 1-based, negative from the end, 0 gives ''; a negative
// length stops that many bytes before the end; an offset before the start shortens the
// length by the overshoot.
absl::string_view Substring(absl::string_view s, int64_t offset, bool has_length, int64_t length) {
  const uint64_t size = s.size();
  if (offset == 0) return {};
  uint64_t begin = 0;
  if (offset > 0) {
    if (static_cast<uint64_t>(offset) - 1 >= size) return {};
    begin = static_cast<uint64_t>(offset) - 1;
  } else {
    uint64_t from_right = 0 - static_cast<uint64_t>(offset);
    if (from_right > size) {
      if (!has_length) return s;
      if (length < 0) {
        uint64_t cut = 0 - static_cast<uint64_t>(length);
        return cut >= size ? absl::string_view() : s.substr(0, size - cut);
      }
      uint64_t overshoot = from_right - size;
      uint64_t len = static_cast<uint64_t>(length);
      return len > overshoot ? s.substr(0, std::min(size, len - overshoot)) : absl::string_view();
    }
    begin = size - from_right;
  }
  if (!has_length) return s.substr(begin);
  if (length >= 0) return s.substr(begin, static_cast<uint64_t>(length));
  uint64_t cut = 0 - static_cast<uint64_t>(length);
  if (cut >= size - begin) return {};
  return s.substr(begin, size - begin - cut);
}

Bound BindSubstring(absl::Span<const ArgInfo> args, const FunctionContext&) {
  if (args.size() != 2 && args.size() != 3)
    return ArgCountError("substring", "2 or 3", args.size());
  TALLY_RETURN_IF_ERROR(ExpectStrings("substring", args, 0, 1));
  TALLY_RETURN_IF_ERROR(ExpectInteger("substring", args, 1));
  TALLY_RETURN_IF_ERROR(ExpectInteger("substring", args, 2));
  // ClickHouse rejects a constant offset 0 on a string column (even over no rows); on a
  // constant string, or an offset that is 0 in some row, the slice is ''.
  int64_t offset = 0;
  if (args[0].constant == nullptr && IntegerConstant(args[1], &offset) && offset == 0) {
    return absl::InvalidArgumentError("Indices in strings are 1-based");
  }
  return MakeKernel(StringType(),
                    [](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
                      StringArg s(a[0]);
                      const bool has_length = a.size() == 3;
                      return BuildStrings(rows, [&](size_t r, format::PodVector<uint8_t>* chars) {
                        Append(chars, Substring(s[r], IntegerAt(a[1], r), has_length,
                                                has_length ? IntegerAt(a[2], r) : 0));
                      });
                    });
}

// --- trim ----------------------------------------------------------------------------------

// trimLeft / trimRight / trimBoth (s[, characters]): ClickHouse trims spaces (ASCII 32)
// unless a constant set of characters is given.
PlainBinder TrimBinder(std::string name, bool left, bool right) {
  return [name, left, right](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 1 && args.size() != 2) return ArgCountError(name, "1 or 2", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStrings(name, args, 0, 2));
    std::string set = " ";
    if (args.size() == 2) {
      const Column* c = StringConstant(args[1]);
      if (c == nullptr) return ArgError(name, "the characters to trim must be a constant String");
      set = std::string(c->StringAt(0));
    }
    bool in_set[256] = {};
    for (unsigned char c : set) in_set[c] = true;
    std::vector<bool> table(in_set, in_set + 256);
    return MakeKernel(
        StringType(),
        [table, left, right](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          StringArg s(a[0]);
          return BuildStrings(rows, [&](size_t r, format::PodVector<uint8_t>* chars) {
            absl::string_view v = s[r];
            size_t b = 0, e = v.size();
            while (left && b < e && table[static_cast<unsigned char>(v[b])]) ++b;
            while (right && e > b && table[static_cast<unsigned char>(v[e - 1])]) --e;
            Append(chars, v.substr(b, e - b));
          });
        });
  };
}

// --- replaceAll / replaceOne ---------------------------------------------------------------

PlainBinder ReplaceBinder(std::string name, bool all) {
  return [name, all](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 3) return ArgCountError(name, "3", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStrings(name, args, 0, 3));
    return MakeKernel(
        StringType(), [all](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          StringArg hay(a[0]), pattern(a[1]), replacement(a[2]);
          return BuildStrings(rows, [&](size_t r, format::PodVector<uint8_t>* chars) {
            absl::string_view h = hay[r], p = pattern[r], with = replacement[r];
            if (p.empty()) {  // ClickHouse: an empty pattern replaces nothing
              Append(chars, h);
              return;
            }
            size_t pos = 0;
            while (pos <= h.size()) {
              const size_t at = FindBytes(h, pos, p);
              if (at == absl::string_view::npos) break;
              Append(chars, h.substr(pos, at - pos));
              Append(chars, with);
              pos = at + p.size();
              if (!all) break;
            }
            Append(chars, h.substr(pos));
          });
        });
  };
}

// --- splitByChar / splitByString -------------------------------------------------------------

// split(separator, s[, max_substrings]) -> Array(String). The separator is a constant; an
// empty one (splitByString only) splits into single bytes. With max_substrings > 0 at most
// that many pieces are returned, the rest dropped (ClickHouse's default).
PlainBinder SplitBinder(std::string name, bool single_char) {
  return [name, single_char](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 2 && args.size() != 3) return ArgCountError(name, "2 or 3", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStrings(name, args, 0, 2));
    const Column* sep_column = StringConstant(args[0]);
    if (sep_column == nullptr) return ArgError(name, "the separator must be a constant String");
    std::string sep(sep_column->StringAt(0));
    if (single_char && sep.size() != 1)
      return ArgError(name, "the separator must be exactly one character");
    int64_t max_pieces = 0;
    if (args.size() == 3 && !IntegerConstant(args[2], &max_pieces)) {
      return ArgError(name, "max_substrings must be a constant integer");
    }
    DataTypePtr result = DataType::Array(StringType());
    return MakeKernel(result,
                      [sep, max_pieces, result](absl::Span<const ColumnArg> a,
                                                size_t rows) -> absl::StatusOr<Column> {
                        StringArg s(a[1]);
                        Column out = Column::Make(result);
                        Column& items = out.children[0];
                        const uint64_t limit =
                            max_pieces > 0 ? static_cast<uint64_t>(max_pieces) : UINT64_MAX;
                        for (size_t r = 0; r < rows; ++r) {
                          absl::string_view v = s[r];
                          uint64_t pieces = 0;
                          if (sep.empty()) {
                            for (size_t i = 0; i < v.size() && pieces < limit; ++i, ++pieces)
                              items.AppendString(v.substr(i, 1));
                          } else {
                            size_t pos = 0;
                            while (pieces < limit) {
                              size_t at = v.find(sep, pos);
                              ++pieces;
                              if (at == absl::string_view::npos) {
                                items.AppendString(v.substr(pos));
                                break;
                              }
                              items.AppendString(v.substr(pos, at - pos));
                              pos = at + sep.size();
                            }
                          }
                          out.offsets.push_back(items.size());
                        }
                        return out;
                      });
  };
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& registry) {
  RegisterPlain(registry, "lower", CaseBinder<AsciiLower>("lower"), true);
  RegisterPlain(registry, "lcase", CaseBinder<AsciiLower>("lcase"), true);
  RegisterPlain(registry, "upper", CaseBinder<AsciiUpper>("upper"), true);
  RegisterPlain(registry, "ucase", CaseBinder<AsciiUpper>("ucase"), true);
  // ICU's full case mapping, as ClickHouse (engine/exec/unicode_case.h).
  RegisterPlain(registry, "lowerUTF8", Utf8CaseBinder("lowerUTF8", false));
  RegisterPlain(registry, "upperUTF8", Utf8CaseBinder("upperUTF8", true));
  RegisterPlain(registry, "concat", BindConcat, true);
  for (const char* name : {"substring", "substr", "mid"}) {
    RegisterPlain(registry, name, BindSubstring, true);
  }
  RegisterPlain(registry, "trimLeft", TrimBinder("trimLeft", true, false));
  RegisterPlain(registry, "ltrim", TrimBinder("ltrim", true, false), true);
  RegisterPlain(registry, "trimRight", TrimBinder("trimRight", false, true));
  RegisterPlain(registry, "rtrim", TrimBinder("rtrim", false, true), true);
  RegisterPlain(registry, "trimBoth", TrimBinder("trimBoth", true, true));
  RegisterPlain(registry, "trim", TrimBinder("trim", true, true), true);
  RegisterPlain(registry, "replaceAll", ReplaceBinder("replaceAll", true));
  RegisterPlain(registry, "replace", ReplaceBinder("replace", true), true);
  RegisterPlain(registry, "replaceOne", ReplaceBinder("replaceOne", false));
  RegisterPlain(registry, "splitByChar", SplitBinder("splitByChar", true));
  RegisterPlain(registry, "splitByString", SplitBinder("splitByString", false));
  RegisterStringSearchFunctions(registry);
  RegisterRegexpFunctions(registry);
}

}  // namespace tally::engine::exec
