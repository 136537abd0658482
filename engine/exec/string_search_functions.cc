// String predicates and searches with ClickHouse semantics: startsWith, endsWith,
// position (1-based byte position, 0 when absent) and its CaseInsensitive / UTF8 forms,
// like / notLike / ilike / notILike, hasToken / hasTokenCaseInsensitive. Results are
// UInt8 (positions UInt64). positionCaseInsensitive and hasTokenCaseInsensitive fold ASCII
// only, as ClickHouse; positionCaseInsensitiveUTF8 and ilike fold Unicode with ClickHouse's
// rules (engine/exec/unicode_case.h).
//
// Bound through BindPlain, so a LowCardinality(String) haystack is searched once per
// dictionary entry. Constant needles and patterns are prepared once at bind time.
// Regular expressions (match, extract ...) are in engine/exec/regexp_functions.cc.
#include <string.h>  // memmem (glibc)

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
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
using format::TypeId;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

absl::Status ExpectStringArgs(absl::string_view name, absl::Span<const ArgInfo> args, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!IsString(*args[i].type)) return ArgTypeError(name, i, *args[i].type, "String");
  }
  return absl::OkStatus();
}

// A UInt8 (or UInt64) column of `rows` values from f(r).
template <typename T, typename F>
Column BuildFixed(TypeId id, size_t rows, F&& f) {
  Column out = AllocateFixed(TypeOf(id), rows);
  T* dst = MutableValues<T>(out);
  for (size_t r = 0; r < rows; ++r) dst[r] = static_cast<T>(f(r));
  return out;
}

// --- startsWith / endsWith ----------------------------------------------------------------

PlainBinder AffixBinder(std::string name, bool prefix) {
  return [name, prefix](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStringArgs(name, args, 2));
    return MakeKernel(
        TypeOf(TypeId::kUInt8),
        [prefix](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          StringArg s(a[0]), affix(a[1]);
          return BuildFixed<uint8_t>(TypeId::kUInt8, rows, [&](size_t r) {
            return prefix ? absl::StartsWith(s[r], affix[r]) : absl::EndsWith(s[r], affix[r]);
          });
        });
  };
}

// --- position ----------------------------------------------------------------------------

// 1-based byte position of `needle` in `hay` at or after byte `start` (1-based), 0 when
// absent. An empty needle is found at `start` while start <= size + 1.
uint64_t FindPosition(absl::string_view hay, absl::string_view needle, int64_t start) {
  if (start < 1) start = 1;
  if (static_cast<uint64_t>(start) > hay.size() + 1) return 0;
  size_t from = static_cast<size_t>(start - 1);
  if (needle.empty()) return from + 1;
  const size_t at = FindBytes(hay, from, needle);
  return at == absl::string_view::npos ? 0 : at + 1;
}

// Characters (UTF-8 lead bytes) before byte position `pos` (1-based), plus one.
uint64_t CharPosition(absl::string_view hay, uint64_t pos) {
  if (pos == 0) return 0;
  uint64_t chars = 0;
  for (size_t i = 0; i + 1 < pos && i < hay.size(); ++i) {
    chars += (static_cast<unsigned char>(hay[i]) & 0xC0) != 0x80;
  }
  return chars + 1;
}

PlainBinder PositionBinder(std::string name, bool fold, bool utf8) {
  return [name, fold, utf8](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 2 && args.size() != 3) return ArgCountError(name, "2 or 3", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStringArgs(name, args, 2));
    // As ClickHouse: the start is an unsigned integer (a signed one is refused even when
    // positive).
    if (args.size() == 3 && (!args[2].type->is_integer() || args[2].type->is_signed())) {
      return ArgTypeError(name, 2, *args[2].type, "an unsigned integer");
    }
    return MakeKernel(
        TypeOf(TypeId::kUInt64),
        [fold, utf8](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          StringArg hay(a[0]), needle(a[1]);
          std::string hay_folded, needle_folded;
          // Folding keeps one code point one code point, so positions in characters carry
          // over from the folded strings.
          auto fold_into = [utf8](absl::string_view in, std::string* out) {
            if (utf8) {
              Utf8FoldInto(in, Utf8Fold::kSearch, out);
            } else {
              AsciiLowerInto(in, out);
            }
          };
          if (fold && needle.is_const()) fold_into(needle[0], &needle_folded);
          return BuildFixed<uint64_t>(TypeId::kUInt64, rows, [&](size_t r) -> uint64_t {
            absl::string_view h = hay[r], n = needle[r];
            if (fold) {
              fold_into(h, &hay_folded);
              if (!needle.is_const()) fold_into(n, &needle_folded);
              h = hay_folded;
              n = needle_folded;
            }
            int64_t start = a.size() == 3 ? IntegerAt(a[2], r) : 1;
            if (!utf8) return FindPosition(h, n, start);
            // start counts characters: find its byte offset first.
            int64_t byte_start = 1, c = 1;
            for (; c < start && static_cast<size_t>(byte_start) <= h.size(); ++c) {
              ++byte_start;
              while (static_cast<size_t>(byte_start) <= h.size() &&
                     (static_cast<unsigned char>(h[byte_start - 1]) & 0xC0) == 0x80) {
                ++byte_start;
              }
            }
            if (c < start) return 0;  // past the last character and one more
            return CharPosition(h, FindPosition(h, n, byte_start));
          });
        });
  };
}

// --- like ----------------------------------------------------------------------------------

PlainBinder LikeBinder(std::string name, bool fold, bool negate) {
  return [name, fold, negate](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStringArgs(name, args, 2));
    std::shared_ptr<const LikePattern> compiled;
    if (const Column* c = StringConstant(args[1])) {
      TALLY_ASSIGN_OR_RETURN(LikePattern p, LikePattern::Compile(c->StringAt(0), fold));
      compiled = std::make_shared<const LikePattern>(std::move(p));
    }
    return MakeKernel(
        TypeOf(TypeId::kUInt8),
        [compiled, fold, negate](absl::Span<const ColumnArg> a,
                                 size_t rows) -> absl::StatusOr<Column> {
          StringArg s(a[0]), pattern(a[1]);
          std::optional<LikePattern> row_pattern;  // a column of patterns: compiled on change
          std::string row_pattern_text;
          LikePattern::Scratch scratch;
          Column out = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
          uint8_t* dst = MutableValues<uint8_t>(out);
          for (size_t r = 0; r < rows; ++r) {
            const LikePattern* p = compiled.get();
            if (p == nullptr) {
              absl::string_view text = pattern[r];
              if (!row_pattern || text != row_pattern_text) {
                TALLY_ASSIGN_OR_RETURN(row_pattern, LikePattern::Compile(text, fold));
                row_pattern_text = std::string(text);
              }
              p = &*row_pattern;
            }
            dst[r] = p->Matches(s[r], &scratch) != negate;
          }
          return out;
        });
  };
}

// --- hasToken ------------------------------------------------------------------------------

// ClickHouse's token separators: ASCII bytes that are not letters or digits. Bytes >= 0x80
// belong to tokens, so UTF-8 words are tokens too.
bool IsSeparator(unsigned char c) {
  return c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

bool HasToken(absl::string_view hay, absl::string_view token) {
  if (token.empty()) return false;
  size_t pos = 0;
  while (pos + token.size() <= hay.size()) {
    const void* hit = memmem(hay.data() + pos, hay.size() - pos, token.data(), token.size());
    if (hit == nullptr) return false;
    size_t at = static_cast<const char*>(hit) - hay.data();
    size_t end = at + token.size();
    bool left_ok = at == 0 || IsSeparator(static_cast<unsigned char>(hay[at - 1]));
    bool right_ok = end == hay.size() || IsSeparator(static_cast<unsigned char>(hay[end]));
    if (left_ok && right_ok) return true;
    pos = at + 1;
  }
  return false;
}

// hasToken over a whole String column at once: one search through all the rows' bytes,
// each hit mapped back to its row (offsets are row ends), instead of a search per row.
// A row is settled by its first good hit; a hit that crosses into the next row is no hit.
Column HasTokenInColumn(const Column& c, size_t rows, absl::string_view token) {
  Column out = Column::Make(format::DataType::Make(TypeId::kUInt8));
  out.data.resize(rows, 0);
  if (rows == 0) return out;
  const char* base = reinterpret_cast<const char*>(c.chars.data());
  const uint64_t* ends = c.offsets.data();
  const size_t total = ends[rows - 1];
  size_t pos = 0, row = 0;
  while (pos + token.size() <= total) {
    const void* hit = memmem(base + pos, total - pos, token.data(), token.size());
    if (hit == nullptr) break;
    const size_t at = static_cast<const char*>(hit) - base;
    while (ends[row] <= at) ++row;
    const size_t begin = row == 0 ? 0 : ends[row - 1], end = ends[row], stop = at + token.size();
    const bool inside = stop <= end;
    const bool left_ok = at == begin || IsSeparator(static_cast<unsigned char>(base[at - 1]));
    const bool right_ok = stop == end || IsSeparator(static_cast<unsigned char>(base[stop]));
    if (inside && left_ok && right_ok) {
      out.data[row] = 1;
      pos = end;  // the rest of this row cannot change its answer
    } else {
      pos = at + 1;
    }
  }
  return out;
}

PlainBinder HasTokenBinder(std::string name, bool fold) {
  return [name, fold](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    TALLY_RETURN_IF_ERROR(ExpectStringArgs(name, args, 2));
    const Column* c = StringConstant(args[1]);
    if (c == nullptr) return ArgError(name, "the token must be a constant String");
    std::string token(c->StringAt(0));
    for (unsigned char ch : token) {
      if (IsSeparator(ch)) {
        return ArgError(name, "the token must not contain whitespace or separator characters");
      }
    }
    if (fold) AsciiLowerInto(std::string(token), &token);
    return MakeKernel(
        TypeOf(TypeId::kUInt8),
        [token, fold](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          if (!fold && !a[0].is_const && !token.empty() && a[0].column->size() == rows) {
            return HasTokenInColumn(*a[0].column, rows, token);
          }
          StringArg s(a[0]);
          std::string folded;
          return BuildFixed<uint8_t>(TypeId::kUInt8, rows, [&](size_t r) {
            absl::string_view h = s[r];
            if (fold) {
              AsciiLowerInto(h, &folded);
              h = folded;
            }
            return HasToken(h, token);
          });
        });
  };
}

}  // namespace

void RegisterStringSearchFunctions(FunctionRegistry& registry) {
  RegisterPlain(registry, "startsWith", AffixBinder("startsWith", true));
  RegisterPlain(registry, "endsWith", AffixBinder("endsWith", false));
  RegisterPlain(registry, "position", PositionBinder("position", false, false), true);
  RegisterPlain(registry, "positionCaseInsensitive",
                PositionBinder("positionCaseInsensitive", true, false));
  RegisterPlain(registry, "positionUTF8", PositionBinder("positionUTF8", false, true));
  RegisterPlain(registry, "positionCaseInsensitiveUTF8",
                PositionBinder("positionCaseInsensitiveUTF8", true, true));
  RegisterPlain(registry, "like", LikeBinder("like", false, false));
  RegisterPlain(registry, "notLike", LikeBinder("notLike", false, true));
  RegisterPlain(registry, "ilike", LikeBinder("ilike", true, false));
  RegisterPlain(registry, "notILike", LikeBinder("notILike", true, true));
  RegisterPlain(registry, "hasToken", HasTokenBinder("hasToken", false));
  RegisterPlain(registry, "hasTokenCaseInsensitive",
                HasTokenBinder("hasTokenCaseInsensitive", true));
}

}  // namespace tally::engine::exec
