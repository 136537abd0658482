// InputSplitter (declared in engine/exec/input_format.h): where a streamed INSERT's input
// may be cut into pieces that parse on their own.
//
//   text formats       rows by CompleteRowsPrefix; a header of N lines (TSV), N records
//                      (CSV) or N JSON arrays (JSONCompactEachRow) goes in front of every piece
//   Native             whole blocks, found by walking each block's columns
//   RowBinary family   whole rows, found by walking the values of the header's (or the
//                      INSERT's) types; the header goes in front of every piece
#include <optional>
#include <string>

#include "engine/exec/input_format.h"
#include "engine/exec/native_format.h"
#include "engine/exec/row_binary.h"

namespace tally::engine {

using format::DataTypePtr;

InputSplitter::~InputSplitter() = default;

namespace {

enum class HeaderKind { kLines, kCsvRecords, kJsonArrays };

struct HeaderFormat {
  absl::string_view name;
  absl::string_view rows_format;  // how the rows after the header split
  HeaderKind kind;
  int header_rows;
};

constexpr HeaderFormat kHeaderFormats[] = {
    {"TabSeparatedWithNames", "TSV", HeaderKind::kLines, 1},
    {"TSVWithNames", "TSV", HeaderKind::kLines, 1},
    {"TabSeparatedWithNamesAndTypes", "TSV", HeaderKind::kLines, 2},
    {"TSVWithNamesAndTypes", "TSV", HeaderKind::kLines, 2},
    {"TabSeparatedRawWithNames", "TSVRaw", HeaderKind::kLines, 1},
    {"TSVRawWithNames", "TSVRaw", HeaderKind::kLines, 1},
    {"TabSeparatedRawWithNamesAndTypes", "TSVRaw", HeaderKind::kLines, 2},
    {"TSVRawWithNamesAndTypes", "TSVRaw", HeaderKind::kLines, 2},
    {"CSVWithNames", "CSV", HeaderKind::kCsvRecords, 1},
    {"CSVWithNamesAndTypes", "CSV", HeaderKind::kCsvRecords, 2},
    {"JSONCompactEachRowWithNames", "JSONCompactEachRow", HeaderKind::kJsonArrays, 1},
    {"JSONCompactEachRowWithNamesAndTypes", "JSONCompactEachRow", HeaderKind::kJsonArrays, 2},
};

// The end of the first `n` header rows, nullopt when `data` ends before.
std::optional<size_t> HeaderEnd(HeaderKind kind, int n, absl::string_view data) {
  int found = 0;
  size_t depth = 0;
  bool quoted = false, escaped = false;
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    switch (kind) {
      case HeaderKind::kLines:
        if (c == '\n' && ++found == n) return i + 1;
        break;
      case HeaderKind::kCsvRecords:
        if (c == '"') quoted = !quoted;  // "" inside quotes toggles twice
        if (c == '\n' && !quoted && ++found == n) return i + 1;
        break;
      case HeaderKind::kJsonArrays:
        if (quoted) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '"') {
            quoted = false;
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == '[' || c == '{') {
          ++depth;
        } else if ((c == ']' || c == '}') && depth > 0 && --depth == 0 && ++found == n) {
          return i + 1;
        }
        break;
    }
  }
  return std::nullopt;
}

class TextSplitter final : public InputSplitter {
 public:
  TextSplitter(std::string rows_format, const HeaderFormat* header)
      : rows_format_(std::move(rows_format)), header_(header) {}

  absl::StatusOr<std::optional<size_t>> HeaderSize(absl::string_view data) override {
    if (header_ == nullptr) return std::optional<size_t>(0);
    return HeaderEnd(header_->kind, header_->header_rows, data);
  }
  size_t CompleteRows(absl::string_view rows, uint64_t* blocks) override {
    *blocks = 0;
    // nullopt (a JSON array): no boundary, so the input is read whole.
    return CompleteRowsPrefix(rows_format_, rows).value_or(0);
  }

 private:
  std::string rows_format_;
  const HeaderFormat* header_;
};

class NativeSplitter final : public InputSplitter {
 public:
  absl::StatusOr<std::optional<size_t>> HeaderSize(absl::string_view) override { return std::optional<size_t>(0); }
  size_t CompleteRows(absl::string_view rows, uint64_t* blocks) override { return NativeCompleteBlocks(rows, blocks); }
};

class RowBinarySplitter final : public InputSplitter {
 public:
  RowBinarySplitter(RowBinaryHeader header, const std::vector<std::string>& names,
                    const std::vector<DataTypePtr>& types, bool skip_unknown)
      : header_(header), names_(names), types_(types), skip_unknown_(skip_unknown) {}

  absl::StatusOr<std::optional<size_t>> HeaderSize(absl::string_view data) override {
    absl::StatusOr<std::optional<size_t>> size = RowBinaryHeaderSize(header_, data);
    if (!size.ok() || !size->has_value()) return size;
    absl::StatusOr<std::vector<DataTypePtr>> fields =
        RowBinaryFieldTypes(header_, data.substr(0, **size), names_, types_, skip_unknown_);
    // A header that does not fit the table: the first piece's parse says why.
    broken_ = !fields.ok();
    if (fields.ok()) fields_ = *std::move(fields);
    return size;
  }
  size_t CompleteRows(absl::string_view rows, uint64_t* blocks) override {
    *blocks = 0;
    if (broken_) return rows.size();
    uint64_t count = 0;
    return RowBinaryCompleteRows(rows, fields_, &count);
  }

 private:
  RowBinaryHeader header_;
  std::vector<std::string> names_;
  std::vector<DataTypePtr> types_;
  bool skip_unknown_;
  bool broken_ = false;
  std::vector<DataTypePtr> fields_;
};

}  // namespace

std::unique_ptr<InputSplitter> MakeInputSplitter(absl::string_view format, const std::vector<std::string>& names,
                                                 const std::vector<DataTypePtr>& types, const InputOptions& options) {
  if (format == "Native") return std::make_unique<NativeSplitter>();
  if (format == "RowBinary" || format == "RowBinaryWithNames" || format == "RowBinaryWithNamesAndTypes") {
    const RowBinaryHeader header = format == "RowBinary"            ? RowBinaryHeader::kNone
                                   : format == "RowBinaryWithNames" ? RowBinaryHeader::kNames
                                                                    : RowBinaryHeader::kNamesAndTypes;
    return std::make_unique<RowBinarySplitter>(header, names, types, options.skip_unknown_fields);
  }
  for (const HeaderFormat& h : kHeaderFormats) {
    if (h.name == format) return std::make_unique<TextSplitter>(std::string(h.rows_format), &h);
  }
  if (!IsInputFormat(format) || format == "Values") return nullptr;
  return std::make_unique<TextSplitter>(std::string(format), nullptr);
}

}  // namespace tally::engine
