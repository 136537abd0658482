// Database: the embeddable engine. A directory holding a manifest and one directory per
// table of MergeTree parts. This is the API both embedders and the server drive.
//
//   auto db = Database::Open("/var/lib/tally");
//   db->CreateTable("events", schema);
//   db->Insert("events", block);              // durable when it returns OK
//   auto cursor = db->Scan("events", {.columns = {"time", "value"}, .ranges = {...}});
//
// Layout: <dir>/LOCK, <dir>/MANIFEST (format/manifest_format.h),
// <dir>/tables/<table dir>/<part>/, <dir>/tables/<table dir>/detached/ for parts set
// aside, <dir>/detached/ for table directories set aside by repair.
//
// One writer per directory: a read-write open holds an OS lock on <dir>/LOCK until the
// Database is destroyed (or the process dies); a second read-write open, in this process
// or another, fails at once. Read-only opens take no lock, never write, and may run
// beside the writer: each sees the committed state as of its open.
//
// An insert is acknowledged only after its parts are written and synced and the manifest
// edit recording them is synced: a crash at any point leaves the insert wholly present or
// wholly absent. Opening recovers (docs/architecture.md, "Recovery"): it deletes only
// what it can prove is garbage (temporary directories of unfinished writes, parts a
// committed edit removed), completes what a crash interrupted, and sets aside parts that
// fail validation in detached/ with a reason file. It refuses to open (DataLoss) rather
// than guess when the manifest is damaged or a part cannot be accounted for; an open with
// `repair` then sets aside whatever it cannot account for. Opening writes nothing unless
// there is something to repair. Everything done is listed in recovery().
//
// Thread-safe: any number of threads may insert, scan, create and drop concurrently.
// Scans see a snapshot of the parts at the time Scan was called.
#ifndef TALLY_ENGINE_DATABASE_H_
#define TALLY_ENGINE_DATABASE_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/env.h"
#include "engine/merge_rules/engine_spec.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/part.h"
#include "engine/part_version.h"
#include "engine/partition.h"
#include "engine/progress.h"
#include "engine/table_defaults.h"
#include "engine/scan.h"
#include "engine/superseded.h"
#include "engine/ttl.h"
#include "engine/dedup_window.h"
#include "engine/event_dedup.h"
#include "engine/view.h"
#include "format/manifest_format.h"
#include "format/table_schema.h"

namespace tally::engine {

struct PartInfo {
  std::string name;
  std::string partition_id;
  std::string partition;  // the partition key's value as text ("202610", "('acme',202610)")
  uint64_t rows = 0;
  uint64_t granules = 0;
  uint64_t bytes_on_disk = 0;
  uint32_t level = 0;
  uint64_t min_block = 0;
  uint64_t max_block = 0;
  bool in_memory = false;  // an inline part (DatabaseOptions::inline_parts), not yet flushed
};

struct RecoveryReport {
  std::vector<std::string> events;  // one line per action, naming table, part and reason
  uint64_t temporary_removed = 0;   // temporary directories of unfinished writes
  uint64_t published = 0;           // committed parts whose rename a crash interrupted
  uint64_t obsolete_removed = 0;    // parts a committed edit had removed (merged, truncated)
  uint64_t detached = 0;            // parts or directories set aside in a detached/ directory
  uint64_t missing = 0;             // committed parts not on disk (repair only)
  // Insert deduplication tokens of tables that lost committed parts (set aside, missing):
  // forgotten, so that inserting the lost rows again stores them.
  uint64_t insert_tokens_forgotten = 0;
  bool manifest_torn_tail = false;
  uint64_t manifest_damage = 0;     // damaged stretches repair skipped
  bool wrote = false;               // whether the open changed anything on disk
};

// One row of CHECK TABLE: a part of the table, or one set aside in its detached/ directory
// (which fails: the table may be missing its rows).
struct PartCheck {
  std::string part;  // part name, or "detached/<name>"
  absl::Status status;
};

// The kind of a part the user detached (DETACH PARTITION): it keeps its own name in
// detached/, and is not a part the table may be missing (CHECK TABLE passes; ClickHouse's
// system.detached_parts shows no reason for it).
inline constexpr char kUserDetachedKind[] = "detached";

// A part (or directory) set aside in a detached/ directory (system.detached_parts).
struct DetachedPartInfo {
  std::string table;  // "" for a table directory set aside at the database level
  std::string name;   // its name in detached/: "broken_202610_1_1_0"
  std::string kind;   // "broken", "unreferenced", "missing", "attach-interrupted", "unowned-table",
                      // kUserDetachedKind, or "" (no reason file)
  std::string message;
  int64_t time_s = 0;  // when it was set aside (0 when unknown)
  bool has_data = false;  // a directory exists (a "missing" record has none)
  std::string partition_id;  // parsed from the part name when it is one
  uint64_t min_block = 0;
  uint64_t max_block = 0;
  uint32_t level = 0;
  uint64_t bytes_on_disk = 0;
  std::string path;

  // Detached on purpose (DETACH PARTITION, or put there by hand: no reason file and no
  // kind in its name, which recovery always gives), not rows the table may be missing.
  bool on_purpose() const { return kind == kUserDetachedKind || kind.empty(); }
};

struct OptimizeOptions {
  std::string partition_id;  // only this partition; every partition when empty
  // Merge even a partition that is already one part. Plain MergeTree has nothing to gain
  // from it (its single part is left as it is); kept for the engines that merge rows.
  bool final = false;
};

// Where ALTER TABLE ... ADD INDEX puts the index among the table's: first, right after
// the index `after`, or (neither) last.
struct IndexPlacement {
  bool first = false;
  std::string after;
};

struct OptimizeResult {
  uint64_t merges = 0;       // parts written
  uint64_t parts_merged = 0;  // parts they replaced
  uint64_t rows = 0;          // rows rewritten
};

struct TtlResult {
  uint64_t parts_dropped = 0;    // every row expired
  uint64_t parts_rewritten = 0;  // some rows expired
  uint64_t rows_removed = 0;
};

// A materialized view (ListViews).
struct ViewInfo {
  std::string name;  // "v", or "db.v" outside the default database
  format::ViewDef def;
};

// How one insert is deduplicated (ClickHouse's insert_deduplicate and
// insert_deduplication_token settings; docs/rollups.md).
struct InsertOptions {
  // Off: the insert is stored even if an insert with the same token is in the table's
  // window, and records no token.
  bool deduplicate = true;
  // The insert's identity; empty: a hash of its blocks as given to Add, in order.
  std::string deduplication_token;
  // The statement's counters, or null: every block the insert stores, in its table and in
  // its views' targets, adds its rows and bytes (conformed to the table, in memory) to
  // written_rows/written_bytes as Add takes it, before Commit (a retry that deduplication
  // drops at Commit has counted them too).
  QueryProgress* progress = nullptr;
};

// What becomes of a partition's inline parts. A run of `parts` or more groups' parts
// (level 0) is merged into one inline part (a compaction, in memory); a run of inline parts is
// written to a part directory (a flush) as soon as it reaches `bytes`, its oldest rows
// `age_ms`, or 2 * `parts` parts. Bounds the memory they hold, the size of the manifest's
// snapshot, and how many parts a scan opens; a high insert rate makes bigger parts on
// disk rather than more of them.
struct InlineFlushPolicy {
  size_t parts = 64;             // groups' parts compacted at once; 2x: flushed
  uint64_t bytes = 16 << 20;     // their bytes
  uint64_t age_ms = 1000;        // the oldest one's time since its commit
  // A group's part of more bytes (in memory, before encoding) goes to disk instead.
  uint64_t part_bytes_max = 4 << 20;
};

struct DatabaseOptions {
  Env* env = nullptr;  // Env::Default() when null; must outlive the Database
  // Merge parts in a background thread as inserts add them (engine/merge_selector.h
  // chooses which), and run the TTL job in another. Off by default so that an embedder
  // (or a test) sees exactly the parts it wrote; the interactive `tally local` shell turns
  // it on, as the server will.
  bool background_merges = false;
  // Take no lock and write nothing: every write fails with FailedPrecondition, and an
  // open that would have to repair something (a broken part, a torn manifest tail is
  // fine) refuses instead. Works on read-only media and on a full disk.
  bool read_only = false;
  // Repair (`tally repair`): where a plain open refuses, set aside instead. A damaged
  // manifest is read around its damage (a copy of it is kept as MANIFEST.damaged-<time>),
  // and every part or table directory it cannot account for goes to a detached/ directory
  // with a reason file. Nothing is deleted that a normal open would keep.
  bool repair = false;
  // The manifest log is rewritten as one snapshot once it passes this size and four
  // times its last snapshot.
  uint64_t manifest_rewrite_bytes = 4 << 20;
  // Inline parts (docs/architecture.md, "Small inserts"): a small insert's part is
  // committed inside the manifest record that acknowledges it, held in memory, and
  // written to a directory of its own later by a flush (a merge of a partition's inline
  // parts). One fsync per group commit instead of one per file of every part. Off by
  // default, so that an embedder sees the parts it wrote on disk; `tally serve` turns it
  // on. A flush thread runs while it is on (read-write opens).
  bool inline_parts = false;
  InlineFlushPolicy inline_flush;
};

// Counters for monitoring (Database::stats; the server's /metrics).
struct DatabaseStats {
  uint64_t commits = 0;          // manifest edits appended
  uint64_t manifest_syncs = 0;   // fsyncs of the manifest (one per group of commits)
  uint64_t manifest_bytes = 0;   // bytes appended to the manifest
  uint64_t group_commits = 0;    // groups of small inserts committed together
  uint64_t grouped_inserts = 0;  // small inserts committed in those groups
  uint64_t inline_parts = 0;     // inline parts held now
  uint64_t inline_bytes = 0;     // their bytes
  uint64_t inline_flushes = 0;   // flushes done (merges of inline parts into a directory)
  uint64_t inline_compactions = 0;  // merges of groups' inline parts into one inline part
};

class Database {
  struct Table;

 public:
  using Options = DatabaseOptions;

  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& dir, Options options = {});
  ~Database();

  // Databases group tables: a table "db.t" belongs to database "db", a name without a dot
  // to "default", which always exists. Names are letters, digits and '_'.
  absl::Status CreateDatabase(const std::string& name, bool if_not_exists = false);
  // Drops the database and all its tables in one manifest edit.
  absl::Status DropDatabase(const std::string& name, bool if_exists = false);
  std::vector<std::string> ListDatabases() const;

  // Checks the schema (names, types, codecs, sorting key, partition expression) and
  // records the table; its database must exist. AlreadyExists unless if_not_exists.
  absl::Status CreateTable(const std::string& name, format::TableSchema schema, bool if_not_exists = false);
  absl::Status DropTable(const std::string& name, bool if_exists = false);
  // Removes every row of the table in one manifest edit; the table stays.
  absl::Status TruncateTable(const std::string& name);
  // Removes every part of one partition (by its id, PartitionKey) in one manifest edit;
  // *parts_dropped (may be null) gets how many. A partition with no parts is not an error,
  // as in ClickHouse. A merge of the partition under way is aborted at its commit.
  absl::Status DropPartition(const std::string& table, const std::string& partition_id,
                             uint64_t* parts_dropped = nullptr);
  // ALTER TABLE ... MODIFY TTL (the TTL's text, engine/ttl.h) or, with "", REMOVE TTL: the
  // table's schema changes in one manifest edit. Queries apply the new TTL at once; the
  // TTL job and merges then remove what it expires.
  absl::Status ModifyTtl(const std::string& table, const std::string& ttl_text);
  // ALTER TABLE ... MODIFY SETTING for the TTL job's settings (ttl_only_drop_parts,
  // merge_with_ttl_timeout); other settings are Unimplemented.
  absl::Status ModifySettings(const std::string& table, const std::vector<format::TableSetting>& settings);
  std::vector<std::string> ListTables() const;
  absl::StatusOr<format::TableSchema> GetSchema(const std::string& name) const;
  // The same without a copy: the schema in force now (an ALTER installs a new one and
  // leaves this one as it is).
  absl::StatusOr<std::shared_ptr<const format::TableSchema>> SharedSchema(const std::string& name) const;

  // Materialized views (engine/view.h, docs/rollups.md). CreateView records the view, and
  // with `inner` (def.inner_target, def.target = InnerTableName(name)) its own target
  // table, in one manifest edit. The source and a TO target must be tables (not views);
  // a view whose target reaches its source through other views, or a chain deeper than
  // kMaxViewDepth, is refused. The SELECT is compiled now when a compiler is installed
  // (errors name the view), and otherwise at the first insert. Views and tables share
  // names: AlreadyExists either way, unless if_not_exists. From its commit on, every
  // insert into the source also writes the view's rows to the target in the same edit;
  // an insert running across the commit fails (Aborted) rather than miss the view.
  //
  // `populate` (CREATE ... POPULATE): the view also gets the rows already in the source,
  // exactly once. Its commit records the source's next block number B; inserts from then
  // on run through the view (their blocks are >= B), and a backfill runs the view over the
  // source's parts of blocks below B (no merge joins parts across B meanwhile) and commits
  // its rows with the end of the backfill in one edit. CreateView runs it before it
  // returns; if it fails or the process dies, ResumeBackfills (a Session calls it) runs it
  // again from the start.
  absl::Status CreateView(const std::string& name, format::ViewDef def, std::optional<format::TableSchema> inner,
                          bool if_not_exists = false, bool populate = false);
  // Runs every pending POPULATE backfill (see CreateView). REQUIRES: a view compiler.
  absl::Status ResumeBackfills();
  bool has_pending_backfills() const;
  // Removes the view (and its inner target table) in one manifest edit.
  absl::Status DropView(const std::string& name, bool if_exists = false);
  std::vector<ViewInfo> ListViews() const;
  absl::StatusOr<format::ViewDef> GetView(const std::string& name) const;
  // The name of view `name`'s inner target table: "v" -> "_inner_v", "db.v" -> "db._inner_v".
  static std::string InnerTableName(const std::string& view);
  // Installs what turns views' SELECTs into ViewQuery objects (the SQL layer's).
  void SetViewCompiler(std::shared_ptr<const ViewCompiler> compiler);
  bool has_view_compiler() const;

  // Inserts a block: columns by name, any order; columns left out take their type's
  // default. The block is validated whole before anything is written; an invalid block
  // stores nothing.
  absl::Status Insert(const std::string& table, const Block& block, const InsertOptions& options = {});
  absl::Status Insert(const std::string& table, Block&& block, const InsertOptions& options = {});  // moves the columns

  // An insert of many blocks that commits atomically (an INSERT of a large file). Each Add
  // validates, sorts and writes its block's parts at once, so memory holds one block;
  // Commit records all the parts in one manifest edit, and only then does any row become
  // visible. A batch destroyed or failed before Commit leaves nothing behind (its parts
  // are removed; after a crash, recovery removes them). One thread per batch.
  //
  // Each block also runs through every materialized view of its table (and of the views'
  // targets, down a chain); their parts are written as the block's are and commit in the
  // same edit, so the source and every rollup hold the insert or none does. A view that
  // fails on a block fails the batch, naming the view.
  //
  // Deduplication (InsertOptions): Commit of an insert whose token is in the table's
  // window stores nothing anywhere, returns OK and sets deduplicated(); otherwise the token
  // commits with the parts. Window: table settings non_replicated_deduplication_window
  // (inserts, default 100; 0 turns it off) and non_replicated_deduplication_window_seconds.
  class InsertBatch {
   public:
    ~InsertBatch();
    InsertBatch(const InsertBatch&) = delete;
    InsertBatch& operator=(const InsertBatch&) = delete;
    absl::Status Add(Block block);
    absl::Status Commit();
    // Called once with what Commit would have returned.
    using CommitCallback = absl::AnyInvocable<void(absl::Status) &&>;
    // Commit, without waiting for any I/O: the batch is queued with `done` and this
    // returns at once. The Database's group commit thread commits it, in a group with
    // other small ones (Commit's group-commit rule) or alone, and then runs `done`, which
    // must not block (it runs between groups). Only a batch with nothing left to write (a
    // repeat, or one already ended) has `done` run here, before this returns. The batch
    // lives until `done` has run, so the caller must not touch it after this call.
    static void CommitAsync(std::unique_ptr<InsertBatch> batch, CommitCallback done);
    uint64_t rows() const { return rows_; }  // rows given to Add (before any deduplication)
    bool deduplicated() const { return deduplicated_; }

   private:
    friend class Database;
    // Whether Commit would hand the batch to a group commit: rows still pending (small
    // enough to keep in memory), not a repeat, not a POPULATE backfill.
    bool JoinsGroup() const;
    // One table the batch writes: the one inserted into, then views' targets.
    struct Writes {
      std::string name;
      std::shared_ptr<Table> table;  // kept alive while the batch runs
      std::vector<PartPtr> written;
      // The views reading this table: their names, queries and the Writes of their targets.
      struct View {
        std::string name;
        std::shared_ptr<const ViewQuery> query;
        size_t target = 0;
      };
      std::vector<View> views;
      // Event deduplication: the keys of the rows this batch stores in the table.
      absl::flat_hash_map<EventKey, int64_t> event_keys;
      // A small insert's rows, split by partition and sorted, not written yet: the group
      // commit writes them (engine/group_commit.cc).
      struct Piece {
        std::string partition_id;
        std::vector<format::Value> partition_value;
        Block rows;
      };
      std::vector<Piece> pending;
    };
    // A POPULATE backfill: the batch's commit also ends the view's pending backfill.
    std::string backfill_view_;
    format::ViewDef backfill_def_;
    InsertBatch(Database* db, InsertOptions options)
        : db_(db), options_(std::move(options)), hash_blocks_(options_.deduplicate && options_.deduplication_token.empty()) {}
    // Conforms `block` to table `w`'s schema, runs its views, writes its parts (or keeps
    // them pending while the batch is small).
    absl::Status AddTo(size_t w, Block block);
    // Adds a block the batch stores to options_.progress.
    void CountWritten(const Block& block) const;
    // Writes a sorted piece of table `w` as a part under block number `block`.
    absl::Status WritePart(size_t w, Writes::Piece piece, uint64_t block);
    // Writes every pending piece: the batch is no longer small.
    absl::Status WritePending();
    // The deduplication token Commit records (empty: none).
    std::string Token() const;
    // Aborted when what the batch was built against changed before its commit: a table it
    // writes was dropped, a view created or dropped, or events with its deduplication keys
    // committed (in the tables, or in `earlier`: those of a group's batches before it).
    // REQUIRES: db_->mu_ held.
    absl::Status CheckStillValid(const absl::flat_hash_map<const Table*, EventKeys>* earlier) const;
    void Discard();
    Database* const db_;
    const InsertOptions options_;
    std::vector<Writes> writes_;  // [0]: the table inserted into
    uint64_t views_epoch_ = 0;    // Database::views_epoch_ when the batch began
    InsertTokenHasher hasher_;    // of the blocks given to Add, when hash_blocks_
    bool hash_blocks_ = true;     // deduplicating, by the data (no token was given)
    // Small: pieces wait in Writes::pending and commit through the group commit. Cleared
    // when the batch passes kSmallInsertBytes, or for tables that track superseded rows.
    bool small_ = true;
    uint64_t pending_bytes_ = 0;
    uint64_t rows_ = 0;
    bool done_ = false;
    bool deduplicated_ = false;
  };
  // `table` may name a view: its target is inserted into (as in ClickHouse).
  absl::StatusOr<std::unique_ptr<InsertBatch>> BeginInsert(const std::string& table, InsertOptions options = {});

  // Merges each partition's parts into one (OPTIMIZE TABLE), after the TTL job (ApplyTtl)
  // has dropped the parts wholly expired; merges leave out expired rows. Runs in the caller's thread;
  // inserts, scans and other statements go on meanwhile. A merge commits in one manifest
  // edit that adds the merged part and removes its inputs, so a scan sees the inputs or the
  // merged part, never both or neither, and a crash leaves one or the other. Parts another
  // OPTIMIZE is merging are left to it. Aborted when the table is truncated or dropped
  // during the merge (nothing changes).
  absl::StatusOr<OptimizeResult> Optimize(const std::string& table, OptimizeOptions options = {});

  // The TTL job on one table (or one partition of it): drops the parts whose every row is
  // expired (one manifest edit) and rewrites those with some expired rows without them
  // (each as a merge of one part; not with ttl_only_drop_parts). Parts a merge holds are
  // left for the next run. The background TTL thread (with background_merges) runs it on
  // each table every merge_with_ttl_timeout seconds; OPTIMIZE runs it first.
  absl::StatusOr<TtlResult> ApplyTtl(const std::string& table, const std::string& partition_id = "");
  // TTL job runs in the background that removed something.
  uint64_t background_ttl_runs_done() const { return ttl_runs_done_.load(); }

  // Skip indexes (engine/alter_index.cc). ADD INDEX records the table's new schema in one
  // manifest edit: parts written from then on (inserts, merges) carry the index, parts
  // written before are read without it until MATERIALIZE INDEX. DROP INDEX records the
  // schema without it; parts keep their file, which no index reads (a version-1 file is
  // dropped by a new version of its part, in the same edit). MATERIALIZE INDEX writes a new
  // version of each part (of `partition_id`, or of every partition when empty) that lacks
  // the index's file, with it, and commits them all in one manifest edit; the parts are
  // kept from merges meanwhile. It returns the parts rewritten. Errors in ClickHouse's
  // words: a name taken (ADD, unless if_not_exists) or unknown (unless if_exists).
  absl::Status AddSkipIndex(const std::string& table, format::SkipIndexDef index, const IndexPlacement& placement,
                            bool if_not_exists = false);
  absl::Status DropSkipIndex(const std::string& table, const std::string& index, bool if_exists = false);
  absl::StatusOr<uint64_t> MaterializeSkipIndex(const std::string& table, const std::string& index,
                                                const std::string& partition_id = "", bool if_exists = false);
  // CLEAR INDEX: the index stays in the schema, and each part (of `partition_id`, or all)
  // holding its file gets a new version without it, all in one manifest edit, as
  // MATERIALIZE does; those parts are read without the index until MATERIALIZE INDEX or a
  // merge rewrites them. Returns the parts rewritten.
  absl::StatusOr<uint64_t> ClearSkipIndex(const std::string& table, const std::string& index,
                                          const std::string& partition_id = "", bool if_exists = false);

  absl::StatusOr<std::unique_ptr<ScanCursor>> Scan(const std::string& table, ScanOptions options) const;

  absl::StatusOr<std::vector<PartInfo>> ListParts(const std::string& table) const;
  // Reads every byte of every part of the table and verifies all checksums. Fails
  // (DataLoss) while parts of the table are set aside in its detached/ directory: the
  // table may be missing rows until they are attached or dropped.
  absl::Status CheckTable(const std::string& table) const;
  // The same, part by part (CHECK TABLE): every live part, then every detached entry.
  absl::StatusOr<std::vector<PartCheck>> CheckParts(const std::string& table) const;

  // What is set aside: in the table's detached/ directory, or with an empty table, at the
  // database level (table directories repair could not account for).
  absl::StatusOr<std::vector<DetachedPartInfo>> ListDetached(const std::string& table) const;
  std::vector<DetachedPartInfo> ListAllDetached() const;
  // ATTACH PART: validates the detached part whole (every checksum, the table's columns
  // and sorting key) and commits it under a new block number. Its rows become visible.
  absl::Status AttachPart(const std::string& table, const std::string& detached_name);
  // DETACH PARTITION: moves every part of the partition to the table's detached/
  // directory under its own name, removing them in one manifest edit; they stay there
  // until ATTACH PARTITION (or ATTACH PART) or DROP DETACHED PART. Running scans finish
  // with them. *parts_detached (may be null) gets how many; none is no error.
  absl::Status DetachPartition(const std::string& table, const std::string& partition_id,
                               uint64_t* parts_detached = nullptr);
  // ATTACH PARTITION: attaches, in one manifest edit, every part of the partition that
  // DETACH PARTITION (or the user) put in detached/ (not those recovery set aside), each
  // validated whole as ATTACH PART does and under a new block number.
  absl::Status AttachPartition(const std::string& table, const std::string& partition_id,
                               uint64_t* parts_attached = nullptr);
  // DROP DETACHED PART: deletes a detached part (and its reason file) for good.
  absl::Status DropDetachedPart(const std::string& table, const std::string& detached_name);

  // The last failure of a background merge (OK if none). A failed merge changes nothing;
  // the merger backs off and tries again later.
  absl::Status background_merge_status() const;
  uint64_t background_merges_done() const { return background_merges_done_.load(); }

  // Writes the inline parts to part directories (a flush of each partition's runs), so
  // that the manifest holds no part data; with no insert running, every one of them. It
  // makes at most as many flushes as there were inline parts at the call, so inserts
  // going on meanwhile cannot keep it from returning (their parts may stay inline). The
  // server calls it when it stops, after the last request. No-op without inline parts.
  absl::Status FlushInlineParts();
  // Merges each run of InlineFlushPolicy::parts or more groups' inline parts into one inline part,
  // as the flush thread does on its own; for tests and tools that want it at once.
  absl::Status CompactInlineParts();
  DatabaseStats stats() const;

  const RecoveryReport& recovery() const { return recovery_; }
  const std::string& dir() const { return dir_; }
  bool read_only() const { return read_only_; }

 private:
  struct Table {
    std::string name;
    std::string dir;  // absolute path
    std::string dir_name;
    // What CREATE TABLE said, as ALTER TABLE (MODIFY TTL, ADD/DROP INDEX, MODIFY SETTING)
    // last changed it, and its TTL bound: replaced whole by ALTER, so read the pointers
    // under mu_ (DefinitionOf, SchemaOf); what they point to never changes. Columns, keys
    // and engine never change.
    std::shared_ptr<const format::TableSchema> schema;
    TableTtlPtr ttl;
    PartitionKey partition;
    TableDefaults defaults;  // computed by inserts for the columns a block leaves out
    EngineSpec engine;  // parsed from schema; what merges do with equal keys
    std::shared_ptr<const MergeRule> rule;  // its rule over whole rows (null: none), for inserts
    std::vector<PartPtr> parts;
    uint64_t next_block = 1;
    absl::flat_hash_set<const Part*> merging;  // inputs of merges under way
    // ReplacingMergeTree (engine/superseded.h): the superseded rows of each tracked part,
    // by part name. Guarded by mu_.
    bool tracks_superseded = false;
    absl::flat_hash_map<std::string, SupersededPtr> superseded;
    // Insert deduplication: its settings (from the schema) and the latest inserts' tokens.
    // Guarded by mu_.
    DedupSettings dedup_settings;
    DedupWindow dedup;
    // Inline parts (engine/inline_parts.cc): when each committed (Env clock), by part
    // name. Guarded by mu_.
    absl::flat_hash_map<std::string, uint64_t> inline_since_us;
    // Event deduplication (engine/event_dedup.h): its settings and the keys in its window.
    // Guarded by mu_.
    EventDedupSpec event_dedup;
    EventKeys event_keys;
    // Held by a commit that adds parts to a table that tracks superseded rows, from
    // reading the parts it compares with to its manifest edit, so that no other such
    // commit changes them in between (taken before mu_).
    std::mutex commit_mu;
  };
  // A materialized view; `query` is compiled at CREATE or at the first insert (null until).
  struct ViewEntry {
    format::ViewDef def;
    std::shared_ptr<const ViewQuery> query;
  };
  // A table for `schema`, checked as CREATE TABLE checks it, with no directory yet.
  static absl::StatusOr<std::shared_ptr<Table>> NewTable(const std::string& name, format::TableSchema schema);
  // Gives `table` a new directory under tables/ (created and synced). REQUIRES: mu_ held.
  absl::Status MakeTableDir(Table* table) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Why `table` may not be dropped (a view reads or writes it), or OK. `dropping_views`:
  // views dropped in the same edit. REQUIRES: mu_ held.
  absl::Status CheckNoViewUses(const std::string& table, const absl::flat_hash_set<std::string>& dropping_views) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The views that read `table`, by name. REQUIRES: mu_ held.
  std::vector<std::string> ViewsReading(const std::string& table) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fills batch->writes_ with the table inserted into and every table its views write,
  // down their chains, compiling views not compiled yet. REQUIRES: mu_ not held.
  absl::Status PlanViews(InsertBatch* batch, const std::string& table);
  // Compiles view `name` as it stands under mu_ now. REQUIRES: mu_ not held.
  absl::StatusOr<std::shared_ptr<const ViewQuery>> CompileView(const std::string& name, const format::ViewDef& def,
                                                               const std::shared_ptr<const ViewCompiler>& compiler,
                                                               const format::TableSchema* inner = nullptr);
  absl::Status DropViewLocked(std::unique_lock<std::mutex>& order, std::unique_lock<std::mutex>& lock,
                              const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads the deduplication keys of the table's parts whose newest event is within the
  // window (at open, and after TRUNCATE, DROP and DETACH PARTITION removed rows); on an
  // error the table forgets every key instead (it then stores a repeat, never drops an
  // event wrongly). REQUIRES: mu_ held, or the table not yet shared.
  void RebuildEventKeys(Table* table) const;
  // The POPULATE backfill of view `name` (engine/backfill.cc), if one is pending.
  absl::Status RunBackfill(const std::string& name);
  // Block numbers parts of `table` must not be merged across: pending backfills of views
  // reading it. REQUIRES: mu_ held.
  std::vector<uint64_t> MergeBoundaries(const Table& table) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // An ALTER that changes the schema's text fields only: `change` edits a copy, which is
  // checked as CREATE checks a schema and committed as one manifest op 9 (`what` names
  // the statement in errors).
  absl::Status AlterSchema(const std::string& name, const std::string& what,
                           const std::function<absl::Status(format::TableSchema*)>& change);
  // The table's schema and TTL as of now.
  std::pair<std::shared_ptr<const format::TableSchema>, TableTtlPtr> DefinitionOf(const Table& table) const;
  // A copy of the table's schema, taken under mu_. REQUIRES: mu_ not held.
  format::TableSchema SchemaOf(const Table& table) const;
  // Writes a new version of each part `select` picks (under mu_, once none is being
  // merged) by `spec`, and commits them with `alter` (a new schema, when set) in one
  // manifest edit. Aborted, changing nothing, when the table's skip indexes are no longer
  // `indexes` or a part goes meanwhile. Returns the parts rewritten. `what` names the
  // statement in errors.
  absl::StatusOr<uint64_t> RewriteParts(const std::shared_ptr<Table>& table,
                                        const std::function<std::vector<PartPtr>(const Table&)>& select,
                                        const std::function<PartVersionSpec(const PartPtr&)>& spec,
                                        const std::vector<format::SkipIndexDef>& indexes,
                                        const std::optional<format::TableSchema>& alter, const std::string& what);
  // ---- Group commit of small inserts (engine/group_commit.cc) ----
  struct GroupWriter;
  // Commits a small batch with whatever other small batches are waiting: one writes
  // and syncs the group's edit while the others wait for their status.
  absl::Status CommitSmall(InsertBatch* batch);
  // Queues a batch whose writer does not wait (InsertBatch::CommitAsync); the group
  // commit thread leads the groups such writers are at the front of. A batch that joins
  // no group is committed alone, in its turn.
  void CommitQueued(std::unique_ptr<InsertBatch> batch, InsertBatch::CommitCallback done);
  // Leads the group at the front of the queue (REQUIRES: group_mu_ held by `queue`, no
  // group being led, the queue not empty): runs it with group_mu_ released, tells its
  // writers, hands the lead to the next writer, then runs the asynchronous writers'
  // callbacks with group_mu_ released.
  void LeadGroup(std::unique_lock<std::mutex>& queue);
  // The group commit thread: leads groups while an asynchronous writer is at the front.
  void GroupCommitLoop();
  // The leader's work: validates each writer's batch in order, writes one part per
  // table and partition of the accepted ones, commits them in one edit.
  void RunGroup(const std::vector<GroupWriter*>& group);
  // `block` (every column of the table, in schema order) sorted by the sorting key, with
  // equal keys collapsed by the table's merge rule, as a part holds it (engine/insert.cc).
  static absl::StatusOr<Block> SortForPart(const Table& table, const format::TableSchema& schema, Block block);
  // ---- Inline parts (engine/inline_parts.cc) ----
  // Where a table's inline parts live in inline_env_.
  static std::string InlineDir(const Table& table);
  bool IsInline(const Part& part) const { return part.env() == inline_env_.get(); }
  // The manifest op recording inline part `part` with its files. REQUIRES: mu_ held.
  absl::StatusOr<format::ManifestOp> InlinePartOp(const Table& table, const Part& part) const;
  // Opens an inline part from its manifest record (at open).
  absl::StatusOr<PartPtr> OpenInlinePart(const Table& table, const std::string& name,
                                         const std::vector<std::pair<std::string, std::string>>& files);
  // Flushes the runs of inline parts that `due` picks, in each partition of each table
  // (of `only`, when not null). Returns how many flushes ran. `compact`: the runs are of
  // groups' parts only (level 0), and each is merged into one inline part instead.
  absl::StatusOr<uint64_t> FlushInline(const Table* only, const std::function<bool(size_t parts, uint64_t bytes,
                                                                                    uint64_t oldest_us)>& due,
                                       bool compact = false);
  void FlushLoop();
  // Each of `parts`' superseded rows (null: untracked). REQUIRES: mu_ held.
  static std::vector<SupersededPtr> SupersededOf(const Table& table, const std::vector<PartPtr>& parts);
  // Rows of existing parts a commit found to lose, by part.
  using Losers = absl::flat_hash_map<const Part*, format::RowRuns>;
  // The manifest ops recording `losers` of those of `parts` that are tracked (the others'
  // records are not kept: engine/superseded.h), and applying them to the table once the
  // edit is durable. REQUIRES: mu_ held.
  static void AddSupersedeOps(const Table& table, const std::vector<PartPtr>& parts, const Losers& losers,
                              format::ManifestEdit* edit);
  static void ApplySuperseded(Table* table, const std::vector<PartPtr>& parts, const Losers& losers);
  // The table's parts of one partition, in block order. REQUIRES: mu_ held.
  static std::vector<PartPtr> PartsOf(const Table& table, const std::string& partition_id);

  Database(Env* env, std::string dir, const Options& options);
  // The background merger: waits for a wake-up, merges while SelectMerge finds work.
  void MergeLoop();
  void WakeMerger();
  // Chooses and runs one background merge; false when there is nothing to merge.
  bool BackgroundMergeOnce();
  // The background TTL job: ApplyTtl on each table with a TTL once per its check interval
  // (by the Env's clock, looked at every second). Failures go to background_merge_status.
  void TtlLoop();
  // Recovery (engine/recovery.cc).
  absl::Status Recover(bool repair);
  absl::Status RecoverOnce(bool repair);
  absl::Status WriteSnapshot() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Rewrites the manifest in the current version with every record kept (a snapshot would
  // drop the records that account for garbage still on disk): for an edit the file's
  // older version cannot hold.
  absl::Status UpgradeManifest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Replaces the manifest with `bytes` (MANIFEST.tmp, sync, rename, sync dir); later edits
  // append to it.
  absl::Status ReplaceManifest(const std::string& bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends `edit` to the manifest and syncs it; on success runs `apply` (the in-memory
  // side of the edit), then rewrites the manifest as a snapshot if the log has grown
  // large and no garbage its records account for remains on disk.
  //
  // REQUIRES: `order` holds log_mu_ and `lock` holds mu_, taken in that order before the
  // caller checked what its edit depends on. The append and its sync run with mu_
  // released, so scans, lookups and inserts writing their parts never wait behind an
  // fsync; log_mu_ keeps every other commit out until `apply` has run, and committed
  // state changes only through Commit, so what the caller checked still holds.
  absl::Status Commit(std::unique_lock<std::mutex>& order, std::unique_lock<std::mutex>& lock,
                      const format::ManifestEdit& edit, const std::function<void()>& apply = [] {});
  void MaybeCompactManifest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckWritable(absl::string_view what) const;
  // Renames the committed parts from their temporary directories into place.
  void Publish(Table* table, const std::vector<PartPtr>& parts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::shared_ptr<Table>> FindTable(const std::string& name) const;
  // Writes, validates and commits one merge of `inputs` (marked merging). Returns the rows
  // written. `what` names the operation in errors ("OPTIMIZE TABLE t", "background merge
  // of t"). `inline_output`: the merged part is an inline part (a compaction of inline
  // parts, engine/inline_parts.cc), committed with its bytes in the edit.
  absl::StatusOr<uint64_t> MergeAndCommit(const std::shared_ptr<Table>& table, const std::vector<PartPtr>& inputs,
                                          const std::string& what, bool inline_output = false);
  // Validates the parts `detached_names` of the table's detached/ directory and commits
  // them in one manifest edit (ATTACH PART, ATTACH PARTITION). `what` names the statement.
  absl::Status AttachParts(const std::string& table, const std::vector<std::string>& detached_names,
                           const std::string& what);
  // Marks a dropped table's parts obsolete and removes its directory when no scan holds it.
  void Discard(const std::shared_ptr<Table>& table) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string TablesDir() const;

  Env* const env_;
  const std::string dir_;
  const bool read_only_;
  const uint64_t manifest_rewrite_bytes_;
  const InlineFlushPolicy inline_flush_;
  const bool inline_parts_;  // small inserts' parts go inline (options.inline_parts)
  // Holds inline parts' files (those replayed at open too, whatever the options).
  // Declared before the tables so that it outlives their parts.
  std::unique_ptr<Env> inline_env_;
  RecoveryReport recovery_;
  std::unique_ptr<FileLock> lock_;  // held by a read-write open

  // Serializes commits (Commit): taken before mu_, held across the manifest's append and
  // sync, which run without mu_. Guards the manifest file.
  std::mutex log_mu_;
  mutable std::mutex mu_;  // std::mutex: ThreadSanitizer sees through it (the system Abseil is not annotated)
  absl::flat_hash_map<std::string, std::shared_ptr<Table>> tables_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> databases_ ABSL_GUARDED_BY(mu_);  // besides "default"
  absl::flat_hash_map<std::string, ViewEntry> views_ ABSL_GUARDED_BY(mu_);
  // Counts CREATE and DROP VIEW: an insert that began under another count fails its commit.
  uint64_t views_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  std::shared_ptr<const ViewCompiler> view_compiler_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<WritableFile> manifest_;  // appended to under log_mu_ (and mu_ for rewrites)
  // Set when a manifest write failed: the log's tail is unknown, so no further edit may be
  // appended until the database is reopened (which rewrites the manifest).
  absl::Status poisoned_ ABSL_GUARDED_BY(mu_);
  uint64_t dir_counter_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t manifest_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // size of the manifest file
  uint64_t snapshot_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // of its snapshot record
  // The version of the manifest file: appends keep it (an older directory stays readable
  // by older builds until the manifest is rewritten anyway).
  uint16_t manifest_version_ ABSL_GUARDED_BY(mu_) = format::kManifestVersion;
  // Directories of dropped tables that a running scan kept on disk: a snapshot waits
  // until they are gone (the drop record is their only account).
  std::vector<std::string> dropped_dirs_ ABSL_GUARDED_BY(mu_);
  absl::Status background_merge_status_ ABSL_GUARDED_BY(mu_);

  // std::mutex where the merger thread meets the others: ThreadSanitizer sees through it.
  std::mutex merge_mu_;
  std::condition_variable merge_cv_;
  bool merge_wake_ = false;  // guarded by merge_mu_
  bool merge_stop_ = false;  // guarded by merge_mu_
  std::atomic<bool> cancel_merges_{false};
  std::atomic<uint64_t> background_merges_done_{0};
  std::thread merger_;
  // The TTL thread (TtlLoop) waits on ttl_cv_ under merge_mu_ and stops with merge_stop_.
  std::condition_variable ttl_cv_;
  std::atomic<uint64_t> ttl_runs_done_{0};
  std::thread ttl_thread_;
  // The inline parts' flush thread (FlushLoop) waits on flush_cv_ under merge_mu_.
  std::condition_variable flush_cv_;
  std::thread flusher_;

  // Small inserts waiting to commit, in arrival order. One group at a time is led
  // (group_leading_): by the waiting writer at the front, or for writers that do not wait
  // (CommitAsync) by group_committer_, started on the first such insert.
  std::mutex group_mu_;
  std::deque<GroupWriter*> group_writers_;  // guarded by group_mu_
  bool group_leading_ = false;              // guarded by group_mu_
  bool group_stop_ = false;                 // guarded by group_mu_
  std::condition_variable group_cv_;        // wakes group_committer_
  std::thread group_committer_;

  // DatabaseStats counters.
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> manifest_syncs_{0};
  std::atomic<uint64_t> manifest_appended_{0};
  std::atomic<uint64_t> group_commits_{0};
  std::atomic<uint64_t> grouped_inserts_{0};
  std::atomic<uint64_t> inline_compactions_{0};
  std::atomic<uint64_t> inline_flushes_{0};
};

// Checks a table's (or view's) name as CreateTable does: 1 to 200 bytes once escaped for
// its directory, no control characters.
absl::Status CheckTableName(const std::string& name);
// Checks a schema as CreateTable does.
absl::Status ValidateSchema(const format::TableSchema& schema);
// Unimplemented when the schema uses what the format stores but this build does not act
// on yet (an engine other than MergeTree, engine arguments, TTLs, skip indexes, settings):
// such a table is refused at CREATE and at open rather than served without it.
absl::Status CheckImplemented(const format::TableSchema& schema);

// A table's database and its name in it: "db.t" -> {"db", "t"}, "t" -> {"default", "t"}.
std::pair<std::string, std::string> SplitTableName(const std::string& table);

inline constexpr char kManifestFile[] = "MANIFEST";
inline constexpr char kLockFile[] = "LOCK";
inline constexpr char kDetachedDir[] = "detached";
inline constexpr char kTablesDir[] = "tables";
// A part ATTACH PART is moving into a table, until its commit.
inline constexpr char kAttachingPrefix[] = "attaching_";
// A part DETACH PARTITION is moving out of a table, until it reaches detached/.
inline constexpr char kDetachingPrefix[] = "detaching_";

}  // namespace tally::engine

#endif  // TALLY_ENGINE_DATABASE_H_
