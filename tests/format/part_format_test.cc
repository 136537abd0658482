// Tests for format/part_format.h: the envelope, part metadata, marks, primary index and
// dictionary files, their golden bytes, and corrupt, truncated and newer files.
#include "format/part_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "format/block.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

DataTypePtr T(absl::string_view text) {
  auto t = ParseDataType(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

CodecChain Chain(absl::string_view text) {
  auto c = ParseCodecChain(text);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

ColumnMeta Col(std::string name, absl::string_view type, absl::string_view codecs,
               std::vector<LowCardinalityPlan> plans = {}) {
  ColumnMeta c;
  c.name = std::move(name);
  c.type = T(type);
  c.codecs = Chain(codecs);
  c.lc_plans = std::move(plans);
  return c;
}

PartMeta RichMeta() {
  PartMeta m;
  m.name = "202610_3_7_1";
  m.partition_id = "202610";
  m.partition_value = {Value::UInt(202610), Value::String("eu-west"), Value::Null(),
                       Value::Int(std::numeric_limits<int64_t>::min()),
                       Value::Float(std::numeric_limits<double>::quiet_NaN()),
                       Value::Array({Value::Int(-1), Value::Array({})}),
                       Value::Map({Value::String("k"), Value::Float(-0.0)})};
  m.min_block = 3;
  m.max_block = 7;
  m.level = 1;
  m.rows = 3 * 8192 + 5;
  m.granules = 4;
  m.sort_key = {"host", "time"};
  ColumnMeta time = Col("time", "DateTime('UTC')", "Delta, ZSTD(1)");
  time.has_min_max = true;
  time.min = Value::UInt(1700000000);
  time.max = Value::UInt(1700086399);
  m.columns.push_back(time);
  m.columns.push_back(Col("host", "LowCardinality(String)", "ZSTD(1)", {{true, 1, 17}}));
  m.columns.push_back(Col("tags", "Map(LowCardinality(String), LowCardinality(Nullable(String)))",
                          "ZSTD(3)", {{true, 2, 300}, {false, 0, 0}}));
  m.columns.push_back(Col("big dict", "Array(LowCardinality(String))", "ZSTD(1)",
                          {{true, 4, 100000}}));
  ColumnMeta value = Col("value", "Float64", "Gorilla, ZSTD(1)");
  value.has_min_max = true;
  value.min = Value::Float(-std::numeric_limits<double>::infinity());
  value.max = Value::Float(1.5);
  m.columns.push_back(value);
  m.columns.push_back(Col("id", "UUID", "None"));
  m.columns.push_back(Col("n", "Nullable(Int32)", "Delta"));
  m.files = {{"time.bin", 123456, 0x0123456789abcdefu},
             {"time.mrk", 64, 0xfedcba9876543210u},
             {"host.dict", 0, 0},
             {"primary.idx", 99, 42}};
  return m;
}

void ExpectSameMeta(const PartMeta& a, const PartMeta& b) {
  EXPECT_EQ(a.format_version, b.format_version);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.partition_id, b.partition_id);
  EXPECT_EQ(a.partition_value, b.partition_value);
  EXPECT_EQ(a.min_block, b.min_block);
  EXPECT_EQ(a.max_block, b.max_block);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.granules, b.granules);
  EXPECT_EQ(a.sort_key, b.sort_key);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t i = 0; i < a.columns.size(); ++i) {
    SCOPED_TRACE(a.columns[i].name);
    EXPECT_EQ(a.columns[i].name, b.columns[i].name);
    EXPECT_TRUE(a.columns[i].type->Equals(*b.columns[i].type)) << b.columns[i].type->ToString();
    EXPECT_EQ(a.columns[i].codecs, b.columns[i].codecs);
    EXPECT_EQ(a.columns[i].lc_plans, b.columns[i].lc_plans);
    EXPECT_EQ(a.columns[i].has_min_max, b.columns[i].has_min_max);
    EXPECT_EQ(a.columns[i].min, b.columns[i].min);
    EXPECT_EQ(a.columns[i].max, b.columns[i].max);
  }
  ASSERT_EQ(a.files.size(), b.files.size());
  for (size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(a.files[i].name, b.files[i].name);
    EXPECT_EQ(a.files[i].size, b.files[i].size);
    EXPECT_EQ(a.files[i].xxh3, b.files[i].xxh3);
  }
}

TEST(PartFormatTest, PartMetaRoundTrips) {
  const PartMeta meta = RichMeta();
  const std::string file = EncodePartMeta(meta);
  ASSERT_OK_AND_ASSIGN(PartMeta back, DecodePartMeta(AsBytes(file), "part.meta"));
  ExpectSameMeta(meta, back);
  EXPECT_EQ(EncodePartMeta(back), file);  // deterministic
  ASSERT_NE(back.FindColumn("tags"), nullptr);
  EXPECT_EQ(back.FindColumn("tags")->lc_plans.size(), 2u);
  EXPECT_EQ(back.FindColumn("nope"), nullptr);

  PartMeta empty;  // an empty part: no rows, no granules, no columns
  ASSERT_OK_AND_ASSIGN(back, DecodePartMeta(AsBytes(EncodePartMeta(empty)), "part.meta"));
  ExpectSameMeta(empty, back);
}

TEST(PartFormatTest, ColumnWithoutDeclaredCodecsRoundTrips) {
  PartMeta meta;
  ColumnMeta c;
  c.name = "plain";
  c.type = T("String");  // codecs left empty: "none declared"
  meta.columns.push_back(c);
  ASSERT_OK_AND_ASSIGN(PartMeta back, DecodePartMeta(AsBytes(EncodePartMeta(meta)), "part.meta"));
  ExpectSameMeta(meta, back);
}

TEST(PartFormatTest, PartMetaInvariantsAreCheckedOnRead) {
  struct Case {
    std::function<void(PartMeta*)> mutate;
    const char* message;
  };
  const Case cases[] = {
      {[](PartMeta* m) { m->columns.push_back(m->columns[0]); }, "duplicate 'time'"},
      {[](PartMeta* m) { m->min_block = 8; }, "min block above max block"},
      {[](PartMeta* m) { m->granules = m->rows + 1; }, "granules for"},
      {[](PartMeta* m) { m->granules = 0; }, "0 granules for 24581 rows"},
      {[](PartMeta* m) { m->sort_key.push_back("missing"); }, "unknown column 'missing'"},
      {[](PartMeta* m) { m->columns[1].lc_plans.clear(); }, "0 plans for type"},
      {[](PartMeta* m) { m->columns[0].lc_plans.push_back({}); }, "1 plans for type DateTime"},
      {[](PartMeta* m) { m->columns[1].lc_plans[0].index_width = 2; }, "width 2 for 17 entries"},
      {[](PartMeta* m) { m->columns[2].lc_plans[0].dictionary_size = 70000; },
       "width 2 for 70000 entries"},
      {[](PartMeta* m) { m->columns[0].type = DataType::Make(static_cast<TypeId>(99)); },
       "column type"},
      {[](PartMeta* m) { m->columns[0].codecs = {CodecSpec{static_cast<CodecId>(77), 0}}; },
       "column codecs"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    PartMeta meta = RichMeta();
    c.mutate(&meta);
    auto decoded = DecodePartMeta(AsBytes(EncodePartMeta(meta)), "part 202610_3_7_1");
    EXPECT_STATUS(decoded, absl::StatusCode::kDataLoss, c.message);
    EXPECT_STATUS(decoded, absl::StatusCode::kDataLoss, "part 202610_3_7_1: offset ");
  }
}

// --- Marks, primary index, dictionaries ----------------------------------------------

TEST(PartFormatTest, MarksRoundTrip) {
  const std::vector<std::vector<Mark>> cases = {
      {},
      {{8, 0}},
      {{8, 0}, {8, 8192}, {4096, 0}, {4096, 1}, {uint64_t{1} << 40, 0xffffffffu}},
  };
  for (const auto& marks : cases) {
    ASSERT_OK_AND_ASSIGN(auto back, DecodeMarks(AsBytes(EncodeMarks(marks)), "x.mrk"));
    EXPECT_EQ(back, marks);
  }
  EXPECT_STATUS(DecodeMarks(AsBytes(EncodeMarks(std::vector<Mark>{{8, 5}, {8, 5}})), "x.mrk"),
                absl::StatusCode::kDataLoss, "mark 1 does not advance");
  EXPECT_STATUS(DecodeMarks(AsBytes(EncodeMarks(std::vector<Mark>{{100, 0}, {99, 9}})), "x.mrk"),
                absl::StatusCode::kDataLoss, "mark 1 does not advance");
  EXPECT_STATUS(DecodeMarks(AsBytes(EncodeMarks(std::vector<Mark>{{7, 0}})), "x.mrk"),
                absl::StatusCode::kDataLoss, "offset inside the file header");
}

PrimaryIndex SmallIndex() {
  PrimaryIndex idx;
  idx.granule_starts = {0, 8192, 10000};
  idx.keys = {{Value::Int(-1), Value::Int(5), Value::Int(70)},
              {Value::String("a"), Value::String("b"), Value::String("c")}};
  return idx;
}

TEST(PartFormatTest, PrimaryIndexRoundTrips) {
  PrimaryIndex rich;
  rich.granule_starts = {0, 8192, 16384, 16385, uint64_t{1} << 40};
  rich.keys.resize(3);
  for (size_t g = 0; g < rich.granule_starts.size(); ++g) {
    rich.keys[0].push_back(Value::UInt(g * 1000));
    rich.keys[1].push_back(g == 2 ? Value::Null() : Value::String(std::string(g * 100, 'k')));
    rich.keys[2].push_back(Value::Array({Value::Float(g == 3 ? NAN : 0.5 * g)}));
  }
  PrimaryIndex single;
  single.granule_starts = {0, 1};
  single.keys = {{Value::Int(7), Value::Int(7)}};
  PrimaryIndex empty_part;  // no granules: only the row count entry, 0
  empty_part.granule_starts = {0};
  empty_part.keys = {{Value::Null()}};
  for (const PrimaryIndex& idx : {SmallIndex(), rich, single, empty_part}) {
    ASSERT_OK_AND_ASSIGN(PrimaryIndex back,
                         DecodePrimaryIndex(AsBytes(EncodePrimaryIndex(idx)), "primary.idx"));
    EXPECT_EQ(back.granule_starts, idx.granule_starts);
    EXPECT_EQ(back.keys, idx.keys);
    EXPECT_EQ(back.granules(), idx.granule_starts.size() - 1);
  }
  PrimaryIndex gap = SmallIndex();
  gap.granule_starts = {0, 8192, 8192, 10000};
  gap.keys = {{Value::Null(), Value::Null(), Value::Null(), Value::Null()}};
  EXPECT_STATUS(DecodePrimaryIndex(AsBytes(EncodePrimaryIndex(gap)), "primary.idx"),
                absl::StatusCode::kDataLoss, "empty granule");
  PrimaryIndex late = SmallIndex();
  late.granule_starts[0] = 3;
  EXPECT_STATUS(DecodePrimaryIndex(AsBytes(EncodePrimaryIndex(late)), "primary.idx"),
                absl::StatusCode::kDataLoss, "first granule does not start at row 0");
}

std::shared_ptr<const Column> Dictionary(std::vector<std::string> entries) {
  auto dict = std::make_shared<Column>(Column::Make(T("String")));
  for (const std::string& e : entries) dict->AppendString(e);
  return dict;
}

std::vector<std::shared_ptr<const Column>> SomeDictionaries() {
  std::vector<std::string> big;
  for (int i = 0; i < 1000; ++i) big.push_back(absl::StrCat("host-", 100000 + i * 7));
  return {Dictionary({"", "", "a", "b"}), Dictionary({}), Dictionary(big),
          Dictionary({std::string(70000, 'z')})};
}

TEST(PartFormatTest, DictionariesRoundTrip) {
  const auto cases = {SomeDictionaries(), std::vector<std::shared_ptr<const Column>>{}};
  for (const auto& dicts : cases) {
    ASSERT_OK_AND_ASSIGN(std::string file, EncodeDictionaries(dicts));
    ASSERT_OK_AND_ASSIGN(auto back, DecodeDictionaries(AsBytes(file), "tags.dict"));
    ASSERT_EQ(back.size(), dicts.size());
    for (size_t k = 0; k < dicts.size(); ++k) {
      ASSERT_EQ(back[k]->size(), dicts[k]->size());
      EXPECT_OK(back[k]->Validate("dictionary"));
      for (size_t i = 0; i < dicts[k]->size(); ++i) {
        EXPECT_EQ(back[k]->StringAt(i), dicts[k]->StringAt(i));
      }
    }
  }
}

TEST(PartFormatTest, ValuesRoundTripBitExactly) {
  const double nan_payload = [] {
    uint64_t bits = 0x7ff8dead0000beefu;
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }();
  Value nested = Value::Array({});
  for (int i = 0; i < 30; ++i) nested = Value::Array({nested});
  const Value values[] = {
      Value::Null(), Value::UInt(0), Value::UInt(std::numeric_limits<uint64_t>::max()),
      Value::Int(std::numeric_limits<int64_t>::min()),
      Value::Int(std::numeric_limits<int64_t>::max()),
      Value::Int(-1), Value::Float(-0.0), Value::Float(nan_payload), Value::String(""),
      Value::String(std::string("\0\xff", 2)), nested,
      Value::Map({Value::String("k"), Value::Array({Value::Null()})})};
  for (const Value& v : values) {
    std::string bytes;
    EncodeValue(&bytes, v);
    ByteReader in(AsBytes(bytes), "value");
    ASSERT_OK_AND_ASSIGN(Value back, DecodeValue(&in));
    EXPECT_TRUE(in.done());
    EXPECT_EQ(back, v) << v.DebugString();
    std::string again;
    EncodeValue(&again, back);
    EXPECT_EQ(again, bytes);  // NaN payloads and -0.0 survive
  }
}

// --- Golden bytes: any change to these encodings is a format change. -----------------

constexpr char kGoldenMarks[] =
    "544c594b"          // magic "TLYK"
    "0100" "0000"       // version 1, reserved
    "2500000000000000"  // payload: 37 bytes
    "03"                // 3 marks: u64 block offset, u32 row in block
    "0800000000000000" "00000000"
    "0800000000000000" "00200000"
    "0010000000000000" "00000000"
    "fc57ea51bea55e12";  // XXH3 of everything before
constexpr char kGoldenPrimaryIndex[] =
    "544c5958"          // magic "TLYX"
    "0100" "0000"       // version 1, reserved
    "1700000000000000"  // payload: 23 bytes
    "02"                // 2 granules
    "00" "8040" "900e"  // granule start deltas: 0, 8192, 1808
    "02"                // 2 key columns, each granules + 1 values
    "0201" "020a" "028c01"        // Int -1, 5, 70 (zigzag varints)
    "040161" "040162" "040163"    // String 'a', 'b', 'c'
    "096e3fc550dcafa8";  // XXH3 of everything before

std::string Unhex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

TEST(PartFormatTest, GoldenMarksBytes) {
  const std::vector<Mark> marks = {{8, 0}, {8, 8192}, {4096, 0}};
  EXPECT_EQ(absl::BytesToHexString(EncodeMarks(marks)), kGoldenMarks);
  const std::string golden = Unhex(kGoldenMarks);
  ASSERT_OK_AND_ASSIGN(auto back, DecodeMarks(AsBytes(golden), "golden.mrk"));
  EXPECT_EQ(back, marks);
  EXPECT_EQ(LoadFixed64(AsBytes(golden).data() + golden.size() - 8),
            Checksum(absl::string_view(golden).substr(0, golden.size() - 8)));
}

TEST(PartFormatTest, GoldenPrimaryIndexBytes) {
  EXPECT_EQ(absl::BytesToHexString(EncodePrimaryIndex(SmallIndex())), kGoldenPrimaryIndex);
  ASSERT_OK_AND_ASSIGN(PrimaryIndex back,
                       DecodePrimaryIndex(AsBytes(Unhex(kGoldenPrimaryIndex)), "golden.idx"));
  EXPECT_EQ(back.granule_starts, SmallIndex().granule_starts);
  EXPECT_EQ(back.keys, SmallIndex().keys);
}

// --- Corruption of every small file --------------------------------------------------

struct FileCase {
  std::string name;
  FileKind kind;
  std::string bytes;
  std::function<absl::Status(absl::Span<const uint8_t>, absl::string_view)> decode;
};

std::vector<FileCase> AllFiles() {
  std::vector<FileCase> out;
  out.push_back({"part.meta", FileKind::kPartMeta, EncodePartMeta(RichMeta()),
                 [](auto f, auto w) { return DecodePartMeta(f, w).status(); }});
  out.push_back({"time.mrk", FileKind::kMarks,
                 EncodeMarks(std::vector<Mark>{{8, 0}, {8, 8192}, {900, 0}, {5000, 17}}),
                 [](auto f, auto w) { return DecodeMarks(f, w).status(); }});
  out.push_back({"primary.idx", FileKind::kPrimaryIndex, EncodePrimaryIndex(SmallIndex()),
                 [](auto f, auto w) { return DecodePrimaryIndex(f, w).status(); }});
  auto dicts = EncodeDictionaries(SomeDictionaries());
  EXPECT_OK(dicts);
  out.push_back({"tags.dict", FileKind::kDictionary, *dicts,
                 [](auto f, auto w) { return DecodeDictionaries(f, w).status(); }});
  return out;
}

// `what` as a reader would pass it, so the test can look for it in every message.
std::string What(const FileCase& f) {
  return absl::StrCat("part 202610_3_7_1: file '", f.name, "'");
}

TEST(PartFormatTest, EmptyAndTruncatedFilesAreDataLoss) {
  for (const FileCase& f : AllFiles()) {
    SCOPED_TRACE(f.name);
    ASSERT_OK(f.decode(AsBytes(f.bytes), What(f)));
    EXPECT_STATUS(f.decode({}, What(f)), absl::StatusCode::kDataLoss, What(f));
    const size_t stride = std::max<size_t>(1, f.bytes.size() / 2000);
    for (size_t len = 0; len < f.bytes.size(); len += stride) {
      EXPECT_STATUS(f.decode(AsBytes(f.bytes).first(len), What(f)), absl::StatusCode::kDataLoss,
                    What(f));
    }
    std::string longer = f.bytes + '\0';
    EXPECT_STATUS(f.decode(AsBytes(longer), What(f)), absl::StatusCode::kDataLoss, What(f));
  }
}

TEST(PartFormatTest, EveryBitFlipIsDataLoss) {
  for (const FileCase& f : AllFiles()) {
    SCOPED_TRACE(f.name);
    const size_t bits = f.bytes.size() * 8;
    const size_t stride = bits <= 8000 ? 1 : bits / 4000 + 1;  // odd-ish: varies the bit too
    for (size_t bit = 0; bit < bits; bit += stride) {
      std::string bad = f.bytes;
      bad[bit / 8] ^= static_cast<char>(1 << (bit % 8));
      EXPECT_STATUS(f.decode(AsBytes(bad), What(f)), absl::StatusCode::kDataLoss, What(f));
    }
  }
}

// Rewrites a header field and recomputes the XXH3 trailer, as a newer (or buggy) writer would.
std::string Patched(std::string file, size_t offset, absl::string_view bytes) {
  file.replace(offset, bytes.size(), bytes.data(), bytes.size());
  uint64_t sum = Checksum(absl::string_view(file).substr(0, file.size() - 8));
  std::memcpy(file.data() + file.size() - 8, &sum, 8);
  return file;
}

std::string U16(uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); }
std::string U64(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

TEST(PartFormatTest, NewerVersionsAreUnimplementedAndBadHeadersDataLoss) {
  for (const FileCase& f : AllFiles()) {
    SCOPED_TRACE(f.name);
    EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 4, U16(kFormatVersion + 1))), What(f)),
                  absl::StatusCode::kUnimplemented, "is newer than this build's");
    EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 4, U16(0xffff))), What(f)),
                  absl::StatusCode::kUnimplemented, What(f));
    EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 4, U16(0))), What(f)),
                  absl::StatusCode::kDataLoss, "version 0 does not exist");
    EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 6, U16(1))), What(f)),
                  absl::StatusCode::kDataLoss, "reserved");
    const uint64_t size = f.bytes.size() - kEnvelopeOverhead;
    EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 8, U64(size - 1))), What(f)),
                  absl::StatusCode::kDataLoss, "payload size");
    EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 8, U64(~uint64_t{0}))), What(f)),
                  absl::StatusCode::kDataLoss, "payload size");
    // Every other kind's magic.
    for (FileKind other : {FileKind::kPartMeta, FileKind::kMarks, FileKind::kPrimaryIndex,
                           FileKind::kDictionary, FileKind::kColumnData, FileKind::kManifest}) {
      if (other == f.kind) continue;
      std::string magic(4, '\0');
      uint32_t m = static_cast<uint32_t>(other);
      std::memcpy(magic.data(), &m, 4);
      EXPECT_STATUS(f.decode(AsBytes(Patched(f.bytes, 0, magic)), What(f)),
                    absl::StatusCode::kDataLoss, "magic");
    }
  }
}

// Well-formed envelopes around hostile payloads.
TEST(PartFormatTest, HostilePayloadsAreDataLoss) {
  const auto kDataLoss = absl::StatusCode::kDataLoss;
  auto wrap = [](FileKind kind, std::initializer_list<std::string> parts) {
    std::string payload;
    for (const std::string& p : parts) payload += p;
    return WrapEnvelope(kind, payload);
  };
  auto varint = [](uint64_t v) {
    std::string s;
    PutVarint64(&s, v);
    return s;
  };
  auto marks = [](const std::string& f) { return DecodeMarks(AsBytes(f), "m.mrk").status(); };
  auto index = [](const std::string& f) {
    return DecodePrimaryIndex(AsBytes(f), "p.idx").status();
  };
  auto dicts = [](const std::string& f) {
    return DecodeDictionaries(AsBytes(f), "d.dict").status();
  };

  EXPECT_STATUS(marks(wrap(FileKind::kMarks, {varint(1000), std::string(12, '\0')})), kDataLoss,
                "1000 marks do not fit");
  EXPECT_STATUS(marks(wrap(FileKind::kMarks, {varint(uint64_t{1} << 62)})), kDataLoss,
                "do not fit");
  EXPECT_STATUS(marks(wrap(FileKind::kMarks, {std::string(10, '\xff')})), kDataLoss, "varint");
  EXPECT_STATUS(marks(wrap(FileKind::kMarks, {varint(0), "x"})), kDataLoss,
                "1 unexpected trailing bytes");
  EXPECT_STATUS(marks(wrap(FileKind::kMarks, {})), kDataLoss, "truncated varint");

  EXPECT_STATUS(index(wrap(FileKind::kPrimaryIndex, {varint(uint64_t{1} << 50), "\0\0"})),
                kDataLoss, "too large for the file");
  EXPECT_STATUS(index(wrap(FileKind::kPrimaryIndex, {varint(0), varint(0), varint(65)})),
                kDataLoss, "65 is more than 64");
  EXPECT_STATUS(index(wrap(FileKind::kPrimaryIndex, {varint(0), varint(0), varint(1), "\x09"})),
                kDataLoss, "unknown kind 9");
  EXPECT_STATUS(index(wrap(FileKind::kPrimaryIndex,
                           {varint(0), varint(0), varint(1), "\x05", varint(1000000), "\0"})),
                kDataLoss, "count exceeds the bytes left");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += std::string("\x05\x01", 2);
  EXPECT_STATUS(index(wrap(FileKind::kPrimaryIndex, {varint(0), varint(0), varint(1), deep})),
                kDataLoss, "nested too deeply");
  std::string long_deep;  // deep enough to overflow a stack if recursion were unbounded
  for (int i = 0; i < 100000; ++i) long_deep += std::string("\x05\x01", 2);
  EXPECT_STATUS(index(wrap(FileKind::kPrimaryIndex, {varint(0), varint(0), varint(1), long_deep})),
                kDataLoss, "nested too deeply");

  EXPECT_STATUS(dicts(wrap(FileKind::kDictionary, {varint(65)})), kDataLoss, "65 is more than 64");
  EXPECT_STATUS(dicts(wrap(FileKind::kDictionary, {varint(2)})), kDataLoss, "d.dict");
  std::string one_stream;  // a block with one stream where a dictionary has two
  const std::string raw = "abc";
  BlockStreamInput input;
  input.raw = AsBytes(raw);
  input.chain = {CodecSpec{CodecId::kNone, 0}};
  ASSERT_OK(EncodeBlock(3, {&input, 1}, &one_stream));
  EXPECT_STATUS(dicts(wrap(FileKind::kDictionary, {varint(1), one_stream})), kDataLoss,
                "block has 1 streams");
  EXPECT_STATUS(dicts(wrap(FileKind::kDictionary, {varint(1), one_stream.substr(0, 20)})),
                kDataLoss, "truncated");
}

// --- Data file header and names ------------------------------------------------------

TEST(PartFormatTest, DataFileHeader) {
  const std::string header = DataFileHeader();
  EXPECT_EQ(absl::BytesToHexString(header), "544c594201000000");
  EXPECT_EQ(header.size(), kDataFileHeaderBytes);
  EXPECT_OK(CheckDataFileHeader(AsBytes(header), "c.bin"));
  EXPECT_OK(CheckDataFileHeader(AsBytes(header + "block bytes"), "c.bin"));
  EXPECT_STATUS(CheckDataFileHeader({}, "c.bin"), absl::StatusCode::kDataLoss, "c.bin");
  EXPECT_STATUS(CheckDataFileHeader(AsBytes(header.substr(0, 7)), "c.bin"),
                absl::StatusCode::kDataLoss, "c.bin");
  EXPECT_STATUS(CheckDataFileHeader(AsBytes(Unhex("544c594d01000000")), "c.bin"),
                absl::StatusCode::kDataLoss, "not a column data file");
  EXPECT_STATUS(CheckDataFileHeader(AsBytes(Unhex("544c594200000000")), "c.bin"),
                absl::StatusCode::kDataLoss, "version 0");
  EXPECT_STATUS(CheckDataFileHeader(AsBytes(Unhex("544c594202000000")), "c.bin"),
                absl::StatusCode::kUnimplemented, "newer");
  EXPECT_STATUS(CheckDataFileHeader(AsBytes(Unhex("544c594201000100")), "c.bin"),
                absl::StatusCode::kDataLoss, "reserved");
}

TEST(PartFormatTest, ColumnFileBaseEscapesEverythingButWordCharacters) {
  EXPECT_EQ(ColumnFileBase("time"), "time");
  EXPECT_EQ(ColumnFileBase("Event_Type2"), "Event_Type2");
  EXPECT_EQ(ColumnFileBase(""), "");
  EXPECT_EQ(ColumnFileBase("a.b"), "a%2Eb");
  EXPECT_EQ(ColumnFileBase("x y"), "x%20y");
  EXPECT_EQ(ColumnFileBase("50%"), "50%25");
  EXPECT_EQ(ColumnFileBase("../etc/passwd"), "%2E%2E%2Fetc%2Fpasswd");
  EXPECT_EQ(ColumnFileBase("\xc3\xa9t\xc3\xa9"), "%C3%A9t%C3%A9");
  EXPECT_EQ(ColumnFileBase(std::string("a\0b", 3)), "a%00b");
  EXPECT_EQ(ColumnFileBase("tags.key"), "tags%2Ekey");
  // Distinct names never share files.
  EXPECT_NE(ColumnFileBase("a.b"), ColumnFileBase("a_b"));
  EXPECT_NE(ColumnFileBase("a%2Eb"), ColumnFileBase("a.b"));
}

TEST(PartFormatTest, PartNameJoinsItsFields) {
  EXPECT_EQ(PartName("202610", 3, 7, 1), "202610_3_7_1");
  EXPECT_EQ(PartName("all", 0, 0, 0), "all_0_0_0");
  constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(PartName("x", kMax64, kMax64, std::numeric_limits<uint32_t>::max()),
            "x_18446744073709551615_18446744073709551615_4294967295");
}

}  // namespace
}  // namespace tally::format

namespace tally::format {
namespace {

TEST(PartNameTest, ParsesWhatPartNameWritesAndRejectsTheRest) {
  for (const auto& [partition, lo, hi, level] :
       std::vector<std::tuple<std::string, uint64_t, uint64_t, uint32_t>>{
           {"202610", 1, 1, 0}, {"all", 3, 17, 2}, {"a_b_c", 0, 18446744073709551615ull, 4294967295u}}) {
    PartNameFields f;
    ASSERT_TRUE(ParsePartName(PartName(partition, lo, hi, level), &f)) << PartName(partition, lo, hi, level);
    EXPECT_EQ(f.partition_id, partition);
    EXPECT_EQ(f.min_block, lo);
    EXPECT_EQ(f.max_block, hi);
    EXPECT_EQ(f.level, level);
  }
  PartNameFields f;
  for (const char* bad : {"", "all", "all_1_1", "_1_1_0", "all_2_1_0", "all_1_1_x", "all_1_1_4294967296",
                          "all_1__0", "broken"}) {
    EXPECT_FALSE(ParsePartName(bad, &f)) << bad;
  }
}

}  // namespace
}  // namespace tally::format
