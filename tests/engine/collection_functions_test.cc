// Tests for engine/exec/collection_functions.cc.
#include <gtest/gtest.h>

#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

TEST(ArrayTest, BuildsRowsOfTheCommonSupertype) {
  TALLY_EXPECT_CALL(Call("array", {Vec("UInt8", {U(1), U(2)}), Const("Int16", I(-300))}), "Array(Int16)",
                    (std::vector<Value>{A({I(1), I(-300)}), A({I(2), I(-300)})}));
  TALLY_EXPECT_CALL(Call("array", {Const("String", S("a")), Const("Nullable(UInt8)", N())}, 1), "Array(Nullable(String))",
                    (std::vector<Value>{A({S("a"), N()})}));
  TALLY_EXPECT_CALL(Call("array", {}, 2), "Array(UInt8)", (std::vector<Value>{A({}), A({})}));
  EXPECT_STATUS(Call("array", {Const("String", S("a")), Const("UInt8", U(1))}), absl::StatusCode::kInvalidArgument,
                "array: there is no supertype for types String, UInt8");
}

TEST(MapFunctionTest, BuildsRowsFromKeyValuePairs) {
  TALLY_EXPECT_CALL(Call("map", {Const("String", S("a")), Vec("UInt8", {U(1), U(2)}), Const("String", S("b")),
                                 Const("Int16", I(-3))}),
                    "Map(String, Int16)",
                    (std::vector<Value>{M({S("a"), I(1), S("b"), I(-3)}), M({S("a"), I(2), S("b"), I(-3)})}));
  TALLY_EXPECT_CALL(Call("map", {}, 1), "Map(UInt8, UInt8)", (std::vector<Value>{M({})}));
  EXPECT_STATUS(Call("map", {Const("String", S("a"))}), absl::StatusCode::kInvalidArgument,
                "map: needs key-value pairs, got 1 arguments");
}

TEST(ArrayElementTest, OneBasedNegativeFromEndElseDefault) {
  Arg arr = Vec("Array(String)", {A({S("a"), S("b"), S("c")}), A({}), A({S("x")})});
  TALLY_EXPECT_CALL(Call("arrayElement", {arr, Const("UInt8", U(1))}), "String", (std::vector<Value>{S("a"), S(""), S("x")}));
  TALLY_EXPECT_CALL(Call("arrayElement", {arr, Const("Int8", I(-1))}), "String", (std::vector<Value>{S("c"), S(""), S("x")}));
  TALLY_EXPECT_CALL(Call("arrayElement", {arr, Const("Int8", I(-3))}), "String", (std::vector<Value>{S("a"), S(""), S("")}));
  // ClickHouse: a constant unsigned 0 on an array column is an error; a signed one the default.
  EXPECT_STATUS(Call("arrayElement", {arr, Const("UInt8", U(0))}), absl::StatusCode::kInvalidArgument,
                "Array indices are 1-based");
  TALLY_EXPECT_CALL(Call("arrayElement", {arr, Const("Int8", I(0))}), "String", (std::vector<Value>{S(""), S(""), S("")}));
  TALLY_EXPECT_CALL(Call("arrayElement", {arr, Vec("Int64", {I(2), I(1), I(2)})}), "String",
                    (std::vector<Value>{S("b"), S(""), S("")}));
  TALLY_EXPECT_CALL(Call("arrayElement", {Vec("Array(Nullable(UInt32))", {A({U(1), N()}), A({})}), Const("UInt8", U(2))}),
                    "Nullable(UInt32)", (std::vector<Value>{N(), N()}));
  TALLY_EXPECT_CALL(Call("arrayElement", {Const("Array(UInt16)", A({U(10), U(20)})), Vec("UInt8", {U(2), U(3), U(1)})}),
                    "UInt16", (std::vector<Value>{U(20), U(0), U(10)}));
  TALLY_EXPECT_CALL(Call("arrayElement", {Vec("Array(LowCardinality(String))", {A({S("p"), S("q")}), A({S("r")})}),
                                          Const("UInt8", U(2))}),
                    "LowCardinality(String)", (std::vector<Value>{S("q"), S("")}));
  EXPECT_STATUS(Call("arrayElement", {arr, Const("String", S("1"))}), absl::StatusCode::kInvalidArgument,
                "arrayElement: argument 2 has type String, expected an integer index");
  EXPECT_STATUS(Call("arrayElement", {Vec("String", {S("a")}), Const("UInt8", U(1))}), absl::StatusCode::kInvalidArgument,
                "arrayElement: argument 1 has type String, expected an Array or a Map");
}

TEST(ArrayElementTest, MapLookup) {
  Arg m = Vec("Map(String, UInt64)", {M({S("a"), U(1), S("b"), U(2)}), M({}), M({S("b"), U(5)})});
  TALLY_EXPECT_CALL(Call("arrayElement", {m, Const("String", S("b"))}), "UInt64", (std::vector<Value>{U(2), U(0), U(5)}));
  TALLY_EXPECT_CALL(Call("arrayElement", {m, Vec("String", {S("a"), S("a"), S("a")})}), "UInt64",
                    (std::vector<Value>{U(1), U(0), U(0)}));
  Arg lc = Vec("Map(LowCardinality(String), String)", {M({S("k"), S("v")}), M({S("j"), S("w"), S("k"), S("z")})});
  TALLY_EXPECT_CALL(Call("arrayElement", {lc, Const("String", S("k"))}), "String", (std::vector<Value>{S("v"), S("z")}));
  Arg ints = Vec("Map(UInt16, String)", {M({U(1), S("one"), U(300), S("big")})});
  TALLY_EXPECT_CALL(Call("arrayElement", {ints, Const("UInt64", U(300))}), "String", (std::vector<Value>{S("big")}));
  TALLY_EXPECT_CALL(Call("arrayElement", {ints, Const("Int8", I(-1))}), "String", (std::vector<Value>{S("")}));
  EXPECT_STATUS(Call("arrayElement", {ints, Const("String", S("x"))}), absl::StatusCode::kInvalidArgument,
                "arrayElement: Illegal types of arguments: Map(UInt16, String), String for function arrayElement");
}

TEST(HasTest, HasAndIndexOf) {
  Arg arr = Vec("Array(UInt32)", {A({U(1), U(2), U(3)}), A({}), A({U(3), U(3)})});
  TALLY_EXPECT_CALL(Call("has", {arr, Const("UInt8", U(3))}), "UInt8", (std::vector<Value>{U(1), U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("has", {arr, Const("Int8", I(-1))}), "UInt8", (std::vector<Value>{U(0), U(0), U(0)}));
  TALLY_EXPECT_CALL(Call("has", {arr, Const("Float64", F(2.5))}), "UInt8", (std::vector<Value>{U(0), U(0), U(0)}));
  TALLY_EXPECT_CALL(Call("indexOf", {arr, Const("UInt8", U(3))}), "UInt64", (std::vector<Value>{U(3), U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("indexOf", {arr, Vec("UInt64", {U(2), U(2), U(3)})}), "UInt64", (std::vector<Value>{U(2), U(0), U(1)}));
  // A constant haystack against a column needle.
  TALLY_EXPECT_CALL(Call("has", {Const("Array(String)", A({S("a"), S("c")})), Vec("LowCardinality(String)", {S("a"), S("b"), S("c")})}),
                    "UInt8", (std::vector<Value>{U(1), U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("indexOf", {Const("Array(String)", A({S("a"), S("c")})), Vec("String", {S("c"), S("b")})}), "UInt64",
                    (std::vector<Value>{U(2), U(0)}));
  // NULL is found among Nullable elements.
  Arg nullable = Vec("Array(Nullable(String))", {A({S("x"), N()}), A({S("x")})});
  TALLY_EXPECT_CALL(Call("has", {nullable, Const("Nullable(UInt8)", N())}), "UInt8", (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("has", {nullable, Const("String", S("x"))}), "UInt8", (std::vector<Value>{U(1), U(1)}));
  // No conversion, as in ClickHouse: a string never meets a date or a number, a date never
  // a number; Date and DateTime meet by value.
  EXPECT_STATUS(Call("has", {Vec("Array(Date)", {A({U(20727)})}), Const("String", S("2026-10-01"))}),
                absl::StatusCode::kInvalidArgument,
                "has: There is no supertype for types Date, String because some of them are String/FixedString/Enum "
                "and some of them are not");
  EXPECT_STATUS(Call("indexOf", {arr, Const("String", S("3"))}), absl::StatusCode::kInvalidArgument,
                "indexOf: There is no supertype for types UInt32, String");
  EXPECT_STATUS(Call("has", {Vec("Array(Date)", {A({U(20727)})}), Const("UInt16", U(20727))}),
                absl::StatusCode::kInvalidArgument,
                "because some of them are Date/Date32/DateTime/DateTime64/Time/Time64 and some of them are not");
  TALLY_EXPECT_CALL(Call("has", {Vec("Array(Date)", {A({U(20727)}), A({U(1)})}), Const("DateTime('UTC')", U(1790812800))}),
                    "UInt8", (std::vector<Value>{U(1), U(0)}));
  // A NULL needle of a column finds a NULL element, in a column or a constant haystack.
  Arg needles = Vec("Nullable(String)", {S("x"), N()});
  TALLY_EXPECT_CALL(Call("has", {nullable, needles}), "UInt8", (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("has", {Const("Array(Nullable(String))", A({N(), S("y")})), needles}), "UInt8",
                    (std::vector<Value>{U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("indexOf", {Const("Array(Nullable(String))", A({S("y"), N()})), needles}), "UInt64",
                    (std::vector<Value>{U(0), U(2)}));
  EXPECT_STATUS(Call("has", {Vec("String", {S("abc")}), Const("String", S("a"))}), absl::StatusCode::kInvalidArgument,
                "has: argument 1 has type String, expected an Array");
}

// Answers checked against ClickHouse 26.9.
TEST(HasAnyTest, SomeOrEveryElementOfTheSecondArrayIsInTheFirst) {
  Arg a = Vec("Array(UInt32)", {A({U(1), U(2)}), A({}), A({U(3), U(5), U(7)})});
  Arg b = Vec("Array(UInt8)", {A({U(2), U(9)}), A({U(1)}), A({U(7), U(3)})});
  TALLY_EXPECT_CALL(Call("hasAny", {a, b}), "UInt8", (std::vector<Value>{U(1), U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("hasAll", {a, b}), "UInt8", (std::vector<Value>{U(0), U(0), U(1)}));
  // A constant second array, as a skip index sees it; all of nothing is everything.
  TALLY_EXPECT_CALL(Call("hasAny", {a, Const("Array(Int64)", A({I(-1), I(5)}))}), "UInt8",
                    (std::vector<Value>{U(0), U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("hasAll", {a, Const("Array(UInt8)", A({}))}), "UInt8", (std::vector<Value>{U(1), U(1), U(1)}));
  TALLY_EXPECT_CALL(Call("hasAny", {a, Const("Array(UInt8)", A({}))}), "UInt8", (std::vector<Value>{U(0), U(0), U(0)}));
  // NULL finds NULL; strings meet strings only.
  TALLY_EXPECT_CALL(Call("hasAll", {Vec("Array(Nullable(String))", {A({S("a"), N()}), A({S("a")})}),
                                    Const("Array(Nullable(String))", A({N()}))}),
                    "UInt8", (std::vector<Value>{U(1), U(0)}));
  EXPECT_STATUS(Call("hasAny", {a, Const("Array(String)", A({S("1")}))}), absl::StatusCode::kInvalidArgument,
                "hasAny: There is no supertype for types UInt32, String");
  EXPECT_STATUS(Call("hasAll", {Vec("UInt8", {U(1)}), b}), absl::StatusCode::kInvalidArgument,
                "hasAll: argument 1 has type UInt8, expected an Array");
}

TEST(MapTest, ContainsKeysValues) {
  Arg m = Vec("Map(String, UInt8)", {M({S("a"), U(1), S("b"), U(2)}), M({})});
  TALLY_EXPECT_CALL(Call("mapContains", {m, Const("String", S("b"))}), "UInt8", (std::vector<Value>{U(1), U(0)}));
  EXPECT_STATUS(Call("mapContains", {m, Const("UInt8", U(1))}), absl::StatusCode::kInvalidArgument,
                "mapContains: There is no supertype for types String, UInt8");
  TALLY_EXPECT_CALL(Call("mapKeys", {m}), "Array(String)", (std::vector<Value>{A({S("a"), S("b")}), A({})}));
  TALLY_EXPECT_CALL(Call("mapValues", {m}), "Array(UInt8)", (std::vector<Value>{A({U(1), U(2)}), A({})}));
  TALLY_EXPECT_CALL(Call("mapKeys", {Const("Map(String, UInt8)", M({S("k"), U(0)}))}, 2), "Array(String)",
                    (std::vector<Value>{A({S("k")}), A({S("k")})}));
  EXPECT_STATUS(Call("mapKeys", {Vec("Array(UInt8)", {A({})})}), absl::StatusCode::kInvalidArgument,
                "mapKeys: argument 1 has type Array(UInt8), expected a Map");
}

TEST(LengthTest, StringsArraysMaps) {
  TALLY_EXPECT_CALL(Call("length", {Vec("String", {S(""), S("abc"), S("\xc3\xa9")})}), "UInt64",
                    (std::vector<Value>{U(0), U(3), U(2)}));
  TALLY_EXPECT_CALL(Call("length", {Vec("LowCardinality(String)", {S("ab"), S(""), S("ab")})}), "UInt64",
                    (std::vector<Value>{U(2), U(0), U(2)}));
  TALLY_EXPECT_CALL(Call("length", {Vec("Array(UInt8)", {A({U(1), U(2)}), A({})})}), "UInt64", (std::vector<Value>{U(2), U(0)}));
  TALLY_EXPECT_CALL(Call("length", {Vec("Map(String, String)", {M({S("a"), S("b")})})}), "UInt64", (std::vector<Value>{U(1)}));
  TALLY_EXPECT_CALL(Call("length", {Vec("Nullable(String)", {S("ab"), N()})}), "Nullable(UInt64)",
                    (std::vector<Value>{U(2), N()}));
  TALLY_EXPECT_CALL(Call("length", {Const("String", S("hello"))}, 2), "UInt64", (std::vector<Value>{U(5), U(5)}));
  EXPECT_STATUS(Call("length", {Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "length: argument 1 has type UInt8, expected a String, Array or Map");
}

TEST(EmptyTest, EmptyAndNotEmpty) {
  TALLY_EXPECT_CALL(Call("empty", {Vec("String", {S(""), S("a")})}), "UInt8", (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("notEmpty", {Vec("String", {S(""), S("a")})}), "UInt8", (std::vector<Value>{U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("empty", {Vec("Array(String)", {A({}), A({S("")})})}), "UInt8", (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("notEmpty", {Vec("LowCardinality(Nullable(String))", {S(""), S("x"), N()})}),
                    "Nullable(UInt8)", (std::vector<Value>{U(0), U(1), N()}));
  Column uuid = Build("UUID", {S(std::string(16, '\0')), S(std::string(15, '\0') + "\x01")});
  TALLY_EXPECT_CALL(Call("empty", {Arg{uuid, false}}), "UInt8", (std::vector<Value>{U(1), U(0)}));
}

}  // namespace
}  // namespace tally::engine::exec
