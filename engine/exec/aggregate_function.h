// Aggregate functions: count, sum, uniq, quantile, ... and the -If and -Distinct combinators.
//
// An aggregate's state lives in memory the aggregator owns (state_size() bytes aligned to
// state_align()), one per group; the aggregator creates, feeds, merges and finalizes it.
// Batch entry points take whole columns so the per-row loop stays inside the kernel.
// States are also stored in columns (AggregateFunction(sum, UInt64)), through
// Serialize/Deserialize; engine/exec/aggregate_state.h frames them and holds the -State and
// -Merge combinators.
//
// Bound aggregates are immutable and thread-safe; states are not.
#ifndef TALLY_ENGINE_EXEC_AGGREGATE_FUNCTION_H_
#define TALLY_ENGINE_EXEC_AGGREGATE_FUNCTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/value.h"

namespace tally::engine::exec {

class AggregateFunction {
 public:
  virtual ~AggregateFunction() = default;

  const format::DataTypePtr& result_type() const { return result_type_; }
  virtual size_t state_size() const = 0;
  virtual size_t state_align() const { return 8; }

  virtual void Create(uint8_t* state) const = 0;
  // Frees what the state owns (heap memory of uniqExact sets, quantile buffers...).
  virtual void Destroy(uint8_t* state) const { (void)state; }

  // Adds rows [0, rows) of `args`; row r goes to the state at places[r] + offset.
  virtual void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                        size_t rows) const = 0;
  // Adds rows [0, rows) to one state (no GROUP BY).
  virtual void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const = 0;
  // dst += src.
  virtual void Merge(uint8_t* dst, const uint8_t* src) const = 0;
  // Appends the final value to `out` (a column of result_type()).
  virtual void Finalize(const uint8_t* state, format::Column* out) const = 0;

  // Appends the state's payload bytes (docs/format.md, "Aggregate states"): only what the
  // state holds, no header. Unimplemented for an aggregate whose state cannot be stored.
  virtual absl::Status Serialize(const uint8_t* state, std::string* out) const;
  // Reads a payload Serialize wrote into `state`, freshly Create()d; every byte must be
  // used. DataLoss for bytes that do not decode (the state may then hold part of them and
  // must still be Destroy()ed).
  virtual absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const;

  // AddBatch / AddBatchSinglePlace where the aggregate may refuse its input (fMerge
  // refuses state bytes that do not decode): the aggregator calls these. On a refusal the
  // rows before it may have been added (the query then fails). By default the infallible
  // entry points; combinators forward to their nested aggregate's.
  virtual absl::Status TryAddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                                   size_t rows) const {
    AddBatch(places, offset, args, rows);
    return absl::OkStatus();
  }
  virtual absl::Status TryAddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const {
    AddBatchSinglePlace(place, args, rows);
    return absl::OkStatus();
  }

  // dst += the state whose payload Serialize wrote (fMerge's step). `scratch` is a
  // Create()d state of this aggregate, left Create()d: the default Deserializes into it
  // and Merges; aggregates with cheap payloads merge the bytes straight into dst. DataLoss
  // when the bytes do not decode (dst may then hold part of them).
  virtual absl::Status MergeSerialized(uint8_t* dst, absl::string_view payload, uint8_t* scratch) const;

  // Memory the state holds beyond state_size(), for max_memory_usage accounting.
  virtual size_t HeapBytes(const uint8_t* state) const {
    (void)state;
    return 0;
  }

 protected:
  format::DataTypePtr result_type_;
};

// Binds an aggregate to its argument types and parameters (quantile(0.9)(x): params =
// {0.9}). `distinct` is count(DISTINCT x) and friends.
using AggregateFactory = std::function<absl::StatusOr<std::unique_ptr<AggregateFunction>>(
    absl::Span<const format::DataTypePtr> args, absl::Span<const format::Value> params)>;

class AggregateRegistry {
 public:
  static AggregateRegistry& Global();
  void Register(const std::string& name, AggregateFactory factory, bool case_insensitive = false);
  // Resolves combinators, the last suffix outermost: sumIf -> If(sum), sumDistinct ->
  // Distinct(sum), sumIfDistinct -> Distinct(If(sum)), sumState, sumMerge, sumMergeState ->
  // State(Merge(sum)) (engine/exec/aggregate_state.h). f(DISTINCT x) binds as fDistinct(x),
  // count(DISTINCT x) as uniqExact(x), as in ClickHouse. NotFound when no such aggregate exists.
  absl::StatusOr<std::unique_ptr<AggregateFunction>> Bind(absl::string_view name, bool distinct,
                                                          absl::Span<const format::DataTypePtr> args,
                                                          absl::Span<const format::Value> params) const;
  bool IsAggregate(absl::string_view name) const;

  // One registered aggregate (combinators not spelled out), as system.functions lists it.
  struct Entry {
    std::string name;
    bool case_insensitive = false;
  };
  std::vector<Entry> Entries() const;

 private:
  const AggregateFactory* Find(absl::string_view name) const;
  std::vector<std::pair<std::string, AggregateFactory>> exact_;
  std::vector<std::pair<std::string, AggregateFactory>> insensitive_;
};

void RegisterBasicAggregates(AggregateRegistry& registry);     // count sum min max avg any anyLast argMin argMax
void RegisterUniqAggregates(AggregateRegistry& registry);      // uniq uniqExact
void RegisterQuantileAggregates(AggregateRegistry& registry);  // quantile quantiles (t-digest)
void RegisterBitAggregates(AggregateRegistry& registry);       // groupBitAnd groupBitOr groupBitXor
void RegisterGroupUniqArray(AggregateRegistry& registry);      // groupUniqArray

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_AGGREGATE_FUNCTION_H_
