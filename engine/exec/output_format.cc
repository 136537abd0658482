#include "engine/exec/output_format.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/json.h"
#include "engine/exec/native_format.h"
#include "engine/exec/row_binary.h"
#include "engine/exec/text_format.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

OutputFormat::~OutputFormat() = default;

namespace {

constexpr absl::string_view kPrettyNull = "ᴺᵁᴸᴸ";

class Base : public OutputFormat {
 public:
  Base(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
       std::string* out)
      : names_(names), types_(types), out_(out) {}

 protected:
  std::vector<std::string> names_;
  std::vector<DataTypePtr> types_;
  std::string* out_;
};

// TabSeparated family: one line per row, optional names and types lines first.
class TsvOutput final : public Base {
 public:
  TsvOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
            std::string* out, bool raw, bool with_names, bool with_types)
      : Base(names, types, out), raw_(raw), with_names_(with_names), with_types_(with_types) {}

  void WritePrefix() override {
    if (with_names_) WriteLine(names_);
    if (with_types_) {
      std::vector<std::string> types;
      for (const DataTypePtr& t : types_) types.push_back(t->ToString());
      WriteLine(types);
    }
  }
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      for (size_t c = 0; c < block.columns.size(); ++c) {
        if (c > 0) out_->push_back('\t');
        if (raw_) {
          AppendPlainValue(block.columns[c], r, "\\N", out_);
        } else {
          AppendTsvValue(block.columns[c], r, out_);
        }
      }
      out_->push_back('\n');
    }
  }
  void WriteTotals(const Block& totals) override {
    out_->push_back('\n');
    WriteBlock(totals);
  }
  void WriteSuffix(const OutputStats&) override {}

 private:
  void WriteLine(const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out_->push_back('\t');
      if (raw_) {
        out_->append(fields[i]);
      } else {
        AppendTsvEscaped(fields[i], out_);
      }
    }
    out_->push_back('\n');
  }

  bool raw_, with_names_, with_types_;
};

class CsvOutput final : public Base {
 public:
  CsvOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
            std::string* out, bool with_names, bool with_types)
      : Base(names, types, out), with_names_(with_names), with_types_(with_types) {}

  void WritePrefix() override {
    if (with_names_) WriteLine(names_);
    if (with_types_) {
      std::vector<std::string> types;
      for (const DataTypePtr& t : types_) types.push_back(t->ToString());
      WriteLine(types);
    }
  }
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      for (size_t c = 0; c < block.columns.size(); ++c) {
        if (c > 0) out_->push_back(',');
        AppendCsvValue(block.columns[c], r, out_);
      }
      out_->push_back('\n');
    }
  }
  void WriteTotals(const Block& totals) override {
    out_->push_back('\n');
    WriteBlock(totals);
  }
  void WriteSuffix(const OutputStats&) override {}

 private:
  void WriteLine(const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out_->push_back(',');
      AppendCsvString(fields[i], out_);
    }
    out_->push_back('\n');
  }

  bool with_names_, with_types_;
};

JsonWriteOptions JsonOptionsOf(const OutputOptions& o) {
  return JsonWriteOptions{.quote_64bit_integers = o.json_quote_64bit_integers,
                          .quote_denormals = o.json_quote_denormals,
                          .escape_forward_slashes = o.json_escape_forward_slashes};
}

// JSON and JSONCompact: one document with meta, data, rows and statistics, indented with
// tabs as ClickHouse's JSONUtils writes it.
class JsonOutput final : public Base {
 public:
  JsonOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
             std::string* out, const OutputOptions& options, bool compact)
      : Base(names, types, out), options_(options), json_(JsonOptionsOf(options)),
        compact_(compact) {
    for (const std::string& name : names_) {
      std::string quoted;
      AppendJsonString(name, json_, &quoted);
      quoted_names_.push_back(std::move(quoted));
    }
  }

  void WritePrefix() override {
    out_->append("{\n\t\"meta\":\n\t[\n");
    for (size_t i = 0; i < names_.size(); ++i) {
      absl::StrAppend(out_, "\t\t{\n\t\t\t\"name\": ", quoted_names_[i], ",\n\t\t\t\"type\": ");
      AppendJsonString(types_[i]->ToString(), json_, out_);
      out_->append("\n\t\t}");
      if (i + 1 < names_.size()) out_->append(",\n");
    }
    out_->append("\n\t],\n\n\t\"data\":\n\t[\n");
  }
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      if (rows_ > 0) out_->append(",\n");
      out_->append(compact_ ? "\t\t[" : "\t\t{\n");
      for (size_t c = 0; c < block.columns.size(); ++c) {
        if (c > 0) out_->append(compact_ ? ", " : ",\n");
        if (!compact_) absl::StrAppend(out_, "\t\t\t", quoted_names_[c], ": ");
        AppendJsonValue(block.columns[c], r, json_, out_);
      }
      out_->append(compact_ ? "]" : "\n\t\t}");
      ++rows_;
    }
  }
  void WriteTotals(const Block& totals) override {
    totals_.clear();
    if (totals.rows() == 0) return;
    totals_ = compact_ ? "\t\"totals\": [" : "\t\"totals\":\n\t{\n";
    for (size_t c = 0; c < totals.columns.size(); ++c) {
      if (c > 0) totals_.append(compact_ ? ", " : ",\n");
      if (!compact_) absl::StrAppend(&totals_, "\t\t", quoted_names_[c], ": ");
      AppendJsonValue(totals.columns[c], 0, json_, &totals_);
    }
    totals_.append(compact_ ? "]" : "\n\t}");
  }
  void WriteSuffix(const OutputStats& stats) override {
    out_->append("\n\t]");
    if (!totals_.empty()) absl::StrAppend(out_, ",\n\n", totals_);
    absl::StrAppend(out_, ",\n\n\t\"rows\": ", rows_);
    if (options_.write_statistics) {
      out_->append(",\n\n\t\"statistics\":\n\t{\n\t\t\"elapsed\": ");
      AppendFloat64Text(stats.elapsed_s, out_);
      absl::StrAppend(out_, ",\n\t\t\"rows_read\": ", stats.rows_read, ",\n\t\t\"bytes_read\": ",
                      stats.bytes_read, "\n\t}");
    }
    out_->append("\n}\n");
  }

 private:
  OutputOptions options_;
  JsonWriteOptions json_;
  bool compact_;
  std::vector<std::string> quoted_names_;
  uint64_t rows_ = 0;
  std::string totals_;  // the "totals" member, written after "data"
};

// JSONEachRow ({"a":1,"b":"x"} per line) and JSONCompactEachRow ([1, "x"] per line).
// JSONCompactEachRowWithNames adds a row of the names, ...AndTypes one of the types.
class JsonEachRowOutput final : public Base {
 public:
  JsonEachRowOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
                    std::string* out, const OutputOptions& options, bool compact, int header_rows = 0)
      : Base(names, types, out), json_(JsonOptionsOf(options)), compact_(compact), header_rows_(header_rows) {
    for (const std::string& name : names_) {
      std::string key;
      AppendJsonString(name, json_, &key);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
  }

  void WritePrefix() override {
    if (header_rows_ >= 1) WriteHeaderRow(names_);
    if (header_rows_ >= 2) {
      std::vector<std::string> types;
      for (const DataTypePtr& t : types_) types.push_back(t->ToString());
      WriteHeaderRow(types);
    }
  }
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      out_->push_back(compact_ ? '[' : '{');
      for (size_t c = 0; c < block.columns.size(); ++c) {
        if (c > 0) out_->append(compact_ ? ", " : ",");
        if (!compact_) out_->append(keys_[c]);
        AppendJsonValue(block.columns[c], r, json_, out_);
      }
      out_->append(compact_ ? "]\n" : "}\n");
    }
  }
  void WriteSuffix(const OutputStats&) override {}

 private:
  void WriteHeaderRow(const std::vector<std::string>& fields) {
    out_->push_back('[');
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out_->append(", ");
      AppendJsonString(fields[i], json_, out_);
    }
    out_->append("]\n");
  }

  JsonWriteOptions json_;
  bool compact_;
  int header_rows_;
  std::vector<std::string> keys_;
};

// Values: (1,'a'),(2,'b') with no newline, as the text after INSERT ... VALUES.
class ValuesOutput final : public Base {
 public:
  using Base::Base;
  void WritePrefix() override {}
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      if (rows_++ > 0) out_->push_back(',');
      out_->push_back('(');
      for (size_t c = 0; c < block.columns.size(); ++c) {
        if (c > 0) out_->push_back(',');
        AppendQuotedValue(block.columns[c], r, out_);
      }
      out_->push_back(')');
    }
  }
  void WriteSuffix(const OutputStats&) override {}

 private:
  uint64_t rows_ = 0;
};

class NullOutput final : public OutputFormat {
 public:
  void WritePrefix() override {}
  void WriteBlock(const Block&) override {}
  void WriteSuffix(const OutputStats&) override {}
};

// Visible width of UTF-8 text in a terminal, as ClickHouse's UTF8::computeWidth: tabs
// advance to the next multiple of 8 (counting from `prefix`), control characters, invalid
// bytes and combining marks take no room, East Asian wide characters take two.
size_t DisplayWidth(absl::string_view s, size_t prefix, size_t limit = 0, size_t* limit_bytes = nullptr) {
  size_t width = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F, len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F, len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07, len = 4;
    } else {
      ++i;  // a stray continuation or invalid byte: zero width
      continue;
    }
    bool valid = i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      valid = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!valid) {
      ++i;
      continue;
    }
    size_t w;
    if (cp == '\t') {
      w = 8 - (prefix + width) % 8;
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x300 && cp < 0x370) ||
               cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F)) {
      w = 0;
    } else if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
               (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
               (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
               (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
               (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
      w = 2;
    } else {
      w = 1;
    }
    if (limit_bytes != nullptr && width + w > limit) {
      *limit_bytes = i;
      return width;
    }
    width += w;
    i += len;
  }
  if (limit_bytes != nullptr) *limit_bytes = s.size();
  return width;
}

// Numbers and times (Date, DateTime, DateTime64) align right, as ClickHouse's number-based
// types do; Bool ('true'/'false'), strings, UUIDs, arrays and maps align left.
bool AlignsRight(const DataType& t) {
  const DataType* inner = &t;
  while (inner->id() == TypeId::kNullable || inner->id() == TypeId::kLowCardinality) inner = &inner->child(0);
  return inner->is_integer() || inner->is_float() || inner->is_time();
}

std::string Repeat(absl::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// Pretty (full grid) and PrettyCompact: a table per block, widths measured on that block
// (MonoBlock: on everything, at the end), at most max_rows rows in total.
class PrettyOutput final : public Base {
 public:
  PrettyOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
               std::string* out, const OutputOptions& options, bool compact, bool mono)
      : Base(names, types, out), options_(options), compact_(compact), mono_(mono) {
    for (const DataTypePtr& t : types_) mono_block_.columns.push_back(Column::Make(t));
    mono_block_.names = names_;
  }

  void WritePrefix() override {}
  void WriteBlock(const Block& block) override {
    if (block.rows() == 0) return;
    if (total_rows_ >= options_.pretty_max_rows) {
      total_rows_ += block.rows();
      return;
    }
    if (mono_) {
      // Only the first max_rows rows can ever show; count the rest.
      size_t keep = std::min<uint64_t>(block.rows(), options_.pretty_max_rows - mono_block_.rows());
      for (size_t c = 0; c < block.columns.size(); ++c) {
        mono_block_.columns[c].AppendRange(block.columns[c], 0, keep);
      }
      mono_rows_ += block.rows();
      return;
    }
    WriteTable(block);
    total_rows_ += block.rows();
  }
  void WriteTotals(const Block& totals) override { totals_ = totals; }
  // MonoBlock buffers its rows itself.
  uint64_t first_block_rows() const override { return mono_ ? 0 : options_.pretty_max_rows; }
  void WriteSuffix(const OutputStats&) override {
    if (mono_ && mono_rows_ > 0) {
      WriteTable(mono_block_);
      total_rows_ += mono_rows_;
    }
    if (total_rows_ >= options_.pretty_max_rows) {
      absl::StrAppend(out_, "  Showed first ", options_.pretty_max_rows, ".\n");
    }
    if (totals_) {
      // A table of its own, sized to its row and numbered from 1, after the note.
      out_->append("\nTotals:\n");
      total_rows_ = 0;
      WriteTable(*totals_);
    } else if (total_rows_ == 0 && options_.pretty_say_empty) {
      out_->append("0 rows in set.\n");
    }
  }

 private:
  void WriteTable(const Block& block) {
    const size_t ncols = block.columns.size();
    const size_t nrows = std::min<uint64_t>(block.rows(), options_.pretty_max_rows);
    const size_t shown = std::min<uint64_t>(nrows, options_.pretty_max_rows - total_rows_);
    row_number_width_ =
        static_cast<size_t>(std::floor(std::log10(static_cast<double>(nrows + total_rows_)))) + 3;
    std::vector<std::vector<std::string>> cells(ncols);
    std::vector<std::vector<size_t>> widths(ncols);
    std::vector<size_t> max_widths(ncols, 0), name_widths(ncols);
    const uint64_t pad_max = options_.pretty_max_column_pad_width;
    const uint64_t value_max = options_.pretty_max_value_width;
    size_t prefix = 2;
    for (size_t c = 0; c < ncols; ++c) {
      cells[c].resize(nrows);
      widths[c].resize(nrows);
      for (size_t r = 0; r < nrows; ++r) {
        AppendPlainValue(block.columns[c], r, kPrettyNull, &cells[c][r]);
        absl::string_view measured = cells[c][r];
        if (value_max > 0 && measured.size() > value_max * 4) measured = measured.substr(0, value_max * 4);
        widths[c][r] = DisplayWidth(measured, prefix);
        max_widths[c] = std::max<size_t>(max_widths[c], std::min({pad_max, value_max, uint64_t{widths[c][r]}}));
      }
      name_widths[c] = std::min<size_t>(pad_max, DisplayWidth(names_[c], 0));
      max_widths[c] = std::max(max_widths[c], name_widths[c]);
      prefix += max_widths[c] + 3;
    }
    std::string blank = options_.pretty_row_numbers ? std::string(row_number_width_, ' ') : "";
    auto rule = [&](absl::string_view left, absl::string_view fill, absl::string_view mid,
                    absl::string_view right) {
      std::string line = blank;
      line.append(left.data(), left.size());
      for (size_t c = 0; c < ncols; ++c) {
        if (c > 0) line.append(mid.data(), mid.size());
        line += Repeat(fill, max_widths[c] + 2);
      }
      line.append(right.data(), right.size());
      line.push_back('\n');
      return line;
    };
    std::vector<bool> right(ncols);
    for (size_t c = 0; c < ncols; ++c) right[c] = AlignsRight(*block.columns[c].type);
    if (compact_) {
      out_->append(blank);
      out_->append("┌─");
      for (size_t c = 0; c < ncols; ++c) {
        if (c > 0) out_->append("─┬─");
        std::string dashes = Repeat("─", max_widths[c] - name_widths[c]);
        absl::StrAppend(out_, right[c] ? dashes : "", names_[c], right[c] ? "" : dashes);
      }
      out_->append("─┐\n");
    } else {
      out_->append(rule("┏", "━", "┳", "┓"));
      out_->append(blank);
      out_->append("┃ ");
      for (size_t c = 0; c < ncols; ++c) {
        if (c > 0) out_->append(" ┃ ");
        std::string spaces(max_widths[c] - name_widths[c], ' ');
        absl::StrAppend(out_, right[c] ? spaces : "", names_[c], right[c] ? "" : spaces);
      }
      out_->append(" ┃\n");
      out_->append(rule("┡", "━", "╇", "┩"));
    }
    const std::string separator = compact_ ? "" : rule("├", "─", "┼", "┤");
    for (size_t r = 0; r < shown; ++r) {
      if (r > 0) out_->append(separator);
      if (options_.pretty_row_numbers) {
        std::string number = absl::StrCat(r + 1 + total_rows_, ". ");
        if (number.size() < row_number_width_) out_->append(row_number_width_ - number.size(), ' ');
        out_->append(number);
      }
      out_->append("│");
      for (size_t c = 0; c < ncols; ++c) {
        if (c > 0) out_->append("│");
        WriteCell(cells[c][r], widths[c][r], max_widths[c], right[c]);
      }
      out_->append("│\n");
    }
    out_->append(rule("└", "─", "┴", "┘"));
  }

  // ClickHouse's writeValueWithPadding: " value " padded to the column, values wider than
  // max_value_width cut and ended with "⋯".
  void WriteCell(absl::string_view value, size_t value_width, size_t pad_to, bool align_right) {
    std::string cell = " ";
    const uint64_t cut_to = options_.pretty_max_value_width;
    if (cut_to > 0 && value_width > cut_to) {
      size_t bytes = 0;
      DisplayWidth(value, 1, cut_to, &bytes);
      cell.append(value.data(), bytes);
      cell.append("⋯");
      value_width = cut_to;
    } else {
      cell.append(value.data(), value.size());
      cell.push_back(' ');
    }
    std::string padding(pad_to > value_width ? pad_to - value_width : 0, ' ');
    absl::StrAppend(out_, align_right ? padding : "", cell, align_right ? "" : padding);
  }

  OutputOptions options_;
  bool compact_, mono_;
  uint64_t total_rows_ = 0;
  size_t row_number_width_ = 0;
  Block mono_block_;
  uint64_t mono_rows_ = 0;
  std::optional<Block> totals_;
};

// Vertical: "Row N:" and a rule, then one "name: value" line per column, names padded so
// the values line up; a blank line between rows.
class VerticalOutput final : public Base {
 public:
  VerticalOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
                 std::string* out, const OutputOptions& options)
      : Base(names, types, out), options_(options) {
    size_t max_width = 0;
    std::vector<size_t> widths;
    for (const std::string& name : names_) {
      widths.push_back(DisplayWidth(name, 0));
      max_width = std::max(max_width, widths.back());
    }
    for (size_t i = 0; i < names_.size(); ++i) {
      labels_.push_back(absl::StrCat(names_[i], ": ", std::string(max_width - widths[i], ' ')));
    }
  }

  void WritePrefix() override {}
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      ++row_number_;
      if (row_number_ > 1 && row_number_ - 1 <= options_.pretty_max_rows) out_->push_back('\n');
      if (row_number_ > options_.pretty_max_rows) continue;
      absl::StrAppend(out_, "Row ", row_number_, ":\n");
      size_t width = static_cast<size_t>(std::log10(static_cast<double>(row_number_ + 1))) + 1 + 5;
      out_->append(Repeat("─", width));
      out_->push_back('\n');
      for (size_t c = 0; c < block.columns.size(); ++c) {
        out_->append(labels_[c]);
        AppendPlainValue(block.columns[c], r, kPrettyNull, out_);
        out_->push_back('\n');
      }
    }
  }
  void WriteTotals(const Block& totals) override { totals_ = totals; }
  void WriteSuffix(const OutputStats&) override {
    if (row_number_ > options_.pretty_max_rows) {
      absl::StrAppend(out_, "Showed first ", options_.pretty_max_rows, ".\n");
    }
    if (totals_ && totals_->rows() > 0) {
      out_->append("\n\nTotals:\n");
      out_->append(Repeat("─", DisplayWidth("Totals:", 0)));
      out_->push_back('\n');
      for (size_t c = 0; c < totals_->columns.size(); ++c) {
        out_->append(labels_[c]);
        AppendPlainValue(totals_->columns[c], 0, kPrettyNull, out_);
        out_->push_back('\n');
      }
    }
  }

 private:
  OutputOptions options_;
  std::vector<std::string> labels_;
  uint64_t row_number_ = 0;
  std::optional<Block> totals_;
};

enum class Kind {
  kTsv, kTsvNames, kTsvNamesTypes, kTsvRaw, kTsvRawNames, kTsvRawNamesTypes,
  kCsv, kCsvNames, kCsvNamesTypes, kJson, kJsonCompact, kJsonEachRow, kJsonCompactEachRow,
  kPretty, kPrettyMono, kPrettyCompact, kPrettyCompactMono, kVertical, kValues, kNull,
  kRowBinary, kRowBinaryNames, kRowBinaryNamesTypes, kNative, kJsonCompactEachRowNames,
  kJsonCompactEachRowNamesTypes,
};

struct FormatName {
  absl::string_view name;
  Kind kind;
};

constexpr FormatName kFormats[] = {
    {"TabSeparated", Kind::kTsv},
    {"TSV", Kind::kTsv},
    {"TabSeparatedWithNames", Kind::kTsvNames},
    {"TSVWithNames", Kind::kTsvNames},
    {"TabSeparatedWithNamesAndTypes", Kind::kTsvNamesTypes},
    {"TSVWithNamesAndTypes", Kind::kTsvNamesTypes},
    {"TabSeparatedRaw", Kind::kTsvRaw},
    {"TSVRaw", Kind::kTsvRaw},
    {"Raw", Kind::kTsvRaw},
    {"TabSeparatedRawWithNames", Kind::kTsvRawNames},
    {"TSVRawWithNames", Kind::kTsvRawNames},
    {"TabSeparatedRawWithNamesAndTypes", Kind::kTsvRawNamesTypes},
    {"TSVRawWithNamesAndTypes", Kind::kTsvRawNamesTypes},
    {"CSV", Kind::kCsv},
    {"CSVWithNames", Kind::kCsvNames},
    {"CSVWithNamesAndTypes", Kind::kCsvNamesTypes},
    {"JSON", Kind::kJson},
    {"JSONCompact", Kind::kJsonCompact},
    {"JSONEachRow", Kind::kJsonEachRow},
    {"JSONLines", Kind::kJsonEachRow},
    {"NDJSON", Kind::kJsonEachRow},
    {"JSONCompactEachRow", Kind::kJsonCompactEachRow},
    {"JSONCompactEachRowWithNames", Kind::kJsonCompactEachRowNames},
    {"JSONCompactEachRowWithNamesAndTypes", Kind::kJsonCompactEachRowNamesTypes},
    {"Pretty", Kind::kPretty},
    {"PrettyNoEscapes", Kind::kPretty},
    {"PrettyMonoBlock", Kind::kPrettyMono},
    {"PrettyNoEscapesMonoBlock", Kind::kPrettyMono},
    {"PrettyCompact", Kind::kPrettyCompact},
    {"PrettyCompactNoEscapes", Kind::kPrettyCompact},
    {"PrettyCompactMonoBlock", Kind::kPrettyCompactMono},
    {"PrettyCompactNoEscapesMonoBlock", Kind::kPrettyCompactMono},
    {"Vertical", Kind::kVertical},
    {"Values", Kind::kValues},
    {"Null", Kind::kNull},
    {"RowBinary", Kind::kRowBinary},
    {"RowBinaryWithNames", Kind::kRowBinaryNames},
    {"RowBinaryWithNamesAndTypes", Kind::kRowBinaryNamesTypes},
    {"Native", Kind::kNative},
};

const FormatName* FindFormat(absl::string_view name) {
  for (const FormatName& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

bool IsOutputFormat(absl::string_view name) { return FindFormat(name) != nullptr; }

absl::StatusOr<std::unique_ptr<OutputFormat>> MakeOutputFormat(
    absl::string_view name, const std::vector<std::string>& names,
    const std::vector<DataTypePtr>& types, std::string* out) {
  return MakeOutputFormat(name, names, types, out, OutputOptions());
}

absl::StatusOr<std::unique_ptr<OutputFormat>> MakeOutputFormat(
    absl::string_view name, const std::vector<std::string>& names,
    const std::vector<DataTypePtr>& types, std::string* out, const OutputOptions& options) {
  const FormatName* f = FindFormat(name);
  if (f == nullptr) return CodedError(ErrorCode::kUnknownFormat, absl::StrCat("unknown output format '", name, "'"));
  if (names.size() != types.size()) {
    return absl::InvalidArgumentError(absl::StrCat("output format ", name, ": ", names.size(),
                                                   " names but ", types.size(), " types"));
  }
  const auto& n = names;
  const auto& t = types;
  switch (f->kind) {
    case Kind::kTsv:
      return std::make_unique<TsvOutput>(n, t, out, false, false, false);
    case Kind::kTsvNames:
      return std::make_unique<TsvOutput>(n, t, out, false, true, false);
    case Kind::kTsvNamesTypes:
      return std::make_unique<TsvOutput>(n, t, out, false, true, true);
    case Kind::kTsvRaw:
      return std::make_unique<TsvOutput>(n, t, out, true, false, false);
    case Kind::kTsvRawNames:
      return std::make_unique<TsvOutput>(n, t, out, true, true, false);
    case Kind::kTsvRawNamesTypes:
      return std::make_unique<TsvOutput>(n, t, out, true, true, true);
    case Kind::kCsv:
      return std::make_unique<CsvOutput>(n, t, out, false, false);
    case Kind::kCsvNames:
      return std::make_unique<CsvOutput>(n, t, out, true, false);
    case Kind::kCsvNamesTypes:
      return std::make_unique<CsvOutput>(n, t, out, true, true);
    case Kind::kJson:
      return std::make_unique<JsonOutput>(n, t, out, options, false);
    case Kind::kJsonCompact:
      return std::make_unique<JsonOutput>(n, t, out, options, true);
    case Kind::kJsonEachRow:
      return std::make_unique<JsonEachRowOutput>(n, t, out, options, false);
    case Kind::kJsonCompactEachRow:
      return std::make_unique<JsonEachRowOutput>(n, t, out, options, true);
    case Kind::kPretty:
      return std::make_unique<PrettyOutput>(n, t, out, options, false, false);
    case Kind::kPrettyMono:
      return std::make_unique<PrettyOutput>(n, t, out, options, false, true);
    case Kind::kPrettyCompact:
      return std::make_unique<PrettyOutput>(n, t, out, options, true, false);
    case Kind::kPrettyCompactMono:
      return std::make_unique<PrettyOutput>(n, t, out, options, true, true);
    case Kind::kVertical:
      return std::make_unique<VerticalOutput>(n, t, out, options);
    case Kind::kValues:
      return std::make_unique<ValuesOutput>(n, t, out);
    case Kind::kNull:
      return std::make_unique<NullOutput>();
    case Kind::kJsonCompactEachRowNames:
      return std::make_unique<JsonEachRowOutput>(n, t, out, options, true, 1);
    case Kind::kJsonCompactEachRowNamesTypes:
      return std::make_unique<JsonEachRowOutput>(n, t, out, options, true, 2);
    case Kind::kRowBinary:
      return MakeRowBinaryOutput(RowBinaryHeader::kNone, n, t, out);
    case Kind::kRowBinaryNames:
      return MakeRowBinaryOutput(RowBinaryHeader::kNames, n, t, out);
    case Kind::kRowBinaryNamesTypes:
      return MakeRowBinaryOutput(RowBinaryHeader::kNamesAndTypes, n, t, out);
    case Kind::kNative:
      return MakeNativeOutput(n, t, out, options);
  }
  return absl::InternalError("unhandled output format");
}

}  // namespace tally::engine
