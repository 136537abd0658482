// Regular-expression functions with ClickHouse's semantics (re2 compiled as in
// engine/exec/regexp.h):
//   match(s, p) (also `s REGEXP p`)     UInt8: whether p matches anywhere in s. p may vary by row.
//   extract(s, p)                       the first group of the first match (the whole match
//                                       when p has no group); '' without a match.
//   extractAll(s, p)                    Array(String): that, for every match left to right;
//                                       the first empty match ends the list.
//   extractAllGroupsHorizontal(s, p)    Array(Array(String)): per group, its text in every match;
//   extractAllGroupsVertical(s, p)      per match, the text of every group. An empty match
//                                       steps one byte on; p must have a group.
//   countMatches(s, p)                  UInt64: the non-empty matches; after an empty one the
//                                       search steps one byte on.
//   countMatchesCaseInsensitive(s, p)   the same with re2's case folding (ASCII only when p is
//                                       plain text, as ClickHouse's substring search).
//   replaceRegexpOne(s, p, r)           s with the first match (or every match) replaced by r,
//   replaceRegexpAll(s, p, r)           where \0..\9 stand for the groups and \c for c. An empty
//   (REGEXP_REPLACE)                    p leaves s as it is; after an empty match the search
//                                       steps one byte on. Any argument may vary by row.
// Except for match and replaceRegexp*, the pattern must be a constant, as in ClickHouse.
//
// Patterns are compiled once at bind time when constant; a pattern column is compiled again
// only where it changes. Bound through BindPlain, so a LowCardinality(String) haystack is
// searched once per dictionary entry and Nullable arguments give NULL rows.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"
#include "engine/exec/regexp.h"
#include "format/status_macros.h"
#include "re2/re2.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

constexpr const char* kOrdinal[] = {"1st", "2nd", "3rd"};

// ClickHouse's words for a wrong argument type, in the two styles its functions use.
absl::Status IllegalType(absl::string_view name, const DataType& type) {
  return CodedError(ErrorCode::kIllegalTypeOfArgument,
      absl::StrCat("Illegal type ", type.ToString(), " of argument of function ", name));
}
absl::Status IllegalArgument(absl::string_view name, size_t i, absl::string_view arg_name,
                             absl::string_view expected, const DataType& type) {
  return absl::InvalidArgumentError(absl::StrCat(
      "A value of illegal type was provided as ", kOrdinal[i], " argument '", arg_name,
      "' to function '", name, "'. Expected: ", expected, ", got: ", type.ToString()));
}

absl::Status ExpectCount(absl::string_view name, absl::Span<const ArgInfo> args, size_t n) {
  if (args.size() == n) return absl::OkStatus();
  return CodedError(ErrorCode::kNumberOfArgumentsDoesntMatch, absl::StrCat("Number of arguments for function ", name,
                                                                           " doesn't match: passed ", args.size(),
                                                                           ", should be ", n));
}

// A pattern for every row: the bound constant, or row r's compiled as it changes.
class PatternRows {
 public:
  PatternRows(std::shared_ptr<const Regexp> constant, const ColumnArg& arg, bool fold)
      : constant_(std::move(constant)), text_(arg), fold_(fold) {}
  absl::StatusOr<const Regexp*> At(size_t r) {
    if (constant_ != nullptr) return constant_.get();
    absl::string_view text = text_[r];
    if (!current_ || text != current_text_) {
      TALLY_ASSIGN_OR_RETURN(current_, Regexp::Compile(text, fold_));
      current_text_ = std::string(text);
    }
    return &*current_;
  }

 private:
  std::shared_ptr<const Regexp> constant_;
  StringArg text_;
  bool fold_;
  std::optional<Regexp> current_;
  std::string current_text_;
};

// The constant pattern compiled, or an error naming what ClickHouse requires of it.
absl::StatusOr<std::shared_ptr<const Regexp>> ConstantPattern(const ArgInfo& arg, bool fold) {
  const Column* c = StringConstant(arg);
  if (c == nullptr) return nullptr;
  TALLY_ASSIGN_OR_RETURN(Regexp re, Regexp::Compile(c->StringAt(0), fold));
  return std::make_shared<const Regexp>(std::move(re));
}

// --- match -------------------------------------------------------------------------------

Bound BindMatch(absl::Span<const ArgInfo> args, const FunctionContext&) {
  TALLY_RETURN_IF_ERROR(ExpectCount("match", args, 2));
  for (const ArgInfo& a : args) {
    if (!IsString(*a.type)) return IllegalType("match", *a.type);
  }
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const Regexp> constant, ConstantPattern(args[1], false));
  return MakeKernel(TypeOf(TypeId::kUInt8),
                    [constant](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
                      StringArg s(a[0]);
                      PatternRows patterns(constant, a[1], false);
                      Column out = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
                      uint8_t* dst = MutableValues<uint8_t>(out);
                      for (size_t r = 0; r < rows; ++r) {
                        TALLY_ASSIGN_OR_RETURN(const Regexp* re, patterns.At(r));
                        dst[r] = re->Matches(s[r]);
                      }
                      return out;
                    });
}

// --- extract / extractAll / countMatches ---------------------------------------------------

// The bytes extract and extractAll take from a match: group 1 when there is one (empty when
// it took no part), else the whole match.
absl::string_view Taken(const absl::string_view* g, const Regexp& re) {
  return re.groups() > 0 ? g[1] : g[0];
}

Bound BindExtract(absl::Span<const ArgInfo> args, const FunctionContext&) {
  TALLY_RETURN_IF_ERROR(ExpectCount("extract", args, 2));
  for (const ArgInfo& a : args) {
    if (!IsString(*a.type)) return IllegalType("extract", *a.type);
  }
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const Regexp> re, ConstantPattern(args[1], false));
  if (re == nullptr) return absl::InvalidArgumentError("Argument at index 1 for function extract must be constant");
  return MakeKernel(TypeOf(TypeId::kString),
                    [re](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
                      StringArg s(a[0]);
                      Column out = Column::Make(TypeOf(TypeId::kString));
                      absl::string_view g[2];
                      for (size_t r = 0; r < rows; ++r) {
                        const bool hit = re->Find(s[r], 0, g, 2);
                        out.AppendString(hit ? Taken(g, *re) : absl::string_view());
                      }
                      return out;
                    });
}

// Shared checks of the functions whose pattern must be a constant String.
absl::StatusOr<std::shared_ptr<const Regexp>> RequireConstantPattern(
    absl::string_view name, absl::Span<const ArgInfo> args, absl::string_view hay_expected,
    absl::string_view pattern_name, absl::string_view pattern_expected, bool fold) {
  TALLY_RETURN_IF_ERROR(ExpectCount(name, args, 2));
  if (!IsString(*args[0].type)) {
    return IllegalArgument(name, 0, "haystack", hay_expected, *args[0].type);
  }
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const Regexp> re, ConstantPattern(args[1], fold));
  if (re == nullptr) return IllegalArgument(name, 1, pattern_name, pattern_expected, *args[1].type);
  return re;
}

Bound BindExtractAll(absl::Span<const ArgInfo> args, const FunctionContext&) {
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const Regexp> re,
                         RequireConstantPattern("extractAll", args, "String", "pattern",
                                                "const String", false));
  auto type = DataType::Array(TypeOf(TypeId::kString));
  return MakeKernel(type, [re, type](absl::Span<const ColumnArg> a,
                                     size_t rows) -> absl::StatusOr<Column> {
    StringArg s(a[0]);
    Column out = Column::Make(type);
    Column& items = out.children[0];
    absl::string_view g[2];
    for (size_t r = 0; r < rows; ++r) {
      absl::string_view v = s[r];
      for (size_t pos = 0; pos <= v.size() && re->Find(v, pos, g, 2) && !g[0].empty();) {
        items.AppendString(Taken(g, *re));
        pos = g[0].data() + g[0].size() - v.data();
      }
      out.offsets.push_back(items.size());
    }
    return out;
  });
}

PlainBinder CountMatchesBinder(std::string name, bool fold) {
  return [name, fold](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const Regexp> re,
                           RequireConstantPattern(name, args, "String or FixedString", "pattern",
                                                  "constant String", fold));
    return MakeKernel(TypeOf(TypeId::kUInt64),
                      [re](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
                        StringArg s(a[0]);
                        Column out = AllocateFixed(TypeOf(TypeId::kUInt64), rows);
                        uint64_t* dst = MutableValues<uint64_t>(out);
                        absl::string_view g[1];
                        for (size_t r = 0; r < rows; ++r) {
                          absl::string_view v = s[r];
                          uint64_t count = 0;
                          for (size_t pos = 0; pos < v.size() && re->Find(v, pos, g, 1);) {
                            pos = g[0].data() + g[0].size() - v.data();
                            if (g[0].empty()) {
                              ++pos;  // not counted; the search steps one byte on
                            } else {
                              ++count;
                            }
                          }
                          dst[r] = count;
                        }
                        return out;
                      });
  };
}

// --- extractAllGroupsHorizontal / Vertical -------------------------------------------------

PlainBinder ExtractAllGroupsBinder(std::string name, bool vertical) {
  return [name, vertical](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    constexpr absl::string_view kExpected = "const String or const FixedString";
    TALLY_RETURN_IF_ERROR(ExpectCount(name, args, 2));
    if (!IsString(*args[0].type)) return IllegalArgument(name, 0, "haystack", kExpected, *args[0].type);
    const Column* c = StringConstant(args[1]);
    if (c == nullptr) return IllegalArgument(name, 1, "needle", kExpected, *args[1].type);
    const std::string pattern(c->StringAt(0));
    if (pattern.empty()) {
      return absl::InvalidArgumentError("Length of 'needle' argument must be greater than 0");
    }
    TALLY_ASSIGN_OR_RETURN(Regexp compiled, Regexp::Compile(pattern));
    if (compiled.groups() == 0) {
      return absl::InvalidArgumentError(absl::StrCat("There are no groups in regexp: ", pattern));
    }
    if (compiled.groups() > 127) {
      return absl::InvalidArgumentError(
          absl::StrCat("Too many groups in regexp: ", compiled.groups(), ", max: 127"));
    }
    auto re = std::make_shared<const Regexp>(std::move(compiled));
    auto type = DataType::Array(DataType::Array(TypeOf(TypeId::kString)));
    return MakeKernel(type, [re, type, vertical](absl::Span<const ColumnArg> a,
                                                 size_t rows) -> absl::StatusOr<Column> {
      StringArg s(a[0]);
      const int n = re->groups();
      Column out = Column::Make(type);
      Column& inner = out.children[0];
      Column& items = inner.children[0];
      std::vector<absl::string_view> g(n + 1);
      std::vector<absl::string_view> found;  // horizontal: every match's groups, in order
      for (size_t r = 0; r < rows; ++r) {
        absl::string_view v = s[r];
        found.clear();
        for (size_t pos = 0; pos < v.size() && re->Find(v, pos, g.data(), n + 1);) {
          if (vertical) {
            for (int k = 1; k <= n; ++k) items.AppendString(g[k]);
            inner.offsets.push_back(items.size());
          } else {
            found.insert(found.end(), g.begin() + 1, g.end());
          }
          pos = g[0].data() + g[0].size() - v.data() + (g[0].empty() ? 1 : 0);
        }
        if (!vertical) {
          for (int k = 0; k < n; ++k) {
            for (size_t i = k; i < found.size(); i += n) items.AppendString(found[i]);
            inner.offsets.push_back(items.size());
          }
        }
        out.offsets.push_back(inner.size());
      }
      return out;
    });
  };
}

// --- replaceRegexpOne / replaceRegexpAll ---------------------------------------------------

// A replacement split into literal runs and group references (group >= 0).
struct ReplacePart {
  int group = -1;
  std::string literal;
};

// `captures` counts group 0; ClickHouse reads at most 10 (\0..\9).
absl::StatusOr<std::vector<ReplacePart>> ParseReplacement(absl::string_view r, int captures) {
  std::vector<ReplacePart> parts;
  std::string literal;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] != '\\' || i + 1 == r.size()) {
      literal.push_back(r[i]);
      continue;
    }
    const char next = r[++i];
    if (next < '0' || next > '9') {
      literal.push_back(next);
      continue;
    }
    const int group = next - '0';
    if (group >= captures) {
      return absl::InvalidArgumentError(
          absl::StrCat("Substitution '\\", group, "' in replacement argument is invalid, regexp has only ",
                       captures - 1, " capturing groups"));
    }
    if (!literal.empty()) parts.push_back({-1, std::move(literal)});
    literal.clear();
    parts.push_back({group, ""});
  }
  if (!literal.empty()) parts.push_back({-1, std::move(literal)});
  return parts;
}

// Appends `s` with matches of `re` replaced. After an empty match the search resumes one byte
// further on (inside a UTF-8 character too, as ClickHouse), so 'abc' with 'x*' and '-' gives
// '-a-b-c-'.
void ReplaceInto(absl::string_view s, const re2::RE2& re, int captures,
                 const std::vector<ReplacePart>& parts, bool all, format::PodVector<uint8_t>* out) {
  auto append = [out](absl::string_view b) {
    out->append(reinterpret_cast<const uint8_t*>(b.data()), b.size());
  };
  re2::StringPiece g[10];
  const re2::StringPiece text(s.data(), s.size());
  size_t copied = 0;
  for (size_t pos = 0; pos <= s.size();) {
    if (!re.Match(text, pos, s.size(), re2::RE2::UNANCHORED, g, captures)) break;
    const size_t begin = g[0].data() - s.data(), end = begin + g[0].size();
    append(s.substr(copied, begin - copied));
    for (const ReplacePart& p : parts) {
      append(p.group < 0 ? absl::string_view(p.literal)
                         : absl::string_view(g[p.group].data(), g[p.group].size()));
    }
    copied = pos = end;
    if (!all) break;
    if (g[0].empty()) ++pos;
  }
  append(s.substr(copied));
}

PlainBinder ReplaceBinder(std::string name, bool all) {
  return [name, all](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    TALLY_RETURN_IF_ERROR(ExpectCount(name, args, 3));
    constexpr const char* kNames[] = {"haystack", "pattern", "replacement"};
    for (size_t i = 0; i < 3; ++i) {
      if (!IsString(*args[i].type)) return IllegalArgument(name, i, kNames[i], "String", *args[i].type);
    }
    // Constant pattern and replacement: compiled and checked once.
    std::shared_ptr<const re2::RE2> re;
    if (const Column* p = StringConstant(args[1]); p != nullptr && !p->StringAt(0).empty()) {
      TALLY_ASSIGN_OR_RETURN(re, CompileReplacePattern(p->StringAt(0)));
    }
    const bool pattern_const = StringConstant(args[1]) != nullptr;
    std::shared_ptr<const std::vector<ReplacePart>> parts;
    if (const Column* r = StringConstant(args[2]); r != nullptr && re != nullptr) {
      const int captures = std::min(re->NumberOfCapturingGroups() + 1, 10);
      TALLY_ASSIGN_OR_RETURN(std::vector<ReplacePart> p, ParseReplacement(r->StringAt(0), captures));
      parts = std::make_shared<const std::vector<ReplacePart>>(std::move(p));
    }
    return MakeKernel(TypeOf(TypeId::kString), [re, parts, pattern_const, all](
                                                   absl::Span<const ColumnArg> a,
                                                   size_t rows) -> absl::StatusOr<Column> {
      StringArg s(a[0]), pattern(a[1]), replacement(a[2]);
      Column out = Column::Make(TypeOf(TypeId::kString));
      out.offsets.resize(rows);
      std::shared_ptr<const re2::RE2> row_re = re;
      std::string row_pattern;
      std::vector<ReplacePart> row_parts;
      for (size_t r = 0; r < rows; ++r) {
        absl::string_view h = s[r], p = pattern[r];
        if (p.empty()) {  // ClickHouse leaves the string as it is
          out.chars.append(reinterpret_cast<const uint8_t*>(h.data()), h.size());
          out.offsets[r] = out.chars.size();
          continue;
        }
        if (!pattern_const && (row_re == nullptr || p != row_pattern)) {
          TALLY_ASSIGN_OR_RETURN(row_re, CompileReplacePattern(p));
          row_pattern = std::string(p);
        }
        const int captures = std::min(row_re->NumberOfCapturingGroups() + 1, 10);
        const std::vector<ReplacePart>* use = parts.get();
        if (use == nullptr) {
          TALLY_ASSIGN_OR_RETURN(row_parts, ParseReplacement(replacement[r], captures));
          use = &row_parts;
        }
        ReplaceInto(h, *row_re, captures, *use, all, &out.chars);
        out.offsets[r] = out.chars.size();
      }
      return out;
    });
  };
}

}  // namespace

void RegisterRegexpFunctions(FunctionRegistry& registry) {
  RegisterPlain(registry, "match", BindMatch);
  RegisterPlain(registry, "extract", BindExtract);
  RegisterPlain(registry, "extractAll", BindExtractAll);
  RegisterPlain(registry, "extractAllGroupsHorizontal",
                ExtractAllGroupsBinder("extractAllGroupsHorizontal", false));
  RegisterPlain(registry, "extractAllGroupsVertical",
                ExtractAllGroupsBinder("extractAllGroupsVertical", true));
  RegisterPlain(registry, "extractAllGroups", ExtractAllGroupsBinder("extractAllGroups", true));
  RegisterPlain(registry, "countMatches", CountMatchesBinder("countMatches", false));
  RegisterPlain(registry, "countMatchesCaseInsensitive",
                CountMatchesBinder("countMatchesCaseInsensitive", true));
  RegisterPlain(registry, "replaceRegexpOne", ReplaceBinder("replaceRegexpOne", false));
  RegisterPlain(registry, "replaceRegexpAll", ReplaceBinder("replaceRegexpAll", true));
  RegisterPlain(registry, "REGEXP_REPLACE", ReplaceBinder("replaceRegexpAll", true), true);
}

}  // namespace tally::engine::exec
