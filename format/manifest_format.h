// The manifest: a database-wide log of edits (docs/format.md, "Manifest"). One edit is one
// atomic step: an insert that writes parts to several tables (later: rollup parts and
// dedup records) commits them all in a single edit.
//
//   file    = header (magic "TLYL" u32, version u16, reserved u16) then records
//   record  = payload size u32 | XXH3 u64 of payload | payload (one Edit)
//
// The header's version says how every record in the file encodes its schemas
// (format/schema_encoding.h): a file is written whole in one version. Appends to an older
// file keep its version; the file becomes the current version when it is rewritten.
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_MANIFEST_FORMAT_H_
#define TALLY_FORMAT_MANIFEST_FORMAT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "format/row_runs.h"
#include "format/schema_encoding.h"
#include "format/table_schema.h"
#include "format/view_def.h"

namespace tally::format {

// An insert deduplication token on disk: an XXH3-128 hash, of the user's token or of the
// inserted blocks.
inline constexpr size_t kInsertTokenBytes = 16;

struct ManifestOp {
  // Values persisted: only ever added.
  enum class Kind : uint8_t {
    kCreateTable = 1,  // table, schema, directory
    kDropTable = 2,    // table
    kAddPart = 3,      // table, part, rows
    kRemovePart = 4,   // table, part
    kNextBlock = 5,    // table, next_block: block numbers below it are taken
    kCreateDatabase = 6,  // table = the database's name
    kDropDatabase = 7,    // table = the database's name (its tables are dropped by kDropTable)
    // table, part, superseded: rows of the part that lose to a row of another live part of
    // its partition (ReplacingMergeTree), added to those recorded before. Also says the
    // part's keys were compared with every other part of its partition (it is tracked).
    kSupersede = 8,
    // table, schema: the table's schema from this edit on (ALTER TABLE ... MODIFY TTL,
    // ADD/DROP INDEX, MODIFY SETTING). Encoded as kCreateTable's; the columns, sorting key,
    // partition key and engine stay what they were.
    kAlterTable = 9,
    // table = the view's name, view: CREATE MATERIALIZED VIEW. Its inner target table, if
    // any, is created by a kCreateTable in the same edit, before it.
    kCreateView = 10,
    kDropView = 11,  // table = the view's name
    // table, token, time_us: an insert into the table with this deduplication token
    // committed in this edit (engine/dedup_window.h); a retry with the same token within
    // the table's window stores nothing.
    kInsertToken = 12,
    // table: the table's insert tokens are forgotten (rows were removed by TRUNCATE, DROP
    // or DETACH PARTITION: inserting them again must store them).
    kForgetInsertTokens = 13,
    // table = a view: its POPULATE backfill committed in this edit (the view's
    // backfill_below_block is 0 from here on).
    kBackfillDone = 14,
    // table, part, rows, files: a committed part held whole in the manifest (an inline
    // part: a small insert's, engine/inline_parts.h) rather than in a directory of its
    // own. Removed by kRemovePart, like any part.
    kAddInlinePart = 15,
  };
  Kind kind = Kind::kCreateTable;
  std::string table;
  TableSchema schema;     // kCreateTable, kAlterTable
  std::string directory;  // kCreateTable: the table's directory name under tables/
  std::string part;
  uint64_t rows = 0;
  uint64_t next_block = 0;
  RowRuns superseded;  // kSupersede
  ViewDef view;        // kCreateView
  std::string token;   // kInsertToken: 16 bytes
  uint64_t time_us = 0;  // kInsertToken: when the insert committed (Env clock)
  // kAddInlinePart: the part's files (part.meta among them), by name, in the order written.
  std::vector<std::pair<std::string, std::string>> files;

  // An operation that names only a table or database (drop table, create/drop database).
  static ManifestOp Named(Kind kind, std::string name) {
    ManifestOp op;
    op.kind = kind;
    op.table = std::move(name);
    return op;
  }
  static ManifestOp CreateTable(std::string table, TableSchema schema, std::string directory) {
    ManifestOp op = Named(Kind::kCreateTable, std::move(table));
    op.schema = std::move(schema);
    op.directory = std::move(directory);
    return op;
  }
  static ManifestOp AlterTable(std::string table, TableSchema schema) {
    ManifestOp op = Named(Kind::kAlterTable, std::move(table));
    op.schema = std::move(schema);
    return op;
  }
  static ManifestOp AddPart(std::string table, std::string part, uint64_t rows) {
    ManifestOp op = Named(Kind::kAddPart, std::move(table));
    op.part = std::move(part);
    op.rows = rows;
    return op;
  }
  static ManifestOp AddInlinePart(std::string table, std::string part, uint64_t rows,
                                  std::vector<std::pair<std::string, std::string>> files) {
    ManifestOp op = AddPart(std::move(table), std::move(part), rows);
    op.kind = Kind::kAddInlinePart;
    op.files = std::move(files);
    return op;
  }
  static ManifestOp RemovePart(std::string table, std::string part) {
    ManifestOp op = Named(Kind::kRemovePart, std::move(table));
    op.part = std::move(part);
    return op;
  }
  static ManifestOp Supersede(std::string table, std::string part, RowRuns rows) {
    ManifestOp op = Named(Kind::kSupersede, std::move(table));
    op.part = std::move(part);
    op.superseded = std::move(rows);
    return op;
  }
  static ManifestOp CreateView(std::string name, ViewDef view) {
    ManifestOp op = Named(Kind::kCreateView, std::move(name));
    op.view = std::move(view);
    return op;
  }
  static ManifestOp InsertToken(std::string table, std::string token, uint64_t time_us) {
    ManifestOp op = Named(Kind::kInsertToken, std::move(table));
    op.token = std::move(token);
    op.time_us = time_us;
    return op;
  }
  static ManifestOp NextBlock(std::string table, uint64_t next_block) {
    ManifestOp op = Named(Kind::kNextBlock, std::move(table));
    op.next_block = next_block;
    return op;
  }
};

struct ManifestEdit {
  std::vector<ManifestOp> ops;
};

inline constexpr size_t kManifestHeaderBytes = 8;
inline constexpr size_t kManifestRecordOverhead = 12;

// The manifest version this build writes; it reads every version from 1 up to it. The
// manifest is versioned apart from parts (kFormatVersion): version 2 changed only the
// schema's encoding (tagged fields).
inline constexpr uint16_t kManifestVersion = 2;

std::string ManifestHeader(uint16_t version = kManifestVersion);
// The oldest manifest version that can hold `edit` (see MinSchemaVersion).
uint16_t MinManifestVersion(const ManifestEdit& edit);
// Appends one framed record as a manifest of `version` holds it. InvalidArgument (nothing
// appended) when a schema breaks its invariants or `version` cannot hold the edit.
absl::Status EncodeManifestRecord(std::string* out, const ManifestEdit& edit,
                                  uint16_t version = kManifestVersion);

struct ManifestContents {
  uint16_t version = kManifestVersion;  // the header's
  std::vector<ManifestEdit> edits;
  std::vector<uint64_t> edit_offsets;  // file offset of each edit's record
  // Bytes up to the end of the last whole, valid record (header included). Past it lies a
  // torn tail: a last record cut short by a crash before its sync, which was therefore
  // never acknowledged.
  uint64_t valid_bytes = 0;
  bool torn_tail = false;
  // kSalvage only: each damaged stretch skipped, as "offset N: why (M bytes skipped)".
  std::vector<std::string> damage;
};

enum class ManifestReadMode {
  // Refuses (DataLoss, naming the offset) anything but a torn tail.
  kStrict,
  // For repair: skips each damaged stretch up to the next whole, valid record, and says
  // so in `damage`. A newer version or an unknown op still fails (Unimplemented).
  kSalvage,
};

// Reads a whole manifest. The only damage kStrict tolerates is a torn tail, and only in
// the shapes a crash leaves: a last record whose header or payload runs past the end of
// the file (unless its payload checksums whole, or a whole record follows: then its size
// field was damaged in place), or a tail of zero bytes (file systems that extend a file
// before writing its data). A complete record with a bad checksum is DataLoss wherever
// it is, the last one included: its bytes all reached the file, so they were damaged
// after, and the edit may have been acknowledged.
absl::StatusOr<ManifestContents> DecodeManifest(absl::Span<const uint8_t> file, absl::string_view what,
                                                ManifestReadMode mode = ManifestReadMode::kStrict);

}  // namespace tally::format

#endif  // TALLY_FORMAT_MANIFEST_FORMAT_H_
