#include "engine/ttl.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "engine/scan.h"
#include "engine/sql/binder.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

using format::Column;
using format::TypeId;

bool IsTimeType(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kDateTime || id == TypeId::kDateTime64;
}

void CollectColumns(const sql::Expr& e, const format::TableSchema& schema, absl::flat_hash_set<int>* out) {
  if (e.kind == sql::Expr::Kind::kIdentifier) {
    const int c = schema.FindColumn(absl::StrJoin(e.parts, "."));
    if (c >= 0) out->insert(c);
  }
  for (const sql::ExprPtr& a : e.args) {
    if (a != nullptr) CollectColumns(*a, schema, out);
  }
}

bool IsConstant(const sql::Expr& e) {
  if (e.kind == sql::Expr::Kind::kIdentifier || e.kind == sql::Expr::Kind::kSubquery) return false;
  for (const sql::ExprPtr& a : e.args) {
    if (a != nullptr && !IsConstant(*a)) return false;
  }
  return true;
}

// Functions non-decreasing in their first argument when the others are constant.
bool NonDecreasingFunction(const std::string& name) {
  static const auto* const kNames = new absl::flat_hash_set<std::string>{
      "toDate", "toDate32", "toDateTime", "toDateTime64", "toStartOfDay", "toStartOfHour", "toStartOfMinute",
      "toStartOfSecond", "toStartOfFiveMinutes", "toStartOfFiveMinute", "toStartOfTenMinutes",
      "toStartOfFifteenMinutes", "toStartOfMonth", "toStartOfQuarter", "toStartOfYear", "toStartOfWeek", "toMonday",
      "toStartOfISOYear", "toStartOfInterval", "toLastDayOfMonth", "addSeconds", "addMinutes", "addHours", "addDays",
      "addWeeks", "addMonths", "addQuarters", "addYears", "subtractSeconds", "subtractMinutes", "subtractHours",
      "subtractDays", "subtractWeeks", "subtractMonths", "subtractQuarters", "subtractYears"};
  return kNames->contains(name);
}

// The column `e` is a non-decreasing function of (a Date or time column of the schema),
// or -1 when it is not one or that is not known.
int NonDecreasingColumn(const sql::Expr& e, const format::TableSchema& schema) {
  if (e.kind == sql::Expr::Kind::kIdentifier) {
    const int c = schema.FindColumn(absl::StrJoin(e.parts, "."));
    return c >= 0 && IsTimeType(schema.columns[c].type->id()) ? c : -1;
  }
  if (e.kind != sql::Expr::Kind::kFunction || e.has_params || e.args.empty()) return -1;
  if (e.name == "plus" && e.args.size() == 2) {
    if (IsConstant(*e.args[1])) return NonDecreasingColumn(*e.args[0], schema);
    if (IsConstant(*e.args[0])) return NonDecreasingColumn(*e.args[1], schema);
    return -1;
  }
  if (e.name == "minus" && e.args.size() == 2) {
    return IsConstant(*e.args[1]) ? NonDecreasingColumn(*e.args[0], schema) : -1;
  }
  if (!NonDecreasingFunction(e.name)) return -1;
  for (size_t i = 1; i < e.args.size(); ++i) {
    if (!IsConstant(*e.args[i])) return -1;
  }
  return NonDecreasingColumn(*e.args[0], schema);
}

absl::StatusOr<exec::ExpressionPtr> BindText(const std::string& text, const sql::Scope& scope) {
  TALLY_ASSIGN_OR_RETURN(sql::ExprPtr parsed, sql::ParseExpression(text));
  return sql::Bind(*parsed, scope, sql::QueryParams());
}

// Seconds of each row of a DateTime result (NULL: 0, which never expires).
absl::StatusOr<std::vector<uint32_t>> TimesOf(const exec::Expression& time, const Block& block) {
  const size_t rows = block.rows();
  TALLY_ASSIGN_OR_RETURN(exec::Evaluated v, time.Evaluate(block));
  const Column c = v.Materialize(rows);
  const bool nullable = c.type->id() == TypeId::kNullable;
  const Column& values = nullable ? c.children[0] : c;
  if (values.type->id() != TypeId::kDateTime) {
    return absl::InternalError(absl::StrCat("TTL time is ", values.type->ToString(), ", not DateTime"));
  }
  std::vector<uint32_t> out(values.values<uint32_t>(), values.values<uint32_t>() + rows);
  if (nullable) {
    for (size_t r = 0; r < rows; ++r) {
      if (c.nulls[r]) out[r] = 0;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<TtlSettings> ParseTtlSettings(const format::TableSchema& schema) {
  TtlSettings out;
  for (const format::TableSetting& s : schema.settings) {
    if (s.name == kTtlOnlyDropPartsSetting) {
      if (s.value != "0" && s.value != "1") {
        return absl::InvalidArgumentError(absl::StrCat("setting ", s.name, " must be 0 or 1, got ", s.value));
      }
      out.only_drop_parts = s.value == "1";
    } else if (s.name == kMergeWithTtlTimeoutSetting) {
      if (!absl::SimpleAtoi(s.value, &out.check_interval_s) || out.check_interval_s < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("setting ", s.name, " must be a whole number of seconds, at least 1, got ", s.value));
      }
    }
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const TableTtl>> TableTtl::Make(const format::TableSchema& schema) {
  TALLY_ASSIGN_OR_RETURN(TtlSettings settings, ParseTtlSettings(schema));
  if (schema.ttl.empty()) return nullptr;
  auto error = [&](const std::string& element, const absl::Status& s) {
    return WithMessage(s, absl::StatusCode::kInvalidArgument, absl::StrCat("TTL ", element, ": ", s.message()));
  };
  auto parsed = sql::ParseTtl(schema.ttl);
  if (!parsed.ok()) return error(schema.ttl, parsed.status());
  std::shared_ptr<TableTtl> ttl(new TableTtl());
  ttl->settings_ = settings;
  absl::flat_hash_set<int> read;
  for (const sql::TtlElement& e : *parsed) {
    CollectColumns(*e.expr, schema, &read);
    if (e.where != nullptr) CollectColumns(*e.where, schema, &read);
  }
  ttl->columns_.assign(read.begin(), read.end());
  std::sort(ttl->columns_.begin(), ttl->columns_.end());
  sql::Scope scope, table_scope;  // the TTL's columns; every column, for errors
  for (int c : ttl->columns_) scope.Add(schema.columns[c].name, schema.columns[c].type);
  for (const format::ColumnDef& c : schema.columns) table_scope.Add(c.name, c.type);
  for (const sql::TtlElement& e : *parsed) {
    const std::string text = e.ToString();
    auto plain = sql::Bind(*e.expr, table_scope, sql::QueryParams());
    if (!plain.ok()) return error(text, plain.status());
    if (e.where != nullptr) {
      auto where = sql::Bind(*e.where, table_scope, sql::QueryParams());
      if (!where.ok()) return error(text, where.status());
      if ((*where)->nondeterministic_call() != nullptr) {
        return error(text, absl::InvalidArgumentError(absl::StrCat("the TTL's WHERE must be deterministic, not call ",
                                                                   *(*where)->nondeterministic_call())));
      }
    }
    if (const std::string* fn = (*plain)->nondeterministic_call(); fn != nullptr) {
      return error(text, absl::InvalidArgumentError(absl::StrCat("the TTL must be deterministic, not call ", *fn)));
    }
    if ((*plain)->is_constant()) {
      return error(text, absl::InvalidArgumentError("the TTL must depend on the row: it reads no column"));
    }
    const format::DataType& type = *(*plain)->type();
    const format::DataType& inner = type.id() == TypeId::kNullable ? type.child(0) : type;
    if (!IsTimeType(inner.id())) {
      return error(text, absl::InvalidArgumentError(
                             absl::StrCat("TTL expression result column should have Date, DateTime or DateTime64 "
                                          "type, but has ",
                                          type.ToString())));
    }
    Element element;
    auto time = BindText(absl::StrCat("toDateTime(", e.expr_text, ")"), scope);
    if (!time.ok()) return error(text, time.status());
    element.time = *std::move(time);
    if (e.where != nullptr) {
      auto where = BindText(absl::StrCat("if(", e.where_text, ", 1, 0)"), scope);
      if (!where.ok()) return error(text, where.status());
      element.where = *std::move(where);
    }
    element.bound_column = NonDecreasingColumn(*e.expr, schema);
    if (element.bound_column >= 0) {
      element.bound_name = schema.columns[element.bound_column].name;
      element.bound_type = schema.columns[element.bound_column].type;
      sql::Scope one;
      one.Add(element.bound_name, element.bound_type);
      auto of_column = BindText(absl::StrCat("toDateTime(", e.expr_text, ")"), one);
      if (of_column.ok()) {
        element.time_of_column = *std::move(of_column);
      } else {
        element.bound_column = -1;
      }
    }
    ttl->elements_.push_back(std::move(element));
  }
  return ttl;
}

TableTtl::Expiry TableTtl::PartExpiry(const Part& part, int64_t now_s) const {
  if (part.rows() == 0) return Expiry::kNone;
  bool none = true;
  for (const Element& e : elements_) {
    if (e.bound_column < 0) return Expiry::kSome;
    const format::ColumnMeta* cm = part.meta().FindColumn(e.bound_name);
    if (cm == nullptr || !cm->has_min_max || !cm->type->Equals(*e.bound_type)) return Expiry::kSome;
    Block bounds;
    bounds.Add(e.bound_name, Column::Make(cm->type));
    if (!bounds.columns[0].AppendValue(cm->min).ok() || !bounds.columns[0].AppendValue(cm->max).ok()) {
      return Expiry::kSome;
    }
    auto times = TimesOf(*e.time_of_column, bounds);
    if (!times.ok()) return Expiry::kSome;
    const int64_t lo = (*times)[0], hi = (*times)[1];
    if (hi == 0) continue;  // every value is 0, which never expires
    if (lo > 0 && hi <= now_s && e.where == nullptr) return Expiry::kAll;
    if (lo <= now_s) none = false;
  }
  return none ? Expiry::kNone : Expiry::kSome;
}

absl::Status TableTtl::ClearExpired(const Block& block, int64_t now_s, uint8_t* mask, uint64_t* expired) const {
  const size_t rows = block.rows();
  std::vector<uint8_t> gone(rows, 0);
  for (const Element& e : elements_) {
    TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> times, TimesOf(*e.time, block));
    if (e.where == nullptr) {
      for (size_t r = 0; r < rows; ++r) gone[r] |= times[r] != 0 && times[r] <= now_s;
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(exec::Evaluated w, e.where->Evaluate(block));
    const Column cond = w.Materialize(rows);
    if (cond.type->id() != TypeId::kUInt8) {
      return absl::InternalError(absl::StrCat("TTL WHERE is ", cond.type->ToString(), ", not UInt8"));
    }
    const uint8_t* holds = cond.values<uint8_t>();
    for (size_t r = 0; r < rows; ++r) gone[r] |= times[r] != 0 && times[r] <= now_s && holds[r] != 0;
  }
  uint64_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    n += mask[r] != 0 && gone[r] != 0;
    mask[r] &= gone[r] == 0;
  }
  if (expired != nullptr) *expired = n;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> TableTtl::CountExpired(const format::TableSchema& schema, const PartPtr& part,
                                                int64_t now_s) const {
  ScanOptions options;
  for (int c : columns_) options.columns.push_back(schema.columns[c].name);
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<ScanCursor> cursor, ScanCursor::Make(schema, {part}, std::move(options)));
  uint64_t total = 0;
  Block block;
  while (true) {
    TALLY_ASSIGN_OR_RETURN(bool more, cursor->Next(&block));
    if (!more) break;
    std::vector<uint8_t> mask(block.rows(), 1);
    uint64_t expired = 0;
    TALLY_RETURN_IF_ERROR(ClearExpired(block, now_s, mask.data(), &expired));
    total += expired;
  }
  return total;
}

}  // namespace tally::engine
