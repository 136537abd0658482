// The manifest log: every operation kind round-trips, a torn tail is tolerated, any other
// damage (the last record's included) is DataLoss, salvage reads around damage, and an
// unknown operation kind is Unimplemented. Version 1 files still read; a file is written
// whole in one version, and an edit version 1 cannot hold is refused in it.
#include "format/manifest_format.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/tagged_fields.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

ManifestEdit EveryKind() {
  ManifestEdit edit;
  ManifestOp db;
  db.kind = ManifestOp::Kind::kCreateDatabase;
  db.table = "metering";
  edit.ops.push_back(db);
  ManifestOp create;
  create.kind = ManifestOp::Kind::kCreateTable;
  create.table = "metering.events";
  create.schema.columns.push_back(ColumnDef{"time", *ParseDataType("DateTime"), {}, ""});
  create.schema.columns.push_back(ColumnDef{"day", *ParseDataType("Date"), {}, "toDate(time)"});
  create.schema.sort_key = {"time"};
  create.schema.partition_by = "toYYYYMM(time)";
  create.directory = "metering.events.1f";
  edit.ops.push_back(create);
  edit.ops.push_back(ManifestOp::AlterTable("metering.events", create.schema));  // both versions hold it
  ManifestOp next;
  next.kind = ManifestOp::Kind::kNextBlock;
  next.table = "metering.events";
  next.next_block = 42;
  edit.ops.push_back(next);
  ManifestOp add;
  add.kind = ManifestOp::Kind::kAddPart;
  add.table = "metering.events";
  add.part = "202610_1_1_0";
  add.rows = 1000;
  edit.ops.push_back(add);
  edit.ops.push_back(ManifestOp::Supersede("metering.events", "202610_1_1_0",
                                           {RowRun{0, 1}, RowRun{7, 9}, RowRun{999, 1000}}));
  edit.ops.push_back(ManifestOp::Supersede("metering.events", "202610_1_1_0", {}));  // tracked, nothing lost
  // What a version-1 file holds (a TTL needs version 2; ModifyAndRemoveTtlAreDurable).
  format::TableSchema altered = create.schema;
  altered.index_granularity = 1024;
  edit.ops.push_back(ManifestOp::AlterTable("metering.events", altered));
  edit.ops.push_back(ManifestOp::CreateView(
      "metering.hourly", ViewDef{"metering.events", "metering._inner_hourly", "SELECT toStartOfHour(time) AS h FROM "
                                 "metering.events", true, 42, {UnknownField{7, "kept"}}}));
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kBackfillDone, "metering.hourly"));
  edit.ops.push_back(ManifestOp::InsertToken("metering.events", std::string(16, '\x7f'), 1'800'000'000'000'000));
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kForgetInsertTokens, "metering.events"));
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropView, "metering.hourly"));
  ManifestOp remove = add;
  remove.kind = ManifestOp::Kind::kRemovePart;
  remove.rows = 0;  // not recorded for a removal
  edit.ops.push_back(remove);
  ManifestOp drop;
  drop.kind = ManifestOp::Kind::kDropTable;
  drop.table = "metering.events";
  edit.ops.push_back(drop);
  ManifestOp drop_db = db;
  drop_db.kind = ManifestOp::Kind::kDropDatabase;
  edit.ops.push_back(drop_db);
  return edit;
}

TEST(ManifestFormatTest, EveryOperationKindRoundTrips) {
  std::string file = ManifestHeader();
  ASSERT_OK(EncodeManifestRecord(&file, EveryKind()));
  ASSERT_OK_AND_ASSIGN(ManifestContents got, DecodeManifest(AsBytes(file), "MANIFEST"));
  ASSERT_EQ(got.edits.size(), 1u);
  EXPECT_FALSE(got.torn_tail);
  EXPECT_EQ(got.valid_bytes, file.size());
  const ManifestEdit want = EveryKind();
  ASSERT_EQ(got.edits[0].ops.size(), want.ops.size());
  for (size_t i = 0; i < want.ops.size(); ++i) {
    const ManifestOp& a = got.edits[0].ops[i];
    const ManifestOp& b = want.ops[i];
    EXPECT_EQ(a.kind, b.kind) << i;
    EXPECT_EQ(a.table, b.table) << i;
    EXPECT_EQ(a.directory, b.directory) << i;
    EXPECT_EQ(a.part, b.part) << i;
    EXPECT_EQ(a.rows, b.rows) << i;
    EXPECT_EQ(a.next_block, b.next_block) << i;
    EXPECT_EQ(a.superseded, b.superseded) << i;
    EXPECT_EQ(a.schema.index_granularity, b.schema.index_granularity) << i;
    EXPECT_EQ(a.schema.columns.size(), b.schema.columns.size()) << i;
    EXPECT_EQ(a.view, b.view) << i;
    EXPECT_EQ(a.token, b.token) << i;
    EXPECT_EQ(a.time_us, b.time_us) << i;
  }
  const TableSchema& schema = got.edits[0].ops[1].schema;
  ASSERT_EQ(schema.columns.size(), 2u);
  EXPECT_EQ(schema.columns[1].default_expr, "toDate(time)");
  EXPECT_EQ(schema.partition_by, "toYYYYMM(time)");
  const ManifestOp& alter = got.edits[0].ops[2];
  ASSERT_EQ(alter.kind, ManifestOp::Kind::kAlterTable);
  ASSERT_EQ(alter.schema.columns.size(), 2u);
  EXPECT_EQ(alter.schema.partition_by, "toYYYYMM(time)");
}

TEST(ManifestFormatTest, TornLastRecordIsDroppedAndDamageBeforeTheEndIsDataLoss) {
  std::string file = ManifestHeader();
  ASSERT_OK(EncodeManifestRecord(&file, EveryKind()));
  const size_t first_end = file.size();
  ASSERT_OK(EncodeManifestRecord(&file, EveryKind()));
  // Cut the second record short: torn, the first survives.
  std::string torn = file.substr(0, file.size() - 5);
  ASSERT_OK_AND_ASSIGN(ManifestContents got, DecodeManifest(AsBytes(torn), "MANIFEST"));
  EXPECT_TRUE(got.torn_tail);
  EXPECT_EQ(got.edits.size(), 1u);
  EXPECT_EQ(got.valid_bytes, first_end);
  // Flip a byte inside the first record, with a whole record after it: corruption.
  std::string damaged = file;
  damaged[first_end - 3] ^= 0x40;
  EXPECT_STATUS(DecodeManifest(AsBytes(damaged), "MANIFEST"), absl::StatusCode::kDataLoss, "MANIFEST");
}

TEST(ManifestFormatTest, DamageInsideTheLastRecordIsDataLossNotATornTail) {
  std::string file = ManifestHeader();
  ASSERT_OK(EncodeManifestRecord(&file, EveryKind()));
  const size_t first_end = file.size();
  ASSERT_OK(EncodeManifestRecord(&file, EveryKind()));
  // The last record is whole: a flipped byte anywhere in it is damage to an edit that may
  // have been acknowledged, not a crash's cut.
  for (size_t pos = first_end; pos < file.size(); ++pos) {
    SCOPED_TRACE(pos);
    std::string damaged = file;
    damaged[pos] ^= 0x01;
    EXPECT_STATUS(DecodeManifest(AsBytes(damaged), "MANIFEST"), absl::StatusCode::kDataLoss,
                  absl::StrCat("offset ", first_end));
  }
  // A size field damaged to run past the end, with the payload whole after it.
  std::string grown = file;
  grown[first_end + 2] ^= 0x01;
  EXPECT_STATUS(DecodeManifest(AsBytes(grown), "MANIFEST"), absl::StatusCode::kDataLoss, "is damaged");
}

TEST(ManifestFormatTest, SalvageSkipsDamagedRecordsAndReadsTheRest) {
  std::string file = ManifestHeader();
  std::vector<size_t> starts;
  for (int i = 0; i < 4; ++i) {
    starts.push_back(file.size());
    ASSERT_OK(EncodeManifestRecord(&file, EveryKind()));
  }
  std::string damaged = file;
  damaged[starts[1] + 20] ^= 0x08;  // inside record 1's payload
  ASSERT_OK_AND_ASSIGN(ManifestContents got,
                       DecodeManifest(AsBytes(damaged), "MANIFEST", ManifestReadMode::kSalvage));
  EXPECT_EQ(got.edits.size(), 3u);
  EXPECT_EQ(got.edit_offsets, (std::vector<uint64_t>{starts[0], starts[2], starts[3]}));
  ASSERT_EQ(got.damage.size(), 1u);
  EXPECT_NE(got.damage[0].find("checksum mismatch"), std::string::npos) << got.damage[0];
  // Strict refuses the same bytes.
  EXPECT_STATUS(DecodeManifest(AsBytes(damaged), "MANIFEST"), absl::StatusCode::kDataLoss, "checksum mismatch");
  // Damage running to the end: the rest is skipped.
  std::string tail_damaged = file;
  tail_damaged[starts[3] + 15] ^= 0x08;
  ASSERT_OK_AND_ASSIGN(got, DecodeManifest(AsBytes(tail_damaged), "MANIFEST", ManifestReadMode::kSalvage));
  EXPECT_EQ(got.edits.size(), 3u);
  EXPECT_EQ(got.damage.size(), 1u);
}

// Superseded rows as the writer never writes them: refused when encoding, DataLoss when read.
TEST(ManifestFormatTest, SupersededRunsOutOfOrderOrOutOfRangeAreRefused) {
  std::string file = ManifestHeader();
  for (const RowRuns& bad : {RowRuns{RowRun{5, 9}, RowRun{2, 3}}, RowRuns{RowRun{1, 2}, RowRun{2, 3}},
                             RowRuns{RowRun{4, 4}}, RowRuns{RowRun{0, uint64_t{1} << 33}}}) {
    ManifestEdit edit;
    edit.ops.push_back(ManifestOp::Supersede("t", "all_1_1_0", bad));
    EXPECT_STATUS(EncodeManifestRecord(&file, edit), absl::StatusCode::kInvalidArgument, "superseded rows");
  }
  auto record = [](const std::string& runs) {
    std::string payload;
    PutVarint64(&payload, 1);
    PutFixed8(&payload, 8);
    PutLengthPrefixed(&payload, "t");
    PutLengthPrefixed(&payload, "all_1_1_0");
    payload.append(runs);
    std::string out = ManifestHeader();
    PutFixed32(&out, static_cast<uint32_t>(payload.size()));
    PutFixed64(&out, Checksum(payload));
    return out + payload;
  };
  std::string joined;  // two runs with a gap of 0 between them: one run split in two
  PutVarint64(&joined, 2);
  PutVarint64(&joined, 0), PutVarint64(&joined, 0);
  PutVarint64(&joined, 0), PutVarint64(&joined, 0);
  EXPECT_STATUS(DecodeManifest(AsBytes(record(joined)), "MANIFEST"), absl::StatusCode::kDataLoss, "superseded run");
  std::string huge;  // past the u32 rows of a part
  PutVarint64(&huge, 1);
  PutVarint64(&huge, 0), PutVarint64(&huge, uint64_t{1} << 40);
  EXPECT_STATUS(DecodeManifest(AsBytes(record(huge)), "MANIFEST"), absl::StatusCode::kDataLoss, "superseded run");
  std::string count;  // more runs than bytes left
  PutVarint64(&count, 1000);
  EXPECT_STATUS(DecodeManifest(AsBytes(record(count)), "MANIFEST"), absl::StatusCode::kDataLoss, "run count");
  std::string fine;
  PutVarint64(&fine, 2);
  PutVarint64(&fine, 3), PutVarint64(&fine, 1);  // rows 3, 4
  PutVarint64(&fine, 1), PutVarint64(&fine, 0);  // row 6
  ASSERT_OK_AND_ASSIGN(ManifestContents got, DecodeManifest(AsBytes(record(fine)), "MANIFEST"));
  EXPECT_EQ(got.edits[0].ops[0].superseded, (RowRuns{RowRun{3, 5}, RowRun{6, 7}}));
}

TEST(ManifestFormatTest, ViewsAndTokensAreCheckedBothWays) {
  std::string out;
  EXPECT_STATUS(EncodeManifestRecord(&out, {{ManifestOp::CreateView("v", ViewDef{"s", "", "SELECT 1", false, {}})}}),
                absl::StatusCode::kInvalidArgument, "create view 'v'");
  EXPECT_STATUS(EncodeManifestRecord(&out, {{ManifestOp::InsertToken("t", "short", 1)}}),
                absl::StatusCode::kInvalidArgument, "an insert token of 5 bytes");
  EXPECT_TRUE(out.empty());
  // A view record with a field this build must understand but does not know.
  std::string view;
  PutField(&view, view_tag::kSource, "s");
  PutField(&view, view_tag::kTarget, "t");
  PutField(&view, view_tag::kSelect, "SELECT 1");
  PutField(&view, 12, "new");
  std::string payload;
  PutVarint64(&payload, 1);
  PutFixed8(&payload, static_cast<uint8_t>(ManifestOp::Kind::kCreateView));
  PutLengthPrefixed(&payload, "v");
  PutLengthPrefixed(&payload, view);
  std::string file = ManifestHeader();
  PutFixed32(&file, static_cast<uint32_t>(payload.size()));
  PutFixed64(&file, Checksum(payload));
  file += payload;
  EXPECT_STATUS(DecodeManifest(AsBytes(file), "MANIFEST"), absl::StatusCode::kUnimplemented,
                "view 'v': field 12 is unknown");
  // Without its SELECT it is damage.
  view.clear();
  PutField(&view, view_tag::kSource, "s");
  PutField(&view, view_tag::kTarget, "t");
  payload.clear();
  PutVarint64(&payload, 1);
  PutFixed8(&payload, static_cast<uint8_t>(ManifestOp::Kind::kCreateView));
  PutLengthPrefixed(&payload, "v");
  PutLengthPrefixed(&payload, view);
  file = ManifestHeader();
  PutFixed32(&file, static_cast<uint32_t>(payload.size()));
  PutFixed64(&file, Checksum(payload));
  file += payload;
  EXPECT_STATUS(DecodeManifest(AsBytes(file), "MANIFEST"), absl::StatusCode::kDataLoss, "are required");
}

TEST(ManifestFormatTest, UnknownOperationKindIsUnimplemented) {
  // A record holding one operation of kind 200, framed with a valid checksum.
  std::string payload;
  PutVarint64(&payload, 1);
  PutFixed8(&payload, 200);
  PutLengthPrefixed(&payload, "t");
  std::string file = ManifestHeader();
  PutFixed32(&file, static_cast<uint32_t>(payload.size()));
  PutFixed64(&file, Checksum(payload));
  file += payload;
  EXPECT_STATUS(DecodeManifest(AsBytes(file), "MANIFEST"), absl::StatusCode::kUnimplemented,
                "unknown manifest op 200");
}

TEST(ManifestFormatTest, EachVersionReadsItsOwnRecords) {
  for (uint16_t version : {1, 2}) {
    SCOPED_TRACE(version);
    std::string file = ManifestHeader(version);
    EXPECT_EQ(LoadFixed32(AsBytes(file).data() + 4) & 0xffff, version);
    ASSERT_OK(EncodeManifestRecord(&file, EveryKind(), version));
    ASSERT_OK_AND_ASSIGN(ManifestContents got, DecodeManifest(AsBytes(file), "MANIFEST"));
    EXPECT_EQ(got.version, version);
    ASSERT_EQ(got.edits.size(), 1u);
    EXPECT_EQ(got.edits[0].ops[1].schema.columns[1].default_expr, "toDate(time)");
    // Read as the other version, the schema bytes are damage, not a different schema.
    std::string other = file;
    other[4] = static_cast<char>(3 - version);
    EXPECT_STATUS(DecodeManifest(AsBytes(other), "MANIFEST"), absl::StatusCode::kDataLoss,
                  "table 'metering.events': schema");
  }
}

// ALTER TABLE ... ADD INDEX: the new schema's skip indexes need version 2, as at CREATE.
TEST(ManifestFormatTest, AnAlteredSchemaRoundTripsAndItsIndexesNeedVersionTwo) {
  ManifestEdit edit = EveryKind();
  edit.ops[2].schema.skip_indexes = {{"day_mm", "day", "minmax", 2, {}}, {"t_tok", "lower(t)", "tokenbf_v1(512, 2, 0)", 1, {}}};
  EXPECT_EQ(MinManifestVersion(edit), 2);
  std::string v1 = ManifestHeader(1);
  EXPECT_STATUS(EncodeManifestRecord(&v1, edit, 1), absl::StatusCode::kInvalidArgument,
                "alter table 'metering.events': manifest version 1 cannot hold");
  std::string file = ManifestHeader();
  ASSERT_OK(EncodeManifestRecord(&file, edit));
  ASSERT_OK_AND_ASSIGN(ManifestContents got, DecodeManifest(AsBytes(file), "MANIFEST"));
  EXPECT_EQ(got.edits[0].ops[2].schema.skip_indexes, edit.ops[2].schema.skip_indexes);
}

TEST(ManifestFormatTest, VersionOneCannotHoldAVersionTwoSchema) {
  ManifestEdit edit = EveryKind();
  EXPECT_EQ(MinManifestVersion(edit), 1);
  edit.ops[1].schema.comment = "a comment";
  EXPECT_EQ(MinManifestVersion(edit), 2);
  std::string file = ManifestHeader(1);
  const std::string before = file;
  EXPECT_STATUS(EncodeManifestRecord(&file, edit, 1), absl::StatusCode::kInvalidArgument,
                "create table 'metering.events': manifest version 1 cannot hold");
  EXPECT_EQ(file, before);
  ASSERT_OK(EncodeManifestRecord(&file, edit, 2));
  EXPECT_STATUS(EncodeManifestRecord(&file, edit, 3), absl::StatusCode::kInvalidArgument, "no manifest version 3");
}

TEST(ManifestFormatTest, NewerVersionIsUnimplemented) {
  std::string file = ManifestHeader(kManifestVersion + 1);
  EXPECT_STATUS(DecodeManifest(AsBytes(file), "MANIFEST"), absl::StatusCode::kUnimplemented,
                "manifest version 3 is newer than this build's 2");
  EXPECT_STATUS(DecodeManifest(AsBytes(file), "MANIFEST", ManifestReadMode::kSalvage),
                absl::StatusCode::kUnimplemented, "newer");
}

}  // namespace
}  // namespace tally::format
