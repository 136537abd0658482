// Quantiles:
//
//   quantile(level)(x)          Float64 (Date/DateTime/DateTime64 arguments keep their type);
//   median(x)                   level defaults to 0.5; quantileTDigest and medianTDigest
//                               are aliases
//   quantiles(l1, l2, ...)(x)   Array(Float64), one element per level (quantilesTDigest)
//   quantileExact(level)(x)     the argument's type: the element at index level * n of the
//   quantilesExact, medianExact sorted values, as ClickHouse does (no interpolation)
//
// quantile keeps every value while there are at most kBufferMax of them (8192, the size of
// ClickHouse's reservoir, which holds every value up to there) and then answers exactly as
// ClickHouse's quantile does (linear interpolation at level * (n - 1)). Beyond that it is a
// merging t-digest (Dunning & Ertl) with the arcsine scale function k1 and compression
// kCompression: centroids are narrow at the tails and at most ~1.6 % of the rank wide in
// the middle, and interpolating between centroids brings the rank error to a small fraction
// of that. NaN values are skipped. Levels are validated to lie in [0, 1]. Over no rows the
// result is nan (or the type's default for dates); quantilesExact's elements are 0.
#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/function_util.h"
#include "engine/exec/aggregate_util.h"
#include "engine/exec/state_bytes.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

using AggregatePtr = std::unique_ptr<AggregateFunction>;

constexpr double kCompression = 200;
constexpr size_t kBufferMax = 8192;
constexpr double kPi = 3.14159265358979323846;

struct Centroid {
  double mean;
  double weight;
};

double ScaleK(double q) { return kCompression / (2 * kPi) * std::asin(2 * q - 1); }
double ScaleInverse(double k) { return (std::sin(k * 2 * kPi / kCompression) + 1) / 2; }

// A t-digest whose newest values wait in `buffer_` while there are at most kBufferMax.
// While nothing was ever compressed (`centroids_` empty) it holds the values exactly.
class TDigest {
 public:
  void Add(double x) {
    if (std::isnan(x)) return;
    min_ = count_ == 0 ? x : std::min(min_, x);
    max_ = count_ == 0 ? x : std::max(max_, x);
    ++count_;
    if (buffer_.size() == kBufferMax) Compress();  // before: exact up to kBufferMax values
    buffer_.push_back(x);
  }

  void Merge(const TDigest& other) {
    if (other.count_ == 0) return;
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
    count_ += other.count_;
    if (other.centroids_.empty() && centroids_.empty() &&
        buffer_.size() + other.buffer_.size() <= kBufferMax) {
      buffer_.insert(buffer_.end(), other.buffer_.begin(), other.buffer_.end());
      return;
    }
    buffer_.insert(buffer_.end(), other.buffer_.begin(), other.buffer_.end());
    Compress(other.centroids_);
  }

  // Appends one value per level to `out`; nan when empty. REQUIRES: levels in [0, 1].
  void Quantiles(absl::Span<const double> levels, std::vector<double>* out) const {
    if (centroids_.empty()) {
      ExactQuantiles(levels, out);
      return;
    }
    TDigest copy = *this;
    copy.Compress();
    for (double q : levels) out->push_back(copy.FromCentroids(q));
  }

  // f64 min, f64 max, u64 count, varint n and n centroids (f64 mean, f64 weight) sorted
  // by mean, varint m <= 8192 and m buffered values (f64).
  void Serialize(std::string* out) const {
    PutRaw(out, min_);
    PutRaw(out, max_);
    PutRaw(out, count_);
    format::PutVarint64(out, centroids_.size());
    for (const Centroid& c : centroids_) {
      PutRaw(out, c.mean);
      PutRaw(out, c.weight);
    }
    format::PutVarint64(out, buffer_.size());
    for (double x : buffer_) PutRaw(out, x);
  }
  absl::Status Deserialize(StateReader* in) {
    TALLY_ASSIGN_OR_RETURN(min_, in->Read<double>());
    TALLY_ASSIGN_OR_RETURN(max_, in->Read<double>());
    TALLY_ASSIGN_OR_RETURN(count_, in->Read<uint64_t>());
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in->ReadCount(16));
    centroids_.resize(n);
    for (uint64_t i = 0; i < n; ++i) {
      TALLY_ASSIGN_OR_RETURN(centroids_[i].mean, in->Read<double>());
      TALLY_ASSIGN_OR_RETURN(centroids_[i].weight, in->Read<double>());
      if (!(centroids_[i].weight > 0) || std::isnan(centroids_[i].mean) ||
          (i > 0 && centroids_[i].mean < centroids_[i - 1].mean)) {
        return StateReader::Corrupt("t-digest: centroids out of order or without weight");
      }
    }
    TALLY_ASSIGN_OR_RETURN(uint64_t m, in->ReadCount(8));
    if (m > kBufferMax || m > count_) return StateReader::Corrupt("t-digest: buffer larger than its values");
    buffer_.resize(m);
    for (uint64_t i = 0; i < m; ++i) {
      TALLY_ASSIGN_OR_RETURN(buffer_[i], in->Read<double>());
      if (std::isnan(buffer_[i])) return StateReader::Corrupt("t-digest: NaN value");
    }
    if (count_ > 0 && centroids_.empty() && m == 0) return StateReader::Corrupt("t-digest: values missing");
    return absl::OkStatus();
  }

  size_t HeapBytes() const {
    return sizeof(TDigest) + centroids_.capacity() * sizeof(Centroid) +
           buffer_.capacity() * sizeof(double);
  }

 private:
  // ClickHouse's quantile while its reservoir holds every value: sort, then at index
  // level * (n - 1) take the element when the index is whole, else weigh the two around it
  // as ReservoirSampler::getQuantile does (a * (right - index) + b * (index - left): the
  // same rounding, so 10.225 and not a + t * (b - a) = 10.225000000000001).
  void ExactQuantiles(absl::Span<const double> levels, std::vector<double>* out) const {
    std::vector<double> v = buffer_;
    std::sort(v.begin(), v.end());
    for (double q : levels) {
      if (v.empty()) {
        out->push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      const double index = q * static_cast<double>(v.size() - 1);
      const size_t left = static_cast<size_t>(index);
      if (left + 1 >= v.size()) {
        out->push_back(v[std::min(left, v.size() - 1)]);
        continue;
      }
      // No shortcut at a whole index: its neighbour weighs 0, and inf * 0 is nan, so the
      // median of three infinities is nan in ClickHouse.
      const double right = static_cast<double>(left + 1);
      out->push_back(v[left] * (right - index) + v[left + 1] * (index - static_cast<double>(left)));
    }
  }

  // Merges the buffer and `extra` centroids into `centroids_`.
  void Compress(absl::Span<const Centroid> extra = {}) {
    if (buffer_.empty() && extra.empty()) return;
    // Every input is sorted but the buffer: sort it (plain doubles sort fast) and merge.
    auto by_mean = [](const Centroid& a, const Centroid& b) { return a.mean < b.mean; };
    std::sort(buffer_.begin(), buffer_.end());
    std::vector<Centroid> values(buffer_.size());
    for (size_t i = 0; i < buffer_.size(); ++i) values[i] = Centroid{buffer_[i], 1};
    buffer_.clear();
    std::vector<Centroid> old(centroids_.size() + extra.size());
    std::merge(centroids_.begin(), centroids_.end(), extra.begin(), extra.end(), old.begin(),
               by_mean);
    std::vector<Centroid> points(old.size() + values.size());
    std::merge(old.begin(), old.end(), values.begin(), values.end(), points.begin(), by_mean);
    double total = 0;
    for (const Centroid& c : points) total += c.weight;

    centroids_.clear();
    Centroid cur = points[0];
    double so_far = 0;
    double limit = total * ScaleInverse(ScaleK(0) + 1);
    for (size_t i = 1; i < points.size(); ++i) {
      const Centroid& p = points[i];
      // An infinity joins only a centroid of the same infinity: its mean with anything
      // else is NaN.
      const bool same = p.mean == cur.mean;
      if (so_far + cur.weight + p.weight <= limit && (same || (std::isfinite(p.mean) && std::isfinite(cur.mean)))) {
        cur.weight += p.weight;
        if (!same) cur.mean += (p.mean - cur.mean) * p.weight / cur.weight;
      } else {
        so_far += cur.weight;
        centroids_.push_back(cur);
        limit = total * ScaleInverse(ScaleK(std::min(1.0, so_far / total)) + 1);
        cur = p;
      }
    }
    centroids_.push_back(cur);
    total_ = total;
  }

  // a + f * (b - a), and a itself when the two are equal: between two equal infinities
  // the difference is NaN, and ClickHouse's quantile of infinities is that infinity.
  static double Between(double a, double b, double f) { return a == b ? a : a + f * (b - a); }

  // Interpolates between centroid centres; the outermost half-centroids run to min / max.
  double FromCentroids(double q) const {
    const std::vector<Centroid>& c = centroids_;
    if (c.size() == 1) return c[0].mean;
    double t = q * total_;
    double first_half = c[0].weight / 2;
    if (t < first_half) {
      return c[0].weight == 1 ? min_ : Between(min_, c[0].mean, t / first_half);
    }
    double last_half = c.back().weight / 2;
    if (t > total_ - last_half) {
      return c.back().weight == 1 ? max_ : Between(max_, c.back().mean, (total_ - t) / last_half);
    }
    double cum = first_half;
    for (size_t i = 0; i + 1 < c.size(); ++i) {
      double dw = (c[i].weight + c[i + 1].weight) / 2;
      if (t <= cum + dw) {
        // A singleton is an exact point: do not smear it over its neighbour's gap.
        if (c[i].weight == 1 && t - cum < 0.5) return c[i].mean;
        if (c[i + 1].weight == 1 && cum + dw - t <= 0.5) return c[i + 1].mean;
        return Between(c[i].mean, c[i + 1].mean, (t - cum) / dw);
      }
      cum += dw;
    }
    return max_;
  }

  std::vector<Centroid> centroids_;  // sorted by mean
  std::vector<double> buffer_;
  double total_ = 0;    // weight in centroids_
  uint64_t count_ = 0;  // values added, buffered or not
  double min_ = 0, max_ = 0;
};

// ---------------------------------------------------------------- levels

absl::StatusOr<std::vector<double>> ParseLevels(absl::string_view name,
                                                absl::Span<const format::Value> params,
                                                bool several) {
  if (!several && params.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": takes one level parameter, got ",
                                                   params.size(), " (quantiles takes several)"));
  }
  if (several && params.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": needs at least one level parameter"));
  }
  if (params.empty()) return std::vector<double>{0.5};
  std::vector<double> levels;
  for (const format::Value& p : params) {
    double level;
    switch (p.kind) {
      case format::Value::Kind::kFloat:
        level = p.f;
        break;
      case format::Value::Kind::kUInt:
        level = static_cast<double>(p.u);
        break;
      case format::Value::Kind::kInt:
        level = static_cast<double>(p.i);
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": level must be a number, got ", p.DebugString()));
    }
    if (!(level >= 0 && level <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": level ", p.DebugString(), " is out of range [0, 1]"));
    }
    levels.push_back(level);
  }
  return levels;
}

// Calls f(T{}) with the C++ type of a numeric or time column type; false for others.
template <typename F>
bool WithQuantileType(TypeId id, F&& f) {
  return DispatchNumeric(id, std::forward<F>(f));
}

// Appends one result row: a value, or an Array of them when `several`.
template <typename Out>
void AppendResult(const std::vector<double>& values, bool several, Column* out) {
  Column* target = several ? &out->children[0] : out;
  for (double v : values) {
    if constexpr (std::is_floating_point_v<Out>) {
      target->Append<Out>(static_cast<Out>(v));
    } else {
      target->Append<Out>(std::isnan(v) ? Out(0) : static_cast<Out>(v));
    }
  }
  if (several) out->offsets.push_back(out->children[0].size());
}

// State: a TDigest*, created on the first value. Out is double, or the time type's C++ type.
template <typename In, typename Out>
class Quantile : public BoxedAggregate<TDigest> {
 public:
  Quantile(std::vector<double> levels, bool several, DataTypePtr value_type)
      : levels_(std::move(levels)), several_(several) {
    result_type_ = several ? DataType::Array(std::move(value_type)) : std::move(value_type);
  }
  size_t HeapBytes(const uint8_t* state) const override {
    const TDigest* d = Get(state);
    return d == nullptr ? 0 : d->HeapBytes();
  }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const In* v = args[0].column->values<In>();
    for (size_t r = 0; r < rows; ++r)
      Mutable(places[r] + offset).Add(static_cast<double>(v[args[0].row(r)]));
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    if (rows == 0) return;
    const In* v = args[0].column->values<In>();
    TDigest& d = Mutable(place);
    for (size_t r = 0; r < rows; ++r) d.Add(static_cast<double>(v[args[0].row(r)]));
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    if (const TDigest* s = Get(src)) Mutable(dst).Merge(*s);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    std::vector<double> values;
    if (const TDigest* d = Get(state)) {
      d->Quantiles(levels_, &values);
    } else {
      values.assign(levels_.size(), std::numeric_limits<double>::quiet_NaN());
    }
    AppendResult<Out>(values, several_, out);
  }
  // Payload: u8 0 (no value yet) or u8 1 and the t-digest (TDigest::Serialize).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    const TDigest* d = Get(state);
    out->push_back(d == nullptr ? 0 : 1);
    if (d != nullptr) d->Serialize(out);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(uint8_t present, in.ReadByte());
    if (present > 1) return StateReader::Corrupt("quantile: bad presence flag");
    if (present == 1) TALLY_RETURN_IF_ERROR(Mutable(state).Deserialize(&in));
    return in.ExpectDone();
  }

 private:

  std::vector<double> levels_;
  bool several_;
};

// quantileExact: every value, then the element at index level * n (n - 1 for level 1).
template <typename T>
class QuantileExact : public BoxedAggregate<std::vector<T>> {
  using Values = std::vector<T>;
  using Box = BoxedAggregate<Values>;
  using Box::Get;
  using Box::Mutable;

 public:
  QuantileExact(std::vector<double> levels, bool several, DataTypePtr value_type)
      : levels_(std::move(levels)), several_(several) {
    this->result_type_ = several ? DataType::Array(std::move(value_type)) : std::move(value_type);
  }
  size_t HeapBytes(const uint8_t* state) const override {
    const Values* v = Get(state);
    return v == nullptr ? 0 : sizeof(Values) + v->capacity() * sizeof(T);
  }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const T* v = args[0].column->values<T>();
    for (size_t r = 0; r < rows; ++r) Add(&Mutable(places[r] + offset), v[args[0].row(r)]);
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    if (rows == 0) return;
    const T* v = args[0].column->values<T>();
    Values& values = Mutable(place);
    for (size_t r = 0; r < rows; ++r) Add(&values, v[args[0].row(r)]);
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    if (const Values* s = Get(src)) Mutable(dst).insert(Mutable(dst).end(), s->begin(), s->end());
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    Column* target = several_ ? &out->children[0] : out;
    Values sorted = Get(state) == nullptr ? Values() : *Get(state);
    std::sort(sorted.begin(), sorted.end());
    for (double q : levels_) {
      if (sorted.empty()) {
        // ClickHouse: quantileExact of nothing is nan, quantilesExact's elements are 0.
        target->Append<T>(std::is_floating_point_v<T> && !several_ ? std::numeric_limits<T>::quiet_NaN() : T(0));
        continue;
      }
      size_t n =
          q < 1 ? static_cast<size_t>(q * static_cast<double>(sorted.size())) : sorted.size() - 1;
      target->Append<T>(sorted[std::min(n, sorted.size() - 1)]);
    }
    if (several_) out->offsets.push_back(out->children[0].size());
  }
  // Payload: varint n, then the n values as T, in the order added.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    const Values* v = Get(state);
    format::PutVarint64(out, v == nullptr ? 0 : v->size());
    for (size_t i = 0; v != nullptr && i < v->size(); ++i) PutRaw(out, (*v)[i]);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadCount(sizeof(T)));
    if (n == 0) return in.ExpectDone();
    Values& values = Mutable(state);
    values.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      TALLY_ASSIGN_OR_RETURN(T v, in.Read<T>());
      values.push_back(v);
    }
    return in.ExpectDone();
  }

 private:
  static void Add(Values* values, T v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return;
    }
    values->push_back(v);
  }

  std::vector<double> levels_;
  bool several_;
};

AggregateFactory QuantileFactory(std::string name, bool several, bool exact) {
  return [name, several, exact](
             absl::Span<const DataTypePtr> args,
             absl::Span<const format::Value> params) -> absl::StatusOr<AggregatePtr> {
    if (args.size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": takes 1 argument, got ", args.size()));
    }
    TALLY_ASSIGN_OR_RETURN(std::vector<double> levels, ParseLevels(name, params, several));
    const DataTypePtr& arg = args[0];
    AggregatePtr fn;
    WithQuantileType(arg->id(), [&](auto t) {
      using T = decltype(t);
      if (exact) {
        fn.reset(new QuantileExact<T>(std::move(levels), several, arg));
      } else if (arg->is_time()) {
        fn.reset(new Quantile<T, T>(std::move(levels), several, arg));
      } else {
        fn.reset(
            new Quantile<T, double>(std::move(levels), several, DataType::Make(TypeId::kFloat64)));
      }
    });
    if (fn == nullptr) {
      return CodedError(ErrorCode::kIllegalTypeOfArgument, absl::StrCat(name, ": illegal argument type ",
                                                                        arg->ToString(),
                                                                        " (expected a number, Date or DateTime)"));
    }
    return fn;
  };
}

}  // namespace

void RegisterQuantileAggregates(AggregateRegistry& registry) {
  auto reg = [&](const char* name, bool several, bool exact) {
    registry.Register(
        name, SkipNullArguments(QuantileFactory(name, several, exact), NullResult::kNullable));
  };
  reg("quantile", false, false);
  reg("median", false, false);
  reg("quantileTDigest", false, false);
  reg("medianTDigest", false, false);
  reg("quantiles", true, false);
  reg("quantilesTDigest", true, false);
  reg("quantileExact", false, true);
  reg("medianExact", false, true);
  reg("quantilesExact", true, true);
}

}  // namespace tally::engine::exec
