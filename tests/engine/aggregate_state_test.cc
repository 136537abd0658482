// Aggregate states as bytes: every storable aggregate's Serialize/Deserialize round trip
// (empty, one row, many rows, NULLs), the framing's refusals (wrong function, unknown
// version, truncated or flipped bytes), StateMerger and SimpleCombiner.
#include "engine/exec/aggregate_state.h"

#include <memory>
#include <random>
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
using format::DataTypePtr;
using format::Value;

DataTypePtr T(absl::string_view text) {
  absl::StatusOr<DataTypePtr> t = format::ParseDataType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *t;
}

// One state in aligned memory, destroyed with the holder.
class Holder {
 public:
  explicit Holder(const AggregateFunction& f) : f_(f), data_(new std::max_align_t[f.state_size() / 16 + 2]) {
    f_.Create(get());
  }
  ~Holder() { f_.Destroy(get()); }
  uint8_t* get() { return reinterpret_cast<uint8_t*>(data_.get()); }

 private:
  const AggregateFunction& f_;
  std::unique_ptr<std::max_align_t[]> data_;
};

struct Case {
  std::string function;
  std::vector<std::string> types;
  std::vector<Value> params;
};

// `rows` rows of `type`: every 5th NULL when the type is Nullable.
Column MakeColumn(const DataTypePtr& type, size_t rows, uint64_t seed) {
  Column c = Column::Make(type);
  std::mt19937_64 rng(seed);
  const bool nullable = type->id() == format::TypeId::kNullable;
  const format::DataType& v = nullable ? type->child(0) : *type;
  for (size_t r = 0; r < rows; ++r) {
    if (nullable && r % 5 == 3) {
      EXPECT_OK(c.AppendValue(Value::Null()));
      continue;
    }
    uint64_t x = rng() % 2000;
    Value val;
    if (v.id() == format::TypeId::kString) {
      val = Value::String(absl::StrCat("s", x));
    } else if (v.is_float()) {
      val = Value::Float(x * 0.25);
    } else if (v.id() == format::TypeId::kUInt8) {
      val = Value::UInt(x % 2);
    } else if (v.is_signed()) {
      val = Value::Int(static_cast<int64_t>(x) - 1000);
    } else {
      val = Value::UInt(x);
    }
    EXPECT_OK(c.AppendValue(val));
  }
  return c;
}

std::vector<Case> Cases() {
  return {
      {"count", {}, {}},
      {"count", {"Nullable(UInt64)"}, {}},
      {"sum", {"UInt64"}, {}},
      {"sum", {"Int32"}, {}},
      {"sum", {"Float64"}, {}},
      {"sum", {"Nullable(UInt64)"}, {}},
      {"avg", {"Int64"}, {}},
      {"avg", {"Float32"}, {}},
      {"min", {"String"}, {}},
      {"max", {"UInt32"}, {}},
      {"max", {"Nullable(Float64)"}, {}},
      {"any", {"String"}, {}},
      {"anyLast", {"UInt64"}, {}},
      {"argMin", {"String", "UInt64"}, {}},
      {"argMax", {"Float64", "DateTime"}, {}},
      {"argMax", {"Nullable(String)", "Int64"}, {}},
      {"uniq", {"String"}, {}},
      {"uniq", {"UInt64"}, {}},
      {"uniq", {"String", "UInt64"}, {}},
      {"uniqCombined", {"UInt64"}, {}},
      {"uniqExact", {"UInt64"}, {}},
      {"uniqExact", {"String"}, {}},
      {"uniqExact", {"UInt32", "UInt64"}, {}},
      {"groupArray", {"String"}, {}},
      {"groupArray", {"UInt64"}, {Value::UInt(5)}},
      {"quantile", {"Float64"}, {}},
      {"quantiles", {"UInt64"}, {Value::Float(0.5), Value::Float(0.9)}},
      {"quantileTDigest", {"DateTime"}, {}},
      {"quantileExact", {"Int32"}, {}},
      {"quantile", {"Nullable(Float64)"}, {Value::Float(0.25)}},
      {"groupBitAnd", {"UInt8"}, {}},
      {"groupBitOr", {"UInt64"}, {}},
      {"groupBitXor", {"Nullable(Int32)"}, {}},
      {"groupUniqArray", {"String"}, {}},
      {"groupUniqArray", {"Nullable(UInt32)"}, {Value::UInt(100)}},
      {"sumIf", {"UInt64", "UInt8"}, {}},
      {"uniqIf", {"String", "UInt8"}, {}},
      {"argMaxIf", {"String", "UInt64", "UInt8"}, {}},
  };
}

struct Bound {
  std::unique_ptr<AggregateFunction> f;
  std::vector<DataTypePtr> types;
};

Bound BindCase(const Case& c) {
  Bound b;
  for (const std::string& t : c.types) b.types.push_back(T(t));
  auto f = AggregateRegistry::Global().Bind(c.function, false, b.types, c.params);
  EXPECT_TRUE(f.ok()) << c.function << ": " << f.status();
  b.f = std::move(*f);
  return b;
}

void Add(const Bound& b, uint8_t* state, size_t rows, uint64_t seed) {
  std::vector<Column> cols;
  for (size_t i = 0; i < b.types.size(); ++i) cols.push_back(MakeColumn(b.types[i], rows, seed * 31 + i));
  std::vector<ColumnArg> args;
  for (const Column& c : cols) args.push_back(ColumnArg{&c, false});
  b.f->AddBatchSinglePlace(state, args, rows);
}

Value Final(const AggregateFunction& f, const uint8_t* state) {
  Column out = Column::Make(f.result_type());
  f.Finalize(state, &out);
  return out.GetValue(0);
}

TEST(AggregateStateTest, EveryAggregateRoundTrips) {
  for (const Case& c : Cases()) {
    Bound b = BindCase(c);
    ASSERT_NE(b.f, nullptr);
    for (size_t rows : {0, 1, 7, 3000}) {
      SCOPED_TRACE(absl::StrCat(c.function, " over ", rows, " rows"));
      Holder a(*b.f);
      Add(b, a.get(), rows, rows + 1);
      std::string bytes;
      ASSERT_OK(b.f->Serialize(a.get(), &bytes));
      Holder back(*b.f);
      ASSERT_OK(b.f->Deserialize(bytes, back.get()));
      EXPECT_EQ(Final(*b.f, a.get()), Final(*b.f, back.get()));
      std::string again;
      ASSERT_OK(b.f->Serialize(back.get(), &again));
      EXPECT_EQ(again.size(), bytes.size());
      // Merging a deserialized state is merging the original.
      Holder m1(*b.f), m2(*b.f);
      Add(b, m1.get(), 11, 99);
      Add(b, m2.get(), 11, 99);
      b.f->Merge(m1.get(), a.get());
      b.f->Merge(m2.get(), back.get());
      EXPECT_EQ(Final(*b.f, m1.get()), Final(*b.f, m2.get()));
    }
  }
}

TEST(AggregateStateTest, DamagedBytesAreDataLossNeverACrash) {
  for (const Case& c : Cases()) {
    Bound b = BindCase(c);
    ASSERT_NE(b.f, nullptr);
    Holder a(*b.f);
    Add(b, a.get(), 50, 5);
    std::string bytes;
    ASSERT_OK(EncodeState(*b.f, c.function, a.get(), &bytes));
    for (size_t cut = 1; cut < bytes.size(); cut += std::max<size_t>(1, bytes.size() / 40)) {
      Holder h(*b.f);
      absl::Status s = DecodeState(*b.f, c.function, bytes.substr(0, cut), h.get());
      EXPECT_TRUE(absl::IsDataLoss(s)) << c.function << " cut at " << cut << ": " << s;
    }
    std::mt19937 rng(7);
    for (int i = 0; i < 200; ++i) {
      std::string flipped = bytes;
      flipped[rng() % flipped.size()] ^= static_cast<char>(1 + rng() % 255);
      Holder h(*b.f);
      absl::Status s = DecodeState(*b.f, c.function, flipped, h.get());
      if (!s.ok()) {
        EXPECT_TRUE(absl::IsDataLoss(s)) << s;
      }
    }
  }
}

TEST(AggregateStateTest, WrongFunctionAndVersionAreRefused) {
  Bound sum = BindCase({"sum", {"UInt64"}, {}});
  Holder a(*sum.f);
  Add(sum, a.get(), 10, 1);
  std::string bytes;
  ASSERT_OK(EncodeState(*sum.f, "sum", a.get(), &bytes));
  Bound uniq = BindCase({"uniq", {"UInt64"}, {}});
  Holder u(*uniq.f);
  absl::Status s = DecodeState(*uniq.f, "uniq", bytes, u.get());
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("hold a state of sum"), std::string::npos) << s;
  std::string future = bytes;
  future[0] = 2;
  Holder h(*sum.f);
  s = DecodeState(*sum.f, "sum", future, h.get());
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("version 2 is unknown"), std::string::npos) << s;
  Holder e(*sum.f);
  EXPECT_OK(DecodeState(*sum.f, "sum", "", e.get()));  // a column default: the empty state
  EXPECT_EQ(Final(*sum.f, e.get()), Value::UInt(0));
}

TEST(AggregateStateTest, StateMergerMergesGroups) {
  DataTypePtr type = T("AggregateFunction(uniqExact, UInt64)");
  ASSERT_OK_AND_ASSIGN(auto merger, StateMerger::Bind(*type));
  Bound b = BindCase({"uniqExact", {"UInt64"}, {}});
  Column states = Column::Make(type);
  for (uint64_t seed : {1, 2, 3}) {
    Holder h(*b.f);
    Add(b, h.get(), 500, seed);
    std::string bytes;
    ASSERT_OK(EncodeState(*b.f, "uniqExact", h.get(), &bytes));
    states.AppendString(bytes);
  }
  // Groups {0, 1} and {2}: the first merged, the second (alone) copied as it is.
  Column out = Column::Make(type);
  const uint32_t starts[] = {0, 2, 3};
  ASSERT_OK(merger->MergeGroups(states, starts, &out));
  ASSERT_EQ(out.size(), 2u);
  Holder merged(*b.f), expected(*b.f);
  ASSERT_OK(DecodeState(*b.f, "uniqExact", out.StringAt(0), merged.get()));
  Add(b, expected.get(), 500, 1);
  Add(b, expected.get(), 500, 2);
  EXPECT_EQ(Final(*b.f, merged.get()), Final(*b.f, expected.get()));
  EXPECT_EQ(out.StringAt(1), states.StringAt(2));

  // A damaged state in a group that is merged is refused.
  Column damaged = Column::Make(type);
  damaged.AppendString(states.StringAt(0));
  damaged.AppendString("\x01\x03sum");
  const uint32_t both[] = {0, 2};
  Column none = Column::Make(type);
  EXPECT_TRUE(absl::IsDataLoss(merger->MergeGroups(damaged, both, &none)));
  EXPECT_EQ(none.size(), 0u);
  EXPECT_FALSE(StateMerger::Bind(*T("UInt64")).ok());
}

TEST(AggregateStateTest, SimpleCombinerAppliesTheFunction) {
  struct {
    const char* type;
    std::vector<Value> values;
    Value expected;
  } cases[] = {
      {"SimpleAggregateFunction(sum, UInt8)", {Value::UInt(200), Value::UInt(100)}, Value::UInt(44)},
      {"SimpleAggregateFunction(max, UInt64)", {Value::UInt(3), Value::UInt(9), Value::UInt(4)}, Value::UInt(9)},
      {"SimpleAggregateFunction(min, String)", {Value::String("b"), Value::String("a")}, Value::String("a")},
      {"SimpleAggregateFunction(anyLast, Nullable(Int32))", {Value::Int(1), Value::Null(), Value::Int(-2)},
       Value::Int(-2)},
      {"SimpleAggregateFunction(any, UInt16)", {Value::UInt(5), Value::UInt(6)}, Value::UInt(5)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type);
    DataTypePtr type = T(c.type);
    ASSERT_OK_AND_ASSIGN(auto combiner, SimpleCombiner::Bind(*type));
    Column values = Column::Make(type);
    for (const Value& v : c.values) ASSERT_OK(values.AppendValue(v));
    // One group of every value, then (after a value in front, outside any group) the
    // same values as groups of one.
    Column shifted = Column::Make(type);
    ASSERT_OK(shifted.AppendValue(c.values[0]));
    shifted.AppendRange(values, 0, values.size());
    std::vector<uint32_t> whole = {0, static_cast<uint32_t>(values.size())};
    std::vector<uint32_t> singles;
    for (uint32_t i = 1; i <= values.size() + 1; ++i) singles.push_back(i);
    Column out = Column::Make(type);
    ASSERT_OK(combiner->MergeGroups(values, whole, &out));
    ASSERT_OK(combiner->MergeGroups(shifted, singles, &out));
    ASSERT_EQ(out.size(), 1 + values.size());
    EXPECT_EQ(out.GetValue(0), c.expected);
    for (size_t i = 0; i < values.size(); ++i) {
      Value alone = values.GetValue(i);
      // anyLast / any of NULL alone is NULL; every other function of one value is it.
      EXPECT_EQ(out.GetValue(1 + i), alone) << "group of value " << i;
    }
    EXPECT_TRUE(out.type->Equals(*type));
  }
  EXPECT_FALSE(SimpleCombiner::Bind(*T("UInt64")).ok());
}

TEST(AggregateStateTest, StateAndMergeCombinators) {
  const DataTypePtr args[] = {T("UInt64")};
  ASSERT_OK_AND_ASSIGN(auto state, AggregateRegistry::Global().Bind("sumState", false, args, {}));
  EXPECT_EQ(state->result_type()->ToString(), "AggregateFunction(sum, UInt64)");
  const DataTypePtr state_args[] = {state->result_type()};
  ASSERT_OK_AND_ASSIGN(auto merge, AggregateRegistry::Global().Bind("sumMerge", false, state_args, {}));
  EXPECT_EQ(merge->result_type()->ToString(), "UInt64");
  ASSERT_OK_AND_ASSIGN(auto merge_state, AggregateRegistry::Global().Bind("sumMergeState", false, state_args, {}));
  EXPECT_EQ(merge_state->result_type()->ToString(), "AggregateFunction(sum, UInt64)");
  auto wrong = AggregateRegistry::Global().Bind("uniqMerge", false, state_args, {});
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("sum instead of uniq"), std::string::npos) << wrong.status();
  auto plain = AggregateRegistry::Global().Bind("sumMerge", false, args, {});
  EXPECT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("Illegal type UInt64"), std::string::npos) << plain.status();
}

}  // namespace
}  // namespace tally::engine::exec

namespace tally::engine::exec {
namespace {

std::string Hex(absl::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

// The bytes docs/format.md ("Aggregate states") specifies, pinned.
TEST(AggregateStateTest, GoldenBytes) {
  auto encode = [](const char* function, std::vector<std::string> types, size_t rows) {
    Bound b = BindCase({function, std::move(types), {}});
    Holder h(*b.f);
    std::vector<Column> cols;
    for (const DataTypePtr& t : b.types) {
      Column c = Column::Make(t);
      for (size_t r = 0; r < rows; ++r) {
        EXPECT_OK(c.AppendValue(t->id() == format::TypeId::kString ? Value::String(absl::StrCat("v", r))
                                                                    : Value::UInt(r + 1)));
      }
      cols.push_back(std::move(c));
    }
    std::vector<ColumnArg> args;
    for (const Column& c : cols) args.push_back(ColumnArg{&c, false});
    b.f->AddBatchSinglePlace(h.get(), args, rows);
    std::string bytes;
    EXPECT_OK(EncodeState(*b.f, function, h.get(), &bytes));
    return Hex(bytes);
  };
  // version 1, name "sum", u64 1 + 2 + 3.
  EXPECT_EQ(encode("sum", {"UInt64"}, 3), "01 03 73 75 6d 06 00 00 00 00 00 00 00");
  EXPECT_EQ(encode("count", {}, 2), "01 05 63 6f 75 6e 74 02 00 00 00 00 00 00 00");
  // Nullable: the "a row was added" flag first, then sum's payload.
  EXPECT_EQ(encode("sum", {"Nullable(UInt8)"}, 1), "01 03 73 75 6d 01 01 00 00 00 00 00 00 00");
  // argMax(String, UInt64): slot 1 + String value "v1", slot 1 + UInt value 2.
  EXPECT_EQ(encode("argMax", {"String", "UInt64"}, 2), "01 06 61 72 67 4d 61 78 01 04 02 76 31 01 01 02");
  // max over nothing: the empty slot.
  EXPECT_EQ(encode("max", {"UInt32"}, 0), "01 03 6d 61 78 00");
}

}  // namespace
}  // namespace tally::engine::exec
