#include "engine/exec/arg_adapters.h"

#include <cstring>
#include <deque>
#include <mutex>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

bool IsNullableArg(const DataType& t) {
  return t.id() == TypeId::kNullable || t.is_nullable_low_cardinality();
}

// Indexes of a LowCardinality column as uint32, for Column::Gather.
std::vector<uint32_t> Indexes(const Column& c, size_t rows) {
  std::vector<uint32_t> out(rows);
  switch (c.index_width) {
    case 1:
      for (size_t i = 0; i < rows; ++i) out[i] = c.data[i];
      break;
    case 2: {
      const uint16_t* p = c.values<uint16_t>();
      for (size_t i = 0; i < rows; ++i) out[i] = p[i];
      break;
    }
    default:
      if (rows > 0) std::memcpy(out.data(), c.data.data(), rows * sizeof(uint32_t));
  }
  return out;
}

void Fill(format::PodVector<uint8_t>* bytes, uint8_t value) {
  if (!bytes->empty()) std::memset(bytes->data(), value, bytes->size());
}

// Nullable and LowCardinality around a plain kernel; see the header.
class AdaptedFunction : public BoundFunction {
 public:
  AdaptedFunction(std::unique_ptr<BoundFunction> inner, bool nullable_result, bool default_under_null,
                  bool cacheable)
      : inner_(std::move(inner)),
        nullable_result_(nullable_result),
        default_under_null_(default_under_null),
        cacheable_(cacheable) {
    const DataTypePtr& r = inner_->result_type();
    result_type_ = nullable_result_ && r->id() != TypeId::kNullable ? DataType::Nullable(r) : r;
  }

  bool deterministic() const override { return inner_->deterministic(); }

  absl::StatusOr<Column> Execute(absl::Span<const ColumnArg> args, size_t rows) const override {
    std::vector<ColumnArg> plain(args.begin(), args.end());
    format::PodVector<uint8_t> nulls(rows);
    Fill(&nulls, 0);
    std::deque<Column> defaulted;  // stable addresses for arguments with defaults under NULL
    for (ColumnArg& a : plain) {
      const Column* nullable = a.column->type->id() == TypeId::kNullable ? a.column : nullptr;
      MergeNulls(a, rows, &nulls);
      if (default_under_null_ && nullable != nullptr) DefaultUnderNull(*nullable, rows, &a, &defaulted);
    }
    TALLY_ASSIGN_OR_RETURN(Column result, ExecuteLowCardinality(plain, rows));
    if (!nullable_result_) return result;
    if (result.type->id() == TypeId::kNullable) {
      for (size_t i = 0; i < rows; ++i) result.nulls[i] |= nulls[i];
      return result;
    }
    Column out = Column::Make(result_type_);
    out.nulls = std::move(nulls);
    out.children[0] = std::move(result);
    return out;
  }

 private:
  // ORs the argument's NULLs into `nulls` and points `a` at the nested values.
  static void MergeNulls(ColumnArg& a, size_t rows, format::PodVector<uint8_t>* nulls) {
    const Column& c = *a.column;
    if (c.type->id() == TypeId::kNullable) {
      if (a.is_const) {
        if (c.nulls[0]) Fill(nulls, 1);
      } else {
        for (size_t i = 0; i < rows; ++i) (*nulls)[i] |= c.nulls[i];
      }
      a.column = &c.children[0];
    } else if (c.type->is_nullable_low_cardinality()) {
      size_t n = a.is_const ? 1 : rows;
      for (size_t i = 0; i < n; ++i) {
        if (c.IndexAt(i) == 0) {
          if (a.is_const) {
            Fill(nulls, 1);
          } else {
            (*nulls)[i] = 1;
          }
        }
      }
    }
  }

  // A result that cannot be Nullable (an Array) holds, in a NULL row, the result for the
  // default value, as ClickHouse's nested column holds the default under each NULL:
  // splitByChar('/', NULL) is ['']. Tally may keep any value under a NULL (concat('a-', NULL)
  // computes 'a-'), so the NULL rows of `nullable` are reset before the kernel runs.
  static void DefaultUnderNull(const Column& nullable, size_t rows, ColumnArg* a,
                               std::deque<Column>* owned) {
    size_t n = a->is_const ? 1 : rows;
    bool any_null = false;
    for (size_t i = 0; i < n && !any_null; ++i) any_null = nullable.nulls[i] != 0;
    if (!any_null) return;
    std::vector<uint32_t> source(n, 0);
    std::vector<uint64_t> at(n);
    for (size_t i = 0; i < n; ++i) {
      at[i] = i;
      if (nullable.nulls[i]) source[i] = kDefaultSource;
    }
    const Column* values = a->column;
    owned->push_back(GatherRows(values->type, absl::MakeConstSpan(&values, 1), source, at));
    a->column = &owned->back();
  }

  absl::StatusOr<Column> ExecuteLowCardinality(std::vector<ColumnArg>& plain, size_t rows) const {
    int lc = -1, non_const = 0;
    bool any_lc = false;
    for (size_t i = 0; i < plain.size(); ++i) {
      bool is_lc = plain[i].column->type->id() == TypeId::kLowCardinality;
      any_lc |= is_lc;
      if (!plain[i].is_const) {
        ++non_const;
        if (is_lc) lc = static_cast<int>(i);
      }
    }
    if (!any_lc) return inner_->Execute(plain, rows);
    std::deque<Column> owned;  // stable addresses for the materialized arguments
    if (lc >= 0 && non_const == 1) {
      std::shared_ptr<const Column> per_entry;
      TALLY_ASSIGN_OR_RETURN(bool done, PerDictionaryEntry(plain, lc, rows, &owned, &per_entry));
      if (done) return Column::Gather(*per_entry, Indexes(*plain[lc].column, rows));
    }
    for (ColumnArg& a : plain) {
      if (a.column->type->id() != TypeId::kLowCardinality) continue;
      owned.push_back(MaterializeLowCardinality(*a.column));
      a.column = &owned.back();
    }
    return inner_->Execute(plain, rows);
  }

  // Runs the kernel over the dictionary of argument `lc`. False when the dictionary is so
  // much larger than the block that materializing the rows is cheaper, or when the kernel
  // fails on some entry.
  absl::StatusOr<bool> PerDictionaryEntry(std::vector<ColumnArg>& plain, int lc, size_t rows,
                                          std::deque<Column>* owned,
                                          std::shared_ptr<const Column>* out) const {
    const std::shared_ptr<const Column>& dict = plain[lc].column->dictionary;
    if (cacheable_) {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_dictionary_ == dict) {
        *out = cached_result_;
        return true;
      }
    }
    if (dict->size() > 16 * rows + 1024) return false;
    std::vector<ColumnArg> over_dict = plain;
    over_dict[lc] = ColumnArg{dict.get(), false};
    for (ColumnArg& a : over_dict) {
      if (a.is_const && a.column->type->id() == TypeId::kLowCardinality) {
        owned->push_back(MaterializeLowCardinality(*a.column));
        a.column = &owned->back();
      }
    }
    // A shared dictionary may hold entries no row of this block uses; if the kernel fails
    // on one of those (toDate('garbage')), only the rows themselves decide.
    absl::StatusOr<Column> result = inner_->Execute(over_dict, dict->size());
    if (!result.ok()) return false;
    *out = std::make_shared<const Column>(*std::move(result));
    if (cacheable_) {
      std::lock_guard<std::mutex> lock(mu_);
      cached_dictionary_ = dict;
      cached_result_ = *out;
    }
    return true;
  }

  std::unique_ptr<BoundFunction> inner_;
  bool nullable_result_;
  bool default_under_null_;
  bool cacheable_;
  // std::mutex, which ThreadSanitizer sees through (the system's Abseil is not built with
  // its annotations); query threads share this cache.
  mutable std::mutex mu_;
  // Holding the dictionary keeps its address from being reused and makes its owner copy
  // it before any change (Column copies a shared dictionary before writing).
  mutable std::shared_ptr<const Column> cached_dictionary_;  // guarded by mu_
  mutable std::shared_ptr<const Column> cached_result_;  // guarded by mu_
};

}  // namespace

DataTypePtr PlainType(const DataTypePtr& type) {
  switch (type->id()) {
    case TypeId::kNullable:
      return PlainType(type->children()[0]);
    case TypeId::kLowCardinality:
      return DataType::Make(TypeId::kString);
    default:
      return type;
  }
}

Column MaterializeLowCardinality(const Column& column) {
  Column out = Column::Make(DataType::Make(TypeId::kString));
  size_t n = column.size();
  out.offsets.reserve(n);
  for (size_t i = 0; i < n; ++i) out.AppendString(column.dictionary->StringAt(column.IndexAt(i)));
  return out;
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindPlain(absl::Span<const ArgInfo> args,
                                                         const FunctionContext& context,
                                                         const PlainBinder& bind) {
  std::vector<ArgInfo> plain(args.begin(), args.end());
  std::vector<std::unique_ptr<Column>> constants;  // materialized LowCardinality constants
  bool nullable = false, any_lc = false;
  int non_const = 0, lc_non_const = 0;
  for (ArgInfo& a : plain) {
    nullable |= IsNullableArg(*a.type);
    bool is_lc = a.type->id() == TypeId::kLowCardinality;
    any_lc |= is_lc;
    if (a.constant == nullptr) {
      ++non_const;
      lc_non_const += is_lc;
    } else if (a.type->id() == TypeId::kNullable) {
      a.constant = &a.constant->children[0];
    } else if (is_lc) {
      constants.push_back(std::make_unique<Column>(MaterializeLowCardinality(*a.constant)));
      a.constant = constants.back().get();
    }
    a.type = PlainType(a.type);
  }
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<BoundFunction> inner, bind(plain, context));
  if (!nullable && !any_lc) return inner;
  // Array and Map results cannot be Nullable: NULL rows get the result for the default value.
  bool wrap = nullable && CanBeInsideNullable(*inner->result_type());
  bool cacheable = non_const == 1 && lc_non_const == 1 && inner->deterministic();
  return std::make_unique<AdaptedFunction>(std::move(inner), wrap, nullable && !wrap, cacheable);
}

void RegisterPlain(FunctionRegistry& registry, const std::string& name, PlainBinder bind,
                   bool case_insensitive) {
  registry.Register(
      name,
      [bind = std::move(bind)](absl::Span<const ArgInfo> args, const FunctionContext& context) {
        return BindPlain(args, context, bind);
      },
      case_insensitive);
}

std::unique_ptr<BoundFunction> MakeKernel(DataTypePtr result_type, LambdaFunction::Kernel kernel,
                                          bool deterministic) {
  auto once = [kernel = std::move(kernel)](absl::Span<const ColumnArg> args,
                                           size_t rows) -> absl::StatusOr<Column> {
    bool all_const = true;
    for (const ColumnArg& a : args) all_const &= a.is_const;
    if (!all_const || rows == 1) return kernel(args, rows);
    TALLY_ASSIGN_OR_RETURN(Column one, kernel(args, 1));
    return RepeatRow(one, rows);
  };
  return std::make_unique<LambdaFunction>(std::move(result_type), std::move(once), deterministic);
}

Column RepeatRow(const Column& one, size_t rows) {
  std::vector<uint32_t> zeros(rows, 0);
  return Column::Gather(one, zeros);
}

bool IsString(const DataType& type) { return type.id() == TypeId::kString; }

const Column* StringConstant(const ArgInfo& arg) {
  if (arg.constant == nullptr || !IsString(*arg.type) || arg.constant->size() != 1) return nullptr;
  return arg.constant;
}

bool IntegerConstant(const ArgInfo& arg, int64_t* value) {
  if (arg.constant == nullptr || !arg.type->is_integer() || arg.constant->size() != 1) return false;
  *value = IntegerAt(ColumnArg{arg.constant, true}, 0);
  return true;
}

int64_t IntegerAt(const ColumnArg& arg, size_t r) {
  const Column& c = *arg.column;
  r = arg.row(r);
  switch (c.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return c.values<uint8_t>()[r];
    case TypeId::kUInt16:
    case TypeId::kDate:
      return c.values<uint16_t>()[r];
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return c.values<uint32_t>()[r];
    case TypeId::kUInt64: {
      uint64_t v = c.values<uint64_t>()[r];
      return v > uint64_t{std::numeric_limits<int64_t>::max()} ? std::numeric_limits<int64_t>::max()
                                                               : static_cast<int64_t>(v);
    }
    case TypeId::kInt8:
      return c.values<int8_t>()[r];
    case TypeId::kInt16:
      return c.values<int16_t>()[r];
    case TypeId::kInt32:
      return c.values<int32_t>()[r];
    default:
      return c.values<int64_t>()[r];
  }
}

absl::Status ArgError(absl::string_view function, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(function, ": ", what));
}

}  // namespace tally::engine::exec
