#include "format/dictionary_merge.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/string_view.h"

namespace tally::format {

MergedDictionary MergeDictionaries(absl::Span<const Column* const> inputs, bool nullable) {
  struct Entry {
    absl::string_view value;
    uint32_t input;
    uint32_t index;
  };
  std::vector<Entry> entries;
  size_t total = 0;
  for (const Column* in : inputs) total += in->size();
  entries.reserve(total);
  MergedDictionary out;
  out.remap.resize(inputs.size());
  const uint32_t first = nullable ? 1 : 0;
  for (uint32_t i = 0; i < inputs.size(); ++i) {
    out.remap[i].assign(inputs[i]->size(), 0);
    for (uint32_t k = first; k < inputs[i]->size(); ++k) entries.push_back({inputs[i]->StringAt(k), i, k});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.value < b.value; });
  auto dict = std::make_shared<Column>(Column::Make(DataType::Make(TypeId::kString)));
  if (nullable) dict->AppendString("");
  for (size_t e = 0; e < entries.size(); ++e) {
    // A value equal to the previous entry's joins it (NULL is never among `entries`).
    if (e == 0 || entries[e].value != entries[e - 1].value) {
      dict->AppendString(entries[e].value);
    }
    out.remap[entries[e].input][entries[e].index] = static_cast<uint32_t>(dict->size() - 1);
  }
  out.dictionary = std::move(dict);
  return out;
}

namespace {

template <typename In, typename Out>
void Remap(const uint8_t* in, size_t rows, absl::Span<const uint32_t> remap, uint8_t* out) {
  const In* src = reinterpret_cast<const In*>(in);
  for (size_t i = 0; i < rows; ++i) {
    Out v = static_cast<Out>(remap[src[i]]);
    std::memcpy(out + i * sizeof(Out), &v, sizeof(Out));
  }
}

template <typename In>
void RemapFrom(const uint8_t* in, size_t rows, absl::Span<const uint32_t> remap, uint8_t width, uint8_t* out) {
  switch (width) {
    case 1:
      return Remap<In, uint8_t>(in, rows, remap, out);
    case 2:
      return Remap<In, uint16_t>(in, rows, remap, out);
    default:
      return Remap<In, uint32_t>(in, rows, remap, out);
  }
}

}  // namespace

void RemapIndexes(Column* column, absl::Span<const uint32_t> remap, std::shared_ptr<const Column> dictionary) {
  const size_t rows = column->size();
  const uint8_t width = static_cast<uint8_t>(IndexWidthFor(dictionary->size()));
  PodVector<uint8_t> indexes(rows * width);
  switch (column->index_width) {
    case 1:
      RemapFrom<uint8_t>(column->data.data(), rows, remap, width, indexes.data());
      break;
    case 2:
      RemapFrom<uint16_t>(column->data.data(), rows, remap, width, indexes.data());
      break;
    default:
      RemapFrom<uint32_t>(column->data.data(), rows, remap, width, indexes.data());
      break;
  }
  Column rebuilt = Column::Make(column->type);
  rebuilt.data = std::move(indexes);
  rebuilt.index_width = width;
  rebuilt.dictionary = std::move(dictionary);
  *column = std::move(rebuilt);
}

}  // namespace tally::format
