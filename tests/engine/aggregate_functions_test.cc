// Aggregate functions one by one: result types, values over every relevant type, NULLs,
// empty input, the If combinator, count(DISTINCT), Merge, uniq's error bound and
// quantile accuracy.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_function.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using format::Value;

DataTypePtr T(absl::string_view text) {
  absl::StatusOr<DataTypePtr> t = format::ParseDataType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *t;
}

Column Col(absl::string_view type, const std::vector<Value>& values) {
  Column c = Column::Make(T(type));
  for (const Value& v : values) EXPECT_OK(c.AppendValue(v));
  return c;
}

std::vector<Value> UInts(std::initializer_list<uint64_t> v) {
  std::vector<Value> out;
  for (uint64_t x : v) out.push_back(Value::UInt(x));
  return out;
}
std::vector<Value> Ints(std::initializer_list<int64_t> v) {
  std::vector<Value> out;
  for (int64_t x : v) out.push_back(Value::Int(x));
  return out;
}
std::vector<Value> Strs(std::initializer_list<const char*> v) {
  std::vector<Value> out;
  for (const char* x : v) out.push_back(x == nullptr ? Value::Null() : Value::String(x));
  return out;
}

// One aggregate state in properly aligned memory.
class State {
 public:
  explicit State(const AggregateFunction& fn)
      : fn_(fn), memory_(fn.state_size() + fn.state_align()) {
    uintptr_t p = reinterpret_cast<uintptr_t>(memory_.data());
    place_ = reinterpret_cast<uint8_t*>((p + fn.state_align() - 1) / fn.state_align() *
                                        fn.state_align());
    fn_.Create(place_);
  }
  ~State() { fn_.Destroy(place_); }
  uint8_t* get() { return place_; }
  Value Result() const {
    Column out = Column::Make(fn_.result_type());
    fn_.Finalize(place_, &out);
    EXPECT_OK(out.Validate("result"));
    EXPECT_EQ(out.size(), 1u);
    return out.GetValue(0);
  }

 private:
  const AggregateFunction& fn_;
  std::vector<uint8_t> memory_;
  uint8_t* place_;
};

bool SameValue(const Value& a, const Value& b) {
  if (a.kind == Value::Kind::kFloat && b.kind == Value::Kind::kFloat && std::isnan(a.f) &&
      std::isnan(b.f)) {
    return true;
  }
  if (a.kind == Value::Kind::kArray && b.kind == Value::Kind::kArray &&
      a.items.size() == b.items.size()) {
    for (size_t i = 0; i < a.items.size(); ++i) {
      if (!SameValue(a.items[i], b.items[i])) return false;
    }
    return true;
  }
  return a == b;
}

std::unique_ptr<AggregateFunction> Bind(absl::string_view name,
                                        const std::vector<DataTypePtr>& types,
                                        const std::vector<Value>& params = {},
                                        bool distinct = false) {
  auto fn = AggregateRegistry::Global().Bind(name, distinct, types, params);
  EXPECT_TRUE(fn.ok()) << name << ": " << fn.status();
  return fn.ok() ? std::move(fn).value() : nullptr;
}

std::vector<ColumnArg> Args(const std::vector<Column>& columns) {
  std::vector<ColumnArg> args;
  for (const Column& c : columns) args.push_back(ColumnArg{&c, false});
  return args;
}

std::vector<Column> Slice(const std::vector<Column>& columns, size_t start, size_t count) {
  std::vector<Column> out;
  for (const Column& c : columns) {
    Column s = Column::Make(c.type);
    s.AppendRange(c, start, count);
    out.push_back(std::move(s));
  }
  return out;
}

// Runs `fn` over the columns three ways (one AddBatchSinglePlace; AddBatch with every row
// aimed at one state; two halves in two states then Merge), expects the same result from
// each and returns it.
Value RunAll(const AggregateFunction& fn, const std::vector<Column>& columns, size_t rows) {
  State single(fn);
  fn.AddBatchSinglePlace(single.get(), Args(columns), rows);
  Value want = single.Result();

  State scattered(fn);
  std::vector<uint8_t*> places(rows, scattered.get());
  fn.AddBatch(places.data(), 0, Args(columns), rows);
  EXPECT_TRUE(SameValue(scattered.Result(), want))
      << scattered.Result().DebugString() << " vs " << want.DebugString();

  State left(fn), right(fn);
  size_t half = rows / 2;
  std::vector<Column> a = Slice(columns, 0, half), b = Slice(columns, half, rows - half);
  fn.AddBatchSinglePlace(left.get(), Args(a), half);
  fn.AddBatchSinglePlace(right.get(), Args(b), rows - half);
  fn.Merge(left.get(), right.get());
  EXPECT_TRUE(SameValue(left.Result(), want))
      << left.Result().DebugString() << " vs " << want.DebugString();
  return want;
}

Value Agg(absl::string_view name, const std::vector<Column>& columns,
          const std::vector<Value>& params = {}) {
  std::vector<DataTypePtr> types;
  for (const Column& c : columns) types.push_back(c.type);
  auto fn = Bind(name, types, params);
  if (fn == nullptr) return Value();
  size_t rows = columns.empty() ? 0 : columns[0].size();
  return RunAll(*fn, columns, rows);
}

DataTypePtr ResultType(absl::string_view name, const std::vector<DataTypePtr>& types,
                       const std::vector<Value>& params = {}) {
  auto fn = Bind(name, types, params);
  return fn == nullptr ? nullptr : fn->result_type();
}

// ---------------------------------------------------------------- count

TEST(CountAggregateTest, CountsRowsAndSkipsNulls) {
  auto fn = Bind("count", {});
  State s(*fn);
  fn->AddBatchSinglePlace(s.get(), {}, 7);
  fn->AddBatchSinglePlace(s.get(), {}, 0);
  EXPECT_EQ(s.Result(), Value::UInt(7));
  EXPECT_EQ(fn->result_type()->id(), TypeId::kUInt64);

  EXPECT_EQ(
      Agg("count", {Col("Nullable(Int32)", {Value::Int(1), Value(), Value::Int(3), Value()})}),
      Value::UInt(2));
  EXPECT_EQ(Agg("COUNT", {Col("String", Strs({"a", "", "c"}))}), Value::UInt(3));
  EXPECT_EQ(Agg("count",
                {Col("LowCardinality(Nullable(String))", Strs({"a", nullptr, "a", nullptr, "b"}))}),
            Value::UInt(3));
  EXPECT_EQ(Agg("count", {Col("UInt8", {})}), Value::UInt(0));
  EXPECT_EQ(ResultType("count", {T("Nullable(String)")})->ToString(), "UInt64");
}

// ---------------------------------------------------------------- sum / avg

TEST(SumAggregateTest, ResultTypesFollowClickHouse) {
  for (const char* t : {"UInt8", "UInt16", "UInt32", "UInt64", "Bool"}) {
    EXPECT_EQ(ResultType("sum", {T(t)})->ToString(), "UInt64") << t;
  }
  for (const char* t : {"Int8", "Int16", "Int32", "Int64"})
    EXPECT_EQ(ResultType("sum", {T(t)})->ToString(), "Int64") << t;
  for (const char* t : {"Float32", "Float64"})
    EXPECT_EQ(ResultType("sum", {T(t)})->ToString(), "Float64") << t;
  EXPECT_EQ(ResultType("sum", {T("Nullable(UInt32)")})->ToString(), "Nullable(UInt64)");
  EXPECT_STATUS(AggregateRegistry::Global().Bind("sum", false, {T("String")}, {}),
                absl::StatusCode::kInvalidArgument, "String");
  EXPECT_STATUS(AggregateRegistry::Global().Bind("sum", false, {T("Date")}, {}),
                absl::StatusCode::kInvalidArgument, "Date");
  EXPECT_STATUS(AggregateRegistry::Global().Bind("sum", false, {T("UInt8"), T("UInt8")}, {}),
                absl::StatusCode::kInvalidArgument, "takes 1 argument");
}

TEST(SumAggregateTest, SumsEveryNumericType) {
  EXPECT_EQ(Agg("sum", {Col("UInt8", UInts({200, 200, 255}))}),
            Value::UInt(655));  // widened, no UInt8 wrap
  EXPECT_EQ(Agg("sum", {Col("UInt16", UInts({65535, 1}))}), Value::UInt(65536));
  EXPECT_EQ(Agg("sum", {Col("UInt32", UInts({4000000000, 4000000000}))}), Value::UInt(8000000000));
  EXPECT_EQ(Agg("sum", {Col("UInt64", UInts({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))}),
            Value::UInt(66));
  EXPECT_EQ(Agg("sum", {Col("Bool", UInts({1, 0, 1}))}), Value::UInt(2));
  EXPECT_EQ(Agg("sum", {Col("Int8", Ints({-128, -128, 5}))}), Value::Int(-251));
  EXPECT_EQ(Agg("sum", {Col("Int16", Ints({-30000, -30000}))}), Value::Int(-60000));
  EXPECT_EQ(Agg("sum", {Col("Int32", Ints({-5, 3}))}), Value::Int(-2));
  EXPECT_EQ(Agg("sum", {Col("Int64", Ints({INT64_MAX, 1}))}),
            Value::Int(INT64_MIN));  // wraps like ClickHouse
  EXPECT_EQ(Agg("sum", {Col("Float32", {Value::Float(0.5), Value::Float(0.25)})}),
            Value::Float(0.75));
  EXPECT_EQ(Agg("sum", {Col("Float64", {Value::Float(1.5), Value::Float(-0.5)})}),
            Value::Float(1.0));
  EXPECT_EQ(Agg("sum", {Col("UInt64", {})}), Value::UInt(0));
  EXPECT_EQ(Agg("sum", {Col("Float64", {})}), Value::Float(0));
}

TEST(SumAggregateTest, LongColumnsUseTheUnrolledLoop) {
  Column u = Column::Make(T("UInt64")), f = Column::Make(T("Float64")),
         i = Column::Make(T("Int32"));
  uint64_t su = 0;
  int64_t si = 0;
  for (uint64_t k = 0; k < 1003; ++k) {
    u.Append<uint64_t>(k * k);
    su += k * k;
    f.Append<double>(0.5 * k);
    i.Append<int32_t>(static_cast<int32_t>(k) - 600);
    si += static_cast<int64_t>(k) - 600;
  }
  EXPECT_EQ(Agg("sum", {u}), Value::UInt(su));
  EXPECT_EQ(Agg("sum", {f}), Value::Float(0.5 * 1002 * 1003 / 2));
  EXPECT_EQ(Agg("sum", {i}), Value::Int(si));
}

TEST(SumAggregateTest, ConstantArgumentCountsEveryRow) {
  Column three = Col("UInt8", UInts({3}));
  auto fn = Bind("sum", {three.type});
  ColumnArg arg{&three, /*is_const=*/true};
  State s(*fn);
  fn->AddBatchSinglePlace(s.get(), {arg}, 10);
  std::vector<uint8_t*> places(5, s.get());
  fn->AddBatch(places.data(), 0, {arg}, 5);
  EXPECT_EQ(s.Result(), Value::UInt(45));
}

TEST(SumAggregateTest, NullableSkipsNullsAndAllNullIsNull) {
  EXPECT_EQ(Agg("sum", {Col("Nullable(Int32)", {Value::Int(-1), Value(), Value::Int(5)})}),
            Value::Int(4));
  EXPECT_EQ(Agg("sum", {Col("Nullable(Int32)", {Value(), Value()})}), Value());
  EXPECT_EQ(Agg("sum", {Col("Nullable(Int32)", {})}), Value());
}

TEST(AvgAggregateTest, IsFloat64AndNanOverNothing) {
  EXPECT_EQ(ResultType("avg", {T("UInt8")})->ToString(), "Float64");
  EXPECT_EQ(Agg("avg", {Col("UInt8", UInts({1, 2, 3, 4}))}), Value::Float(2.5));
  EXPECT_EQ(Agg("avg", {Col("Int64", Ints({INT64_MAX, INT64_MAX}))}),
            Value::Float(9223372036854775807.0));
  EXPECT_EQ(Agg("avg", {Col("Int16", Ints({-3, -4}))}), Value::Float(-3.5));
  EXPECT_EQ(Agg("avg", {Col("Float32", {Value::Float(1), Value::Float(2)})}), Value::Float(1.5));
  Value empty = Agg("avg", {Col("Float64", {})});
  ASSERT_EQ(empty.kind, Value::Kind::kFloat);
  EXPECT_TRUE(std::isnan(empty.f));
  EXPECT_EQ(Agg("avg", {Col("Nullable(UInt64)", {Value(), Value::UInt(4), Value::UInt(8)})}),
            Value::Float(6));
  EXPECT_EQ(Agg("avg", {Col("Nullable(UInt64)", {Value()})}), Value());
  EXPECT_EQ(ResultType("avg", {T("Nullable(UInt64)")})->ToString(), "Nullable(Float64)");
}

// ---------------------------------------------------------------- min / max / any

struct MinMaxCase {
  const char* type;
  std::vector<Value> values;  // min is values[1], max is values[2]
  const char* result_type;
};

TEST(MinMaxAggregateTest, EveryTypeKeepsItsType) {
  std::string uuid_lo(16, '\x01'), uuid_hi(16, '\xf0'), uuid_mid(16, '\x22');
  std::vector<MinMaxCase> cases = {
      {"UInt8", UInts({7, 0, 255}), "UInt8"},
      {"UInt16", UInts({7, 3, 65535}), "UInt16"},
      {"UInt32", UInts({7, 1, 4000000000}), "UInt32"},
      {"UInt64", UInts({7, 2, UINT64_MAX}), "UInt64"},
      {"Int8", Ints({0, -128, 127}), "Int8"},
      {"Int16", Ints({0, -300, 300}), "Int16"},
      {"Int32", Ints({0, -70000, 70000}), "Int32"},
      {"Int64", Ints({0, INT64_MIN, INT64_MAX}), "Int64"},
      {"Float32", {Value::Float(0), Value::Float(-1.5), Value::Float(2.5)}, "Float32"},
      {"Float64", {Value::Float(0), Value::Float(-1e300), Value::Float(1e300)}, "Float64"},
      {"Bool", UInts({1, 0, 1}), "Bool"},
      {"Date", UInts({19000, 18000, 20000}), "Date"},
      {"DateTime('UTC')", UInts({1700000000, 1600000000, 1800000000}), "DateTime('UTC')"},
      {"DateTime64(3)", Ints({5, -5, 50}), "DateTime64(3)"},
      {"UUID", {Value::String(uuid_mid), Value::String(uuid_lo), Value::String(uuid_hi)}, "UUID"},
      {"String", Strs({"m", "", "zz"}), "String"},
      {"LowCardinality(String)", Strs({"m", "a", "z"}), "String"},
      {"Array(Int32)",
       {Value::Array(Ints({1, 2})), Value::Array(Ints({1})), Value::Array(Ints({3}))},
       "Array(Int32)"},
  };
  for (const MinMaxCase& c : cases) {
    SCOPED_TRACE(c.type);
    // Long enough for the unrolled numeric folds, with the extremes in the middle.
    std::vector<Value> values;
    for (int i = 0; i < 20; ++i) values.push_back(c.values[0]);
    values.push_back(c.values[2]);
    values.push_back(c.values[1]);
    for (int i = 0; i < 5; ++i) values.push_back(c.values[0]);
    Column col = Col(c.type, values);
    EXPECT_EQ(ResultType("min", {col.type})->ToString(), c.result_type);
    EXPECT_EQ(Agg("min", {col}), c.values[1]);
    EXPECT_EQ(Agg("max", {col}), c.values[2]);
    EXPECT_EQ(Agg("any", {col}), c.values[0]);
    EXPECT_EQ(Agg("anyLast", {col}), c.values[0]);
  }
}

TEST(MinMaxAggregateTest, EmptyInputGivesTheDefault) {
  EXPECT_EQ(Agg("min", {Col("UInt64", {})}), Value::UInt(0));
  EXPECT_EQ(Agg("max", {Col("Int32", {})}), Value::Int(0));
  EXPECT_EQ(Agg("max", {Col("String", {})}), Value::String(""));
  EXPECT_EQ(Agg("any", {Col("LowCardinality(String)", {})}), Value::String(""));
  EXPECT_EQ(Agg("anyLast", {Col("Float64", {})}), Value::Float(0));
  EXPECT_EQ(Agg("argMax", {Col("String", {}), Col("UInt32", {})}), Value::String(""));
  EXPECT_EQ(Agg("min", {Col("Nullable(UInt8)", {})}), Value());
}

TEST(MinMaxAggregateTest, NullsAreSkipped) {
  Column c = Col("Nullable(Int64)",
                 {Value(), Value::Int(5), Value(), Value::Int(-2), Value::Int(9), Value()});
  EXPECT_EQ(ResultType("min", {c.type})->ToString(), "Nullable(Int64)");
  EXPECT_EQ(Agg("min", {c}), Value::Int(-2));
  EXPECT_EQ(Agg("max", {c}), Value::Int(9));
  EXPECT_EQ(Agg("any", {c}), Value::Int(5));
  EXPECT_EQ(Agg("anyLast", {c}), Value::Int(9));
  Column lc = Col("LowCardinality(Nullable(String))", Strs({nullptr, "b", "a", nullptr}));
  EXPECT_EQ(ResultType("max", {lc.type})->ToString(), "Nullable(String)");
  EXPECT_EQ(Agg("max", {lc}), Value::String("b"));
  EXPECT_EQ(Agg("min", {lc}), Value::String("a"));
  EXPECT_EQ(Agg("min", {Col("Nullable(String)", Strs({nullptr, nullptr}))}), Value());
}

TEST(MinMaxAggregateTest, StringsCompareBytewise) {
  Column c = Col("String", {Value::String("b"), Value::String("\xff"), Value::String("a\x01"),
                            Value::String("a")});
  EXPECT_EQ(Agg("min", {c}), Value::String("a"));
  EXPECT_EQ(Agg("max", {c}), Value::String("\xff"));
}

// ---------------------------------------------------------------- argMin / argMax

TEST(ArgMinMaxAggregateTest, LatestValueByTime) {
  Column value = Col("String", Strs({"v1", "v3", "v2", "v0"}));
  Column time = Col("DateTime", UInts({100, 300, 200, 50}));
  EXPECT_EQ(Agg("argMax", {value, time}), Value::String("v3"));
  EXPECT_EQ(Agg("argMin", {value, time}), Value::String("v0"));
  EXPECT_EQ(ResultType("argMax", {value.type, time.type})->ToString(), "String");
  // Ties: the first row wins.
  Column tie_time = Col("UInt8", UInts({1, 2, 2, 1}));
  EXPECT_EQ(Agg("argMax", {value, tie_time}), Value::String("v3"));
  EXPECT_EQ(Agg("argMin", {value, tie_time}), Value::String("v1"));
}

TEST(ArgMinMaxAggregateTest, EveryPairOfTypes) {
  Column ints = Col("Int64", Ints({10, 20, 30}));
  Column lc = Col("LowCardinality(String)", Strs({"x", "y", "z"}));
  Column arr = Col("Array(String)", {Value::Array(Strs({"a"})), Value::Array(Strs({})),
                                     Value::Array(Strs({"c", "d"}))});
  Column by_float = Col("Float64", {Value::Float(0.5), Value::Float(-1), Value::Float(0.25)});
  Column by_string = Col("String", Strs({"b", "c", "a"}));
  Column by_date = Col("Date", UInts({3, 1, 2}));
  EXPECT_EQ(Agg("argMax", {ints, by_float}), Value::Int(10));
  EXPECT_EQ(Agg("argMin", {lc, by_float}), Value::String("y"));
  EXPECT_EQ(Agg("argMax", {arr, by_string}), Value::Array(Strs({})));
  EXPECT_EQ(Agg("argMin", {arr, by_string}), Value::Array(Strs({"c", "d"})));
  EXPECT_EQ(Agg("argMax", {lc, by_date}), Value::String("x"));
  EXPECT_EQ(Agg("argMax", {by_string, arr}),
            Value::String("a"));  // arrays compare too: ['c','d'] is largest
  EXPECT_EQ(ResultType("argMin", {lc.type, by_float.type})->ToString(), "String");
}

// The example of ClickHouse's documentation: rows with a NULL in either argument are
// skipped, the result is Nullable.
TEST(ArgMinMaxAggregateTest, NullsSkippedAsClickHouseDocuments) {
  Column a = Col("Nullable(String)", Strs({"a", "b", "c", nullptr, nullptr, "d"}));
  Column b = Col("Nullable(Int64)",
                 {Value::Int(1), Value::Int(2), Value::Int(2), Value::Int(3), Value(), Value()});
  EXPECT_EQ(Agg("argMax", {a, b}), Value::String("b"));
  EXPECT_EQ(Agg("argMin", {a, b}), Value::String("a"));
  EXPECT_EQ(Agg("max", {b}), Value::Int(3));
  EXPECT_EQ(ResultType("argMax", {a.type, b.type})->ToString(), "Nullable(String)");
}

// ---------------------------------------------------------------- If combinator, DISTINCT

TEST(IfCombinatorTest, CountSumUniqIf) {
  Column x = Col("UInt32", UInts({1, 2, 3, 4, 5, 5}));
  Column cond = Col("UInt8", UInts({1, 0, 1, 0, 1, 1}));
  EXPECT_EQ(Agg("countIf", {cond}), Value::UInt(4));
  EXPECT_EQ(Agg("sumIf", {x, cond}), Value::UInt(14));
  EXPECT_EQ(Agg("uniqIf", {x, cond}), Value::UInt(3));
  EXPECT_EQ(Agg("uniqExactIf", {x, cond}), Value::UInt(3));
  EXPECT_EQ(Agg("avgIf", {x, cond}), Value::Float(3.5));
  EXPECT_EQ(Agg("maxIf", {x, cond}), Value::UInt(5));
  EXPECT_EQ(Agg("quantileIf", {x, cond}, {Value::Float(0.5)}), Value::Float(4));

  Column nullable_cond = Col("Nullable(UInt8)", {Value::UInt(1), Value(), Value::UInt(1), Value(),
                                                 Value::UInt(0), Value()});
  EXPECT_EQ(Agg("sumIf", {x, nullable_cond}), Value::UInt(4));
  Column nullable_x =
      Col("Nullable(UInt32)", {Value(), Value::UInt(2), Value::UInt(3), Value(), Value(), Value()});
  EXPECT_EQ(Agg("sumIf", {nullable_x, cond}), Value::UInt(3));
  EXPECT_EQ(Agg("countIf", {Col("Bool", UInts({1, 1, 0}))}), Value::UInt(2));

  EXPECT_STATUS(AggregateRegistry::Global().Bind("sumIf", false, {T("UInt32"), T("String")}, {}),
                absl::StatusCode::kInvalidArgument, "condition");
  EXPECT_TRUE(AggregateRegistry::Global().IsAggregate("uniqIf"));
  EXPECT_TRUE(AggregateRegistry::Global().IsAggregate("Sum"));
  EXPECT_FALSE(AggregateRegistry::Global().IsAggregate("sumx"));
}

TEST(CountDistinctTest, BindsAsUniqExactAndSkipsNulls) {
  Column s = Col("Nullable(String)", Strs({"a", "b", nullptr, "a", "", nullptr}));
  auto fn = Bind("count", {s.type}, {}, /*distinct=*/true);
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn->result_type()->ToString(), "UInt64");
  EXPECT_EQ(RunAll(*fn, {s}, s.size()), Value::UInt(3));
  // Any other function takes DISTINCT as its -Distinct combinator: sum(DISTINCT x) adds
  // each value once.
  Column u = Col("UInt8", {Value::UInt(2), Value::UInt(3), Value::UInt(2), Value::UInt(2)});
  auto sum = Bind("sum", {u.type}, {}, /*distinct=*/true);
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(RunAll(*sum, {u}, u.size()), Value::UInt(5));
}

// ---------------------------------------------------------------- uniq

TEST(UniqAggregateTest, SmallCardinalitiesAreExact) {
  std::mt19937_64 rng(7);
  for (size_t n : {0, 1, 2, 10, 100, 300, 512}) {
    SCOPED_TRACE(n);
    Column u = Column::Make(T("UInt64"));
    Column s = Column::Make(T("String"));
    Column lc = Column::Make(T("LowCardinality(String)"));
    Column pair_a = Column::Make(T("UInt8")), pair_b = Column::Make(T("String"));
    for (size_t rep = 0; rep < 3; ++rep) {
      for (size_t i = 0; i < n; ++i) {
        u.Append<uint64_t>(i * 0x9e3779b97f4a7c15ULL);
        s.AppendString(absl::StrCat("value-", i));
        ASSERT_OK(lc.AppendValue(Value::String(absl::StrCat("v", i))));
        pair_a.Append<uint8_t>(static_cast<uint8_t>(i % 2));
        pair_b.AppendString(absl::StrCat(i / 2));
      }
    }
    EXPECT_EQ(Agg("uniq", {u}), Value::UInt(n));
    EXPECT_EQ(Agg("uniq", {s}), Value::UInt(n));
    EXPECT_EQ(Agg("uniq", {lc}), Value::UInt(n));
    EXPECT_EQ(Agg("uniq", {pair_a, pair_b}), Value::UInt(n));
    EXPECT_EQ(Agg("uniqExact", {pair_a, pair_b}), Value::UInt(n));
  }
}

uint64_t UniqOfRange(uint64_t n, uint64_t seed) {
  auto fn = Bind("uniq", {T("UInt64")});
  State state(*fn);
  constexpr size_t kBlock = 65536;
  Column block = Column::Make(T("UInt64"));
  for (uint64_t start = 0; start < n; start += kBlock) {
    block.data.clear();
    for (uint64_t i = start; i < std::min(n, start + kBlock); ++i)
      block.Append<uint64_t>(i * 31 + seed);
    fn->AddBatchSinglePlace(state.get(), {ColumnArg{&block, false}}, block.size());
  }
  return state.Result().u;
}

TEST(UniqAggregateTest, LargeCardinalitiesWithinTwoPercent) {
  for (uint64_t n : {600, 2000, 20000, 100000}) {
    double got = static_cast<double>(UniqOfRange(n, n));
    EXPECT_NEAR(got / n, 1.0, 0.02) << n << " distinct, estimated " << got;
  }
  double got = static_cast<double>(UniqOfRange(1000000, 12345));
  EXPECT_NEAR(got / 1e6, 1.0, 0.02) << got;
}

TEST(UniqAggregateTest, MergeOfDenseAndSparseStates) {
  auto fn = Bind("uniq", {T("UInt64")});
  Column a = Column::Make(T("UInt64")), b = Column::Make(T("UInt64"));
  for (uint64_t i = 0; i < 50000; ++i) a.Append<uint64_t>(i);
  for (uint64_t i = 0; i < 100; ++i) b.Append<uint64_t>(1000000 + i);
  State dense(*fn), sparse(*fn), both(*fn);
  fn->AddBatchSinglePlace(dense.get(), {ColumnArg{&a, false}}, a.size());
  fn->AddBatchSinglePlace(sparse.get(), {ColumnArg{&b, false}}, b.size());
  fn->AddBatchSinglePlace(both.get(), {ColumnArg{&a, false}}, a.size());
  fn->AddBatchSinglePlace(both.get(), {ColumnArg{&b, false}}, b.size());
  EXPECT_GT(fn->HeapBytes(dense.get()), fn->HeapBytes(sparse.get()));
  State x(*fn), y(*fn);
  fn->Merge(x.get(), sparse.get());
  fn->Merge(x.get(), dense.get());  // sparse dst, dense src
  fn->Merge(y.get(), dense.get());
  fn->Merge(y.get(), sparse.get());  // dense dst, sparse src
  EXPECT_EQ(x.Result(), both.Result());
  EXPECT_EQ(y.Result(), both.Result());
  EXPECT_NEAR(static_cast<double>(both.Result().u) / 50100, 1.0, 0.02);
}

TEST(UniqAggregateTest, LowCardinalityHashesDictionaryStrings) {
  // The same strings under different dictionary orders count once.
  Column a = Col("LowCardinality(String)", Strs({"x", "y", "z"}));
  Column b = Col("LowCardinality(String)", Strs({"z", "w", "x"}));
  for (const char* name : {"uniq", "uniqExact"}) {
    auto fn = Bind(name, {a.type});
    State s(*fn);
    fn->AddBatchSinglePlace(s.get(), {ColumnArg{&a, false}}, 3);
    fn->AddBatchSinglePlace(s.get(), {ColumnArg{&b, false}}, 3);
    EXPECT_EQ(s.Result(), Value::UInt(4)) << name;
  }
}

TEST(UniqExactAggregateTest, MatchesStdSetOnEveryType) {
  std::mt19937_64 rng(42);
  const size_t kRows = 20000;
  Column u32 = Column::Make(T("UInt32")), f64 = Column::Make(T("Float64")),
         str = Column::Make(T("String"));
  Column uuid = Column::Make(T("UUID")), i64 = Column::Make(T("Int64"));
  Column arr = Column::Make(T("Array(UInt8)"));
  std::set<uint32_t> su;
  std::set<double> sf;
  std::set<std::string> ss, suuid;
  std::set<std::pair<uint32_t, std::string>> spair;
  std::set<std::pair<uint32_t, int64_t>> spacked;
  std::set<std::vector<uint8_t>> sarr;
  for (size_t i = 0; i < kRows; ++i) {
    uint32_t a = static_cast<uint32_t>(rng() % 5000);
    double f = static_cast<double>(rng() % 3000) / 7;
    std::string s = absl::StrCat("s", rng() % 4000);
    std::string id(16, '\0');
    id[rng() % 16] = static_cast<char>(rng() % 4);
    int64_t v = static_cast<int64_t>(rng() % 3) - 1;
    std::vector<uint8_t> items(rng() % 3, static_cast<uint8_t>(rng() % 3));
    u32.Append<uint32_t>(a);
    f64.Append<double>(f);
    str.AppendString(s);
    ASSERT_OK(uuid.AppendValue(Value::String(id)));
    i64.Append<int64_t>(v);
    std::vector<Value> item_values;
    for (uint8_t x : items) item_values.push_back(Value::UInt(x));
    ASSERT_OK(arr.AppendValue(Value::Array(item_values)));
    su.insert(a);
    sf.insert(f);
    ss.insert(s);
    suuid.insert(id);
    spair.insert({a, s});
    spacked.insert({a, v});
    sarr.insert(items);
  }
  EXPECT_EQ(Agg("uniqExact", {u32}), Value::UInt(su.size()));
  EXPECT_EQ(Agg("uniqExact", {f64}), Value::UInt(sf.size()));
  EXPECT_EQ(Agg("uniqExact", {str}), Value::UInt(ss.size()));
  EXPECT_EQ(Agg("uniqExact", {uuid}), Value::UInt(suuid.size()));
  EXPECT_EQ(Agg("uniqExact", {u32, str}), Value::UInt(spair.size()));
  EXPECT_EQ(Agg("uniqExact", {u32, i64}),
            Value::UInt(spacked.size()));  // 12 bytes, packed in 128 bits
  EXPECT_EQ(Agg("uniqExact", {arr}), Value::UInt(sarr.size()));
  EXPECT_NEAR(static_cast<double>(Agg("uniq", {u32}).u) / su.size(), 1.0, 0.02);
}

// Big groups buffer their keys (past 4096 distinct) and insert them in batches: counts
// must be exact however rows, batches, buffers and merges interleave.
TEST(UniqExactAggregateTest, BigGroupsAreExactThroughBuffersAndMerges) {
  auto fn = Bind("uniqExact", {T("UInt64")});
  std::mt19937_64 rng(17);
  constexpr size_t kGroups = 3;
  State partial_a[kGroups] = {State(*fn), State(*fn), State(*fn)};
  State partial_b[kGroups] = {State(*fn), State(*fn), State(*fn)};
  std::set<uint64_t> want[kGroups];
  for (int batch = 0; batch < 40; ++batch) {
    Column keys = Column::Make(T("UInt64"));
    std::vector<uint8_t*> places;
    for (size_t r = 0; r < 5000; ++r) {
      const size_t g = rng() % kGroups;
      const uint64_t v = rng() % (g == 0 ? 100 : g == 1 ? 20000 : 1000000);  // small, mid, big
      keys.Append<uint64_t>(v);
      want[g].insert(v);
      places.push_back((batch % 2 == 0 ? partial_a : partial_b)[g].get());
    }
    fn->AddBatch(places.data(), 0, {ColumnArg{&keys, false}}, keys.size());
  }
  for (size_t g = 0; g < kGroups; ++g) {
    State merged(*fn);
    fn->Merge(merged.get(), partial_a[g].get());
    fn->Merge(merged.get(), partial_b[g].get());
    EXPECT_EQ(merged.Result(), Value::UInt(want[g].size())) << "group " << g;
    // Finalizing flushes a buffer; a second Result and a merge after it still agree.
    EXPECT_EQ(merged.Result(), Value::UInt(want[g].size()));
    State again(*fn);
    fn->Merge(again.get(), merged.get());
    EXPECT_EQ(again.Result(), Value::UInt(want[g].size()));
  }
  EXPECT_GT(want[2].size(), 4096u * 4);
}

TEST(UniqExactAggregateTest, HeapBytesGrowAndNullsAreSkipped) {
  auto fn = Bind("uniqExact", {T("UInt64")});
  Column c = Column::Make(T("UInt64"));
  for (uint64_t i = 0; i < 1000; ++i) c.Append<uint64_t>(i);
  State s(*fn);
  EXPECT_EQ(fn->HeapBytes(s.get()), 0u);
  fn->AddBatchSinglePlace(s.get(), {ColumnArg{&c, false}}, c.size());
  EXPECT_GE(fn->HeapBytes(s.get()), 1000 * sizeof(uint64_t));
  EXPECT_EQ(Agg("uniqExact",
                {Col("Nullable(UInt8)", {Value(), Value::UInt(1), Value(), Value::UInt(1)})}),
            Value::UInt(1));
  EXPECT_EQ(ResultType("uniq", {T("Nullable(String)")})->ToString(), "UInt64");
  EXPECT_EQ(Agg("uniq", {Col("Nullable(String)", Strs({nullptr}))}), Value::UInt(0));
}

// ---------------------------------------------------------------- groupArray, countDistinct

TEST(GroupArrayAggregateTest, KeepsOrderSkipsNullsAndStopsAtMaxSize) {
  Column c = Col("Nullable(Int32)", {Value::Int(3), Value(), Value::Int(1), Value::Int(2)});
  EXPECT_EQ(ResultType("groupArray", {c.type})->ToString(), "Array(Int32)");
  EXPECT_EQ(Agg("groupArray", {c}), Value::Array({Value::Int(3), Value::Int(1), Value::Int(2)}));
  EXPECT_EQ(Agg("groupArray", {c}, {Value::UInt(2)}), Value::Array({Value::Int(3), Value::Int(1)}));
  Column s = Col("LowCardinality(String)", Strs({"b", "a"}));
  EXPECT_EQ(ResultType("groupArray", {s.type})->ToString(), "Array(String)");
  EXPECT_EQ(Agg("groupArray", {s}), Value::Array({Value::String("b"), Value::String("a")}));
  EXPECT_EQ(Agg("groupArray", {Col("UInt8", {})}), Value::Array({}));
  EXPECT_STATUS(
      AggregateRegistry::Global().Bind("groupArray", false, {T("UInt8")}, {Value::UInt(0)}),
      absl::StatusCode::kInvalidArgument, "positive integer");
}

TEST(CountDistinctAggregateTest, IsUniqExactWithAndWithoutIf) {
  Column c = Col("Nullable(Int32)", {Value::Int(3), Value(), Value::Int(3), Value::Int(2)});
  EXPECT_EQ(Agg("countDistinct", {c}), Value::UInt(2));
  EXPECT_EQ(ResultType("countDistinct", {c.type})->ToString(), "UInt64");
  Column cond = Col("UInt8", UInts({1, 1, 0, 1}));
  auto fn =
      Bind("countIf", {c.type, cond.type}, {}, /*distinct=*/true);  // countIf(DISTINCT x, cond)
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(RunAll(*fn, {c, cond}, 4), Value::UInt(2));
  EXPECT_EQ(Agg("countDistinctIf", {c, cond}), Value::UInt(2));
}

// ---------------------------------------------------------------- quantiles

TEST(QuantileAggregateTest, SmallInputsInterpolateLikeClickHouse) {
  Column c = Col("UInt64", UInts({4, 1, 3, 2}));
  EXPECT_EQ(Agg("quantile", {c}, {Value::Float(0.5)}), Value::Float(2.5));
  EXPECT_EQ(Agg("quantile", {c}, {Value::Float(0.25)}), Value::Float(1.75));
  EXPECT_EQ(Agg("quantile", {c}), Value::Float(2.5));  // default level 0.5
  EXPECT_EQ(Agg("median", {c}), Value::Float(2.5));
  EXPECT_EQ(Agg("quantile", {c}, {Value::UInt(1)}), Value::Float(4));
  EXPECT_EQ(Agg("quantile", {c}, {Value::UInt(0)}), Value::Float(1));
  EXPECT_EQ(Agg("quantiles", {c}, {Value::Float(0), Value::Float(0.5), Value::Float(1)}),
            Value::Array({Value::Float(1), Value::Float(2.5), Value::Float(4)}));
  EXPECT_EQ(ResultType("quantiles", {c.type}, {Value::Float(0.1)})->ToString(), "Array(Float64)");
  EXPECT_EQ(ResultType("quantile", {T("Int8")}, {Value::Float(0.1)})->ToString(), "Float64");
  EXPECT_EQ(
      Agg("quantile", {Col("Float32", {Value::Float(-1), Value::Float(NAN), Value::Float(3)})}),
      Value::Float(1));  // NaN skipped

  EXPECT_EQ(Agg("quantileExact", {c}, {Value::Float(0.5)}), Value::UInt(3));
  EXPECT_EQ(Agg("medianExact", {c}), Value::UInt(3));
  EXPECT_EQ(Agg("quantilesExact", {c}, {Value::Float(0), Value::Float(1)}),
            Value::Array({Value::UInt(1), Value::UInt(4)}));
  EXPECT_EQ(ResultType("quantileExact", {T("Int16")})->ToString(), "Int16");
}

TEST(QuantileAggregateTest, TwoPointsWeighedAsClickHouseRounds) {
  // a * (1 - t) + b * t: 10.225, where a + t * (b - a) gives 10.225000000000001.
  Column c = Col("Float64", {Value::Float(100), Value::Float(0.25)});
  EXPECT_EQ(Agg("quantile", {c}, {Value::Float(0.1)}), Value::Float(10.225));
  EXPECT_EQ(Agg("quantiles", {c}, {Value::Float(0.1), Value::Float(0.9)}),
            Value::Array({Value::Float(10.225), Value::Float(90.025)}));
}

TEST(QuantileAggregateTest, ExactUpTo8192Values) {
  // ClickHouse's reservoir holds 8192 values: up to there quantile is exact.
  Column c = Column::Make(T("UInt64"));
  for (uint64_t i = 0; i < 8192; ++i) c.Append<uint64_t>(8191 - i);
  EXPECT_EQ(Agg("quantile", {c}, {Value::Float(0.37)}), Value::Float(3030.67));
}

TEST(QuantileAggregateTest, EmptyAndNull) {
  Value empty = Agg("quantile", {Col("Float64", {})}, {Value::Float(0.9)});
  ASSERT_EQ(empty.kind, Value::Kind::kFloat);
  EXPECT_TRUE(std::isnan(empty.f));
  Value several = Agg("quantiles", {Col("UInt8", {})}, {Value::Float(0.1), Value::Float(0.2)});
  ASSERT_EQ(several.items.size(), 2u);
  EXPECT_TRUE(std::isnan(several.items[1].f));
  Column nullable = Col("Nullable(Int32)", {Value(), Value::Int(10), Value::Int(20), Value()});
  EXPECT_EQ(ResultType("quantile", {nullable.type})->ToString(), "Nullable(Float64)");
  EXPECT_EQ(Agg("quantile", {nullable}), Value::Float(15));
  EXPECT_EQ(Agg("quantile", {Col("Nullable(Int32)", {Value()})}), Value());
  EXPECT_EQ(ResultType("quantiles", {nullable.type}, {Value::Float(0.5)})->ToString(),
            "Array(Float64)");
  EXPECT_EQ(Agg("quantiles", {nullable}, {Value::Float(0.5)}), Value::Array({Value::Float(15)}));
  EXPECT_EQ(Agg("quantileExact", {Col("Int32", {})}), Value::Int(0));
}

TEST(QuantileAggregateTest, DatesKeepTheirType) {
  Column d = Col("DateTime('UTC')", UInts({100, 200, 300}));
  EXPECT_EQ(ResultType("quantile", {d.type})->ToString(), "DateTime('UTC')");
  EXPECT_EQ(Agg("median", {d}), Value::UInt(200));
  EXPECT_EQ(Agg("quantile", {Col("Date", UInts({10, 11}))}), Value::UInt(10));  // 10.5 truncated
}

TEST(QuantileAggregateTest, ParametersAreValidated) {
  auto& reg = AggregateRegistry::Global();
  EXPECT_STATUS(reg.Bind("quantile", false, {T("UInt8")}, {Value::Float(1.5)}),
                absl::StatusCode::kInvalidArgument, "out of range [0, 1]");
  EXPECT_STATUS(reg.Bind("quantile", false, {T("UInt8")}, {Value::Float(-0.1)}),
                absl::StatusCode::kInvalidArgument, "out of range");
  EXPECT_STATUS(reg.Bind("quantile", false, {T("UInt8")}, {Value::Float(NAN)}),
                absl::StatusCode::kInvalidArgument, "out of range");
  EXPECT_STATUS(reg.Bind("quantiles", false, {T("UInt8")}, {Value::Float(0.5), Value::UInt(2)}),
                absl::StatusCode::kInvalidArgument, "out of range");
  EXPECT_STATUS(reg.Bind("quantile", false, {T("UInt8")}, {Value::String("x")}),
                absl::StatusCode::kInvalidArgument, "level must be a number");
  EXPECT_STATUS(reg.Bind("quantile", false, {T("UInt8")}, {Value::Float(0.1), Value::Float(0.2)}),
                absl::StatusCode::kInvalidArgument, "takes one level");
  EXPECT_STATUS(reg.Bind("quantiles", false, {T("UInt8")}, {}), absl::StatusCode::kInvalidArgument,
                "at least one level");
  EXPECT_STATUS(reg.Bind("quantile", false, {T("String")}, {}), absl::StatusCode::kInvalidArgument,
                "illegal argument type String");
  EXPECT_STATUS(reg.Bind("median", false, {}, {}), absl::StatusCode::kInvalidArgument,
                "takes 1 argument");
}

// Rank error of the estimates: the fraction of values below the estimate minus the level.
double MaxRankError(const std::vector<double>& sorted, const std::vector<double>& levels,
                    const Value& got) {
  double worst = 0;
  for (size_t i = 0; i < levels.size(); ++i) {
    double estimate = got.items[i].f;
    double rank = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), estimate) -
                                      sorted.begin()) /
                  static_cast<double>(sorted.size());
    worst = std::max(worst, std::abs(rank - levels[i]));
  }
  return worst;
}

TEST(QuantileAggregateTest, MillionUniformValuesWithinATenthOfAPercentRank) {
  constexpr size_t kRows = 1000000;
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> uniform(-50, 1000);
  Column c = Column::Make(T("Float64"));
  c.data.resize(kRows * sizeof(double));
  double* v = reinterpret_cast<double*>(c.data.data());
  for (size_t i = 0; i < kRows; ++i) v[i] = uniform(rng);
  std::vector<double> sorted(v, v + kRows);
  std::sort(sorted.begin(), sorted.end());

  std::vector<double> levels = {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999};
  std::vector<Value> params;
  for (double l : levels) params.push_back(Value::Float(l));
  auto fn = Bind("quantiles", {c.type}, params);

  State one(*fn);
  fn->AddBatchSinglePlace(one.get(), {ColumnArg{&c, false}}, kRows);
  EXPECT_LT(MaxRankError(sorted, levels, one.Result()), 0.001);
  // The 8192-value buffer (64 KiB, as ClickHouse's reservoir) and the centroids.
  EXPECT_LT(fn->HeapBytes(one.get()), 80u << 10);

  // Four parts merged: as accurate.
  State merged(*fn);
  for (size_t part = 0; part < 4; ++part) {
    Column slice = Column::Make(c.type);
    slice.AppendRange(c, part * kRows / 4, kRows / 4);
    State s(*fn);
    fn->AddBatchSinglePlace(s.get(), {ColumnArg{&slice, false}}, slice.size());
    fn->Merge(merged.get(), s.get());
  }
  EXPECT_LT(MaxRankError(sorted, levels, merged.Result()), 0.001);
}

TEST(QuantileAggregateTest, SkewedValuesStayAccurate) {
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> exp(0.01);
  Column c = Column::Make(T("UInt32"));
  std::vector<double> sorted;
  for (size_t i = 0; i < 100000; ++i) {
    uint32_t x = static_cast<uint32_t>(exp(rng));
    c.Append<uint32_t>(x);
    sorted.push_back(x);
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> levels = {0.05, 0.5, 0.95, 0.99};
  auto fn = Bind("quantiles", {c.type},
                 {Value::Float(0.05), Value::Float(0.5), Value::Float(0.95), Value::Float(0.99)});
  State s(*fn);
  std::vector<uint8_t*> places(c.size(), s.get());
  fn->AddBatch(places.data(), 0, {ColumnArg{&c, false}}, c.size());
  Value got = s.Result();
  for (size_t i = 0; i < levels.size(); ++i) {
    double exact = sorted[static_cast<size_t>(levels[i] * (sorted.size() - 1))];
    EXPECT_NEAR(got.items[i].f, exact, std::max(1.0, exact * 0.02)) << levels[i];
  }
}

TEST(AggregateRegistryTest, UnknownAggregateIsNotFound) {
  EXPECT_STATUS(AggregateRegistry::Global().Bind("nosuch", false, {}, {}),
                absl::StatusCode::kNotFound, "nosuch");
  EXPECT_STATUS(AggregateRegistry::Global().Bind("argMax", false, {T("UInt8")}, {}),
                absl::StatusCode::kInvalidArgument, "takes 2 arguments");
}

}  // namespace
}  // namespace tally::engine::exec
