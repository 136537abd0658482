#include "engine/merge_rules/summing_rule.h"

#include <type_traits>

#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"

namespace tally::engine {

namespace {

using format::Column;
using format::TypeId;

// Sums of each group of a numeric column; `nulls` (may be null) marks rows to leave out,
// and `all_null` gets 1 for groups with no value.
template <typename T>
void SumGroups(const Column& in, const uint8_t* nulls, absl::Span<const uint32_t> starts, Column* out,
               std::vector<uint8_t>* all_null) {
  // Integers wrap as the column type does; unsigned arithmetic makes that defined.
  using Acc = typename std::conditional_t<std::is_integral_v<T>, std::make_unsigned<T>, std::type_identity<T>>::type;
  const T* v = in.values<T>();
  for (size_t g = 0; g + 1 < starts.size(); ++g) {
    Acc acc = 0;
    bool any = false;
    for (uint32_t r = starts[g]; r < starts[g + 1]; ++r) {
      if (nulls != nullptr && nulls[r] != 0) continue;
      acc = static_cast<Acc>(acc + static_cast<Acc>(v[r]));
      any = true;
    }
    out->Append<T>(static_cast<T>(acc));
    all_null->push_back(!any);
  }
}

absl::Status SumColumn(const Column& in, absl::Span<const uint32_t> starts, Column* out) {
  const bool nullable = in.type->id() == TypeId::kNullable;
  const Column& values = nullable ? in.children[0] : in;
  Column* values_out = nullable ? &out->children[0] : out;
  std::vector<uint8_t> all_null;
  const bool numeric = exec::DispatchNumeric(values.type->id(), [&](auto t) {
    using T = decltype(t);
    SumGroups<T>(values, nullable ? in.nulls.data() : nullptr, starts, values_out, &all_null);
  });
  if (!numeric) return absl::InternalError(absl::StrCat("SummingRule: cannot sum ", in.type->ToString()));
  if (nullable) {
    for (uint8_t n : all_null) out->nulls.push_back(n);
  }
  return absl::OkStatus();
}

bool IsZero(const Column& c, size_t i) {
  if (c.type->id() == TypeId::kNullable) return c.nulls[i] != 0 || IsZero(c.children[0], i);
  bool zero = false;
  exec::DispatchNumeric(c.type->id(), [&](auto t) {
    using T = decltype(t);
    zero = c.values<T>()[i] == T{};
  });
  return zero;
}

}  // namespace

absl::Status SummingRule::Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const {
  std::vector<uint32_t> firsts(starts.begin(), starts.end() - 1);
  for (size_t c = 0; c < rows.columns.size(); ++c) {
    if (summed_[c]) {
      if (absl::Status s = SumColumn(rows.columns[c], starts, &out->columns[c]); !s.ok()) return s;
    } else {
      out->columns[c].AppendGather(rows.columns[c], firsts);
    }
  }
  return absl::OkStatus();
}

void SummingRule::Drop(const Block& reduced, RuleStage stage, format::PodVector<uint8_t>* keep) const {
  (void)stage;  // a zero sum is dropped wherever it appears, as in ClickHouse
  if (!drop_zero_rows_) return;
  for (size_t i = 0; i < reduced.rows(); ++i) {
    bool all_zero = true;
    for (size_t c = 0; c < reduced.columns.size() && all_zero; ++c) {
      if (summed_[c]) all_zero = IsZero(reduced.columns[c], i);
    }
    if (all_zero) (*keep)[i] = 0;
  }
}

}  // namespace tally::engine
