#include "engine/query/select.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/aggregator.h"
#include "engine/parallel.h"
#include "engine/query/block_rows.h"
#include "engine/query/order.h"
#include "engine/query/plain_select_stream.h"
#include "engine/query/row_filter.h"
#include "engine/query/select_source.h"
#include "engine/query/select_union.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using exec::Evaluated;
using exec::ExpressionPtr;
using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using format::Value;

namespace {

struct SelectItem {
  ExprPtr expr;  // aliases expanded
  std::string name;
};

// The source's row filter bound over `scope`; an error names whose filter it is.
absl::StatusOr<ExpressionPtr> BindRowFilter(const SourceCatalog& catalog, const Scope& scope,
                                            const QueryParams& params) {
  auto bound = Bind(*catalog.row_filter, scope, params);
  if (!bound.ok()) {
    return WithMessage(bound.status(), absl::StrCat(catalog.row_filter_owner, ": ", bound.status().message()));
  }
  const format::DataType& t = (*bound)->type()->id() == TypeId::kNullable ? (*bound)->type()->child(0)
                                                                          : *(*bound)->type();
  if (!t.is_integer() && t.id() != TypeId::kBool) {
    return absl::InvalidArgumentError(absl::StrCat(catalog.row_filter_owner, ": the filter is of type ",
                                                   (*bound)->type()->ToString(),
                                                   "; it must be a condition (UInt8 or Bool)"));
  }
  return bound;
}

absl::StatusOr<uint64_t> ConstantUInt(const ExprPtr& e, const QueryParams& params, const char* what) {
  Scope empty;
  TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, Bind(*e, empty, params));
  if (!b->is_constant()) return absl::InvalidArgumentError(absl::StrCat(what, " must be a constant"));
  TALLY_ASSIGN_OR_RETURN(Column c, exec::EvaluateConstant(*b));
  Value v = c.GetValue(0);
  if (v.kind == Value::Kind::kUInt) return v.u;
  if (v.kind == Value::Kind::kInt && v.i >= 0) return static_cast<uint64_t>(v.i);
  return absl::InvalidArgumentError(absl::StrCat(what, " must be a non-negative integer, got ", v.DebugString()));
}

absl::StatusOr<std::optional<Value>> ConstantValue(const ExprPtr& e, const QueryParams& params) {
  if (e == nullptr) return std::optional<Value>();
  Scope empty;
  TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, Bind(*e, empty, params));
  if (!b->is_constant()) return absl::InvalidArgumentError("WITH FILL bounds must be constants");
  TALLY_ASSIGN_OR_RETURN(Column c, exec::EvaluateConstant(*b));
  return std::optional<Value>(c.GetValue(0));
}

// The sources a query's threads read, and the memory each thread holds.
struct Streams {
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<std::atomic<uint64_t>> memory_bytes;

  Streams(std::unique_ptr<Source> source, size_t threads) {
    sources.push_back(std::move(source));
    for (auto& s : sources[0]->Split(std::max<size_t>(threads, 1))) sources.push_back(std::move(s));
    memory_bytes = std::vector<std::atomic<uint64_t>>(sources.size());
  }
  size_t size() const { return sources.size(); }
  uint64_t TotalMemory() const {
    uint64_t n = 0;
    for (const auto& m : memory_bytes) n += m.load(std::memory_order_relaxed);
    return n;
  }
  // The first source's pruning figures with every source's row counts.
  ScanStats stats() const {
    ScanStats s = sources[0]->stats();
    for (size_t i = 1; i < sources.size(); ++i) {
      s.rows_read += sources[i]->stats().rows_read;
      s.rows_returned += sources[i]->stats().rows_returned;
    }
    return s;
  }
};

// Node-rows (Expression::nodes() times rows) evaluated between two looks at the limits at
// most: a block is cut into slices of this divided by the nodes of the expressions run on
// it. Ordinary expressions (under 64 nodes in all) see whole 64Ki-row blocks; a CASE of
// 100,000 branches sees slices of ~20 rows, so its kernels never run long unchecked (a
// multiIf kernel's work grows with branches times rows).
constexpr size_t kNodeRowsPerSlice = size_t{1} << 22;

size_t SliceRows(size_t nodes) { return std::max<size_t>(1, kNodeRowsPerSlice / std::max<size_t>(nodes, 1)); }

size_t Nodes(const std::vector<ExpressionPtr>& exprs) {
  size_t n = 0;
  for (const ExpressionPtr& e : exprs) n += e ? e->nodes() : 0;
  return n;
}

// Calls fn with each block of `source` that has rows passing `where` (filtered), cut into
// slices of at most `slice_rows` rows, until the source ends, another thread failed or
// `enough` (when set) says so. The limits are checked for every block read, also when the
// filter drops all its rows. fn gets the block and, when it may take the block's columns,
// the same block as `owned`; a block a source lends (Source::lent_block) is read in place
// and comes without.
using BlockFn = std::function<absl::Status(const Block& block, Block* owned)>;
absl::Status ForEachBlock(Source& source, const ExpressionPtr& where, size_t slice_rows,
                          const exec::QueryLimits& limits, const ParallelRun& run, const BlockFn& fn,
                          const std::function<bool()>& enough = nullptr) {
  Block block;
  while (!run.stopped() && !(enough && enough())) {
    TALLY_RETURN_IF_ERROR(limits.Check());
    TALLY_ASSIGN_OR_RETURN(bool more, source.Next(&block));
    if (!more) break;
    const Block* lent = source.lent_block();
    const Block& input = lent != nullptr ? *lent : block;
    const size_t rows = input.rows();
    for (size_t begin = 0; begin < rows; begin += slice_rows) {
      Block slice;
      const Block* rows_in = &slice;
      if (slice_rows < rows) {
        slice = SliceOf(input, begin, std::min(slice_rows, rows - begin));
      } else if (lent != nullptr) {
        rows_in = lent;
      } else {
        slice = std::move(block);
      }
      if (where) {
        TALLY_ASSIGN_OR_RETURN(Evaluated m, where->Evaluate(*rows_in, limits));
        bool all = false;
        TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> selected, Selected(m, rows_in->rows(), &all));
        if (!all) {
          if (selected.empty()) continue;
          slice = Filter(*rows_in, selected);
          rows_in = &slice;
        }
      }
      TALLY_RETURN_IF_ERROR(fn(*rows_in, rows_in == &slice ? &slice : nullptr));
    }
  }
  return absl::OkStatus();
}

// `e` over all rows of `block` (the rows after aggregation), a slice at a time when it is
// big, as ForEachBlock does.
absl::StatusOr<Column> EvaluateAll(const ExpressionPtr& e, const Block& block, const exec::QueryLimits& limits) {
  const size_t rows = block.rows();
  const size_t slice_rows = SliceRows(e->nodes());
  if (slice_rows >= rows) {
    TALLY_ASSIGN_OR_RETURN(Evaluated v, e->Evaluate(block, limits));
    return v.Materialize(rows);
  }
  Column out = Column::Make(e->type());
  for (size_t begin = 0; begin < rows; begin += slice_rows) {
    const Block slice = SliceOf(block, begin, std::min(slice_rows, rows - begin));
    TALLY_ASSIGN_OR_RETURN(Evaluated v, e->Evaluate(slice, limits));
    if (v.is_const) {
      out.AppendRange(v.Materialize(slice.rows()), 0, slice.rows());
    } else {
      out.AppendRange(*v.column, 0, slice.rows());
    }
  }
  return out;
}

// Room for `rows` rows in a column of a plain fixed-width type (others grow as they go).
void ReserveRows(Column* c, size_t rows) {
  const format::DataType& t = *c->type;
  if (t.id() == TypeId::kNullable || t.id() == TypeId::kLowCardinality || t.fixed_width() == 0) return;
  c->data.reserve(rows * t.fixed_width());
}

uint64_t ByteSize(const std::vector<Column>& columns) {
  uint64_t n = 0;
  for (const Column& c : columns) n += c.ByteSize();
  return n;
}

// The source columns among `names` (as written: "t.col" or "col"), each once, in order.
std::vector<std::string> SourceColumns(const std::vector<std::string>& names, const SourceCatalog& catalog) {
  std::vector<std::string> out;
  auto known = [&](const std::string& n) { return std::find(catalog.names.begin(), catalog.names.end(), n) != catalog.names.end(); };
  for (const std::string& w : names) {
    std::string name = w;
    if (!known(name)) {
      size_t dot = w.rfind('.');
      if (dot != std::string::npos) name = w.substr(dot + 1);
    }
    if (known(name) && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

Scope ScopeOf(const std::vector<std::string>& columns, const SourceCatalog& catalog) {
  Scope scope;
  for (const std::string& c : columns) {
    scope.Add(c, catalog.types[std::find(catalog.names.begin(), catalog.names.end(), c) - catalog.names.begin()]);
  }
  return scope;
}

// mask[r] &= the filter's value for row r (NULL is false).
absl::Status AndMask(const Evaluated& m, size_t rows, format::PodVector<uint8_t>* mask) {
  const Column& c = *m.column;
  const bool nullable = c.type->id() == TypeId::kNullable;
  const Column& v = nullable ? c.children[0] : c;
  uint8_t* out = mask->data();
  if (v.type->fixed_width() == 1 && !m.is_const) {
    // UInt8 / Bool, the usual result of a predicate: one pass the compiler vectorizes.
    const uint8_t* values = v.data.data();
    for (size_t r = 0; r < rows; ++r) out[r] &= values[r] != 0;
    if (nullable) {
      for (size_t r = 0; r < rows; ++r) out[r] &= c.nulls[r] == 0;
    }
    return absl::OkStatus();
  }
  bool all = false;
  TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> selected, Selected(m, rows, &all));
  if (all) return absl::OkStatus();
  size_t next = 0;
  for (uint32_t r : selected) {
    for (; next < r; ++next) out[next] = 0;
    next = r + 1;
  }
  for (; next < rows; ++next) out[next] = 0;
  return absl::OkStatus();
}

// Clears mask[r] for the rows of `block` where `filter` is not true, `filter` evaluated in
// slices when it is large (SliceRows).
absl::Status ApplyFilter(const ExpressionPtr& filter, const Block& block, const exec::QueryLimits& limits,
                         format::PodVector<uint8_t>* mask) {
  const size_t rows = block.rows(), slice_rows = SliceRows(filter->nodes());
  if (slice_rows >= rows) {
    TALLY_ASSIGN_OR_RETURN(Evaluated m, filter->Evaluate(block, limits));
    return AndMask(m, rows, mask);
  }
  format::PodVector<uint8_t> part;
  for (size_t begin = 0; begin < rows; begin += slice_rows) {
    const Block slice = SliceOf(block, begin, std::min(slice_rows, rows - begin));
    part.assign(mask->data() + begin, slice.rows());
    TALLY_ASSIGN_OR_RETURN(Evaluated m, filter->Evaluate(slice, limits));
    TALLY_RETURN_IF_ERROR(AndMask(m, slice.rows(), &part));
    std::copy(part.begin(), part.end(), mask->data() + begin);
  }
  return absl::OkStatus();
}

// ApplyFilter on only the rows mask still keeps: after a row filter, the query's WHERE
// never sees a row the filter hides.
absl::Status ApplyFilterToKept(const ExpressionPtr& filter, const Block& block, const exec::QueryLimits& limits,
                               format::PodVector<uint8_t>* mask) {
  const size_t rows = block.rows();
  std::vector<uint32_t> kept;
  for (size_t r = 0; r < rows; ++r) {
    if ((*mask)[r]) kept.push_back(static_cast<uint32_t>(r));
  }
  if (kept.empty()) return absl::OkStatus();
  if (kept.size() == rows) return ApplyFilter(filter, block, limits, mask);
  const Block compact = Filter(block, kept);
  format::PodVector<uint8_t> sub;
  sub.resize(kept.size(), 1);
  TALLY_RETURN_IF_ERROR(ApplyFilter(filter, compact, limits, &sub));
  for (size_t i = 0; i < kept.size(); ++i) (*mask)[kept[i]] = sub[i];
  return absl::OkStatus();
}

void CollectIdentifiers(const ExprPtr& e, std::vector<std::string>* out) {
  if (e == nullptr) return;
  if (e->kind == Expr::Kind::kIdentifier) out->push_back(absl::StrJoin(e->parts, "."));
  for (const ExprPtr& a : e->args) CollectIdentifiers(a, out);
}

// Every `expr AS name` of the query's own expressions (not of its subqueries), as
// ClickHouse collects them: an alias defined anywhere (WHERE (x + 1 AS y) > 2) can be used
// anywhere. Two different expressions for one name are an error (the same one twice is not).
absl::Status CollectAliases(const ExprPtr& e, absl::flat_hash_map<std::string, ExprPtr>* out) {
  if (e == nullptr || e->kind == Expr::Kind::kLambda) return absl::OkStatus();
  if (!e->alias.empty()) {
    auto [it, added] = out->emplace(e->alias, e);
    if (!added && it->second != e && it->second->ToString() != e->ToString()) {
      return absl::InvalidArgumentError(absl::StrCat("Multiple expressions ", e->ToString(), " AS ", e->alias, " and ",
                                                     it->second->ToString(), " AS ", e->alias, " for alias ", e->alias,
                                                     " (line ", e->pos.line, ", column ", e->pos.column, ")"));
    }
  }
  if (e->kind == Expr::Kind::kSubquery) return absl::OkStatus();  // its own aliases are its own
  for (const ExprPtr& a : e->args) TALLY_RETURN_IF_ERROR(CollectAliases(a, out));
  for (const ExprPtr& p : e->params) TALLY_RETURN_IF_ERROR(CollectAliases(p, out));
  return absl::OkStatus();
}

// The select-list item an integer literal key names (GROUP BY 1, ORDER BY -1), or none.
absl::StatusOr<std::optional<size_t>> PositionalItem(const Expr& e, size_t items, const QueryContext& ctx) {
  if (!ctx.positional_arguments || e.kind != Expr::Kind::kLiteral) return std::optional<size_t>();
  const Value& v = e.literal;
  if (v.kind != Value::Kind::kUInt && v.kind != Value::Kind::kInt) return std::optional<size_t>();
  const int64_t n = static_cast<int64_t>(items);
  if (v.kind == Value::Kind::kUInt && v.u >= 1 && v.u <= items) return std::optional<size_t>(v.u - 1);
  if (v.kind == Value::Kind::kInt && v.i <= -1 && v.i >= -n) return std::optional<size_t>(n + v.i);
  return absl::InvalidArgumentError(absl::StrCat("Positional argument number ", v.DebugString(),
                                                 " is out of bounds. Expected in range [1, ", items, "] (line ",
                                                 e.pos.line, ", column ", e.pos.column, ")"));
}

// After GROUP BY a source column is visible only inside aggregates or as a key: the
// binder's "Unknown identifier `x`" then gets ClickHouse's words for it.
absl::Status NotAggregated(const absl::Status& s, const ExprPtr& e, const SourceCatalog& catalog) {
  constexpr absl::string_view kUnknown = "Unknown identifier `";
  if (ErrorCodeOf(s) != ErrorCode::kUnknownIdentifier || !absl::StartsWith(s.message(), kUnknown)) return s;
  absl::string_view name = s.message().substr(kUnknown.size());
  name = name.substr(0, name.find('`'));
  std::vector<std::string> column = SourceColumns({std::string(name)}, catalog);
  if (column.empty()) return s;
  return CodedError(ErrorCode::kNotAnAggregate,
                    absl::StrCat("Column `", column[0], "` is not under aggregate function and not in GROUP BY keys (line ",
                                 e->pos.line, ", column ", e->pos.column, ")"));
}

// Whether ClickHouse's analyzer makes the GROUP BY key `e` a constant, which its totals
// row then shows with its value. It does for constant expressions except two that tally
// folds too: CASE x WHEN ... (its transform is never folded) and IN (SELECT ...) (the set
// is built after the keys are analyzed), unless only a type decides the value
// (isNull of a column that cannot be NULL).
// `truth` gives the value of a condition ClickHouse folds (nullopt: not a constant).
bool ClickHouseFoldsKey(const Expr& e, const std::function<std::optional<bool>(const Expr&)>& truth) {
  // Constant by their argument's type alone, whatever the argument is.
  if (e.kind == Expr::Kind::kFunction && (e.name == "isNull" || e.name == "isNotNull" || e.name == "toTypeName")) {
    return true;
  }
  if (e.kind == Expr::Kind::kSubquery) return false;
  if (e.kind == Expr::Kind::kFunction && e.name == "caseWithExpression") return false;
  // x OR <true> and x AND <false> fold whatever x is.
  if (e.kind == Expr::Kind::kFunction && (e.name == "or" || e.name == "and")) {
    const bool absorbing = e.name == "or";
    for (const ExprPtr& a : e.args) {
      if (ClickHouseFoldsKey(*a, truth) && truth(*a) == std::optional<bool>(absorbing)) return true;
    }
  }
  for (const ExprPtr& a : e.args) {
    if (!ClickHouseFoldsKey(*a, truth)) return false;
  }
  return true;
}

// The one row WITH TOTALS evaluates the select list on: each key at its type's default
// value (a constant key at its value: ClickHouse drops constant keys and computes them in
// the projection), each aggregate over the groups `kept`.
// min / max / any / anyLast of a GROUP BY key is the key itself. ClickHouse rewrites such
// a call to the key (optimize_aggregators_of_group_by_keys, on by default, not with
// TOTALS), which shows only where WITH FILL adds rows: there the call's column is filled
// like the key's, where an aggregate's would hold its default. Copies the nodes it changes.
ExprPtr AggregatesOfKeysToKeys(const ExprPtr& e, const absl::flat_hash_set<std::string>& keys) {
  if (e == nullptr || e->kind != Expr::Kind::kFunction) return e;
  const std::string lower = absl::AsciiStrToLower(e->name);
  if ((lower == "min" || lower == "max" || lower == "any" || e->name == "anyLast") && e->args.size() == 1 &&
      !e->has_params && keys.contains(e->args[0]->ToString())) {
    return e->args[0];
  }
  std::shared_ptr<Expr> copy;
  for (size_t i = 0; i < e->args.size(); ++i) {
    ExprPtr a = AggregatesOfKeysToKeys(e->args[i], keys);
    if (a == e->args[i]) continue;
    if (copy == nullptr) copy = std::make_shared<Expr>(*e);
    copy->args[i] = std::move(a);
  }
  return copy != nullptr ? copy : e;
}

absl::StatusOr<Block> TotalsRow(exec::Aggregator& aggregator, absl::Span<const uint32_t> kept,
                                const std::vector<ExpressionPtr>& keys, const std::vector<ExprPtr>& key_exprs,
                                const std::vector<std::string>& names, const exec::Aggregator::Check& check,
                                const std::function<std::optional<bool>(const Expr&)>& truth) {
  TALLY_ASSIGN_OR_RETURN(std::vector<Column> aggregates, aggregator.Totals(kept, check));
  Block out;
  out.names = names;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k]->is_constant() && ClickHouseFoldsKey(*key_exprs[k], truth)) {
      TALLY_ASSIGN_OR_RETURN(Column c, exec::EvaluateConstant(*keys[k]));
      out.columns.push_back(std::move(c));
    } else {
      out.columns.push_back(Column::Make(keys[k]->type()));
      out.columns.back().AppendDefault();
    }
  }
  for (Column& c : aggregates) out.columns.push_back(std::move(c));
  return out;
}

}  // namespace

void InstallSubqueryRunner(QueryContext& ctx) {
  if (ctx.params.run_subquery) return;
  auto cache = std::make_shared<absl::flat_hash_map<const SelectQuery*, Column>>();
  QueryContext* outer = &ctx;
  ctx.params.run_subquery = [outer, cache](const SelectQuery& sub, const Expr& at) -> absl::StatusOr<Column> {
    auto it = cache->find(&sub);
    if (it != cache->end()) return it->second;
    QueryContext sub_ctx = *outer;
    sub_ctx.stats = {};
    sub_ctx.memory_bytes = 0;
    TALLY_ASSIGN_OR_RETURN(ResultSet r, ExecuteSelect(sub, sub_ctx));
    if (r.block.columns.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat("the subquery at line ", at.pos.line, ", column ", at.pos.column,
                                                     " returns ", r.block.columns.size(),
                                                     " columns; one is expected here (tuples are not supported yet)"));
    }
    Column column = std::move(r.block.columns[0]);
    // Held until the query ends: the column (cached here), and for IN the binder's copy
    // of it as Values and as the set.
    outer->limits.Hold(column.ByteSize() * 2 + column.size() * sizeof(Value));
    TALLY_RETURN_IF_ERROR(outer->CheckLimits());
    cache->emplace(&sub, column);
    return column;
  };
}

// One SELECT without its union_all members. With `stream`, a plain SELECT is not run but
// set up as a stream there (engine/query/plain_select_stream.h), and the ResultSet
// returned is empty; other shapes run as without it and leave *stream null.
absl::StatusOr<ResultSet> ExecuteSelectCore(const SelectQuery& q, QueryContext& ctx,
                                            std::unique_ptr<ResultStream>* stream = nullptr);

absl::StatusOr<ResultSet> ExecuteSelect(const SelectQuery& q, QueryContext& ctx) {
  InstallSubqueryRunner(ctx);
  if (!q.union_all.empty()) return ExecuteUnionAll(q, ctx, ExecuteSelect);
  return ExecuteSelectCore(q, ctx);
}

absl::StatusOr<std::unique_ptr<ResultStream>> ExecuteSelectStream(const SelectQuery& q, QueryContext& ctx) {
  InstallSubqueryRunner(ctx);
  std::unique_ptr<ResultStream> stream;
  absl::StatusOr<ResultSet> result =
      q.union_all.empty() ? ExecuteSelectCore(q, ctx, &stream) : ExecuteUnionAll(q, ctx, ExecuteSelect);
  if (!result.ok()) return result.status();
  if (stream != nullptr) return stream;
  return std::unique_ptr<ResultStream>(std::make_unique<ResultSetStream>(std::move(*result), ctx.stats));
}

absl::StatusOr<ResultSet> ExecuteSelectCore(const SelectQuery& q, QueryContext& ctx,
                                            std::unique_ptr<ResultStream>* stream) {
  InstallSubqueryRunner(ctx);
  const exec::QueryLimits& limits = ctx.limits;
  TALLY_ASSIGN_OR_RETURN(SourceCatalog catalog, ResolveSource(q, ctx, ExecuteSelect));

  // Aliases from WITH, the select list and every other clause.
  absl::flat_hash_map<std::string, ExprPtr> aliases;
  for (const auto* list : {&q.with, &q.select, &q.group_by, &q.limit_by}) {
    for (const ExprPtr& e : *list) TALLY_RETURN_IF_ERROR(CollectAliases(e, &aliases));
  }
  for (const ExprPtr& e : {q.prewhere, q.where, q.having}) TALLY_RETURN_IF_ERROR(CollectAliases(e, &aliases));
  for (const OrderByElement& o : q.order_by) TALLY_RETURN_IF_ERROR(CollectAliases(o.expr, &aliases));
  // Without aliases there is nothing to expand; expanding would copy every call node (a
  // CASE of 100,000 branches took 0.1 s to copy and as long to free).
  const absl::flat_hash_set<std::string> columns(catalog.names.begin(), catalog.names.end());
  const std::function<bool(const std::string&)> is_column = [&](const std::string& n) { return columns.contains(n); };
  auto expand = [&](const ExprPtr& e) -> absl::StatusOr<ExprPtr> {
    if (aliases.empty()) return e;
    return ExpandAliases(e, aliases, is_column);
  };

  std::vector<SelectItem> items;
  for (const ExprPtr& s : q.select) {
    if (s->kind == Expr::Kind::kAsterisk) {
      for (size_t i = 0; i < catalog.names.size(); ++i) {
        auto id = std::make_shared<Expr>();
        id->kind = Expr::Kind::kIdentifier;
        id->parts = {catalog.names[i]};
        items.push_back(SelectItem{id, catalog.names[i]});
      }
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(ExprPtr e, expand(s));
    items.push_back(SelectItem{e, s->alias.empty() ? s->ToString() : s->alias});
  }
  ExprPtr where, having;
  if (const ExprPtr filter = RowFilter(q)) {
    TALLY_ASSIGN_OR_RETURN(where, expand(filter));
  }
  // The session's row filter on the table is the first conjunct: the scan prunes by the
  // whole, and runs the query's own WHERE only on the rows the filter keeps.
  const ExprPtr query_where = where;
  where = Conjunction(catalog.row_filter, where);
  if (q.having) {
    TALLY_ASSIGN_OR_RETURN(having, expand(q.having));
  }
  // A key of GROUP BY, ORDER BY or LIMIT BY: an integer literal names a select-list item
  // (enable_positional_arguments, on by default as in ClickHouse; -1 is the last one).
  auto key = [&](const ExprPtr& e) -> absl::StatusOr<ExprPtr> {
    TALLY_ASSIGN_OR_RETURN(std::optional<size_t> item, PositionalItem(*e, items.size(), ctx));
    if (item) return items[*item].expr;
    return expand(e);
  };
  std::vector<ExprPtr> group_by, limit_by;
  for (const ExprPtr& g : q.group_by) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr e, key(g));
    group_by.push_back(e);
  }
  for (const ExprPtr& g : q.limit_by) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr e, key(g));
    limit_by.push_back(e);
  }
  std::vector<ExprPtr> order_exprs;
  for (const OrderByElement& o : q.order_by) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr e, key(o.expr));
    order_exprs.push_back(e);
  }

  if (!group_by.empty() && !q.group_by_with_totals) {
    absl::flat_hash_set<std::string> key_texts;
    for (const ExprPtr& g : group_by) key_texts.insert(g->ToString());
    for (SelectItem& i : items) i.expr = AggregatesOfKeysToKeys(i.expr, key_texts);
  }

  // The source columns the query reads.
  std::vector<std::string> wanted;
  for (const SelectItem& i : items) CollectIdentifiers(i.expr, &wanted);
  for (const ExprPtr& e : {where, having}) CollectIdentifiers(e, &wanted);
  for (const auto* list : {&group_by, &limit_by, &order_exprs}) {
    for (const ExprPtr& e : *list) CollectIdentifiers(e, &wanted);
  }
  std::vector<std::string> read = SourceColumns(wanted, catalog);
  if (read.empty() && !catalog.names.empty()) read.push_back(catalog.cheapest_column);
  // Lent rows are read in place, every column where the block has it.
  if (catalog.lent != nullptr) read = catalog.names;
  const Scope scope = ScopeOf(read, catalog);

  // A table scan runs the WHERE itself, on the columns it reads, before reading the others
  // (PREWHERE): needle look-ups then decode only the filter columns of most granules. Other
  // sources (and a WHERE that names no column) are filtered here, block by block.
  PushedFilter pushed;
  if (where && catalog.kind == SourceCatalog::Kind::kTable) {
    std::vector<std::string> where_ids;
    CollectIdentifiers(where, &where_ids);
    pushed.columns = SourceColumns(where_ids, catalog);
    // A row filter always runs in the scan, even one that names no column.
    if (pushed.columns.empty() && catalog.row_filter) pushed.columns = {catalog.cheapest_column};
  }
  ExpressionPtr where_expr;
  if (!pushed.columns.empty()) {
    const Scope pushed_scope = ScopeOf(pushed.columns, catalog);
    ExpressionPtr row_filter, query_filter;
    if (catalog.row_filter) {
      TALLY_ASSIGN_OR_RETURN(row_filter, BindRowFilter(catalog, pushed_scope, ctx.params));
    }
    if (query_where) {
      TALLY_ASSIGN_OR_RETURN(query_filter, Bind(*query_where, pushed_scope, ctx.params));
    }
    // Called by every thread of the scan; the limits are copied in (they share the cancel
    // flag and the held bytes).
    pushed.row_filter = [row_filter, query_filter, limits](const Block& block,
                                                           format::PodVector<uint8_t>* mask) -> absl::Status {
      TALLY_RETURN_IF_ERROR(limits.Check());
      if (row_filter) TALLY_RETURN_IF_ERROR(ApplyFilter(row_filter, block, limits, mask));
      if (!query_filter) return absl::OkStatus();
      return row_filter ? ApplyFilterToKept(query_filter, block, limits, mask)
                        : ApplyFilter(query_filter, block, limits, mask);
    };
  } else if (where) {
    TALLY_ASSIGN_OR_RETURN(where_expr, Bind(*where, scope, ctx.params));
  }
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(catalog, read, where, pushed, ctx));

  // Aggregation?
  std::vector<ExprPtr> agg_calls;
  absl::flat_hash_set<std::string> seen;
  for (const SelectItem& i : items) CollectAggregates(i.expr, &agg_calls, &seen);
  CollectAggregates(having, &agg_calls, &seen);
  for (const ExprPtr& e : order_exprs) CollectAggregates(e, &agg_calls, &seen);
  if (where && CollectAggregates(where, nullptr, nullptr)) {
    return absl::InvalidArgumentError("aggregate functions are not allowed in WHERE; use HAVING");
  }
  const bool aggregating = !agg_calls.empty() || !group_by.empty();
  if (q.group_by_with_totals && !aggregating) {
    return absl::UnimplementedError("WITH TOTALS, ROLLUP, CUBE or GROUPING SETS are not supported without aggregation");
  }

  std::vector<ExpressionPtr> out_exprs, order_bound;
  Block final_block;  // the columns select and order expressions read
  Scope final_scope;
  const std::optional<size_t> early_limit =
      (!aggregating && q.order_by.empty() && !q.distinct && limit_by.empty() && q.limit != nullptr)
          ? std::optional<size_t>(0) : std::nullopt;
  uint64_t limit = UINT64_MAX, offset = 0;
  if (q.limit) {
    TALLY_ASSIGN_OR_RETURN(limit, ConstantUInt(q.limit, ctx.params, "LIMIT"));
  }
  if (q.offset) {
    TALLY_ASSIGN_OR_RETURN(offset, ConstantUInt(q.offset, ctx.params, "OFFSET"));
  }

  std::vector<Column> out_cols, order_cols;
  std::optional<std::vector<Column>> totals;  // WITH TOTALS, or a subquery's totals passed on
  // ORDER BY ... LIMIT of a plain SELECT: the select list is evaluated on the rows the
  // LIMIT keeps, after sorting, as ClickHouse does, so a value that fails on a row never
  // kept (toInt8 of a NaN) fails nothing, and an expensive list runs on few rows. Until
  // then the rows' input columns are kept (`late_input`, columns as `read` names them).
  const bool any_fill =
      std::any_of(q.order_by.begin(), q.order_by.end(), [](const OrderByElement& o) { return o.with_fill; });
  const bool late = !aggregating && !q.order_by.empty() && limit != UINT64_MAX && !q.distinct &&
                    limit_by.empty() && !any_fill && !catalog.totals;
  std::vector<Column> late_input;
  std::vector<std::string> late_names;
  if (aggregating) {
    std::vector<ExpressionPtr> keys;
    std::vector<DataTypePtr> key_types;
    for (const ExprPtr& g : group_by) {
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr k, Bind(*g, scope, ctx.params));
      keys.push_back(k);
      key_types.push_back(k->type());
    }
    std::vector<std::vector<ExpressionPtr>> agg_args;
    std::vector<std::shared_ptr<const exec::AggregateFunction>> aggs;
    for (const ExprPtr& call : agg_calls) {
      std::vector<ExpressionPtr> args;
      std::vector<DataTypePtr> types;
      for (const ExprPtr& a : call->args) {
        TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, Bind(*a, scope, ctx.params));
        types.push_back(b->type());
        args.push_back(std::move(b));
      }
      std::vector<Value> params;
      for (const ExprPtr& p : call->params) {
        TALLY_ASSIGN_OR_RETURN(std::optional<Value> v, ConstantValue(p, ctx.params));
        params.push_back(*v);
      }
      auto bound = exec::AggregateRegistry::Global().Bind(call->name, call->distinct, types, params);
      if (!bound.ok()) {
        return WithMessage(bound.status(), absl::StrCat(bound.status().message(), " (line ", call->pos.line,
                                                        ", column ", call->pos.column, ")"));
      }
      aggs.push_back(std::shared_ptr<const exec::AggregateFunction>(std::move(*bound)));
      agg_args.push_back(std::move(args));
    }
    Streams streams(std::move(source), ctx.max_threads == 0 ? DefaultThreads() : ctx.max_threads);
    std::vector<std::unique_ptr<exec::Aggregator>> partial(streams.size());
    std::vector<ExpressionPtr> evaluated = keys;
    evaluated.push_back(where_expr);
    for (const auto& args : agg_args) evaluated.insert(evaluated.end(), args.begin(), args.end());
    const size_t slice_rows = SliceRows(Nodes(evaluated));
    TALLY_RETURN_IF_ERROR(ParallelRun::Run(streams.size(), [&](size_t t, const ParallelRun& run) -> absl::Status {
      partial[t] = std::make_unique<exec::Aggregator>(key_types, aggs);
      exec::Aggregator& aggregator = *partial[t];
      return ForEachBlock(*streams.sources[t], where_expr, slice_rows, limits, run,
                          [&](const Block& block, Block*) -> absl::Status {
        std::vector<Evaluated> key_values;
        std::vector<exec::ColumnArg> key_args;
        for (const ExpressionPtr& k : keys) {
          TALLY_ASSIGN_OR_RETURN(Evaluated v, k->Evaluate(block, limits));
          key_values.push_back(std::move(v));
        }
        for (const Evaluated& v : key_values) key_args.push_back(v.arg());
        std::vector<std::vector<Evaluated>> arg_values(aggs.size());
        std::vector<std::vector<exec::ColumnArg>> arg_args(aggs.size());
        for (size_t a = 0; a < aggs.size(); ++a) {
          for (const ExpressionPtr& e : agg_args[a]) {
            TALLY_ASSIGN_OR_RETURN(Evaluated v, e->Evaluate(block, limits));
            arg_values[a].push_back(std::move(v));
          }
          for (const Evaluated& v : arg_values[a]) arg_args[a].push_back(v.arg());
        }
        TALLY_RETURN_IF_ERROR(aggregator.Add(key_args, arg_args, block.rows()));
        // What the next block may add at once counts too: a hash table doubling from 8 to
        // 16 GiB must fail the check before it is tried, not after.
        streams.memory_bytes[t].store(aggregator.MemoryBytes() + aggregator.GrowthBytes(exec::kRowsPerCheck),
                                      std::memory_order_relaxed);
        return ctx.CheckLimits(streams.TotalMemory());
      });
    }));
    exec::Aggregator& aggregator = *partial[0];
    for (size_t t = 1; t < partial.size(); ++t) {
      TALLY_RETURN_IF_ERROR(aggregator.MergeFrom(*partial[t], [&]() -> absl::Status {
        streams.memory_bytes[0].store(aggregator.MemoryBytes() + aggregator.GrowthBytes(exec::kRowsPerCheck),
                                      std::memory_order_relaxed);
        return ctx.CheckLimits(streams.TotalMemory());
      }));
      partial[t].reset();
      streams.memory_bytes[t].store(0, std::memory_order_relaxed);
    }
    ctx.stats = streams.stats();
    ctx.memory_bytes = aggregator.MemoryBytes();
    const exec::Aggregator::Check check = [&] { return ctx.CheckLimits(); };
    TALLY_ASSIGN_OR_RETURN(std::vector<Column> result, aggregator.Finish(check, q.group_by_with_totals));
    ctx.memory_bytes = ByteSize(result);
    for (size_t k = 0; k < group_by.size(); ++k) {
      final_scope.by_text[group_by[k]->ToString()] = final_scope.names.size();
      final_scope.Add(group_by[k]->ToString(), key_types[k]);
    }
    for (size_t a = 0; a < agg_calls.size(); ++a) {
      final_scope.by_text[agg_calls[a]->ToString()] = final_scope.names.size();
      final_scope.Add(agg_calls[a]->ToString(), aggs[a]->result_type());
    }
    final_scope.columns_visible = false;
    final_block.names = final_scope.names;
    final_block.columns = std::move(result);
    std::vector<uint32_t> kept(final_block.rows());  // the groups HAVING keeps
    for (size_t g = 0; g < kept.size(); ++g) kept[g] = static_cast<uint32_t>(g);
    if (having) {
      const bool all_in_totals = ctx.totals_before_having;
      auto h = Bind(*having, final_scope, ctx.params);
      if (!h.ok()) return NotAggregated(h.status(), having, catalog);
      TALLY_ASSIGN_OR_RETURN(Column mask, EvaluateAll(*h, final_block, limits));
      bool all = false;
      TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> rows,
                             Selected(Evaluated{std::make_shared<const Column>(std::move(mask)), false},
                                      final_block.rows(), &all));
      if (!all) {
        final_block = Filter(final_block, rows);
        if (!all_in_totals) kept = std::move(rows);
      }
    }
    std::optional<Block> totals_input;
    if (q.group_by_with_totals) {
      // ClickHouse's default totals_mode, after_having_exclusive: the states of the groups
      // HAVING keeps, merged. Its ORDER BY ... LIMIT 0 stops before aggregating, and its
      // totals are then those of no rows.
      if (limit == 0 && !q.order_by.empty()) kept.clear();
      // The value of a condition, when it is a constant.
      auto truth = [&](const Expr& e) -> std::optional<bool> {
        auto bound = Bind(e, scope, ctx.params);
        if (!bound.ok() || !(*bound)->is_constant()) return std::nullopt;
        auto value = exec::EvaluateConstant(**bound);
        if (!value.ok() || value->size() != 1) return std::nullopt;
        const Value v = value->GetValue(0);
        if (v.kind == Value::Kind::kUInt) return v.u != 0;
        if (v.kind == Value::Kind::kInt) return v.i != 0;
        return std::nullopt;
      };
      TALLY_ASSIGN_OR_RETURN(totals_input,
                             TotalsRow(aggregator, kept, keys, group_by, final_scope.names, check, truth));
    }
    std::vector<Column> totals_cols;
    for (const SelectItem& i : items) {
      auto b = Bind(*i.expr, final_scope, ctx.params);
      if (!b.ok()) return NotAggregated(b.status(), i.expr, catalog);
      TALLY_ASSIGN_OR_RETURN(Column c, EvaluateAll(*b, final_block, limits));
      out_cols.push_back(std::move(c));
      if (totals_input) {
        TALLY_ASSIGN_OR_RETURN(Column t, EvaluateAll(*b, *totals_input, limits));
        totals_cols.push_back(std::move(t));
      }
    }
    if (totals_input) totals = std::move(totals_cols);
    for (const ExprPtr& e : order_exprs) {
      auto b = Bind(*e, final_scope, ctx.params);
      if (!b.ok()) return NotAggregated(b.status(), e, catalog);
      TALLY_ASSIGN_OR_RETURN(Column c, EvaluateAll(*b, final_block, limits));
      order_cols.push_back(std::move(c));
    }
  } else {
    for (const SelectItem& i : items) {
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, Bind(*i.expr, scope, ctx.params));
      out_exprs.push_back(b);
      out_cols.push_back(Column::Make(b->type()));
    }
    if (catalog.totals) {
      // A subquery's totals row goes through this select list (not through WHERE), as in
      // ClickHouse: SELECT k FROM (... WITH TOTALS) WHERE k = 'a' still shows it.
      Block input;
      for (const std::string& name : read) {
        const int i = catalog.totals->Find(name);
        if (i < 0) return absl::InternalError(absl::StrCat("subquery totals have no column ", name));
        input.Add(name, catalog.totals->columns[i]);
      }
      totals.emplace();
      for (const ExpressionPtr& e : out_exprs) {
        TALLY_ASSIGN_OR_RETURN(Column c, EvaluateAll(e, input, limits));
        totals->push_back(std::move(c));
      }
    }
    for (const ExprPtr& e : order_exprs) {
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, Bind(*e, scope, ctx.params));
      order_bound.push_back(b);
      order_cols.push_back(Column::Make(b->type()));
    }
    // Rows of a plain SELECT are gathered per block, then put back in scan order. A LIMIT
    // without ORDER BY reads on one thread and stops as soon as it has enough rows.
    struct Piece {
      uint64_t sequence;
      std::vector<Column> out, order, input;  // input: with `late`, instead of out
      std::vector<std::string> input_names;
    };
    const size_t threads = early_limit ? 1 : (ctx.max_threads == 0 ? DefaultThreads() : ctx.max_threads);
    std::vector<ExpressionPtr> evaluated = out_exprs;
    evaluated.push_back(where_expr);
    evaluated.insert(evaluated.end(), order_bound.begin(), order_bound.end());
    const size_t slice_rows = SliceRows(Nodes(evaluated));
    if (stream != nullptr && order_exprs.empty() && !q.distinct && limit_by.empty()) {
      PlainSelect plain{.outputs = out_exprs, .source = std::move(source), .threads = threads,
                        .where = where_expr, .slice_rows = slice_rows, .limit = limit, .offset = offset,
                        .limits = limits, .ctx = &ctx};
      for (const SelectItem& i : items) plain.names.push_back(i.name);
      if (totals) {
        plain.totals.emplace();
        for (size_t i = 0; i < items.size(); ++i) plain.totals->Add(items[i].name, std::move((*totals)[i]));
      }
      *stream = StreamPlainSelect(std::move(plain));
      return ResultSet();
    }
    Streams streams(std::move(source), threads);
    std::vector<std::vector<Piece>> pieces(streams.size());
    std::atomic<uint64_t> rows_kept{0};
    TALLY_RETURN_IF_ERROR(ParallelRun::Run(streams.size(), [&](size_t t, const ParallelRun& run) -> absl::Status {
      Source& src = *streams.sources[t];
      uint64_t bytes = 0;
      auto enough = [&] { return early_limit && limit != UINT64_MAX && rows_kept.load() >= limit + offset; };
      return ForEachBlock(src, where_expr, slice_rows, limits, run, [&](const Block& block, Block* owned) -> absl::Status {
        if (enough()) return absl::OkStatus();
        const size_t rows = block.rows();
        Piece piece{src.last_sequence(), {}, {}, {}, {}};
        for (const ExpressionPtr& e : late ? std::vector<ExpressionPtr>() : out_exprs) {
          TALLY_ASSIGN_OR_RETURN(Evaluated v, e->Evaluate(block, limits));
          piece.out.push_back(v.Materialize(rows));
          bytes += piece.out.back().ByteSize();
        }
        for (const ExpressionPtr& e : order_bound) {
          TALLY_ASSIGN_OR_RETURN(Evaluated v, e->Evaluate(block, limits));
          piece.order.push_back(v.Materialize(rows));
          bytes += piece.order.back().ByteSize();
        }
        if (late) {  // the block is not read again: its columns move into the piece
          piece.input = owned != nullptr ? std::move(owned->columns) : block.columns;
          piece.input_names = owned != nullptr ? std::move(owned->names) : block.names;
          bytes += ByteSize(piece.input);
        }
        pieces[t].push_back(std::move(piece));
        rows_kept += rows;
        streams.memory_bytes[t].store(bytes, std::memory_order_relaxed);
        return ctx.CheckLimits(streams.TotalMemory());
      }, enough);
    }));
    std::vector<Piece*> ordered;
    for (auto& list : pieces) {
      for (Piece& p : list) ordered.push_back(&p);
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Piece* a, const Piece* b) { return a->sequence < b->sequence; });
    auto rows_of = [](const Piece& p) {
      return p.out.empty() ? (p.order.empty() ? 0 : p.order[0].size()) : p.out[0].size();
    };
    // Fixed-width columns get their final size at once: growing 100 million rows by
    // doubling copied each byte twice more and took seconds.
    size_t total = 0;
    for (const Piece* p : ordered) total += rows_of(*p);
    for (auto* cols : {&out_cols, &order_cols}) {
      for (Column& c : *cols) ReserveRows(&c, total);
    }
    for (Piece* p : ordered) {
      const size_t rows = rows_of(*p);
      if (late) {
        if (late_input.empty()) {
          for (const Column& c : p->input) late_input.push_back(Column::Make(c.type));
          late_names = p->input_names;
        }
        for (size_t k = 0; k < late_input.size(); ++k) late_input[k].AppendRange(p->input[k], 0, rows);
      } else {
        for (size_t k = 0; k < out_cols.size(); ++k) out_cols[k].AppendRange(p->out[k], 0, rows);
      }
      for (size_t k = 0; k < order_cols.size(); ++k) order_cols[k].AppendRange(p->order[k], 0, rows);
      *p = Piece{};
      TALLY_RETURN_IF_ERROR(limits.Check());
    }
    ctx.stats = streams.stats();
    ctx.memory_bytes = streams.TotalMemory();
  }

  size_t rows = late ? order_cols[0].size() : out_cols.empty() ? 0 : out_cols[0].size();
  bool outputs_pending = late;  // out_cols not computed yet
  // Rows `order` of every column; checks the limits between columns.
  auto apply = [&](const std::vector<uint32_t>& order) -> absl::Status {
    for (auto* cols : {&out_cols, &order_cols, &late_input}) {
      if (cols == &out_cols && outputs_pending) continue;
      for (Column& c : *cols) {
        c = Column::Gather(c, order);
        TALLY_RETURN_IF_ERROR(limits.Check());
      }
    }
    rows = order.size();
    return absl::OkStatus();
  };
  // What the result holds while DISTINCT, ORDER BY, WITH FILL and LIMIT BY work on it.
  auto held = [&] {
    return ByteSize(out_cols) + ByteSize(order_cols) + ByteSize(late_input) + ByteSize(final_block.columns);
  };
  if (q.distinct) {
    std::vector<const Column*> cols;
    for (const Column& c : out_cols) cols.push_back(&c);
    TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> distinct, DistinctRows(cols, rows, limits, held()));
    TALLY_RETURN_IF_ERROR(apply(distinct));
  }
  if (!q.order_by.empty()) {
    std::vector<SortKey> keys;
    for (size_t k = 0; k < q.order_by.size(); ++k) {
      const OrderByElement& o = q.order_by[k];
      keys.push_back(SortKey{&order_cols[k], o.descending, o.nulls_first.value_or(false)});
    }
    bool fill = std::any_of(q.order_by.begin(), q.order_by.end(), [](const OrderByElement& o) { return o.with_fill; });
    std::optional<size_t> top;
    if (limit != UINT64_MAX && limit_by.empty() && !fill) top = limit + offset;
    TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> order, OrderRows(keys, rows, top, limits, held()));
    TALLY_RETURN_IF_ERROR(apply(order));
    if (late && rows > 0) {
      Block kept;
      kept.names = late_names;
      kept.columns = std::move(late_input);
      late_input.clear();
      for (size_t i = 0; i < out_exprs.size(); ++i) {
        TALLY_ASSIGN_OR_RETURN(out_cols[i], EvaluateAll(out_exprs[i], kept, limits));
      }
    }
    outputs_pending = false;
    for (size_t k = 0; k < q.order_by.size(); ++k) {
      const OrderByElement& o = q.order_by[k];
      if (!o.with_fill) continue;
      // Fill runs on the order key; the selected column with the same text is filled too.
      FillSpec spec;
      spec.descending = o.descending;
      TALLY_ASSIGN_OR_RETURN(spec.from, ConstantValue(o.fill_from, ctx.params));
      TALLY_ASSIGN_OR_RETURN(spec.to, ConstantValue(o.fill_to, ctx.params));
      const FillStepExpr step = SplitFillStep(o.fill_step);  // INTERVAL 1 HOUR: 1 and kHour
      TALLY_ASSIGN_OR_RETURN(spec.step, ConstantValue(step.amount, ctx.params));
      spec.step_unit = step.unit;
      spec.time_zone = ctx.params.functions.session_timezone;
      std::vector<Column> cols = out_cols;
      // Rows are filled within groups of the earlier sort keys: their order columns and the
      // selected columns with the same text, which the filled rows copy.
      for (size_t j = 0; j < k; ++j) {
        cols.push_back(order_cols[j]);
        spec.group_columns.push_back(cols.size() - 1);
        const std::string text = order_exprs[j]->ToString();
        for (size_t i = 0; i < items.size(); ++i) {
          if (items[i].expr->ToString() == text || items[i].name == text) spec.group_columns.push_back(i);
        }
      }
      cols.push_back(order_cols[k]);
      spec.key_column = cols.size() - 1;
      const std::string key_text = order_exprs[k]->ToString();
      std::vector<size_t> same;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].expr->ToString() == key_text || items[i].name == key_text) same.push_back(i);
      }
      const uint64_t held_bytes = held();
      TALLY_ASSIGN_OR_RETURN(cols, FillRows(std::move(cols), spec, limits, held_bytes));
      Column filled_key = cols.back();
      cols.resize(out_cols.size());
      for (size_t i : same) cols[i] = filled_key;
      out_cols = std::move(cols);
      rows = out_cols.empty() ? 0 : out_cols[0].size();
      order_cols.clear();
      break;  // one filled key
    }
  }
  if (!limit_by.empty()) {
    // LIMIT n BY keys: evaluated over the final rows, by the keys' text among the outputs.
    std::vector<const Column*> cols;
    for (const ExprPtr& e : limit_by) {
      bool found = false;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].expr->ToString() == e->ToString() || items[i].name == e->ToString()) {
          cols.push_back(&out_cols[i]);
          found = true;
          break;
        }
      }
      if (!found) return absl::UnimplementedError(absl::StrCat("LIMIT BY ", e->ToString(), ": the key must be selected"));
    }
    TALLY_ASSIGN_OR_RETURN(uint64_t n, ConstantUInt(q.limit_by_limit, ctx.params, "LIMIT BY"));
    uint64_t off = 0;
    if (q.limit_by_offset) {
      TALLY_ASSIGN_OR_RETURN(off, ConstantUInt(q.limit_by_offset, ctx.params, "LIMIT BY OFFSET"));
    }
    TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> kept, LimitByRows(cols, rows, n, off, limits, held()));
    TALLY_RETURN_IF_ERROR(apply(kept));
  }
  if (offset > 0 || limit < rows) {
    std::vector<uint32_t> keep;
    for (uint64_t r = offset; r < rows && r - offset < limit; ++r) keep.push_back(static_cast<uint32_t>(r));
    TALLY_RETURN_IF_ERROR(apply(keep));
  }
  ResultSet result;
  for (size_t i = 0; i < items.size(); ++i) {
    result.names.push_back(items[i].name);
    result.types.push_back(out_cols[i].type);
    result.block.Add(items[i].name, std::move(out_cols[i]));
  }
  if (totals) {
    result.totals.emplace();
    for (size_t i = 0; i < items.size(); ++i) result.totals->Add(items[i].name, std::move((*totals)[i]));
  }
  return result;
}

}  // namespace tally::engine::sql
