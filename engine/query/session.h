// Session: runs SQL statements against a Database, the way clickhouse-local and the
// HTTP interface do: statements separated by ';', each result written in its FORMAT (or
// the session's default) to a sink, INSERT data inline or supplied by the caller.
// Both `tally local` and the server drive this.
//
// Public API: with engine/database.h, the headers embedders and server/ use
// (tests/layering_test.sh holds server/ to them); the others are the implementation's.
//
// One statement at a time per Session; Cancel() may be called from another thread.
#ifndef TALLY_ENGINE_QUERY_SESSION_H_
#define TALLY_ENGINE_QUERY_SESSION_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/progress.h"
#include "engine/sql/ast.h"
#include "engine/query/insert_stream.h"
#include "engine/query/row_filter.h"
#include "engine/query/select.h"

namespace tally::engine::sql {

// Settings a session keeps (SET name = value) and a statement may override for itself
// (SELECT ... SETTINGS name = value).
struct Settings {
  // Bytes a query may hold; 0 = max_server_memory_usage. As in ClickHouse, the server's
  // budget holds whatever a query sets: a query gets the smaller of the two.
  uint64_t max_memory_usage = 0;
  // Bytes for all queries; 0 = exec::DefaultMaxMemoryBytes() (80 % of RAM). ClickHouse
  // reads it from the server's configuration; a session may lower it here.
  uint64_t max_server_memory_usage = 0;
  double max_execution_time_s = 0;  // 0 = unlimited
  uint64_t max_threads = 0;         // 0 = one per core
  std::string default_format = "TabSeparated";
  std::string timezone = "UTC";
  // INSERT ... FORMAT from a stream reads this much input at a time (one piece, parsed on
  // its own thread), and writes a block (its parts) once this many rows or bytes are
  // parsed; all of one INSERT still commits at once (engine/query/insert_stream.h).
  bool input_format_skip_unknown_fields = true;  // as ClickHouse since 23.x
  uint64_t max_read_buffer_size = uint64_t{16} << 20;
  uint64_t min_insert_block_size_rows = uint64_t{1} << 20;
  uint64_t min_insert_block_size_bytes = uint64_t{256} << 20;
  // DROP DETACHED PART deletes data for good: as in ClickHouse, only when asked to.
  bool allow_drop_detached = false;
  // CHECK TABLE: one row per part (part_path, is_passed, message), or one `result` row.
  bool check_query_single_value_result = false;
  // SELECT: GROUP BY 1 / ORDER BY 2 / LIMIT 1 BY 1 name select-list items (ClickHouse's
  // default); WITH TOTALS sums the groups HAVING keeps (after_having_*) or all of them
  // (before_having).
  bool enable_positional_arguments = true;
  std::string totals_mode = "after_having_exclusive";
  // INSERT: a retried insert (the same token, by default a hash of its data) that is still
  // in the table's deduplication window stores nothing (Database::InsertOptions).
  bool insert_deduplicate = true;
  std::string insert_deduplication_token;
  // Settings clients send that tally accepts without acting on them, by name: their values
  // as text (engine/query/setting_catalog.h lists them; the HTTP server may read them).
  absl::flat_hash_map<std::string, std::string> accepted;
  // The settings SET or a SETTINGS clause gave a value, even the default one (system.settings
  // `changed`); an alias counts as the setting it names.
  absl::flat_hash_set<std::string> changed;

  // InvalidArgument for an unknown name or a value of the wrong kind.
  absl::Status Set(const std::string& name, const format::Value& value);

 private:
  absl::Status SetField(const std::string& name, const format::Value& value);
};

// Where the data of an `INSERT ... FORMAT name` that starts `text` begins (after the
// format's name and the whitespace up to and including one line break), so that a caller
// holding the start of a long body can run the statement with the rest streamed;
// std::nullopt when `text` does not start with such an INSERT or ends before its data.
std::optional<size_t> InsertDataStart(absl::string_view text);

// What one call of Session::Execute runs with on top of the session's own state, as an
// HTTP request's URL settings, format and parameters are in ClickHouse: gone when the call
// returns. A SET statement in the call changes the session's own settings (and those of
// the rest of the call), so a named session keeps what the request SETs, not what its URL
// said.
struct RequestOverrides {
  std::vector<std::pair<std::string, std::string>> settings;  // name, value as text
  std::vector<std::pair<std::string, std::string>> params;    // {name:Type} values
  std::string default_format;                                 // "" = the session's
  bool empty() const { return settings.empty() && params.empty() && default_format.empty(); }
};

class Session {
 public:
  using Sink = std::function<void(absl::string_view)>;


  // Installs the SQL layer's view compiler (engine/query/view_compiler.h) in `db` unless it
  // has one, so that inserts into tables with materialized views can run them.
  explicit Session(Database* db);

  // {name:Type} placeholders take these values (text, converted to Type on use).
  void SetParameter(const std::string& name, std::string value) { params_[name] = std::move(value); }
  // Settings: max_memory_usage, max_server_memory_usage, max_execution_time, max_threads,
  // output format default
  // (`format`), session_timezone, max_read_buffer_size, min_insert_block_size_rows,
  // min_insert_block_size_bytes, insert_deduplicate, insert_deduplication_token, ... (the
  // fields of Settings); unknown names are InvalidArgument.
  // In readonly mode 1 no setting may change, and in mode 2 not `readonly` itself:
  // PermissionDenied "Cannot modify 'name' setting in readonly mode", as in ClickHouse.
  absl::Status SetSetting(const std::string& name, const format::Value& value);

  // Row-level security (engine/query/row_filter.h): from now on every read of `table`
  // ("db.t", or "t" for the default database) in this session's statements sees only the
  // rows where `filter_sql` is true; a second filter on the same table replaces the first.
  // InvalidArgument when the filter does not parse as one condition or holds what a filter
  // may not (a subquery, a parameter, an aggregate). A column the table lacks is an error
  // at the first statement that reads it, naming the user (set_user), table and column.
  absl::Status SetRowFilter(const std::string& table, const std::string& filter_sql);
  // The checks of SetRowFilter without a session, and with the table's columns when it
  // exists in `db` (a server checks its users' filters at start). `user` names the filter
  // in errors.
  static absl::Status CheckRowFilter(const Database& db, const std::string& table, const std::string& filter_sql,
                                     const std::string& user = "");

  // Runs every statement in `sql`. `input` is the data of an INSERT ... FORMAT whose data
  // is not in the query (stdin). A failing statement stops the run; the error names the
  // statement's position.
  // Results reach `sink` as they are produced (engine/query/result_writer.h): in pieces of
  // about 1 MiB, or in one call once complete when smaller, so a statement can fail after
  // part of its result was handed over. Cancel() or the time limit stops it between blocks.
  absl::Status Execute(absl::string_view sql, absl::string_view input, const Sink& sink);
  // The same, with the INSERT data read from `input` as it is needed, and `overrides` in
  // force for this call only (an override a readonly session may not make fails the call
  // as SET would).
  absl::Status Execute(absl::string_view sql, InputStream* input, const Sink& sink,
                       const RequestOverrides& overrides = {});

  // The settings a call of Execute with `overrides` runs with (the session's, the
  // overrides on top), for a caller that reports them (the server's response headers);
  // the error such a call would fail with when an override is refused.
  absl::StatusOr<Settings> SettingsWith(const RequestOverrides& overrides) const;

  // Called once with an INSERT's status, the rows it was given and what it wrote (its
  // progress() at the commit: written and result rows and bytes).
  using InsertDone = absl::AnyInvocable<void(absl::Status status, uint64_t rows, const ProgressValues& progress) &&>;
  // Execute, for a server that answers many single-row inserts: when `sql` is one INSERT
  // whose rows stream from `input` and it reaches its commit, the commit does not wait
  // for a group commit (Database::InsertBatch::CommitAsync): *pending is set, *done is
  // taken and runs with the commit's status, on the group commit thread or on this one,
  // possibly before this returns (so the caller must not touch what *done uses after
  // the call), and this returns OK. Otherwise this is Execute, *pending stays false and
  // *done is left alone. rows_inserted() does not count a pending insert's rows.
  absl::Status ExecuteInsertAsync(absl::string_view sql, InputStream* input, InsertDone* done, bool* pending,
                                  const RequestOverrides& overrides = {});

  void Cancel() { cancelled_.store(true); }
  // What the running statement has read, written and returned so far (engine/progress.h),
  // or the last one's once it ended: readable from any thread while Execute runs (a
  // progress display, the server's progress headers). Reset as each statement begins, so
  // a run of several statements shows each in turn.
  const QueryProgress& progress() const { return progress_; }
  // ClickHouse's `readonly`: at 1 only statements that read run (SELECT, SHOW, DESCRIBE,
  // EXISTS, EXPLAIN, CHECK, USE) and no setting changes (SET, SETTINGS, SetSetting); at 2
  // settings change too, but not `readonly`: nothing a statement does lifts the level. The
  // others fail with PermissionDenied naming `readonly_reason` (the server gives GET
  // requests level 2, as ClickHouse does, and a readonly user's requests its level).
  void set_readonly(int level, std::string reason = "") {
    readonly_ = level;
    readonly_reason_ = std::move(reason);
  }
  int readonly() const { return readonly_; }
  // Rows stored by this session's INSERT statements since it began (as given: a retried
  // insert that deduplication dropped counts too), for a server's metrics.
  uint64_t rows_inserted() const { return rows_inserted_; }
  // The session's settings (SET), without any statement's own SETTINGS.
  const Settings& settings() const { return settings_; }
  // Puts back settings saved from settings() (the server's URL settings apply to one
  // request of a named session, as in ClickHouse).
  void set_settings(Settings settings) { settings_ = std::move(settings); }
  // currentUser(): the user the caller authenticated ("default" unless set).
  void set_user(std::string user) { user_ = std::move(user); }
  const std::string& default_format() const { return settings_.default_format; }
  // The session's time zone (session_timezone), and the format of the result being
  // written: valid from a sink's first call on, for headers that name it.
  const std::string& timezone() const { return settings_.timezone; }
  const std::string& output_format() const { return output_format_; }
  // USE name: NotFound when the database does not exist.
  absl::Status UseDatabase(const std::string& name);
  void set_default_format(std::string format) { settings_.default_format = std::move(format); }

 private:
  // Execute's work, with the overrides (if any) in place.
  absl::Status ExecuteStatements(absl::string_view sql, InputStream* input, const Sink& sink);
  absl::Status Run(const Statement& st, InputStream* input, const Sink& sink);
  // CHECK TABLE, ALTER TABLE ... ATTACH PART / DROP DETACHED PART.
  absl::Status RunPartStatement(const Statement& st, const Sink& sink);
  // The partition id a statement's PARTITION ID 'id' or PARTITION value names, for `table`
  // (qualified); "" when it names none.
  absl::StatusOr<std::string> PartitionIdOf(const std::string& table, const Statement& st) const;
  // Run, with std::bad_alloc (and std::length_error) turned into ResourceExhausted.
  absl::Status RunCatchingAllocationFailures(const Statement& st, InputStream* input, const Sink& sink);
  absl::Status RunInsert(const InsertQuery& insert, InputStream* input);
  // Materialized views (engine/query/session_views.cc).
  absl::Status RunCreateView(const CreateViewQuery& create);
  absl::Status RunDropView(const Statement& st);
  // SHOW CREATE TABLE of view `name` (qualified); `full` is its name with its database.
  absl::StatusOr<std::string> CreateViewStatement(const std::string& name, const std::string& full) const;
  // The table `name` (qualified) reads and inserts into: a view's target, else itself.
  std::string TargetOf(const std::string& name) const;
  // The statement's insert_deduplicate and insert_deduplication_token, counting into
  // progress_.
  InsertOptions InsertOptionsOf(const Settings& settings) const;
  // `timezone`: the zone times without one print in ("" = the session's).
  absl::Status Output(const ResultSet& result, const std::string& format, const Sink& sink, const ScanStats& stats,
                      const std::string& timezone = "");
  // A stream's blocks as they come (engine/query/result_writer.h), `limits` checked between
  // them.
  absl::Status Output(ResultStream& result, const std::string& format, const Sink& sink,
                      const exec::QueryLimits& limits, const std::string& timezone = "");
  // A context with the session's settings, overridden by a statement's SETTINGS clause.
  absl::StatusOr<QueryContext> NewContext(const SettingsClause& overrides = {}) const;
  absl::StatusOr<Settings> StatementSettings(const SettingsClause& overrides) const;

  Database* db_;
  // When the running statement began: the parse of the whole script for the first
  // statement (a 3 MB CASE takes a while to parse), its turn for the others.
  absl::Time statement_start_ = absl::InfinitePast();
  absl::flat_hash_map<std::string, std::string> params_;
  Settings settings_;
  std::string current_database_ = "default";
  std::string user_ = "default";
  std::atomic<bool> cancelled_{false};
  std::string output_format_;
  int readonly_ = 0;
  std::string readonly_reason_;
  bool backfills_resumed_ = false;
  std::shared_ptr<const RowFilters> row_filters_;  // null: none
  uint64_t rows_inserted_ = 0;
  // The session's own settings while a call's overrides are in force (Execute): SET
  // changes them too, and they come back when the call returns. Null otherwise.
  Settings* own_settings_ = nullptr;
  // ExecuteInsertAsync's: the single INSERT of the run commits through them.
  InsertDone* async_done_ = nullptr;
  bool* async_pending_ = nullptr;
  // The running statement's counters. Mutable: the const paths that start its work
  // (NewContext, InsertOptionsOf) hand them out to be counted into.
  mutable QueryProgress progress_;
};

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SESSION_H_
