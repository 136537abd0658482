#include "engine/exec/input_format.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/json.h"
#include "engine/exec/native_format.h"
#include "engine/exec/row_binary.h"
#include "engine/exec/text_parse.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

enum class Kind { kJsonEachRow, kJsonCompactEachRow, kCsv, kTsv, kTsvRaw, kValues, kNative, kRowBinary };

struct FormatName {
  absl::string_view name;
  Kind kind;
  int header_lines;  // 1: names, 2: names and types
};

constexpr FormatName kFormats[] = {
    {"JSONEachRow", Kind::kJsonEachRow, 0},
    {"JSONLines", Kind::kJsonEachRow, 0},
    {"NDJSON", Kind::kJsonEachRow, 0},
    {"JSONCompactEachRow", Kind::kJsonCompactEachRow, 0},
    {"JSONCompactEachRowWithNames", Kind::kJsonCompactEachRow, 1},
    {"JSONCompactEachRowWithNamesAndTypes", Kind::kJsonCompactEachRow, 2},
    {"CSV", Kind::kCsv, 0},
    {"CSVWithNames", Kind::kCsv, 1},
    {"CSVWithNamesAndTypes", Kind::kCsv, 2},
    {"TabSeparated", Kind::kTsv, 0},
    {"TSV", Kind::kTsv, 0},
    {"TabSeparatedWithNames", Kind::kTsv, 1},
    {"TSVWithNames", Kind::kTsv, 1},
    {"TabSeparatedWithNamesAndTypes", Kind::kTsv, 2},
    {"TSVWithNamesAndTypes", Kind::kTsv, 2},
    {"TabSeparatedRaw", Kind::kTsvRaw, 0},
    {"TSVRaw", Kind::kTsvRaw, 0},
    {"TabSeparatedRawWithNames", Kind::kTsvRaw, 1},
    {"TSVRawWithNames", Kind::kTsvRaw, 1},
    {"TabSeparatedRawWithNamesAndTypes", Kind::kTsvRaw, 2},
    {"TSVRawWithNamesAndTypes", Kind::kTsvRaw, 2},
    {"Raw", Kind::kTsvRaw, 0},
    {"Values", Kind::kValues, 0},
    {"Native", Kind::kNative, 0},
    {"RowBinary", Kind::kRowBinary, 0},
    {"RowBinaryWithNames", Kind::kRowBinary, 1},
    {"RowBinaryWithNamesAndTypes", Kind::kRowBinary, 2},
};

const FormatName* FindFormat(absl::string_view name) {
  for (const FormatName& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// A row whose text is not what the format expects where it is: ClickHouse's code for it.
absl::Status RowError(size_t row, absl::string_view why) {
  return CodedError(ErrorCode::kCannotParseInputAssertionFailed,
                    absl::StrCat("Cannot parse input: row ", row, ": ", why));
}

// A row that parses but that the table cannot take (an unknown or repeated field).
absl::Status IncorrectData(absl::Status s) { return WithCode(std::move(s), ErrorCode::kIncorrectData); }

// The state every format shares: the columns being filled and how to report errors.
class Parser {
 public:
  Parser(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
         const InputOptions& options)
      : names_(names), options_(options) {
    for (size_t i = 0; i < names.size(); ++i) {
      result_.block.Add(names[i], Column::Make(types[i]));
      index_.emplace(names[i], i);
    }
    result_.present.assign(names.size(), false);
    result_.omitted.resize(names.size());
  }

  size_t columns() const { return names_.size(); }
  const std::string& name(size_t i) const { return names_[i]; }
  Column* column(size_t i) { return &result_.block.columns[i]; }
  const InputOptions& options() const { return options_; }
  ParsedInput Take() { return std::move(result_); }
  void MarkPresent(size_t i) { result_.present[i] = true; }
  // Marks the columns a row layout maps to (-1: a field no column takes) as present;
  // which ones they are.
  std::vector<bool> MarkMapped(const std::vector<int>& mapping) {
    std::vector<bool> seen(columns(), false);
    for (int c : mapping) {
      if (c >= 0) {
        seen[c] = true;
        MarkPresent(c);
      }
    }
    return seen;
  }
  int Find(absl::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? -1 : static_cast<int>(it->second);
  }

  absl::Status FieldError(size_t row, size_t col, absl::string_view why) const {
    return CodedError(ErrorCode::kCannotParseInputAssertionFailed,
                      absl::StrCat("Cannot parse input: row ", row, ", column '", names_[col], "': ", why));
  }
  absl::Status Mismatch(size_t row, size_t col, absl::string_view text,
                        const absl::Status& why) const {
    return FieldError(row, col,
                      absl::StrCat("expected ", result_.block.columns[col].type->ToString(),
                                   ", got '", TextForError(text), "' (", why.message(), ")"));
  }

  // Maps header names to columns: mapping[field] = column, or -1 for a skipped field.
  absl::Status MapHeader(const std::vector<std::string>& header, std::vector<int>* mapping) {
    std::vector<bool> seen(columns(), false);
    for (const std::string& name : header) {
      int c = Find(name);
      if (c < 0 && !options_.skip_unknown_fields) {
        return CodedError(ErrorCode::kIncorrectData,
                          absl::StrCat("Cannot parse input: the header names unknown column '", TextForError(name),
                                       "' (set input_format_skip_unknown_fields to skip it)"));
      }
      if (c >= 0 && seen[c]) {
        return CodedError(ErrorCode::kIncorrectData,
                          absl::StrCat("Cannot parse input: the header names column '", name, "' twice"));
      }
      if (c >= 0) seen[c] = true;
      mapping->push_back(c);
    }
    return absl::OkStatus();
  }

  absl::Status CheckHeaderTypes(const std::vector<std::string>& types,
                                const std::vector<int>& mapping) const {
    if (types.size() != mapping.size()) {
      return CodedError(ErrorCode::kIncorrectData, absl::StrCat("Cannot parse input: the header has ", mapping.size(),
                                                                " names but ", types.size(), " types"));
    }
    for (size_t f = 0; f < mapping.size(); ++f) {
      if (mapping[f] < 0) continue;
      const DataType& want = *result_.block.columns[mapping[f]].type;
      absl::StatusOr<DataTypePtr> got = format::ParseDataType(types[f]);
      // Time zones aside: a header says DateTime where the session's parse type has a zone.
      if (!got.ok() || !SameTypeIgnoringZones(**got, want)) {
        return CodedError(ErrorCode::kIncorrectData, absl::StrCat(
            "Cannot parse input: column '", names_[mapping[f]], "' has type ",
            TextForError(types[f]), " in the header but ", want.ToString(), " in the table"));
      }
    }
    return absl::OkStatus();
  }

  // Defaults for the columns a row did not mention.
  void FillMissing(const std::vector<bool>& seen) {
    for (size_t c = 0; c < columns(); ++c) {
      if (seen[c]) continue;
      Column& col = result_.block.columns[c];
      result_.omitted[c].push_back(static_cast<uint32_t>(col.size()));
      col.AppendDefault();
    }
  }

 private:
  const std::vector<std::string>& names_;
  const InputOptions& options_;
  ParsedInput result_;
  absl::flat_hash_map<std::string, size_t> index_;
};

absl::string_view SkipBom(absl::string_view data) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  return data;
}

// --- JSONEachRow / JSONCompactEachRow ---

absl::Status ParseJsonEachRow(absl::string_view data, Parser* p) {
  JsonReader in(SkipBom(data));
  const JsonReadOptions json{.null_as_default = p->options().null_as_default};
  const bool array = in.Consume('[');
  std::vector<bool> seen(p->columns());
  std::string scratch;
  size_t row = 0;
  while (true) {
    while (in.Consume(',')) {
    }
    in.SkipSpace();
    if (array && in.Consume(']')) {
      in.SkipSpace();
      if (!in.AtEnd()) return RowError(row + 1, in.Error("text after the closing ']'").message());
      break;
    }
    if (in.AtEnd()) {
      if (array) return RowError(row + 1, in.Error("unterminated '['").message());
      break;
    }
    ++row;
    if (in.Peek() != '{') return RowError(row, in.Error("expected '{' to start a row").message());
    TALLY_RETURN_IF_ERROR(in.Expect('{'));
    seen.assign(p->columns(), false);
    int last = -1;
    if (!in.Consume('}')) {
      while (true) {
        in.SkipSpace();
        if (in.Peek() != '"') return RowError(row, in.Error("expected a quoted key").message());
        absl::string_view key;
        absl::Status s = in.ReadString(&scratch, &key);
        if (s.ok()) s = in.Expect(':');
        if (!s.ok()) return RowError(row, s.message());
        // Rows usually repeat one key order: try the column after the last one first.
        int c = static_cast<size_t>(last + 1) < p->columns() && p->name(last + 1) == key
                    ? last + 1
                    : p->Find(key);
        last = c;
        if (c < 0) {
          if (!p->options().skip_unknown_fields) {
            return IncorrectData(RowError(row, absl::StrCat("unknown field '", TextForError(key),
                                                            "' (set input_format_skip_unknown_fields to skip it)")));
          }
          s = in.SkipValue(nullptr);
          if (!s.ok()) return RowError(row, s.message());
        } else {
          if (seen[c]) return IncorrectData(RowError(row, absl::StrCat("field '", key, "' appears twice")));
          seen[c] = true;
          p->MarkPresent(c);
          s = ReadJsonInto(p->column(c), &in, json);
          if (!s.ok()) return p->FieldError(row, c, s.message());
        }
        if (in.Consume(',')) continue;
        if (in.Consume('}')) break;
        return RowError(row, in.Error("expected ',' or '}'").message());
      }
    }
    p->FillMissing(seen);
  }
  return absl::OkStatus();
}

// One header row of JSONCompactEachRowWithNames[AndTypes]: ["a", "b"].
absl::Status ReadJsonHeaderRow(JsonReader* in, std::vector<std::string>* fields) {
  in->SkipSpace();
  absl::Status s = in->Expect('[');
  std::string scratch;
  if (s.ok() && !in->Consume(']')) {
    while (s.ok()) {
      in->SkipSpace();
      if (in->Peek() != '"') {
        s = in->Error("expected a quoted name");
        break;
      }
      absl::string_view field;
      s = in->ReadString(&scratch, &field);
      if (!s.ok()) break;
      fields->emplace_back(field);
      if (in->Consume(',')) continue;
      if (!in->Consume(']')) s = in->Error("expected ',' or ']'");
      break;
    }
  }
  if (!s.ok()) {
    return CodedError(ErrorCode::kCannotParseInputAssertionFailed,
                      absl::StrCat("Cannot parse input: the header: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ParseJsonCompactEachRow(absl::string_view data, int header_lines, Parser* p) {
  JsonReader in(SkipBom(data));
  const JsonReadOptions json{.null_as_default = p->options().null_as_default};
  std::vector<int> mapping;
  if (header_lines >= 1) {
    in.SkipSpace();
    if (in.AtEnd()) return absl::OkStatus();  // empty input, no rows
    std::vector<std::string> names;
    TALLY_RETURN_IF_ERROR(ReadJsonHeaderRow(&in, &names));
    TALLY_RETURN_IF_ERROR(p->MapHeader(names, &mapping));
    if (header_lines >= 2) {
      std::vector<std::string> types;
      in.SkipSpace();
      if (in.AtEnd()) return RowError(1, "missing the types row of the header");
      TALLY_RETURN_IF_ERROR(ReadJsonHeaderRow(&in, &types));
      TALLY_RETURN_IF_ERROR(p->CheckHeaderTypes(types, mapping));
    }
  } else {
    for (size_t c = 0; c < p->columns(); ++c) mapping.push_back(static_cast<int>(c));
  }
  std::vector<bool> seen = p->MarkMapped(mapping);
  size_t row = 0;
  while (true) {
    while (in.Consume(',')) {
    }
    in.SkipSpace();
    if (in.AtEnd()) break;
    ++row;
    absl::Status s = in.Expect('[');
    if (!s.ok()) return RowError(row, s.message());
    for (size_t f = 0; f < mapping.size(); ++f) {
      if (f > 0 && !in.Consume(',')) {
        return RowError(row, absl::StrCat("expected ", mapping.size(), " values, got ", f));
      }
      if (mapping[f] < 0) {
        s = in.SkipValue(nullptr);
        if (!s.ok()) return RowError(row, s.message());
        continue;
      }
      s = ReadJsonInto(p->column(mapping[f]), &in, json);
      if (!s.ok()) return p->FieldError(row, mapping[f], s.message());
    }
    if (!in.Consume(']')) {
      return RowError(row, absl::StrCat("more than ", mapping.size(), " values, or ",
                                        in.Error("expected ']'").message()));
    }
    p->FillMissing(seen);
  }
  return absl::OkStatus();
}

// --- TabSeparated ---

// Splits off the next line (without its \n or \r\n). False at the end of the data.
bool NextLine(absl::string_view* data, absl::string_view* line) {
  if (data->empty()) return false;
  size_t nl = data->find('\n');
  *line = data->substr(0, nl);
  data->remove_prefix(nl == absl::string_view::npos ? data->size() : nl + 1);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

std::vector<absl::string_view> SplitTabs(absl::string_view line) {
  std::vector<absl::string_view> fields;
  while (true) {
    size_t tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == absl::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return fields;
}

absl::Status ParseTsvField(Parser* p, size_t row, size_t c, absl::string_view field, bool raw,
                           std::string* scratch) {
  Column* col = p->column(c);
  absl::Status s;
  if (field == "\\N") {
    s = AppendNull(col, p->options().null_as_default);
    return s.ok() ? s : p->FieldError(row, c, s.message());
  }
  absl::string_view text = field;
  TypeId id = col->type->id();
  if (!raw && id != TypeId::kArray && id != TypeId::kMap &&
      field.find('\\') != absl::string_view::npos) {
    UnescapeTsv(field, scratch);  // arrays and maps carry their own quoted escapes
    text = *scratch;
  }
  s = ParseTextField(col, text, TextParseOptions{.detect_null = false});
  return s.ok() ? s : p->Mismatch(row, c, field, s);
}

absl::Status ParseTsv(absl::string_view data, bool raw, int header_lines, Parser* p) {
  data = SkipBom(data);
  std::vector<int> mapping;
  absl::string_view line;
  std::string scratch;
  auto header_fields = [&](absl::string_view l) {
    std::vector<std::string> out;
    for (absl::string_view f : SplitTabs(l)) {
      if (raw) {
        out.emplace_back(f);
      } else {
        UnescapeTsv(f, &scratch);
        out.push_back(scratch);
      }
    }
    return out;
  };
  if (header_lines >= 1) {
    if (!NextLine(&data, &line)) return absl::OkStatus();  // empty input, no rows
    TALLY_RETURN_IF_ERROR(p->MapHeader(header_fields(line), &mapping));
    if (header_lines >= 2) {
      if (!NextLine(&data, &line)) return RowError(1, "missing the types line of the header");
      TALLY_RETURN_IF_ERROR(p->CheckHeaderTypes(header_fields(line), mapping));
    }
  } else {
    for (size_t c = 0; c < p->columns(); ++c) mapping.push_back(static_cast<int>(c));
  }
  std::vector<bool> seen = p->MarkMapped(mapping);
  size_t row = 0;
  while (NextLine(&data, &line)) {
    ++row;
    std::vector<absl::string_view> fields = SplitTabs(line);
    if (fields.size() != mapping.size()) {
      return RowError(row, absl::StrCat("expected ", mapping.size(), " tab-separated fields, got ",
                                        fields.size()));
    }
    for (size_t f = 0; f < fields.size(); ++f) {
      if (mapping[f] < 0) continue;
      TALLY_RETURN_IF_ERROR(ParseTsvField(p, row, mapping[f], fields[f], raw, &scratch));
    }
    p->FillMissing(seen);
  }
  return absl::OkStatus();
}

// --- CSV ---

struct CsvField {
  std::string value;
  bool quoted = false;
};

// Reads one CSV record from the front of *data. False at the end of the data.
absl::StatusOr<bool> NextCsvRecord(absl::string_view* data, size_t row,
                                   std::vector<CsvField>* fields) {
  fields->clear();
  if (data->empty()) return false;
  while (true) {
    CsvField field;
    size_t i = 0;
    while (i < data->size() && ((*data)[i] == ' ' || (*data)[i] == '\t')) ++i;
    if (i < data->size() && (*data)[i] == '"') {
      field.quoted = true;
      ++i;
      while (true) {
        size_t quote = data->find('"', i);
        if (quote == absl::string_view::npos) return RowError(row, "unterminated quoted CSV field");
        field.value.append(data->data() + i, quote - i);
        i = quote + 1;
        if (i < data->size() && (*data)[i] == '"') {  // "" inside quotes is one "
          field.value.push_back('"');
          ++i;
          continue;
        }
        break;
      }
      while (i < data->size() && ((*data)[i] == ' ' || (*data)[i] == '\t')) ++i;
    } else {
      size_t start = i;
      while (i < data->size() && (*data)[i] != ',' && (*data)[i] != '\n' && (*data)[i] != '\r') ++i;
      absl::string_view v = data->substr(start, i - start);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      field.value = std::string(v);
    }
    fields->push_back(std::move(field));
    if (i >= data->size()) {
      data->remove_prefix(i);
      return true;
    }
    char c = (*data)[i];
    if (c == ',') {
      data->remove_prefix(i + 1);
      continue;
    }
    if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < data->size() && (*data)[i + 1] == '\n') ? 2 : 1;
      data->remove_prefix(i);
      return true;
    }
    return RowError(row, absl::StrCat("expected ',' or a line end after a quoted field, got '",
                                      TextForError(data->substr(i, 1)), "'"));
  }
}

absl::Status ParseCsvField(Parser* p, size_t row, size_t c, const CsvField& field) {
  Column* col = p->column(c);
  absl::Status s;
  const DataType& type = *col->type;
  if (!field.quoted && IsNullText(type, field.value)) {
    s = AppendNull(col, p->options().null_as_default);
    return s.ok() ? s : p->FieldError(row, c, s.message());
  }
  if (field.value.empty() && !field.quoted && p->options().csv_empty_as_default) {
    col->AppendDefault();  // as ClickHouse: only an unquoted empty field; "" is a value
    return absl::OkStatus();
  }
  s = ParseTextField(col, field.value, TextParseOptions{.detect_null = false});
  return s.ok() ? s : p->Mismatch(row, c, field.value, s);
}

absl::Status ParseCsv(absl::string_view data, int header_lines, Parser* p) {
  data = SkipBom(data);
  std::vector<int> mapping;
  std::vector<CsvField> fields;
  auto values = [&] {
    std::vector<std::string> out;
    for (const CsvField& f : fields) out.push_back(f.value);
    return out;
  };
  if (header_lines >= 1) {
    TALLY_ASSIGN_OR_RETURN(bool any, NextCsvRecord(&data, 1, &fields));
    if (!any) return absl::OkStatus();
    TALLY_RETURN_IF_ERROR(p->MapHeader(values(), &mapping));
    if (header_lines >= 2) {
      TALLY_ASSIGN_OR_RETURN(bool types, NextCsvRecord(&data, 1, &fields));
      if (!types) return RowError(1, "missing the types line of the header");
      TALLY_RETURN_IF_ERROR(p->CheckHeaderTypes(values(), mapping));
    }
  } else {
    for (size_t c = 0; c < p->columns(); ++c) mapping.push_back(static_cast<int>(c));
  }
  std::vector<bool> seen = p->MarkMapped(mapping);
  for (size_t row = 1;; ++row) {
    TALLY_ASSIGN_OR_RETURN(bool any, NextCsvRecord(&data, row, &fields));
    if (!any) break;
    if (fields.size() != mapping.size()) {
      return RowError(row, absl::StrCat("expected ", mapping.size(), " comma-separated fields, got ",
                                        fields.size()));
    }
    for (size_t f = 0; f < fields.size(); ++f) {
      if (mapping[f] < 0) continue;
      TALLY_RETURN_IF_ERROR(ParseCsvField(p, row, mapping[f], fields[f]));
    }
    p->FillMissing(seen);
  }
  return absl::OkStatus();
}

// --- Values ---

void SkipSpace(absl::string_view* in) {
  while (!in->empty() && absl::ascii_isspace(static_cast<unsigned char>(in->front()))) {
    in->remove_prefix(1);
  }
}

absl::Status ParseValues(absl::string_view data, Parser* p) {
  const TextParseOptions options{.null_as_default = p->options().null_as_default};
  for (size_t c = 0; c < p->columns(); ++c) p->MarkPresent(c);
  absl::string_view in = SkipBom(data);
  size_t row = 0;
  while (true) {
    SkipSpace(&in);
    if (in.empty()) break;
    if (in.front() == ';') {
      in.remove_prefix(1);
      SkipSpace(&in);
      if (!in.empty()) return RowError(row + 1, "text after ';'");
      break;
    }
    ++row;
    if (in.front() != '(') {
      return RowError(row, absl::StrCat("expected '(' to start a row, got '",
                                        TextForError(in.substr(0, 20)), "'"));
    }
    in.remove_prefix(1);
    for (size_t c = 0; c < p->columns(); ++c) {
      absl::Status s = ParseQuotedValue(p->column(c), &in, options);
      if (!s.ok()) return p->FieldError(row, c, s.message());
      SkipSpace(&in);
      const bool last = c + 1 == p->columns();
      if (!in.empty() && in.front() == (last ? ')' : ',')) {
        if (!last) in.remove_prefix(1);
        continue;
      }
      if (!in.empty() && (in.front() == ')' || in.front() == ',')) {
        return RowError(row, absl::StrCat("expected ", p->columns(), " values, got ",
                                          in.front() == ')' ? c + 1 : c + 2, " or more"));
      }
      return WithCode(p->FieldError(row, c, absl::StrCat("expressions in VALUES are not supported yet (found '",
                                                         TextForError(in.substr(0, 20)),
                                                         "' after the literal); write literals only")),
                      ErrorCode::kNotImplemented);
    }
    if (p->columns() == 0 || in.empty() || in.front() != ')') {
      return RowError(row, "expected ')' to end the row");
    }
    in.remove_prefix(1);
    SkipSpace(&in);
    if (!in.empty() && in.front() == ',') in.remove_prefix(1);
  }
  return absl::OkStatus();
}

}  // namespace

bool IsInputFormat(absl::string_view format) { return FindFormat(format) != nullptr; }

namespace {
RowBinaryHeader RowBinaryHeaderOf(const FormatName& f) {
  return f.header_lines == 0 ? RowBinaryHeader::kNone
                             : f.header_lines == 1 ? RowBinaryHeader::kNames : RowBinaryHeader::kNamesAndTypes;
}
}  // namespace

namespace {
absl::Status ParseAll(const FormatName& format, absl::string_view data, Parser* parser);
}  // namespace

absl::StatusOr<ParsedInput> ParseInputWithPresence(absl::string_view format,
                                                   absl::string_view data,
                                                   const std::vector<std::string>& names,
                                                   const std::vector<DataTypePtr>& types,
                                                   const InputOptions& options) {
  const FormatName* f = FindFormat(format);
  if (f == nullptr) {
    return CodedError(ErrorCode::kUnknownFormat, absl::StrCat("unknown input format '", format, "'"));
  }
  if (names.size() != types.size()) {
    return absl::InvalidArgumentError(absl::StrCat("input format ", format, ": ", names.size(),
                                                   " names but ", types.size(), " types"));
  }
  for (size_t c = 0; c < types.size(); ++c) {
    // A state's bytes are tally's own (engine/exec/aggregate_state.h); ClickHouse's text
    // form of them is not read yet.
    if (types[c]->is_aggregate_state()) {
      return absl::UnimplementedError(absl::StrCat("input format ", format, ": column ", names[c], " of type ",
                                                   types[c]->ToString(),
                                                   ": reading aggregate states from text is not supported yet"));
    }
  }
  if (f->kind == Kind::kNative) return ParseNative(data, names, types, options);
  if (f->kind == Kind::kRowBinary) {
    absl::StatusOr<ParsedInput> parsed = ParseRowBinary(RowBinaryHeaderOf(*f), data, names, types, options);
    if (!parsed.ok()) return OffsetRowNumbers(parsed.status(), options.first_row);
    return parsed;
  }
  Parser p(names, types, options);
  absl::Status s = ParseAll(*f, data, &p);
  if (!s.ok()) return OffsetRowNumbers(s, options.first_row);
  return p.Take();
}

// "Cannot parse input: row N..." of a piece of a longer input: N counts from the start.
absl::Status OffsetRowNumbers(const absl::Status& s, uint64_t first_row) {
  constexpr absl::string_view kPrefix = "Cannot parse input: row ";
  absl::string_view m = s.message();
  if (first_row == 0 || !absl::StartsWith(m, kPrefix)) return s;
  m.remove_prefix(kPrefix.size());
  size_t digits = 0;
  while (digits < m.size() && absl::ascii_isdigit(static_cast<unsigned char>(m[digits]))) ++digits;
  uint64_t row = 0;
  if (!absl::SimpleAtoi(m.substr(0, digits), &row)) return s;
  return WithMessage(s, absl::StrCat(kPrefix, row + first_row, m.substr(digits)));
}

namespace {

// Whole rows of a text format, after any header.
std::optional<size_t> CompleteTextRows(const FormatName* f, absl::string_view data) {
  switch (f->kind) {
    case Kind::kJsonEachRow:
    case Kind::kJsonCompactEachRow: {
      // Fast path for one row per line: a JSON string never holds a raw line break, so a
      // line break after '}' and before '{' ("]" and "[" for the compact form) lies between
      // two top-level values: inside one, the '}' that closes a nested value is followed by
      // ',' or another closing bracket, never by '{'.
      const char close = f->kind == Kind::kJsonEachRow ? '}' : ']';
      const char open = f->kind == Kind::kJsonEachRow ? '{' : '[';
      auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
      for (size_t nl = data.rfind('\n'); nl != absl::string_view::npos && nl > 0; nl = data.rfind('\n', nl - 1)) {
        size_t before = nl;
        while (before > 0 && is_space(data[before - 1])) --before;
        size_t after = nl + 1;
        while (after < data.size() && is_space(data[after])) ++after;
        if (after == data.size()) continue;  // what follows is not read yet
        if (before > 0 && data[before - 1] == close && data[after] == open) return nl + 1;
        if (data.size() - nl > (size_t{1} << 20)) break;  // rows are not one per line: scan
      }
      // Rows end where a top-level object (array) closes; strings may hold any bracket.
      size_t depth = 0, end = 0;
      bool in_string = false, escaped = false;
      for (size_t i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (in_string) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '"') {
            in_string = false;
          }
          continue;
        }
        if (c == '"') {
          in_string = true;
        } else if (c == '{' || c == '[') {
          // A '[' opening the whole input is the JSON array form: read it whole.
          if (depth == 0 && c == '[' && f->kind == Kind::kJsonEachRow) return std::nullopt;
          ++depth;
        } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
          end = i + 1;
        }
      }
      return end;
    }
    case Kind::kCsv: {
      // The last line break outside quotes ("" inside quotes toggles twice).
      bool quoted = false;
      size_t end = 0;
      for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '"') quoted = !quoted;
        if (data[i] == '\n' && !quoted) end = i + 1;
      }
      return end;
    }
    case Kind::kTsv:
    case Kind::kTsvRaw: {
      // A TSV value never holds a raw line break (it is escaped as \n).
      size_t nl = data.rfind('\n');
      return nl == absl::string_view::npos ? 0 : nl + 1;
    }
    case Kind::kValues:
    case Kind::kNative:
    case Kind::kRowBinary:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<size_t> CompleteRowsPrefix(absl::string_view format, absl::string_view data) {
  const FormatName* f = FindFormat(format);
  if (f == nullptr || f->header_lines > 0) return std::nullopt;
  return CompleteTextRows(f, data);
}

namespace {

absl::Status ParseAll(const FormatName& format, absl::string_view data, Parser* parser) {
  Parser& p = *parser;
  const FormatName* f = &format;
  switch (f->kind) {
    case Kind::kJsonEachRow:
      TALLY_RETURN_IF_ERROR(ParseJsonEachRow(data, &p));
      break;
    case Kind::kJsonCompactEachRow:
      TALLY_RETURN_IF_ERROR(ParseJsonCompactEachRow(data, f->header_lines, &p));
      break;
    case Kind::kCsv:
      TALLY_RETURN_IF_ERROR(ParseCsv(data, f->header_lines, &p));
      break;
    case Kind::kTsv:
    case Kind::kTsvRaw:
      TALLY_RETURN_IF_ERROR(ParseTsv(data, f->kind == Kind::kTsvRaw, f->header_lines, &p));
      break;
    case Kind::kValues:
      TALLY_RETURN_IF_ERROR(ParseValues(data, &p));
      break;
    case Kind::kNative:
    case Kind::kRowBinary:
      return absl::InternalError("binary formats are parsed by ParseNative and ParseRowBinary");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Block> ParseInput(absl::string_view format, absl::string_view data,
                                 const std::vector<std::string>& names,
                                 const std::vector<DataTypePtr>& types,
                                 const InputOptions& options) {
  TALLY_ASSIGN_OR_RETURN(ParsedInput parsed,
                         ParseInputWithPresence(format, data, names, types, options));
  return std::move(parsed.block);
}

}  // namespace tally::engine
