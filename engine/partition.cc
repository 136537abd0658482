#include "engine/partition.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "format/coding.h"

namespace tally::engine {

using format::DataType;
using format::TypeId;
using format::Value;

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t Pow10(int p) {
  int64_t v = 1;
  for (int i = 0; i < p; ++i) v *= 10;
  return v;
}

}  // namespace

int64_t DayNumber(const DataType& type, const format::Column& column, size_t row) {
  switch (type.id()) {
    case TypeId::kDate:
      return column.values<uint16_t>()[row];
    case TypeId::kDateTime:
      return column.values<uint32_t>()[row] / 86400;
    case TypeId::kDateTime64:
      return FloorDiv(FloorDiv(column.values<int64_t>()[row], Pow10(type.precision())), 86400);
    default:
      return 0;
  }
}

absl::StatusOr<PartitionKey> PartitionKey::Parse(absl::string_view expr, const format::TableSchema& schema) {
  PartitionKey key;
  absl::string_view text = absl::StripAsciiWhitespace(expr);
  if (text.empty() || text == "tuple()") return key;
  Fn fn = Fn::kIdentity;
  absl::string_view arg = text;
  size_t open = text.find('(');
  if (open != absl::string_view::npos) {
    if (text.back() != ')') {
      return absl::InvalidArgumentError(absl::StrCat("PARTITION BY ", text, ": expected name(column)"));
    }
    absl::string_view name = absl::StripAsciiWhitespace(text.substr(0, open));
    arg = absl::StripAsciiWhitespace(text.substr(open + 1, text.size() - open - 2));
    if (name == "toYYYYMM") {
      fn = Fn::kToYYYYMM;
    } else if (name == "toYYYYMMDD") {
      fn = Fn::kToYYYYMMDD;
    } else if (name == "toDate") {
      fn = Fn::kToDate;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "PARTITION BY ", text, ": function '", name,
          "' is not supported yet (supported: a column, toYYYYMM, toYYYYMMDD, toDate)"));
    }
  }
  int column = schema.FindColumn(arg);
  if (column < 0) {
    return absl::InvalidArgumentError(absl::StrCat("PARTITION BY ", text, ": unknown column '", arg, "'"));
  }
  const DataType& type = *schema.columns[column].type;
  if (fn != Fn::kIdentity && !type.is_time()) {
    return absl::InvalidArgumentError(absl::StrCat("PARTITION BY ", text, ": column '", arg, "' is ",
                                                   type.ToString(), ", not a Date or DateTime"));
  }
  if (fn == Fn::kIdentity && !(type.is_integer() || type.is_time() || type.id() == TypeId::kString ||
                               type.id() == TypeId::kLowCardinality || type.id() == TypeId::kBool) ) {
    return absl::InvalidArgumentError(
        absl::StrCat("PARTITION BY ", text, ": cannot partition by a ", type.ToString(), " column"));
  }
  if (type.is_nullable_low_cardinality()) {
    return absl::InvalidArgumentError(absl::StrCat("PARTITION BY ", text, ": partition key cannot be Nullable"));
  }
  key.fn_ = fn;
  key.column_ = column;
  key.type_ = schema.columns[column].type;
  return key;
}

std::vector<PartitionGroup> PartitionKey::Split(const Block& block) const {
  const size_t rows = block.rows();
  std::vector<PartitionGroup> groups;
  if (fn_ == Fn::kNone) {
    PartitionGroup all;
    all.id = "all";
    all.rows.resize(rows);
    for (size_t i = 0; i < rows; ++i) all.rows[i] = static_cast<uint32_t>(i);
    groups.push_back(std::move(all));
    return groups;
  }
  const format::Column& col = block.columns[column_];
  const bool is_string = type_->id() == TypeId::kString || type_->id() == TypeId::kLowCardinality;
  absl::flat_hash_map<std::string, size_t> by_string;
  absl::flat_hash_map<int64_t, size_t> by_number;
  int64_t last_day = INT64_MIN, last_key = 0;
  auto group_for_number = [&](int64_t k, Value v, std::string id) -> size_t {
    auto [it, inserted] = by_number.emplace(k, groups.size());
    if (inserted) groups.push_back(PartitionGroup{std::move(id), {std::move(v)}, {}});
    return it->second;
  };
  for (size_t i = 0; i < rows; ++i) {
    size_t g;
    if (is_string) {
      Value v = col.GetValue(i);
      auto it = by_string.find(v.s);
      if (it == by_string.end()) {
        std::string id = absl::StrFormat("%016x", format::Checksum(v.s));
        it = by_string.emplace(v.s, groups.size()).first;
        groups.push_back(PartitionGroup{std::move(id), {std::move(v)}, {}});
      }
      g = it->second;
    } else if (fn_ == Fn::kIdentity) {
      Value v = col.GetValue(i);
      int64_t k = v.kind == Value::Kind::kInt ? v.i : static_cast<int64_t>(v.u);
      std::string id;
      if (type_->id() == TypeId::kDate) {
        absl::CivilDay d = absl::CivilDay(1970, 1, 1) + k;
        id = absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
      } else {
        id = v.kind == Value::Kind::kInt && v.i < 0 ? absl::StrCat("m", -v.i) : absl::StrCat(k);
      }
      g = group_for_number(k, std::move(v), std::move(id));
    } else {
      int64_t day = DayNumber(*type_, col, i);
      if (day != last_day) {
        absl::CivilDay d = absl::CivilDay(1970, 1, 1) + day;
        last_day = day;
        last_key = fn_ == Fn::kToYYYYMM ? d.year() * 100 + d.month()
                                        : d.year() * 10000 + d.month() * 100 + d.day();
      }
      Value v = fn_ == Fn::kToDate ? Value::UInt(static_cast<uint64_t>(day)) : Value::UInt(last_key);
      g = group_for_number(last_key, std::move(v), absl::StrCat(last_key));
    }
    groups[g].rows.push_back(static_cast<uint32_t>(i));
  }
  return groups;
}

}  // namespace tally::engine
