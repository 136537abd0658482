// Session: runs SQL statements against a Database, the way clickhouse-local and the
// HTTP interface do: statements separated by ';', each result written in its FORMAT (or
// the session's default) to a sink, INSERT data inline or supplied by the caller.
// Both `tally local` and the server drive this.
//
// One statement at a time per Session; Cancel() may be called from another thread.
#ifndef TALLY_ENGINE_SQL_SESSION_H_
#define TALLY_ENGINE_SQL_SESSION_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "engine/database.h"
#include "engine/sql/ast.h"
#include "engine/sql/select.h"

namespace tally::engine::sql {

class Session {
 public:
  using Sink = std::function<void(absl::string_view)>;

  explicit Session(Database* db) : db_(db) {}

  // {name:Type} placeholders take these values (text, converted to Type on use).
  void SetParameter(const std::string& name, std::string value) { params_[name] = std::move(value); }
  // Settings: max_memory_usage, max_execution_time, output format default (`format`),
  // session_timezone; unknown names are InvalidArgument.
  absl::Status SetSetting(const std::string& name, const format::Value& value);

  // Runs every statement in `sql`. `input` is the data of an INSERT ... FORMAT whose data
  // is not in the query (stdin). A failing statement stops the run; the error names the
  // statement's position.
  absl::Status Execute(absl::string_view sql, absl::string_view input, const Sink& sink);

  void Cancel() { cancelled_.store(true); }
  const std::string& default_format() const { return default_format_; }
  void set_default_format(std::string format) { default_format_ = std::move(format); }

 private:
  absl::Status Run(const Statement& st, absl::string_view input, const Sink& sink);
  absl::Status RunInsert(const InsertQuery& insert, absl::string_view input);
  absl::Status Output(const ResultSet& result, const std::string& format, const Sink& sink, const ScanStats& stats);
  QueryContext NewContext() const;

  Database* db_;
  absl::flat_hash_map<std::string, std::string> params_;
  std::string default_format_ = "TabSeparated";
  std::string current_database_ = "default";
  std::string timezone_ = "UTC";
  uint64_t max_memory_usage_ = 0;
  double max_execution_time_s_ = 0;
  std::atomic<bool> cancelled_{false};
};

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_SESSION_H_
