#include "engine/query/select_source.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "engine/exec/constant_conversion.h"
#include "engine/query/index_conditions.h"
#include "engine/query/system_tables.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using exec::ExpressionPtr;
using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;

namespace {

class ScanSource : public Source {
 public:
  explicit ScanSource(std::unique_ptr<ScanCursor> cursor) : cursor_(std::move(cursor)) {}
  absl::StatusOr<bool> Next(Block* out) override { return cursor_->Next(out); }
  ScanStats stats() const override { return cursor_->stats(); }
  std::vector<std::unique_ptr<Source>> Split(size_t n) override {
    std::vector<std::unique_ptr<Source>> out;
    for (auto& c : cursor_->Split(n)) out.push_back(std::make_unique<ScanSource>(std::move(c)));
    return out;
  }
  uint64_t last_sequence() const override { return cursor_->last_sequence(); }
  void set_claim_listener(ScanCursor::ClaimListener listener) override {
    cursor_->set_claim_listener(std::move(listener));
  }

 private:
  std::unique_ptr<ScanCursor> cursor_;
};

// `progress`: where the block counts as read (null: it was counted already), as `rows`
// rows (the block may hold no column: SELECT 1 reads the dummy row, none of its columns).
class BlockSource : public Source {
 public:
  BlockSource(Block block, QueryProgress* progress, uint64_t rows)
      : block_(std::move(block)), progress_(progress), rows_(rows) {}
  absl::StatusOr<bool> Next(Block* out) override {
    if (done_) return false;
    done_ = true;
    if (progress_ != nullptr) {
      uint64_t bytes = 0;
      for (const Column& c : block_.columns) bytes += c.ByteSize();
      progress_->AddRead(rows_, bytes);
    }
    *out = std::move(block_);
    return true;
  }

 private:
  Block block_;
  QueryProgress* progress_;
  uint64_t rows_;
  bool done_ = false;
};

// Rows the query reads in place, once (QueryContext::lent_block).
class LentBlockSource : public Source {
 public:
  explicit LentBlockSource(const Block* block) : block_(block) {}
  absl::StatusOr<bool> Next(Block* out) override {
    *out = Block();
    if (lent_ != nullptr) return false;
    lent_ = block_;
    return true;
  }
  const Block* lent_block() const override { return lent_; }

 private:
  const Block* block_;
  const Block* lent_ = nullptr;
};

// numbers(N): blocks of 64Ki numbers, handed out through a counter shared by the sources
// of a Split. Each block counts as read in `progress` (when not null).
class NumbersSource : public Source {
 public:
  static constexpr uint64_t kBlockRows = 65536;
  NumbersSource(uint64_t n, QueryProgress* progress)
      : n_(n), next_(std::make_shared<std::atomic<uint64_t>>(0)), progress_(progress) {}
  absl::StatusOr<bool> Next(Block* out) override {
    const uint64_t block = next_->fetch_add(1, std::memory_order_relaxed);
    if (block >= n_ / kBlockRows + (n_ % kBlockRows != 0)) return false;
    if (listener_ != nullptr && !listener_(block)) return false;
    const uint64_t begin = block * kBlockRows;
    const uint64_t end = std::min(n_, begin + kBlockRows);
    Column c = Column::Make(DataType::Make(TypeId::kUInt64));
    c.data.resize((end - begin) * 8);
    uint64_t* v = reinterpret_cast<uint64_t*>(c.data.data());
    for (uint64_t i = begin; i < end; ++i) v[i - begin] = i;
    out->names = {"number"};
    out->columns.clear();
    out->columns.push_back(std::move(c));
    if (progress_ != nullptr) progress_->AddRead(end - begin, (end - begin) * sizeof(uint64_t));
    last_ = block;
    return true;
  }
  std::vector<std::unique_ptr<Source>> Split(size_t n) override {
    std::vector<std::unique_ptr<Source>> out;
    for (size_t i = 1; i < n; ++i) {
      auto sibling = std::make_unique<NumbersSource>(n_, progress_);
      sibling->next_ = next_;
      out.push_back(std::move(sibling));
    }
    return out;
  }
  uint64_t last_sequence() const override { return last_; }
  void set_claim_listener(ScanCursor::ClaimListener listener) override { listener_ = std::move(listener); }

 private:
  uint64_t n_;
  ScanCursor::ClaimListener listener_;
  std::shared_ptr<std::atomic<uint64_t>> next_;
  QueryProgress* progress_;
  uint64_t last_ = 0;
};

bool IsComparison(absl::string_view name) {
  return name == "equals" || name == "less" || name == "greater" || name == "lessOrEquals" ||
         name == "greaterOrEquals";
}

}  // namespace

// The constant converted exactly to the column's type, or nothing (then no pruning). A
// string against a date or time, and a number against a DateTime64, convert as the
// comparison converts them (exec::ConvertConstant, in the session's zone), so the range is
// the comparison's.
std::optional<Value> ToColumnDomain(const Column& constant, const format::DataTypePtr& column_type,
                                    exec::ConstantUse use, const exec::FunctionContext& context) {
  const DataType& t = column_type->id() == TypeId::kNullable ? column_type->child(0) : *column_type;
  // A NULL never matches; a non-NULL value of Nullable(T) (a scalar subquery's) is a T.
  const DataType& ct = constant.type->id() == TypeId::kNullable ? constant.type->child(0) : *constant.type;
  Value v = constant.GetValue(0);
  if (v.is_null()) return std::nullopt;
  const bool string_column = t.id() == TypeId::kString || t.id() == TypeId::kLowCardinality;
  if (string_column) {
    if (ct.id() == TypeId::kString) return v;
    return std::nullopt;
  }
  if (t.is_integer() || t.is_time()) {
    if ((ct.id() == TypeId::kString && t.is_time()) || (t.id() == TypeId::kDateTime64 && ct.is_integer())) {
      auto converted = exec::ConvertConstant(constant, column_type, use, context);
      if (!converted.ok() || !converted->has_value()) return std::nullopt;
      return (*converted)->GetValue(0);
    }
    if (ct.is_integer() || (ct.is_time() && ct.Equals(t))) return v;
    return std::nullopt;
  }
  if (t.is_float() && (ct.is_integer() || ct.is_float())) return v;
  if (t.id() == TypeId::kUUID) {  // id = '61f0c404-...' (a skip index's needle)
    if (ct.id() == TypeId::kUUID) return v;
    if (ct.id() != TypeId::kString) return std::nullopt;
    auto converted = exec::ConvertConstant(constant, column_type, use, context);
    if (!converted.ok() || !converted->has_value()) return std::nullopt;
    return (*converted)->GetValue(0);
  }
  return std::nullopt;
}

void Conjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e == nullptr) return;
  if (e->kind == Expr::Kind::kFunction && e->name == "and") {
    for (const ExprPtr& a : e->args) Conjuncts(a, out);
    return;
  }
  out->push_back(e);
}

ExprPtr RowFilter(const SelectQuery& q) {
  if (q.prewhere == nullptr) return q.where;
  if (q.where == nullptr) return q.prewhere;
  auto both = std::make_shared<Expr>();
  both->kind = Expr::Kind::kFunction;
  both->name = "and";
  both->pos = q.prewhere->pos;
  both->args = {q.prewhere, q.where};
  return both;
}

namespace {

// The materialized view whose inner target `table` is ("_inner_v" -> "v"), or "".
std::string ViewOwningInnerTable(const Database& db, const std::string& table) {
  auto [database, name] = SplitTableName(table);
  constexpr absl::string_view kPrefix = "_inner_";
  if (!absl::StartsWith(name, kPrefix)) return "";
  const std::string view_name = name.substr(kPrefix.size());
  const std::string view = database == "default" ? view_name : absl::StrCat(database, ".", view_name);
  auto def = db.GetView(view);
  return def.ok() && def->inner_target && def->target == table ? view : "";
}

}  // namespace

absl::StatusOr<SourceCatalog> ResolveSource(const SelectQuery& q, QueryContext& ctx, const SelectRunner& run_select) {
  SourceCatalog c;
  if (!q.from) {
    c.kind = SourceCatalog::Kind::kBlock;
    Column dummy = Column::Make(DataType::Make(TypeId::kUInt8));
    dummy.Append<uint8_t>(0);
    c.block.Add("dummy", std::move(dummy));
    c.names = {"dummy"};
    c.types = {DataType::Make(TypeId::kUInt8)};
    c.cheapest_column = "dummy";
    c.block_is_read = true;  // ClickHouse's system.one
    return c;
  }
  const TableRef& from = *q.from;
  if (from.subquery) {
    TALLY_ASSIGN_OR_RETURN(ResultSet r, run_select(*from.subquery, ctx));
    // The subquery's rows stay until the outer query ends.
    for (const Column& col : r.block.columns) ctx.limits.Hold(col.ByteSize());
    ctx.memory_bytes = 0;
    TALLY_RETURN_IF_ERROR(ctx.CheckLimits());
    c.kind = SourceCatalog::Kind::kBlock;
    c.names = r.names;
    c.types = r.types;
    c.block = std::move(r.block);
    c.totals = std::move(r.totals);
    c.cheapest_column = c.names.empty() ? "" : c.names[0];
    return c;
  }
  if (from.table_function) {
    const Expr& f = *from.table_function;
    if (f.name != "numbers" || f.args.size() != 1 || f.args[0]->kind != Expr::Kind::kLiteral ||
        f.args[0]->literal.kind != Value::Kind::kUInt) {
      return absl::UnimplementedError(absl::StrCat("table function ", f.ToString(),
                                                   " is not supported (numbers(N) is)"));
    }
    c.kind = SourceCatalog::Kind::kNumbers;
    c.numbers = f.args[0]->literal.u;
    c.names = {"number"};
    c.types = {DataType::Make(TypeId::kUInt64)};
    c.cheapest_column = "number";
    return c;
  }
  if (from.database == kSystemDatabase) {
    TALLY_ASSIGN_OR_RETURN(c.block, SystemTable(ctx, from.table));
    c.kind = SourceCatalog::Kind::kBlock;
    c.block_is_read = true;
    c.names = c.block.names;
    for (const Column& col : c.block.columns) c.types.push_back(col.type);
    c.cheapest_column = c.names.empty() ? "" : c.names[0];
    return c;
  }
  c.kind = SourceCatalog::Kind::kTable;
  c.final = from.final;
  c.table = QualifiedTableName(from.database, from.table, ctx);
  if (ctx.lent_block != nullptr && c.table == ctx.lent_table) {
    c.kind = SourceCatalog::Kind::kBlock;
    c.lent = ctx.lent_block;
    c.names = c.lent->names;
    for (const Column& col : c.lent->columns) c.types.push_back(col.type);
    c.cheapest_column = c.names.empty() ? "" : c.names[0];
    return c;
  }
  auto schema = ctx.db->GetSchema(c.table);
  std::string view_name;
  if (!schema.ok()) {
    // A materialized view reads as its target table, as in ClickHouse.
    if (auto view = ctx.db->GetView(c.table); view.ok()) {
      view_name = c.table;
      c.table = view->target;
      schema = ctx.db->GetSchema(c.table);
    }
  }
  if (!schema.ok()) {
    const std::string& database = from.database.empty() ? ctx.current_database : from.database;
    const std::vector<std::string> databases = ctx.db->ListDatabases();
    if (std::find(databases.begin(), databases.end(), database) == databases.end()) {
      return CodedError(ErrorCode::kUnknownDatabase, absl::StrCat("Database ", database, " does not exist"));
    }
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("Table ", database, ".", from.table, " does not exist"));
  }
  c.schema = *schema;
  for (const auto& col : c.schema.columns) {
    c.names.push_back(col.name);
    c.types.push_back(col.type);
  }
  // count(): the narrowest column will do.
  size_t best = 0, best_width = SIZE_MAX;
  for (size_t i = 0; i < c.schema.columns.size(); ++i) {
    const DataType& t = *c.schema.columns[i].type;
    size_t w = t.id() == TypeId::kLowCardinality ? 1 : t.fixed_width() == 0 ? 64 : t.fixed_width();
    if (w < best_width) {
      best = i;
      best_width = w;
    }
  }
  c.cheapest_column = c.names[best];
  if (ctx.row_filters != nullptr) {
    // A view's inner table read by its own name is still the view's rows.
    if (view_name.empty()) view_name = ViewOwningInnerTable(*ctx.db, c.table);
    TALLY_ASSIGN_OR_RETURN(c.row_filter,
                           RowFilterFor(*ctx.row_filters, view_name, c.table, c.names, &c.row_filter_owner));
  }
  return c;
}

namespace {

// Functions of a time that never decrease as it grows (in a fixed time zone), whose value
// a condition may bound: such a condition prunes by the column's min/max and index.
bool IsMonotonicTimeFunction(absl::string_view name) {
  static const absl::flat_hash_set<std::string> kNames = {
      "toDate", "toDate32", "toDateTime", "toStartOfSecond", "toStartOfMinute", "toStartOfFiveMinutes",
      "toStartOfFiveMinute", "toStartOfTenMinutes", "toStartOfFifteenMinutes", "toStartOfHour", "toStartOfDay",
      "toStartOfWeek", "toMonday", "toStartOfMonth", "toStartOfQuarter", "toStartOfYear", "toStartOfInterval",
      "toYYYYMM", "toYYYYMMDD", "toYear", "toUnixTimestamp", "toRelativeHourNum", "toRelativeDayNum"};
  return kNames.contains(name);
}

// f(column, constants...) for such a function and a Date/DateTime column of the source:
// the column's index, and f as a transform bound to the column's type. nullopt otherwise.
std::optional<std::pair<int, std::shared_ptr<const RangeTransform>>> MonotonicTransform(
    const ExprPtr& e, const SourceCatalog& catalog, const QueryParams& params, format::DataTypePtr* result_type) {
  if (e->kind != Expr::Kind::kFunction || e->args.empty() || !IsMonotonicTimeFunction(e->name)) return std::nullopt;
  if (e->args[0]->kind != Expr::Kind::kIdentifier) return std::nullopt;
  int col = -1;
  for (size_t i = 0; i < catalog.names.size(); ++i) {
    if (catalog.names[i] == e->args[0]->identifier()) col = static_cast<int>(i);
  }
  if (col < 0) return std::nullopt;
  const format::DataTypePtr& type = catalog.types[col];
  if (!type->is_time()) return std::nullopt;
  Scope empty;
  for (size_t i = 1; i < e->args.size(); ++i) {  // the time zone, the interval: constants
    auto b = Bind(*e->args[i], empty, params);
    if (!b.ok() || !(*b)->is_constant()) return std::nullopt;
  }
  Scope scope;
  scope.Add(catalog.names[col], type);
  auto bound = Bind(*e, scope, params);
  if (!bound.ok() || (*bound)->nondeterministic_call() != nullptr) return std::nullopt;
  *result_type = (*bound)->type();
  auto transform = std::make_shared<RangeTransform>();
  transform->text = e->ToString();
  transform->apply = [expr = *bound, type, name = catalog.names[col]](const Value& v) -> std::optional<Value> {
    Column c = Column::Make(type);
    if (!c.AppendValue(v).ok()) return std::nullopt;
    Block block;
    block.Add(name, std::move(c));
    auto out = expr->Evaluate(block);
    if (!out.ok() || out->column->size() == 0) return std::nullopt;
    return out->column->GetValue(0);
  };
  return std::make_pair(col, std::shared_ptr<const RangeTransform>(std::move(transform)));
}

}  // namespace

std::vector<ColumnRange> ExtractRanges(const ExprPtr& where, const SourceCatalog& catalog, const QueryParams& params) {
  std::vector<ColumnRange> out;
  std::vector<ExprPtr> conjuncts;
  Conjuncts(where, &conjuncts);
  Scope empty;
  auto column_of = [&](const ExprPtr& e) -> int {
    if (e->kind != Expr::Kind::kIdentifier) return -1;
    for (size_t i = 0; i < catalog.names.size(); ++i) {
      if (catalog.names[i] == e->identifier()) return static_cast<int>(i);
    }
    return -1;
  };
  auto constant_of = [&](const ExprPtr& e) -> std::optional<Column> {
    auto b = Bind(*e, empty, params);
    if (!b.ok() || !(*b)->is_constant()) return std::nullopt;
    auto c = exec::EvaluateConstant(**b);
    if (!c.ok()) return std::nullopt;
    return *c;
  };
  for (const ExprPtr& e : conjuncts) {
    if (e->kind != Expr::Kind::kFunction || e->args.size() != 2) continue;
    if (IsComparison(e->name)) {
      absl::string_view op = e->name;
      int col = column_of(e->args[0]);
      ExprPtr other = e->args[1];
      if (col < 0) {
        col = column_of(e->args[1]);
        other = e->args[0];
        op = sql::FlippedComparison(op);
      }
      // Or a monotonic function of a column: toDate(time) = '2026-10-05'.
      std::shared_ptr<const RangeTransform> transform;
      format::DataTypePtr domain = col >= 0 ? catalog.types[col] : nullptr;
      if (col < 0) {
        for (int side = 0; side < 2 && col < 0; ++side) {
          auto found = MonotonicTransform(e->args[side], catalog, params, &domain);
          if (!found) continue;
          col = found->first;
          transform = found->second;
          other = e->args[1 - side];
          op = side == 0 ? absl::string_view(e->name) : sql::FlippedComparison(e->name);
        }
      }
      if (col < 0) continue;
      std::optional<Column> k = constant_of(other);
      if (!k) continue;
      std::optional<Value> v = ToColumnDomain(*k, domain, exec::ConstantUse::kComparison, params.functions);
      if (!v) continue;
      ColumnRange r;
      r.column = catalog.names[col];
      r.transform = transform;
      if (op == "equals") {
        r.min = *v;
        r.max = *v;
      } else if (op == "less" || op == "lessOrEquals") {
        r.max = *v;
        r.max_inclusive = op == "lessOrEquals";
      } else {
        r.min = *v;
        r.min_inclusive = op == "greaterOrEquals";
      }
      out.push_back(std::move(r));
    } else if (e->name == "in") {
      int col = column_of(e->args[0]);
      std::shared_ptr<const RangeTransform> transform;  // toYYYYMM(time) IN (...)
      format::DataTypePtr domain = col >= 0 ? catalog.types[col] : nullptr;
      if (col < 0) {
        if (auto found = MonotonicTransform(e->args[0], catalog, params, &domain)) {
          col = found->first;
          transform = found->second;
        }
      }
      if (col < 0) continue;
      // The values, of the column's domain, that the IN can match: up to kMaxPoints of them
      // prune as points (the primary index then skips granules between them), more by
      // their smallest and largest.
      constexpr size_t kMaxPoints = 4096;
      std::optional<Value> lo, hi;
      std::vector<Value> values;
      // A NaN matches NaN in a set but no min/max bound holds it: such a list prunes nothing.
      bool has_nan = false;
      auto widen = [&lo, &hi, &has_nan, &values](const Value& v) {
        has_nan |= v.kind == Value::Kind::kFloat && std::isnan(v.f);
        if (!lo || format::CompareValues(v, *lo) < 0) lo = v;
        if (!hi || format::CompareValues(v, *hi) > 0) hi = v;
        if (values.size() <= kMaxPoints) values.push_back(v);
      };
      const bool tuple_of_literals =
          e->args[1]->kind == Expr::Kind::kFunction && e->args[1]->name == "tuple" && !e->args[1]->args.empty() &&
          std::all_of(e->args[1]->args.begin(), e->args[1]->args.end(),
                      [](const ExprPtr& a) { return a->kind == Expr::Kind::kLiteral; });
      if (e->args[1]->kind == Expr::Kind::kLiteral || tuple_of_literals) {
        std::vector<Value> items;  // x IN (a, b, c) parses as in(x, tuple(a, b, c))
        if (tuple_of_literals) {
          for (const ExprPtr& a : e->args[1]->args) items.push_back(a->literal);
        } else {
          const Value& list = e->args[1]->literal;
          items = list.kind == Value::Kind::kArray ? list.items : std::vector<Value>{list};
        }
        bool all = true;  // an item left out of the set (no value in the column's type): no bound
        for (const Value& item : items) {
          auto k = LiteralColumn(item);
          std::optional<Value> v =
              k.ok() ? ToColumnDomain(*k, domain, exec::ConstantUse::kInList, params.functions)
                     : std::nullopt;
          if (!v) {
            all = false;
            break;
          }
          widen(*v);
        }
        if (!all) continue;
      } else if (e->args[1]->kind == Expr::Kind::kSubquery && params.run_subquery) {
        // The subquery's smallest and largest values bound the column when they compare
        // with it by value: the same type, or numbers. IN converts the column to the
        // subquery's type, so other pairs (a DateTime against Dates) are not pruned.
        auto set = params.run_subquery(*e->args[1]->subquery, *e->args[1]);
        if (!set.ok()) continue;
        const format::DataTypePtr set_type = exec::ComparisonValueType(set->type);
        const format::DataTypePtr col_type = exec::ComparisonValueType(domain);
        auto is_number = [](const DataType& t) { return t.is_integer() || t.is_float(); };
        if (!set_type->Equals(*col_type) && !(is_number(*set_type) && is_number(*col_type))) continue;
        for (size_t i = 0; i < set->size(); ++i) {
          const Value v = set->GetValue(i);
          if (!v.is_null()) widen(v);
        }
      } else {
        continue;
      }
      if (!lo || has_nan) continue;
      if (values.size() <= kMaxPoints) {
        out.push_back(ColumnRange::OneOf(catalog.names[col], std::move(values)));
        out.back().transform = transform;
        continue;
      }
      ColumnRange r;
      r.column = catalog.names[col];
      r.transform = transform;
      r.min = lo;
      r.max = hi;
      out.push_back(std::move(r));
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Source>> OpenSource(const SourceCatalog& catalog, const std::vector<std::string>& columns,
                                                   const ExprPtr& where, const PushedFilter& pushed, QueryContext& ctx) {
  switch (catalog.kind) {
    case SourceCatalog::Kind::kNumbers:
      if (ctx.progress != nullptr) ctx.progress->AddTotalRowsToRead(catalog.numbers);
      return std::unique_ptr<Source>(new NumbersSource(catalog.numbers, ctx.progress));
    case SourceCatalog::Kind::kBlock: {
      if (catalog.lent != nullptr) return std::unique_ptr<Source>(new LentBlockSource(catalog.lent));
      Block b;
      for (const std::string& name : columns) {
        int i = catalog.block.Find(name);
        if (i < 0) return absl::InternalError(absl::StrCat("subquery has no column ", name));
        b.Add(name, catalog.block.columns[i]);
      }
      QueryProgress* progress = catalog.block_is_read ? ctx.progress : nullptr;
      if (progress != nullptr) progress->AddTotalRowsToRead(catalog.block.rows());
      return std::unique_ptr<Source>(new BlockSource(std::move(b), progress, catalog.block.rows()));
    }
    case SourceCatalog::Kind::kTable: {
      ScanOptions options;
      options.columns = columns;
      options.ranges = ExtractRanges(where, catalog, ctx.params);
      options.skip_conditions = ExtractIndexConditions(where, catalog, ctx.params);
      options.filter_rows = false;
      options.filter_columns = pushed.columns;
      options.row_filter = pushed.row_filter;
      options.final = catalog.final;
      options.progress = ctx.progress;
      TALLY_ASSIGN_OR_RETURN(auto cursor, ctx.db->Scan(catalog.table, std::move(options)));
      ctx.stats = cursor->stats();
      return std::unique_ptr<Source>(new ScanSource(std::move(cursor)));
    }
  }
  return absl::InternalError("unknown source");
}

}  // namespace tally::engine::sql
