// Tests for format/column_streams.h against corrupt blocks: bit flips and truncations
// (caught by the block checksum), and well-framed blocks whose streams disagree with the
// column's type or plans (caught by ColumnStreamReader). Hostile bytes give DataLoss,
// never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/block.h"
#include "format/coding.h"
#include "format/column_streams.h"
#include "tests/format/column_streams_test_util.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

using namespace stream_test;  // NOLINT: test helpers

// --- Corruption ----------------------------------------------------------------------

struct EncodedBlock {
  Prepared p;
  std::string bytes;
};

EncodedBlock Encode(absl::string_view type, absl::string_view chain, size_t rows, uint64_t seed) {
  Rng rng(seed);
  EncodedBlock b{Prepare(RandomColumn(T(type), rows, rng)), ""};
  WriteBlock(b.p, Chain(chain), 0, rows, rng, &b.bytes);
  return b;
}

std::vector<EncodedBlock> CorruptionSubjects() {
  std::vector<EncodedBlock> out;
  out.push_back(Encode("Map(LowCardinality(String), String)", "ZSTD(1)", 300, 1));
  out.push_back(Encode("Nullable(Int64)", "Delta, ZSTD(1)", 300, 2));
  out.push_back(Encode("Float64", "Gorilla", 200, 3));
  out.push_back(Encode("Array(Nullable(String))", "None", 100, 4));
  out.push_back(Encode("LowCardinality(Nullable(String))", "None", 5, 5));
  return out;
}

// Decoding `bytes` fails with DataLoss naming the file; never crashes.
void ExpectDataLoss(const EncodedBlock& b, const std::string& bytes, const std::string& trace) {
  DecodedBlock block;
  auto used = DecodeBlock(AsBytes(bytes), "victim.bin", 0, &block);
  if (used.ok()) {
    ADD_FAILURE() << trace << ": corrupt block decoded";
    ColumnStreamReader reader(b.p.column.type, b.p.plans, b.p.dicts);
    (void)reader.Read(&block, "victim.bin");
    return;
  }
  EXPECT_EQ(used.status().code(), absl::StatusCode::kDataLoss) << trace << ": " << used.status();
  EXPECT_NE(used.status().message().find("victim.bin"), absl::string_view::npos) << trace;
}

TEST(ColumnStreamsTest, EveryBitFlipIsDataLoss) {
  for (const EncodedBlock& b : CorruptionSubjects()) {
    SCOPED_TRACE(b.p.column.type->ToString());
    const size_t stride = std::max<size_t>(1, b.bytes.size() / 1500);
    for (size_t i = 0; i < b.bytes.size(); i += stride) {
      std::string bad = b.bytes;
      bad[i] ^= static_cast<char>(1 << (i % 8));
      ExpectDataLoss(b, bad, absl::StrCat("flip at ", i));
      bad[i] = static_cast<char>(~b.bytes[i]);
      ExpectDataLoss(b, bad, absl::StrCat("invert at ", i));
    }
  }
}

TEST(ColumnStreamsTest, EveryTruncationIsDataLossAndTrailingBytesAreIgnored) {
  for (const EncodedBlock& b : CorruptionSubjects()) {
    SCOPED_TRACE(b.p.column.type->ToString());
    const size_t stride = std::max<size_t>(1, b.bytes.size() / 1500);
    for (size_t len = 0; len < b.bytes.size(); len += stride) {
      ExpectDataLoss(b, b.bytes.substr(0, len), absl::StrCat("length ", len));
    }
    DecodedBlock block;
    ASSERT_OK_AND_ASSIGN(size_t used, DecodeBlock(AsBytes(b.bytes + "trailing"), "f", 0, &block));
    EXPECT_EQ(used, b.bytes.size());
  }
}

// Past the checksum: streams that are well framed but inconsistent with the type.
absl::Status ReadRaw(absl::string_view type, const std::vector<LowCardinalityPlan>& plans,
                     const Dicts& dicts, uint32_t rows, const std::vector<std::string>& raw) {
  std::vector<BlockStreamInput> inputs;
  for (const std::string& s : raw) {
    BlockStreamInput input;
    input.raw = AsBytes(s);
    input.chain = {CodecSpec{CodecId::kNone, 0}};
    inputs.push_back(std::move(input));
  }
  std::string bytes;
  absl::Status s = EncodeBlock(rows, inputs, &bytes);
  if (!s.ok()) return s;
  DecodedBlock block;
  auto used = DecodeBlock(AsBytes(bytes), "raw.bin", 0, &block);
  if (!used.ok()) return used.status();
  return ColumnStreamReader(T(type), plans, dicts).Read(&block, "raw.bin").status();
}

std::string U32s(std::initializer_list<uint32_t> v) {
  std::string out;
  for (uint32_t x : v) PutFixed32(&out, x);
  return out;
}

TEST(ColumnStreamsTest, InconsistentStreamsAreDataLoss) {
  const auto kDataLoss = absl::StatusCode::kDataLoss;
  auto dict = std::make_shared<Column>(Column::Make(T("String")));
  for (const char* s : {"a", "b", "c"}) dict->AppendString(s);
  const Dicts dicts = {dict};
  const LowCardinalityPlan dict1{true, 1, 3}, dict2{true, 2, 3}, plain{false, 0, 0};

  EXPECT_STATUS(ReadRaw("UInt32", {}, {}, 10, {std::string(39, 'x')}), kDataLoss,
                "raw.bin: stream 0 (values) holds 39 bytes, expected 40");
  EXPECT_STATUS(ReadRaw("UInt32", {}, {}, 1, {"abcd", "efgh"}), kDataLoss,
                "block has 2 streams, the column's type needs 1");
  EXPECT_STATUS(ReadRaw("Bool", {}, {}, 3, {std::string("\0\1\2", 3)}), kDataLoss,
                "row 2: Bool value 2");
  EXPECT_STATUS(ReadRaw("String", {}, {}, 2, {U32s({1, 5}), "abc"}), kDataLoss,
                "stream 1 (chars) holds 3 bytes, expected 6");
  EXPECT_STATUS(ReadRaw("String", {}, {}, 2, {U32s({1}), "a"}), kDataLoss, "(lengths)");
  EXPECT_STATUS(ReadRaw("Nullable(Int8)", {}, {}, 2, {std::string("\0\3", 2), "ab"}), kDataLoss,
                "row 1: null flag 3");
  EXPECT_STATUS(ReadRaw("Array(UInt64)", {}, {}, 2, {U32s({0xffffffff, 0xffffffff}), "x"}),
                kDataLoss, "expected 68719476720");
  EXPECT_STATUS(ReadRaw("Array(Array(String))", {}, {}, 1, {U32s({0xffffffff}), "", "", ""}),
                kDataLoss, "(lengths)");
  EXPECT_STATUS(ReadRaw("LowCardinality(String)", {dict1}, dicts, 3, {std::string("\0\2\3", 3)}),
                kDataLoss, "dictionary index 3 past the dictionary's 3 entries");
  EXPECT_STATUS(ReadRaw("LowCardinality(String)", {dict2}, dicts, 3, {std::string("\0\1\2", 3)}),
                kDataLoss, "(indexes) holds 3 bytes, expected 6");
  EXPECT_STATUS(ReadRaw("LowCardinality(Nullable(String))", {plain}, {nullptr}, 2,
                        {std::string(3, '\0'), U32s({0, 0}), ""}),
                kDataLoss, "(nulls) holds 3 bytes, expected 2");
}

TEST(ColumnStreamsTest, BlocksReadWithTheWrongPlansAreDataLoss) {
  Rng rng(5);
  Column column = LowCardinalityColumn("LowCardinality(String)", 100, 20, rng);
  Prepared plain = Prepare(column, 10);
  Prepared dict = Prepare(column);
  std::string plain_block, dict_block;
  WriteBlock(plain, Chain("ZSTD(1)"), 0, 100, rng, &plain_block);
  WriteBlock(dict, Chain("ZSTD(1)"), 0, 100, rng, &dict_block);
  auto read = [&](const std::string& bytes, std::vector<LowCardinalityPlan> plans, Dicts dicts) {
    DecodedBlock block;
    EXPECT_OK(DecodeBlock(AsBytes(bytes), "wrong.bin", 0, &block));
    return ColumnStreamReader(column.type, plans, dicts).Read(&block, "wrong.bin");
  };
  EXPECT_STATUS(read(plain_block, dict.plans, dict.dicts), absl::StatusCode::kDataLoss,
                "block has 2 streams, the column's type needs 1");
  EXPECT_STATUS(read(dict_block, plain.plans, plain.dicts), absl::StatusCode::kDataLoss,
                "block has 1 streams, the column's type needs 2");
  EXPECT_STATUS(read(dict_block, {LowCardinalityPlan{true, 2, 20}}, dict.dicts),
                absl::StatusCode::kDataLoss, "(indexes) holds 100 bytes, expected 200");
  auto small = std::make_shared<Column>(Column::Make(T("String")));
  small->AppendString("only");
  EXPECT_STATUS(read(dict_block, dict.plans, {small}), absl::StatusCode::kDataLoss,
                "past the dictionary's 1 entries");

  // The same bytes under another type.
  Prepared ints = Prepare(RandomColumn(T("Nullable(Int32)"), 50, rng));
  std::string ints_block;
  WriteBlock(ints, Chain("None"), 0, 50, rng, &ints_block);
  DecodedBlock block;
  ASSERT_OK(DecodeBlock(AsBytes(ints_block), "wrong.bin", 0, &block));
  EXPECT_STATUS(ColumnStreamReader(T("Array(Int32)"), {}, {}).Read(&block, "wrong.bin"),
                absl::StatusCode::kDataLoss, "stream 0 (lengths) holds 50 bytes, expected 200");
}

// Mutates the decoded streams of valid blocks (as a buggy or hostile writer would) and
// checks Read answers OK with a valid column, or DataLoss; never crashes.
TEST(ColumnStreamsTest, MutatedStreamsNeverCrashTheReader) {
  Rng rng(6);
  for (const char* type : {"String", "Nullable(Float32)", "Bool", "LowCardinality(String)",
                           "LowCardinality(Nullable(String))", "Array(Array(String))",
                           "Map(LowCardinality(String), Array(Nullable(Int16)))"}) {
    SCOPED_TRACE(type);
    for (uint64_t limit : {kDefaultMaxDictionaryEntries, uint64_t{2}}) {
      Prepared p = Prepare(RandomColumn(T(type), 40, rng), limit);
      std::string bytes;
      WriteBlock(p, Chain("None"), 0, 40, rng, &bytes);
      ColumnStreamReader reader(p.column.type, p.plans, p.dicts);
      for (int trial = 0; trial < 150; ++trial) {
        DecodedBlock block;
        ASSERT_OK(DecodeBlock(AsBytes(bytes), "m.bin", 0, &block));
        for (int m = 0; m < 1 + trial % 3; ++m) {
          PodVector<uint8_t>& s = block.streams[rng() % block.streams.size()];
          switch (rng() % 4) {
            case 0:
              if (!s.empty()) s[rng() % s.size()] ^= static_cast<uint8_t>(1 << (rng() % 8));
              break;
            case 1:
              if (!s.empty()) s.resize(s.size() - 1 - rng() % std::min<size_t>(s.size(), 4));
              break;
            case 2:
              s.push_back(static_cast<uint8_t>(rng()));
              break;
            default:
              if (s.size() >= 4) StoreFixed32(s.data() + (rng() % (s.size() / 4)) * 4, ~0u);
          }
        }
        auto got = reader.Read(&block, "m.bin");
        if (got.ok()) {
          EXPECT_OK(got->Validate("mutated"));
          EXPECT_EQ(got->size(), 40u);
          for (size_t i = 0; i < got->size(); ++i) (void)got->GetValue(i);
        } else {
          EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
        }
      }
    }
  }
}

}  // namespace
}  // namespace tally::format
