// Database's materialized views: the catalog (CREATE / DROP VIEW, with the implicit target
// table in the same edit), the checks that keep it a DAG of tables that exist, and the
// plan an insert follows down the views (PlanViews, used by BeginInsert).
#include <algorithm>
#include <deque>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::ManifestEdit;
using format::ManifestOp;

std::string Database::InnerTableName(const std::string& view) {
  auto [db, name] = SplitTableName(view);
  const std::string inner = absl::StrCat("_inner_", name);
  return view.find('.') == std::string::npos ? inner : absl::StrCat(db, ".", inner);
}

void Database::SetViewCompiler(std::shared_ptr<const ViewCompiler> compiler) {
  std::lock_guard<std::mutex> lock(mu_);
  view_compiler_ = std::move(compiler);
}

bool Database::has_view_compiler() const {
  std::lock_guard<std::mutex> lock(mu_);
  return view_compiler_ != nullptr;
}

std::vector<ViewInfo> Database::ListViews() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ViewInfo> out;
  for (const auto& [name, view] : views_) out.push_back(ViewInfo{name, view.def});
  std::sort(out.begin(), out.end(), [](const ViewInfo& a, const ViewInfo& b) { return a.name < b.name; });
  return out;
}

absl::StatusOr<format::ViewDef> Database::GetView(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = views_.find(name);
  if (it == views_.end()) {
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("view '", name, "' does not exist"));
  }
  return it->second.def;
}

std::vector<std::string> Database::ViewsReading(const std::string& table) const {
  std::vector<std::string> out;
  for (const auto& [name, view] : views_) {
    if (view.def.source == table) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status Database::CheckNoViewUses(const std::string& table,
                                       const absl::flat_hash_set<std::string>& dropping_views) const {
  std::vector<std::string> names;
  for (const auto& [name, view] : views_) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (dropping_views.contains(name)) continue;
    const format::ViewDef& def = views_.at(name).def;
    if (def.source == table) {
      return absl::FailedPreconditionError(absl::StrCat("table '", table, "' is the source of materialized view '",
                                                        name, "': drop the view first"));
    }
    if (def.target == table) {
      return absl::FailedPreconditionError(absl::StrCat(
          "table '", table, "' is the target of materialized view '", name, "'",
          def.inner_target ? " (its inner table: DROP VIEW drops it)" : ": drop the view first"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const ViewQuery>> Database::CompileView(
    const std::string& name, const format::ViewDef& def, const std::shared_ptr<const ViewCompiler>& compiler,
    const format::TableSchema* inner) {
  format::TableSchema source, target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto s = tables_.find(def.source);
    if (s == tables_.end()) {
      return CodedError(ErrorCode::kUnknownTable, absl::StrCat("materialized view ", name, ": its source table '",
                                                               def.source, "' does not exist"));
    }
    source = *s->second->schema;
    if (inner != nullptr) {
      target = *inner;
    } else {
      auto t = tables_.find(def.target);
      if (t == tables_.end()) {
        return CodedError(ErrorCode::kUnknownTable, absl::StrCat("materialized view ", name, ": its target table '",
                                                                 def.target, "' does not exist"));
      }
      target = *t->second->schema;
    }
  }
  auto query = compiler->Compile(name, def, source, target);
  if (!query.ok()) {
    return WithMessage(query.status(), absl::StrCat("materialized view ", name, ": ", query.status().message()));
  }
  return *std::move(query);
}

namespace {

// The longest chain of views ending at `table` (`upstream`: views writing it, their
// sources' writers...), or starting at it (views reading it, their targets' readers...);
// 0 when there is none.
size_t ChainDepth(const absl::flat_hash_map<std::string, format::ViewDef>& views, const std::string& table,
                  bool upstream, size_t guard = 0) {
  if (guard > kMaxViewDepth) return guard;
  size_t depth = 0;
  for (const auto& [name, def] : views) {
    if ((upstream ? def.target : def.source) != table) continue;
    depth = std::max(depth, 1 + ChainDepth(views, upstream ? def.source : def.target, upstream, guard + 1));
  }
  return depth;
}

}  // namespace

absl::Status Database::CreateView(const std::string& name, format::ViewDef def, std::optional<format::TableSchema> inner,
                                  bool if_not_exists, bool populate) {
  const std::string what = absl::StrCat("CREATE MATERIALIZED VIEW ", name);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  auto fail = [&](const absl::Status& s) { return WithMessage(s, absl::StrCat(what, ": ", s.message())); };
  if (absl::Status s = CheckTableName(name); !s.ok()) return fail(s);
  if (def.inner_target != inner.has_value()) {
    return fail(absl::InvalidArgumentError("an inner target table needs its schema, and only it"));
  }
  if (def.inner_target && def.target != InnerTableName(name)) {
    return fail(absl::InvalidArgumentError(absl::StrCat("the inner target table must be named ", InnerTableName(name))));
  }
  if (def.select.empty()) return fail(absl::InvalidArgumentError("the view has no SELECT"));
  std::shared_ptr<Table> inner_table;
  if (inner.has_value()) {
    auto made = NewTable(def.target, *inner);
    if (!made.ok()) return fail(made.status());
    inner_table = *std::move(made);
  }
  // Checked now and again before the commit (the catalog may change while the SELECT compiles).
  auto check = [&]() -> absl::Status {
    if (const std::string db = SplitTableName(name).first; db != "default" && !databases_.contains(db)) {
      return CodedError(ErrorCode::kUnknownDatabase, absl::StrCat("database '", db, "' does not exist"));
    }
    if (views_.contains(def.source)) {
      return absl::InvalidArgumentError(absl::StrCat("the source '", def.source, "' is a materialized view; "
                                                     "read its target table '", views_.at(def.source).def.target,
                                                     "' instead"));
    }
    if (!tables_.contains(def.source)) {
      return CodedError(ErrorCode::kUnknownTable, absl::StrCat("source table '", def.source, "' does not exist"));
    }
    if (inner_table != nullptr) {
      if (tables_.contains(def.target) || views_.contains(def.target)) {
        return CodedError(ErrorCode::kTableAlreadyExists,
                          absl::StrCat("its inner table's name '", def.target, "' is taken"));
      }
    } else {
      if (views_.contains(def.target)) {
        return absl::InvalidArgumentError(absl::StrCat("the target '", def.target, "' is a materialized view; "
                                                       "name its target table '", views_.at(def.target).def.target,
                                                       "' instead"));
      }
      if (!tables_.contains(def.target)) {
        return CodedError(ErrorCode::kUnknownTable, absl::StrCat("target table '", def.target, "' does not exist"));
      }
    }
    if (def.source == def.target) return absl::InvalidArgumentError("a view cannot write the table it reads");
    absl::flat_hash_map<std::string, format::ViewDef> graph;
    for (const auto& [n, v] : views_) graph[n] = v.def;
    // A path from the target back to the source would loop every insert.
    std::deque<std::string> todo{def.target};
    absl::flat_hash_set<std::string> seen{def.target};
    while (!todo.empty()) {
      const std::string t = todo.front();
      todo.pop_front();
      for (const auto& [n, v] : graph) {
        if (v.source != t) continue;
        if (v.target == def.source) {
          return absl::InvalidArgumentError(absl::StrCat("its target '", def.target, "' feeds its source '", def.source,
                                                         "' through view '", n, "': views would loop"));
        }
        if (seen.insert(v.target).second) todo.push_back(v.target);
      }
    }
    const size_t depth = ChainDepth(graph, def.source, true) + 1 + ChainDepth(graph, def.target, false);
    if (depth > kMaxViewDepth) {
      return absl::InvalidArgumentError(absl::StrCat("it would make a chain of ", depth, " views (at most ",
                                                     kMaxViewDepth, ")"));
    }
    return absl::OkStatus();
  };
  std::shared_ptr<const ViewCompiler> compiler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tables_.contains(name) || views_.contains(name)) {
      if (if_not_exists) return absl::OkStatus();
      return fail(CodedError(ErrorCode::kTableAlreadyExists, absl::StrCat(tables_.contains(name) ? "a table" : "a view",
                                                                          " named '", name, "' already exists")));
    }
    if (absl::Status s = check(); !s.ok()) return fail(s);
    compiler = view_compiler_;
  }
  std::shared_ptr<const ViewQuery> query;
  if (compiler != nullptr) {
    auto compiled = CompileView(name, def, compiler, inner_table != nullptr ? inner_table->schema.get() : nullptr);
    if (!compiled.ok()) return fail(compiled.status());
    query = *std::move(compiled);
  }
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (tables_.contains(name) || views_.contains(name)) {
    if (if_not_exists) return absl::OkStatus();
    return fail(CodedError(ErrorCode::kTableAlreadyExists, absl::StrCat("'", name, "' was created meanwhile")));
  }
  if (absl::Status s = check(); !s.ok()) return fail(s);
  def.backfill_below_block = 0;
  if (populate) {
    // Every row already in the source has a block number below the source's next one;
    // every insert from the commit on gets one at or above it (an insert under way now
    // fails its commit: the view epoch changes).
    const Table& source = *tables_.at(def.source);
    if (!source.parts.empty()) def.backfill_below_block = source.next_block;
  }
  const bool backfill = def.backfill_below_block != 0;
  ManifestEdit edit;
  if (inner_table != nullptr) {
    TALLY_RETURN_IF_ERROR(MakeTableDir(inner_table.get()));
    edit.ops.push_back(ManifestOp::CreateTable(def.target, *inner_table->schema, inner_table->dir_name));
  }
  edit.ops.push_back(ManifestOp::CreateView(name, def));
  TALLY_RETURN_IF_ERROR(Commit(order, lock, edit, [&] {
    if (inner_table != nullptr) tables_[def.target] = std::move(inner_table);
    views_[name] = ViewEntry{std::move(def), std::move(query)};
    ++views_epoch_;
  }));
  lock.unlock();
  order.unlock();  // the backfill commits, and inserts run beside it
  if (!backfill) return absl::OkStatus();
  if (absl::Status s = RunBackfill(name); !s.ok()) {
    return WithMessage(s, absl::StrCat(what, ": the view is created, and its POPULATE failed (it runs again ",
                                       "at the next open): ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status Database::DropView(const std::string& name, bool if_exists) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("DROP VIEW ", name)));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (!views_.contains(name)) {
    if (if_exists) return absl::OkStatus();
    if (tables_.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat("'", name, "' is a table, not a view: use DROP TABLE"));
    }
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("view '", name, "' does not exist"));
  }
  return DropViewLocked(order, lock, name);
}

absl::Status Database::DropViewLocked(std::unique_lock<std::mutex>& order, std::unique_lock<std::mutex>& lock,
                                      const std::string& name) {
  const format::ViewDef def = views_.at(name).def;
  ManifestEdit edit;
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropView, name));
  std::shared_ptr<Table> inner;
  if (def.inner_target) {
    // Its inner table may feed other views: they must go first.
    TALLY_RETURN_IF_ERROR(CheckNoViewUses(def.target, {name}));
    auto it = tables_.find(def.target);
    if (it != tables_.end()) {
      inner = it->second;
      edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropTable, def.target));
    }
  }
  return Commit(order, lock, edit, [&] {
    views_.erase(name);
    ++views_epoch_;
    if (inner != nullptr) {
      tables_.erase(def.target);
      Discard(inner);
    }
  });
}

absl::Status Database::PlanViews(InsertBatch* batch, const std::string& table_name) {
  struct ToCompile {
    std::string name;
    format::ViewDef def;
  };
  std::vector<ToCompile> to_compile;
  std::shared_ptr<const ViewCompiler> compiler;
  for (int attempt = 0;; ++attempt) {
    to_compile.clear();
    batch->writes_.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::string name = table_name;
      if (auto v = views_.find(name); v != views_.end()) name = v->second.def.target;  // INSERT INTO view
      auto it = tables_.find(name);
      if (it == tables_.end()) {
        return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", table_name, "' does not exist"));
      }
      batch->writes_.push_back(InsertBatch::Writes{name, it->second, {}, {}});
      batch->views_epoch_ = views_epoch_;
      compiler = view_compiler_;
      for (size_t w = 0; w < batch->writes_.size(); ++w) {
        if (w > kMaxViewDepth * 8) return absl::InternalError("materialized views: the plan does not end");
        for (const std::string& v : ViewsReading(batch->writes_[w].name)) {
          const ViewEntry& entry = views_.at(v);
          size_t target = 0;
          while (target < batch->writes_.size() && batch->writes_[target].name != entry.def.target) ++target;
          if (target == batch->writes_.size()) {
            auto t = tables_.find(entry.def.target);
            if (t == tables_.end()) {
              return absl::InternalError(absl::StrCat("materialized view ", v, ": its target '", entry.def.target,
                                                      "' is missing"));
            }
            batch->writes_.push_back(InsertBatch::Writes{entry.def.target, t->second, {}, {}});
          }
          batch->writes_[w].views.push_back(InsertBatch::Writes::View{v, entry.query, target});
          if (entry.query == nullptr) to_compile.push_back(ToCompile{v, entry.def});
        }
      }
    }
    if (to_compile.empty()) return absl::OkStatus();
    if (compiler == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "insert into ", table_name, ": materialized view ", to_compile[0].name,
          " cannot run: no view compiler is installed (Database::SetViewCompiler; a SQL Session installs one)"));
    }
    if (attempt > 0) return absl::AbortedError(absl::StrCat("insert into ", table_name, ": views keep changing"));
    for (const ToCompile& c : to_compile) {
      TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const ViewQuery> query, CompileView(c.name, c.def, compiler));
      std::lock_guard<std::mutex> lock(mu_);
      auto it = views_.find(c.name);
      if (it != views_.end() && it->second.def == c.def && it->second.query == nullptr) it->second.query = query;
    }
  }
}

}  // namespace tally::engine
