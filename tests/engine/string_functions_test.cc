#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/exec/function.h"
#include "engine/exec/like_pattern.h"
#include "format/column.h"
#include "tests/engine/call_function.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;
using testing::CallFn;
using testing::ColumnOf;
using testing::ConstOf;
using testing::FnArg;
using testing::I;
using testing::LowCardinalityT;
using testing::S;
using testing::StringT;
using testing::T;
using testing::U;
using testing::ValuesOf;

std::vector<Value> Strings(std::vector<std::string> v) {
  std::vector<Value> out;
  for (auto& s : v) out.push_back(S(s));
  return out;
}

std::vector<Value> UInts(std::vector<uint64_t> v) {
  std::vector<Value> out;
  for (uint64_t x : v) out.push_back(U(x));
  return out;
}

FnArg Str(std::vector<std::string> v) { return ColumnOf(StringT(), Strings(std::move(v))); }
FnArg Lc(std::vector<std::string> v) { return ColumnOf(LowCardinalityT(), Strings(std::move(v))); }
FnArg CStr(std::string s) { return ConstOf(StringT(), S(std::move(s))); }
FnArg CInt(int64_t v) { return ConstOf(T(TypeId::kInt64), I(v)); }
FnArg CUInt(uint64_t v) { return ConstOf(T(TypeId::kUInt64), U(v)); }

std::vector<Value> Eval(const std::string& name, const std::vector<FnArg>& args) {
  auto out = CallFn(name, args);
  EXPECT_TRUE(out.ok()) << name << ": " << out.status();
  return out.ok() ? ValuesOf(*out) : std::vector<Value>{};
}

TEST(StringFunctionsTest, LowerAndUpperFoldAsciiOnly) {
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("lower", {Str({"Hello WORLD", "", "ÀB"})}));
  EXPECT_TRUE(out.type->Equals(*StringT()));
  EXPECT_EQ(ValuesOf(out), Strings({"hello world", "", "Àb"}));
  EXPECT_EQ(Eval("upper", {Str({"abc1"})}), Strings({"ABC1"}));
  EXPECT_EQ(Eval("UPPER", {Str({"x"})}), Strings({"X"}));  // case-insensitive name
  EXPECT_EQ(Eval("lowerUTF8", {CStr("ABC")}), Strings({"abc"}));
}

TEST(StringFunctionsTest, Utf8CaseCoversLatinGreekAndCyrillic) {
  EXPECT_EQ(Eval("lowerUTF8", {Str({"ÀÉÜÞ ŁŐŸŽ ΑΣΩΆ ЖЯЁ", "日本 ✓ ß", "\xC3"})}),
            Strings({"àéüþ łőÿž ασωά жяё", "日本 ✓ ß", "\xC3"}));
  EXPECT_EQ(Eval("upperUTF8", {Str({"àéüþÿ łőž αςωά жяё"})}), Strings({"ÀÉÜÞŸ ŁŐŽ ΑΣΩΆ ЖЯЁ"}));
  EXPECT_EQ(Eval("lower", {CStr("ÄB")}), Strings({"Äb"}));  // lower and upper stay ASCII
}

// ICU's full case mapping in the root locale, as ClickHouse 26.9 (values from chDB 4.4).
TEST(StringFunctionsTest, Utf8CaseMapsFullyAsIcu) {
  EXPECT_EQ(Eval("upperUTF8", {Str({"straße", "ﬁx", "ı", "ǆ", "ŉ", "ᾳ", "ﬀ", "ǰ", "ꭰ", "ა"})}),
            Strings({"STRASSE", "FIX", "I", "Ǆ", "ʼN", "ΑΙ", "FF", "J\u030C", "Ꭰ", "Ა"}));
  EXPECT_EQ(Eval("upperUTF8", {Str({"ΐ"})}), Strings({"\u0399\u0308\u0301"}));
  EXPECT_EQ(Eval("lowerUTF8", {Str({"İ", "I", "ǅ", "ẞ", "Ꭰ", "Ა", "STRASSE"})}),
            Strings({"i\u0307", "i", "ǆ", "ß", "ꭰ", "ა", "strasse"}));
  EXPECT_EQ(Eval("lower", {Str({"ÉCOLE"})}), Strings({"École"}));
}

TEST(StringFunctionsTest, LowerUtf8FinalSigma) {
  // Σ is ς after a cased letter and before none, skipping case-ignorable characters ('.).
  EXPECT_EQ(Eval("lowerUTF8", {Str({"ΟΔΟΣ ΟΔΟΣ.", "Σ", "ΑΣ", "ΑΣΑ", "Α'Σ", "ΑΣ'", "Α.Σ.Α"})}),
            Strings({"οδος οδος.", "σ", "ας", "ασα", "α'ς", "ας'", "α.σ.α"}));
  // Bytes that are not UTF-8 stay, and end the look for letters around a Σ.
  EXPECT_EQ(Eval("lowerUTF8", {Str({"Σ\xFF", "A\xFFΣ", "AΣ\xFF", "AΣ\uD7FF"})}),
            Strings({"σ\xFF", "a\xFFσ", "aς\xFF", "aς\uD7FF"}));
  EXPECT_EQ(Eval("upperUTF8", {Str({"a\xFF" "bé", "\xED\xA0\x80x", "\xC0\xAFx", "\xF4\x90\x80\x80x"})}),
            Strings({"A\xFF" "BÉ", "\xED\xA0\x80X", "\xC0\xAFX", "\xF4\x90\x80\x80X"}));
}

TEST(StringFunctionsTest, Utf8CaseOnLowCardinalityAndNullable) {
  EXPECT_EQ(Eval("upperUTF8", {Lc({"straße", "a", "straße"})}), Strings({"STRASSE", "A", "STRASSE"}));
  FnArg n = ColumnOf(DataType::Nullable(StringT()), {S("ß"), Value::Null()});
  EXPECT_EQ(Eval("upperUTF8", {n}), (std::vector<Value>{S("SS"), Value::Null()}));
}

TEST(StringFunctionsTest, ConcatTakesAnyTypesAndPropagatesNull) {
  EXPECT_EQ(
      Eval("concat", {Str({"a", "b"}), CStr("-"), ColumnOf(T(TypeId::kUInt32), UInts({1, 20}))}),
      Strings({"a-1", "b-20"}));
  auto nullable = ColumnOf(DataType::Nullable(StringT()), {S("x"), Value::Null()});
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("concat", {nullable, CStr("!")}));
  EXPECT_EQ(out.type->ToString(), "Nullable(String)");
  EXPECT_EQ(ValuesOf(out), (std::vector<Value>{S("x!"), Value::Null()}));
  EXPECT_STATUS(CallFn("concat", {}), absl::StatusCode::kInvalidArgument, "concat");
}

TEST(StringFunctionsTest, SubstringFollowsClickHouseOffsets) {
  auto sub = [](int64_t offset) { return Eval("substring", {CStr("Hello"), CInt(offset)})[0].s; };
  auto sub3 = [](int64_t offset, int64_t length) {
    return Eval("substring", {CStr("Hello"), CInt(offset), CInt(length)})[0].s;
  };
  EXPECT_EQ(sub(1), "Hello");
  EXPECT_EQ(sub(2), "ello");
  EXPECT_EQ(sub(0), "");
  EXPECT_EQ(sub(6), "");
  EXPECT_EQ(sub(-3), "llo");
  EXPECT_EQ(sub(-10), "Hello");
  EXPECT_EQ(sub3(2, 3), "ell");
  EXPECT_EQ(sub3(-3, 2), "ll");
  EXPECT_EQ(sub3(-7, 4), "He");  // starts 2 before the string: 2 of the 4 remain
  EXPECT_EQ(sub3(-7, 1), "");
  EXPECT_EQ(sub3(2, -1), "ell");
  EXPECT_EQ(sub3(2, -10), "");
  EXPECT_EQ(sub3(1, INT64_MAX), "Hello");
  EXPECT_EQ(sub3(INT64_MIN, 3), "");
  // Per-row offsets.
  EXPECT_EQ(Eval("substr", {Str({"abc", "abc"}), ColumnOf(T(TypeId::kInt8), {I(2), I(-1)})}),
            Strings({"bc", "c"}));
}

TEST(StringFunctionsTest, TrimRemovesSpacesOrGivenCharacters) {
  FnArg s = Str({"  a b  ", "", "   "});
  EXPECT_EQ(Eval("trimBoth", {s}), Strings({"a b", "", ""}));
  EXPECT_EQ(Eval("trimLeft", {s}), Strings({"a b  ", "", ""}));
  EXPECT_EQ(Eval("trimRight", {s}), Strings({"  a b", "", ""}));
  EXPECT_EQ(Eval("trim", {Str({"\ta\t"})}), Strings({"\ta\t"}));  // only spaces by default
  EXPECT_EQ(Eval("trimBoth", {Str({"xxaxyx"}), CStr("xy")}), Strings({"a"}));
}

TEST(StringFunctionsTest, ReplaceAllAndOne) {
  FnArg s = Str({"a.b.c", "none", ""});
  EXPECT_EQ(Eval("replaceAll", {s, CStr("."), CStr("::")}), Strings({"a::b::c", "none", ""}));
  EXPECT_EQ(Eval("replaceOne", {s, CStr("."), CStr("")}), Strings({"ab.c", "none", ""}));
  EXPECT_EQ(Eval("replaceAll", {s, CStr(""), CStr("x")}), Strings({"a.b.c", "none", ""}));
  EXPECT_EQ(Eval("replaceAll", {Str({"aaa"}), CStr("aa"), CStr("b")}), Strings({"ba"}));
}

TEST(StringFunctionsTest, SplitByCharAndString) {
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("splitByChar", {CStr(","), Str({"a,,b", "", "x"})}));
  EXPECT_EQ(out.type->ToString(), "Array(String)");
  EXPECT_EQ(ValuesOf(out),
            (std::vector<Value>{Value::Array(Strings({"a", "", "b"})), Value::Array(Strings({""})),
                                Value::Array(Strings({"x"}))}));
  EXPECT_EQ(Eval("splitByString", {CStr("::"), Str({"a::b::c"}), CInt(2)}),
            (std::vector<Value>{Value::Array(Strings({"a", "b"}))}));
  EXPECT_STATUS(CallFn("splitByChar", {CStr("ab"), Str({"x"})}), absl::StatusCode::kInvalidArgument,
                "exactly one character");
  // Arrays cannot be Nullable: a NULL row splits the empty string.
  FnArg nullable = ColumnOf(DataType::Nullable(StringT()), {S("a,b"), Value::Null()});
  ASSERT_OK_AND_ASSIGN(out, CallFn("splitByChar", {CStr(","), nullable}));
  EXPECT_EQ(out.type->ToString(), "Array(String)");
  EXPECT_EQ(ValuesOf(out),
            (std::vector<Value>{Value::Array(Strings({"a", "b"})), Value::Array(Strings({""}))}));
}

TEST(StringFunctionsTest, StartsWithEndsWith) {
  FnArg s = Str({"prefix-body", "pre", ""});
  EXPECT_EQ(Eval("startsWith", {s, CStr("pre")}), UInts({1, 1, 0}));
  EXPECT_EQ(Eval("endsWith", {s, CStr("body")}), UInts({1, 0, 0}));
  EXPECT_EQ(Eval("startsWith", {s, CStr("")}), UInts({1, 1, 1}));
  EXPECT_EQ(Eval("endsWith", {s, Str({"y", "x", ""})}), UInts({1, 0, 1}));
}

TEST(StringFunctionsTest, PositionIsOneBasedAndZeroWhenAbsent) {
  FnArg s = Str({"hello", "HeLLo", ""});
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("position", {s, CStr("l")}));
  EXPECT_EQ(out.type->ToString(), "UInt64");
  EXPECT_EQ(ValuesOf(out), UInts({3, 0, 0}));
  EXPECT_EQ(Eval("position", {s, CStr("")}), UInts({1, 1, 1}));
  EXPECT_EQ(Eval("position", {s, CStr("l"), CUInt(4)}), UInts({4, 0, 0}));
  EXPECT_EQ(Eval("position", {s, CStr(""), CUInt(7)}), UInts({0, 0, 0}));
  EXPECT_EQ(Eval("position", {s, CStr(""), CUInt(0)}), UInts({1, 1, 1}));
  // As ClickHouse, the start is unsigned: a signed type is refused even for a positive value.
  EXPECT_STATUS(CallFn("position", {s, CStr("l"), CInt(4)}), absl::StatusCode::kInvalidArgument,
                "unsigned");
  EXPECT_EQ(Eval("positionCaseInsensitive", {s, CStr("LL")}), UInts({3, 3, 0}));
  EXPECT_EQ(Eval("positionUTF8", {Str({"привет мир"}), CStr("мир")}), UInts({8}));
  EXPECT_EQ(Eval("position", {Str({"привет мир"}), CStr("мир")}), UInts({14}));
}

TEST(StringFunctionsTest, LikeShapesAndGeneralPatterns) {
  FnArg s = Str({"abc", "abcdef", "xabc", "ab", "a_c", "a%c", "aéc", ""});
  EXPECT_EQ(Eval("like", {s, CStr("abc")}), UInts({1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("abc%")}), UInts({1, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("%abc")}), UInts({1, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("%bc%")}), UInts({1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("a_c")}), UInts({1, 0, 0, 0, 1, 1, 1, 0}));  // é is one character
  EXPECT_EQ(Eval("like", {s, CStr("a\\_c")}), UInts({0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("a\\%c")}), UInts({0, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("%")}), UInts({1, 1, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("a%c%f")}), UInts({0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("_b%")}), UInts({1, 1, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("notLike", {s, CStr("%c")}), UInts({0, 1, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(Eval("ilike", {Str({"ABC", "aBc", "abd"}), CStr("a%C")}), UInts({1, 1, 0}));
  EXPECT_EQ(Eval("notILike", {Str({"ABC", "abd"}), CStr("abc")}), UInts({0, 1}));
  EXPECT_EQ(Eval("ilike", {Str({"ÄÖÜ", "äöü", "ΣΟΦΟΣ", "Привет"}), CStr("ä_ü")}), UInts({1, 1, 0, 0}));
  EXPECT_EQ(Eval("ilike", {Str({"ΣΟΦΟΣ", "σοφος"}), CStr("%ς")}), UInts({1, 1}));
  EXPECT_EQ(Eval("ilike", {Str({"Привет мир"}), CStr("ПРИВЕТ%")}), UInts({1}));
  // A column of patterns, compiled as they change.
  EXPECT_EQ(Eval("like", {Str({"abc", "abc", "abc"}), Str({"a%", "a%", "%d"})}), UInts({1, 1, 0}));
}

// ClickHouse 26.9's answers (chDB 4.4): `\%`, `\_` and `\\` escape; a backslash before
// anything else is kept as a character.
TEST(StringFunctionsTest, LikeKeepsABackslashBeforeOtherCharacters) {
  FnArg s = Str({"a\\b", "ab", "x1", "x\\d", "x\\dy", "100%", "a_b", "axb", "a\\%b", "a\\xxb"});
  EXPECT_EQ(Eval("like", {s, CStr("a\\b")}), UInts({1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("%\\d%")}), UInts({0, 0, 0, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("x\\d_")}), UInts({0, 0, 0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("100\\%")}), UInts({0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("a\\_b")}), UInts({0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("a\\\\%b")}), UInts({1, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(Eval("notLike", {s, CStr("a\\b")}), UInts({0, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(Eval("ilike", {Str({"A\\B", "A\\D", "AB"}), CStr("a\\b")}), UInts({1, 0, 0}));
  EXPECT_EQ(Eval("ilike", {Str({"A\\B", "A\\D", "AB"}), CStr("%\\d")}), UInts({0, 1, 0}));
  EXPECT_EQ(Eval("like", {Str({"aé", "a\\é"}), CStr("a\\é")}), UInts({0, 1}));
  EXPECT_EQ(Eval("like", {Str({"a.b", "a\\.b"}), CStr("a\\.b")}), UInts({0, 1}));
  // A pattern column is compiled per row, with the same rules.
  EXPECT_EQ(Eval("like", {Str({"a\\b", "a\\b"}), Str({"a\\b", "a\\\\b"})}), UInts({1, 1}));
}

TEST(StringFunctionsTest, LikePatternEndingInABackslashIsAnError) {
  for (const char* p : {"a\\", "\\", "%\\", "a\\\\\\"}) {
    EXPECT_STATUS(CallFn("like", {Str({"a"}), CStr(p)}), absl::StatusCode::kInvalidArgument,
                  "Invalid escape sequence at the end of LIKE pattern");
    EXPECT_STATUS(CallFn("ilike", {Str({"a"}), CStr(p)}), absl::StatusCode::kInvalidArgument,
                  "Invalid escape sequence at the end of LIKE pattern");
  }
  EXPECT_STATUS(CallFn("like", {Str({"a", "b"}), Str({"a", "b\\"})}), absl::StatusCode::kInvalidArgument,
                "'b\\'");
  EXPECT_EQ(Eval("like", {Str({"a\\", "a"}), CStr("a\\\\")}), UInts({1, 0}));  // an escaped one is fine
}

// re2 reads a character as a lead byte C2..DF, E0..EF or F0..F4 with its continuation
// bytes; `_` and an inner `%` never take other bytes (ClickHouse 26.9).
TEST(StringFunctionsTest, LikeWildcardsSkipNoBrokenUtf8) {
  FnArg s = Str({"a\xFF" "b", "a\xC3" "b", "a\xC3\xA9" "b", "a\xED\xA0\x80" "b", "a\xE0\x9F\x80" "b",
                 "a\xC0\x80" "b", "a\xF4\x90\x80\x80" "b"});
  EXPECT_EQ(Eval("like", {s, CStr("a_b")}), UInts({0, 0, 1, 1, 1, 0, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("a%b")}), UInts({0, 0, 1, 1, 1, 0, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("a%")}), UInts({1, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("%b")}), UInts({1, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("%a%b%")}), UInts({0, 0, 1, 1, 1, 0, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("%_b")}), UInts({0, 0, 1, 1, 1, 0, 1}));
  EXPECT_EQ(Eval("like", {s, CStr("a\xFF" "b")}), UInts({1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {s, CStr("%\xFF%")}), UInts({1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("like", {Str({"a\xFF" "bc"}), CStr("a%c")}), UInts({0}));
  EXPECT_EQ(Eval("like", {Str({"a\xFF" "b"}), CStr("%a\xFF_")}), UInts({1}));
}

// ILIKE as ClickHouse 26.9: re2's case-insensitive matching, after a substring search with
// Poco's case rules for the longest plain run of 3 bytes or more ('%x%' is only that search).
TEST(StringFunctionsTest, IlikeFoldsUnicodeAsClickHouse) {
  FnArg s = Str({"ÉCOLE", "école", "STRASSE", "ǅ", "ΟΔΟΣ", "Σ", "ſ", "K", "İ", "ı"});
  EXPECT_EQ(Eval("ilike", {s, CStr("é%")}), UInts({1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("%COLE")}), UInts({1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("%COLE%")}), UInts({1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("straße")}), UInts({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("ǆ")}), UInts({0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("%ǆ%")}), UInts({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("ς")}), UInts({0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("οδος")}), UInts({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("οδοσ")}), UInts({0, 0, 0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("%ς")}), UInts({0, 0, 0, 0, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("s")}), UInts({0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("k")}), UInts({0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("i")}), UInts({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("ilike", {s, CStr("é_ole")}), UInts({1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("notILike", {s, CStr("é_ole")}), UInts({0, 0, 1, 1, 1, 1, 1, 1, 1, 1}));
}

TEST(StringFunctionsTest, PositionCaseInsensitiveUtf8FoldsUnicode) {
  FnArg s = Str({"ÉCOLE", "école", "aÉCOLE", "STRAẞE", "ΟΔΟΣ", "xK", "İstanbul", "ıI"});
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("é")}), UInts({1, 1, 2, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("COLE")}), UInts({2, 2, 3, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("ß")}), UInts({0, 0, 0, 5, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("σ")}), UInts({0, 0, 0, 0, 4, 0, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("ς")}), UInts({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("k")}), UInts({0, 0, 0, 0, 0, 2, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {s, CStr("i")}), UInts({0, 0, 0, 0, 0, 0, 0, 2}));
  // The start counts characters; an empty needle is found at the start.
  FnArg e = Str({"aébÉc"});
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {e, CStr("É"), CUInt(3)}), UInts({4}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {e, CStr("É"), CUInt(5)}), UInts({0}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {e, CStr(""), CUInt(6)}), UInts({6}));
  EXPECT_EQ(Eval("positionCaseInsensitiveUTF8", {e, CStr(""), CUInt(7)}), UInts({0}));
  EXPECT_EQ(Eval("positionUTF8", {e, CStr("É"), CUInt(3)}), UInts({4}));
  // positionCaseInsensitive folds ASCII only, as ClickHouse.
  EXPECT_EQ(Eval("positionCaseInsensitive", {s, CStr("é")}), UInts({0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Eval("positionCaseInsensitive", {s, CStr("cole")}), UInts({3, 3, 4, 0, 0, 0, 0, 0}));
}

TEST(StringFunctionsTest, LikePatternPicksFastShapes) {
  EXPECT_EQ(LikePattern::Compile("abc", false)->shape(), LikePattern::Shape::kExact);
  EXPECT_EQ(LikePattern::Compile("abc%", false)->shape(), LikePattern::Shape::kPrefix);
  EXPECT_EQ(LikePattern::Compile("%abc", false)->shape(), LikePattern::Shape::kSuffix);
  EXPECT_EQ(LikePattern::Compile("%abc%", false)->shape(), LikePattern::Shape::kContains);
  EXPECT_EQ(LikePattern::Compile("%a_c%", false)->shape(), LikePattern::Shape::kGeneral);
  EXPECT_EQ(LikePattern::Compile("a\\%", false)->shape(), LikePattern::Shape::kExact);
}

TEST(StringFunctionsTest, HasTokenNeedsSeparatorsAround) {
  FnArg s = Str({"hello world", "helloworld", "a-b.c", "x:world!", "wörld world", "WORLD"});
  EXPECT_EQ(Eval("hasToken", {s, CStr("world")}), UInts({1, 0, 0, 1, 1, 0}));
  EXPECT_EQ(Eval("hasToken", {s, CStr("b")}), UInts({0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(Eval("hasTokenCaseInsensitive", {s, CStr("World")}), UInts({1, 0, 0, 1, 1, 1}));
  EXPECT_EQ(Eval("hasToken", {Str({"wörld"}), CStr("w")}),
            UInts({0}));  // non-ASCII bytes join tokens
  EXPECT_STATUS(CallFn("hasToken", {s, CStr("a b")}), absl::StatusCode::kInvalidArgument,
                "separator");
  EXPECT_STATUS(CallFn("hasToken", {s, Str({"a", "b", "c", "d", "e", "f"})}),
                absl::StatusCode::kInvalidArgument, "constant");
}

TEST(StringFunctionsTest, BadArgumentsAreInvalidArgument) {
  EXPECT_STATUS(CallFn("lower", {ColumnOf(T(TypeId::kUInt8), UInts({1}))}),
                absl::StatusCode::kInvalidArgument, "lower");
  EXPECT_STATUS(CallFn("position", {Str({"a"})}), absl::StatusCode::kInvalidArgument, "position");
  EXPECT_STATUS(CallFn("substring", {Str({"a"}), CStr("x")}), absl::StatusCode::kInvalidArgument,
                "integer");
}

// Every predicate and transform gives the same rows for LowCardinality(String) as for
// String, whether it runs per dictionary entry or over materialized rows.
TEST(StringFunctionsTest, LowCardinalityMatchesPlainStrings) {
  std::vector<std::string> rows = {"Hello world", "  x  ", "Hello world", "",
                                   "abc%def",     "x",     "  x  "};
  struct Call {
    std::string name;
    std::vector<FnArg> rest;
  };
  std::vector<Call> calls = {
      {"lower", {}},
      {"upper", {}},
      {"trim", {}},
      {"concat", {CStr("!")}},
      {"substring", {CInt(2), CInt(3)}},
      {"replaceAll", {CStr("o"), CStr("0")}},
      {"startsWith", {CStr("Hel")}},
      {"endsWith", {CStr("x  ")}},
      {"position", {CStr("o")}},
      {"like", {CStr("%o w%")}},
      {"ilike", {CStr("hello%")}},
      {"notLike", {CStr("x")}},
      {"hasToken", {CStr("world")}},
      {"splitByChar", {}},
  };
  for (const Call& c : calls) {
    std::vector<FnArg> plain = {Str(rows)}, lc = {Lc(rows)};
    if (c.name == "splitByChar") {
      plain.insert(plain.begin(), CStr(" "));
      lc.insert(lc.begin(), CStr(" "));
    }
    for (const FnArg& a : c.rest) {
      plain.push_back(a);
      lc.push_back(a);
    }
    ASSERT_OK_AND_ASSIGN(Column want, CallFn(c.name, plain));
    ASSERT_OK_AND_ASSIGN(Column got, CallFn(c.name, lc));
    EXPECT_EQ(ValuesOf(got), ValuesOf(want)) << c.name;
    EXPECT_TRUE(got.type->Equals(*want.type)) << c.name;
  }
}

TEST(StringFunctionsTest, LowCardinalityDictionaryResultIsReusedAcrossBlocks) {
  // Two blocks of one part share the part's dictionary.
  FnArg whole = Lc({"alpha", "beta", "gamma", "beta"});
  Column first = Column::Gather(whole.column, std::vector<uint32_t>{0, 1});
  Column second = Column::Gather(whole.column, std::vector<uint32_t>{2, 3, 3});
  ASSERT_EQ(first.dictionary, second.dictionary);
  FnArg pattern = CStr("%a");
  ASSERT_OK_AND_ASSIGN(auto fn, testing::BindFn("like", {whole, pattern}));
  for (const Column* block : {&first, &second, &first}) {
    std::vector<ColumnArg> args = {{block, false}, {&pattern.column, true}};
    ASSERT_OK_AND_ASSIGN(Column out, fn->Execute(args, block->size()));
    std::vector<Value> want;
    for (size_t i = 0; i < block->size(); ++i) {
      want.push_back(U(LikePattern::Compile("%a", false)
                           ->Matches(block->dictionary->StringAt(block->IndexAt(i)), nullptr)));
    }
    EXPECT_EQ(ValuesOf(out), want);
  }
}

TEST(StringFunctionsTest, NullableLowCardinalityGivesNullableResult) {
  FnArg lc = ColumnOf(DataType::LowCardinality(DataType::Nullable(StringT())),
                      {S("ab"), Value::Null(), S("b")});
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("startsWith", {lc, CStr("a")}));
  EXPECT_EQ(out.type->ToString(), "Nullable(UInt8)");
  EXPECT_EQ(ValuesOf(out), (std::vector<Value>{U(1), Value::Null(), U(0)}));
  ASSERT_OK_AND_ASSIGN(out, CallFn("upper", {lc}));
  EXPECT_EQ(ValuesOf(out), (std::vector<Value>{S("AB"), Value::Null(), S("B")}));
}

TEST(StringFunctionsTest, ConstantArgumentsFillEveryRow) {
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("upper", {CStr("a")}, {}, 3));
  EXPECT_EQ(ValuesOf(out), Strings({"A", "A", "A"}));
  ASSERT_OK_AND_ASSIGN(out, CallFn("like", {CStr("abc"), CStr("a%")}, {}, 2));
  EXPECT_EQ(ValuesOf(out), UInts({1, 1}));
}

}  // namespace
}  // namespace tally::engine::exec
