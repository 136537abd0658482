#include "engine/merge_rules/column_combiner.h"

#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

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
  if (!numeric) return absl::InternalError(absl::StrCat("cannot sum ", in.type->ToString()));
  if (nullable) {
    for (uint8_t n : all_null) out->nulls.push_back(n);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ColumnCombiner> ColumnCombiner::Make(const format::DataTypePtr& type, bool sum) {
  ColumnCombiner c;
  if (type->is_aggregate_state()) {
    c.kind_ = Kind::kState;
    TALLY_ASSIGN_OR_RETURN(std::unique_ptr<exec::StateMerger> merger, exec::StateMerger::Bind(*type));
    c.state_ = std::move(merger);
  } else if (type->aggregate() != nullptr) {
    c.kind_ = Kind::kSimple;
    TALLY_ASSIGN_OR_RETURN(std::unique_ptr<exec::SimpleCombiner> combiner, exec::SimpleCombiner::Bind(*type));
    c.simple_ = std::move(combiner);
  } else {
    c.kind_ = sum ? Kind::kSum : Kind::kFirst;
  }
  return c;
}

absl::Status ColumnCombiner::ReduceGroups(const Column& in, absl::Span<const uint32_t> starts, Column* out) const {
  switch (kind_) {
    case Kind::kFirst: {
      std::vector<uint32_t> firsts(starts.begin(), starts.end() - 1);
      out->AppendGather(in, firsts);
      return absl::OkStatus();
    }
    case Kind::kSum:
      return SumColumn(in, starts, out);
    case Kind::kState:
      return state_->MergeGroups(in, starts, out);
    case Kind::kSimple:
      return simple_->MergeGroups(in, starts, out);
  }
  return absl::InternalError("unknown column combiner");
}

absl::Status ReduceColumns(const std::vector<ColumnCombiner>& combiners, const std::vector<Column>& rows,
                           absl::Span<const uint32_t> starts, std::vector<Column>* out) {
  for (size_t c = 0; c < rows.size(); ++c) TALLY_RETURN_IF_ERROR(combiners[c].ReduceGroups(rows[c], starts, &(*out)[c]));
  return absl::OkStatus();
}

}  // namespace tally::engine
