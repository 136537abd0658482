// Block: a batch of rows as named columns of equal length; what Insert takes and Scan
// returns.
//
// A plain value type; not synchronized.
#ifndef TALLY_ENGINE_BLOCK_H_
#define TALLY_ENGINE_BLOCK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "format/column.h"

namespace tally::engine {

struct Block {
  std::vector<std::string> names;
  std::vector<format::Column> columns;

  size_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
  int Find(absl::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  void Add(std::string name, format::Column column) {
    names.push_back(std::move(name));
    columns.push_back(std::move(column));
  }
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_BLOCK_H_
