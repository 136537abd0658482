// The hash functions users shard, sample and bucket with, giving ClickHouse's values:
// cityHash64 sipHash64 xxHash64 xxh3 murmurHash3_64 farmFingerprint64 (UInt64) and
// murmurHash3_32 xxHash32 (UInt32), over any number of arguments of any type; and
// intHash64 / intHash32 of one integer. The byte algorithms are in hash_algorithms.h.
//
// ClickHouse's rules, which these follow exactly:
//   - A String (or LowCardinality(String)) hashes its bytes. A number, Date, DateTime or
//     UUID hashes the bytes it is stored in (little-endian; a UUID as ClickHouse's UInt128,
//     its two 8-byte halves each little-endian) -- except in cityHash64 and
//     farmFingerprint64, which hash integers, floats, dates and times as intHash64 of their
//     bits zero-extended to 64 (so 255 :: UInt8, -1 :: Int8 and 255 :: UInt64 hash alike).
//     DateTime64 and UUID always hash their bytes.
//   - Several arguments: the first hash is kept, and each next one is combined into it
//     with the function's own combine step (see HashKind). Array and Map arguments join
//     the same chain: the row's element count (intHash64 or intHash32), then each
//     element's hash; a Map element is its key and value combined.
//   - A NULL argument (top-level Nullable) makes the result NULL; a NULL inside an Array or
//     Map hashes as a fixed constant.
//   - No argument at all gives the constant 0xe28dbde7fe22e41c (cut to 32 bits for the
//     32-bit functions).
//   - intHash64 / intHash32 take integers, Date and DateTime, sign-extended to 64 bits
//     (intHash64(-1) = intHash64(18446744073709551615)).
//
// Registered through BindPlain (arg_adapters.h), which makes top-level Nullable and
// LowCardinality arguments plain; those nested in Array or Map are handled here.
#include <bit>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_util.h"
#include "engine/exec/hash_algorithms.h"
#include "format/status_macros.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

// One SQL hash function. 32-bit functions keep their hashes in the low half of uint64_t.
struct HashKind {
  const char* name;
  bool wide;                // UInt64 result; otherwise UInt32
  bool int_hash_numbers;    // numbers hash as IntHash64 of their bits, not as their bytes
  uint64_t (*bytes)(absl::string_view);
  uint64_t (*combine)(uint64_t previous, uint64_t next);
};

// ClickHouse's hash of an empty argument list.
constexpr uint64_t kNoArguments = 0xe28dbde7fe22e41cULL;
// ClickHouse's hash of a NULL inside an Array or Map (the low half of its 128-bit constant).
constexpr uint64_t kNestedNull = 0xc58ad2da03d9a871ULL;

uint64_t Mix128Combine(uint64_t previous, uint64_t next) { return Hash128To64(previous, next); }

uint64_t FingerprintCombine(uint64_t previous, uint64_t next) {
  return FarmFingerprint128(previous, next);
}

uint64_t SipCombine(uint64_t previous, uint64_t next) {
  uint8_t both[16];
  for (int i = 0; i < 8; ++i) {  // little-endian, whatever the machine
    both[i] = static_cast<uint8_t>(previous >> (8 * i));
    both[8 + i] = static_cast<uint8_t>(next >> (8 * i));
  }
  return SipHash64(absl::string_view(reinterpret_cast<const char*>(both), sizeof(both)));
}

uint64_t IntHash64Combine(uint64_t previous, uint64_t next) { return IntHash64(previous) ^ next; }
uint64_t IntHash32Combine(uint64_t previous, uint64_t next) {
  return IntHash32(previous) ^ next;  // previous holds 32 bits: no sign to extend
}

template <uint32_t (*kHash)(absl::string_view)>
uint64_t Widen(absl::string_view bytes) {
  return kHash(bytes);
}

constexpr HashKind kCityHash64{"cityHash64", true, true, CityHash64, Mix128Combine};
constexpr HashKind kFarmFingerprint64{"farmFingerprint64", true, true, FarmFingerprint64,
                                      FingerprintCombine};
constexpr HashKind kSipHash64{"sipHash64", true, false, SipHash64, SipCombine};
constexpr HashKind kXxHash64{"xxHash64", true, false, XxHash64, Mix128Combine};
constexpr HashKind kXxh3{"xxh3", true, false, Xxh3, Mix128Combine};
constexpr HashKind kMurmurHash3_64{"murmurHash3_64", true, false, MurmurHash3_64,
                                   IntHash64Combine};
constexpr HashKind kMurmurHash3_32{"murmurHash3_32", false, false, Widen<MurmurHash3_32>,
                                   IntHash32Combine};
constexpr HashKind kXxHash32{"xxHash32", false, false, Widen<XxHash32>, IntHash32Combine};

// Folds argument columns, one after another, into per-row hashes.
class Folder {
 public:
  explicit Folder(const HashKind& kind) : kind_(kind) {}

  // Folds `c` (`rows` rows, or one standing for all when is_const) into hashes[0, rows):
  // the first argument sets them, later ones are combined in.
  void Fold(const Column& c, bool is_const, size_t rows, bool first, uint64_t* hashes) const {
    switch (c.type->id()) {
      case TypeId::kNullable:
      case TypeId::kArray:
      case TypeId::kMap:
        if (is_const) {
          Column full = RepeatRow(c, rows);
          FoldNested(full, rows, first, hashes);
        } else {
          FoldNested(c, rows, first, hashes);
        }
        return;
      default:
        break;
    }
    if (is_const) {
      const uint64_t h = ScalarHash(c, 0);
      for (size_t r = 0; r < rows; ++r) Put(first, h, &hashes[r]);
      return;
    }
    if (std::endian::native == std::endian::little && kind_.int_hash_numbers &&
        IsIntHashed(*c.type)) {
      switch (c.type->fixed_width()) {  // the common cityHash64(number): one typed loop
        case 1:
          return FoldIntHashed<uint8_t>(c, rows, first, hashes);
        case 2:
          return FoldIntHashed<uint16_t>(c, rows, first, hashes);
        case 4:
          return FoldIntHashed<uint32_t>(c, rows, first, hashes);
        default:
          return FoldIntHashed<uint64_t>(c, rows, first, hashes);
      }
    }
    for (size_t r = 0; r < rows; ++r) Put(first, ScalarHash(c, r), &hashes[r]);
  }

  uint64_t Fit(uint64_t h) const { return kind_.wide ? h : static_cast<uint32_t>(h); }

 private:
  void Put(bool first, uint64_t h, uint64_t* slot) const {
    *slot = first ? h : Fit(kind_.combine(*slot, h));
  }

  // Types that cityHash64 and farmFingerprint64 hash as intHash64 of their bits.
  static bool IsIntHashed(const DataType& type) {
    return type.is_fixed_width() && type.id() != TypeId::kUUID &&
           type.id() != TypeId::kDateTime64;
  }

  // REQUIRES: a little-endian machine (T's bits are the column's bytes).
  template <typename T>
  void FoldIntHashed(const Column& c, size_t rows, bool first, uint64_t* hashes) const {
    const uint8_t* data = c.data.data();
    for (size_t r = 0; r < rows; ++r) {
      T bits;  // unsigned: zero-extended, as ClickHouse's bit_cast
      std::memcpy(&bits, data + r * sizeof(T), sizeof(T));
      Put(first, IntHash64(bits), &hashes[r]);
    }
  }

  uint64_t CountHash(uint64_t n) const { return kind_.wide ? IntHash64(n) : IntHash32(n); }

  // Nullable, Array and Map columns (not constant).
  void FoldNested(const Column& c, size_t rows, bool first, uint64_t* hashes) const {
    if (c.type->id() == TypeId::kNullable) {
      std::vector<uint64_t> before;
      if (!first) before.assign(hashes, hashes + rows);
      Fold(c.children[0], false, rows, first, hashes);
      const uint64_t null_hash = Fit(kNestedNull);
      for (size_t r = 0; r < rows; ++r) {
        if (!c.nulls[r]) continue;
        hashes[r] = first ? null_hash : Fit(kind_.combine(before[r], null_hash));
      }
      return;
    }
    // Array or Map: every element's hash first, then each row's chain.
    const size_t elements = c.offsets.empty() ? 0 : c.offsets[rows - 1];
    std::vector<uint64_t> element_hashes(elements);
    if (elements > 0) {
      Fold(c.children[0], false, elements, true, element_hashes.data());
      if (c.type->id() == TypeId::kMap) {
        Fold(c.children[1], false, elements, false, element_hashes.data());
      }
    }
    uint64_t begin = 0;
    for (size_t r = 0; r < rows; ++r) {
      const uint64_t end = c.offsets[r];
      Put(first, CountHash(end - begin), &hashes[r]);
      for (uint64_t e = begin; e < end; ++e) Put(false, element_hashes[e], &hashes[r]);
      begin = end;
    }
  }

  // Row r of a String, LowCardinality or fixed-width column.
  uint64_t ScalarHash(const Column& c, size_t r) const {
    const DataType& type = *c.type;
    switch (type.id()) {
      case TypeId::kString:
        return Fit(kind_.bytes(c.StringAt(r)));
      case TypeId::kLowCardinality: {
        const uint32_t index = c.IndexAt(r);
        // A NULL (entry 0 of a LowCardinality(Nullable(String)) dictionary) hashes as
        // a NULL in Nullable(String) does.
        if (index == 0 && type.is_nullable_low_cardinality()) return Fit(kNestedNull);
        return Fit(kind_.bytes(c.dictionary->StringAt(index)));
      }
      case TypeId::kUUID:
        return Fit(kind_.bytes(UuidBytes(c, r)));
      case TypeId::kDateTime64:
        return Fit(kind_.bytes(FixedBytes(c, r, 8)));
      default: {
        const size_t width = type.fixed_width();
        absl::string_view bytes = FixedBytes(c, r, width);
        if (!kind_.int_hash_numbers) return Fit(kind_.bytes(bytes));
        uint64_t bits = 0;  // zero-extended, as ClickHouse's bit_cast
        for (size_t i = 0; i < width; ++i) {
          bits |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
        }
        return IntHash64(bits);
      }
    }
  }

  static absl::string_view FixedBytes(const Column& c, size_t r, size_t width) {
    return absl::string_view(reinterpret_cast<const char*>(c.data.data()) + r * width, width);
  }

  // ClickHouse keeps a UUID as a UInt128 whose high half is the first 8 bytes of the text
  // form; in memory, each half is little-endian, the high half first. tally keeps the
  // 16 bytes in text order.
  std::string UuidBytes(const Column& c, size_t r) const {
    const uint8_t* big = c.data.data() + r * 16;
    std::string out(16, '\0');
    for (int i = 0; i < 8; ++i) {
      out[i] = static_cast<char>(big[7 - i]);
      out[8 + i] = static_cast<char>(big[15 - i]);
    }
    return out;
  }

  const HashKind& kind_;
};

PlainBinder AnyHashBinder(const HashKind& kind) {
  return [&kind](absl::Span<const ArgInfo>, const FunctionContext&) -> Bound {
    format::DataTypePtr result = TypeOf(kind.wide ? TypeId::kUInt64 : TypeId::kUInt32);
    return MakeKernel(result, [&kind, result](absl::Span<const ColumnArg> a,
                                              size_t rows) -> absl::StatusOr<Column> {
      Folder folder(kind);
      std::vector<uint64_t> hashes(rows, folder.Fit(kNoArguments));
      for (size_t i = 0; i < a.size(); ++i) {
        folder.Fold(*a[i].column, a[i].is_const, rows, i == 0, hashes.data());
      }
      Column out = AllocateFixed(result, rows);
      if (kind.wide) {
        std::memcpy(out.data.data(), hashes.data(), rows * sizeof(uint64_t));
      } else {
        uint32_t* values = MutableValues<uint32_t>(out);
        for (size_t r = 0; r < rows; ++r) values[r] = static_cast<uint32_t>(hashes[r]);
      }
      return out;
    });
  };
}

// intHash64 / intHash32: one integer, Date or DateTime, sign-extended to 64 bits.
template <typename Result, Result (*kHash)(uint64_t)>
PlainBinder IntHashBinder(std::string name) {
  return [name](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    const DataType& type = *args[0].type;
    const TypeId id = type.id();
    if (!type.is_integer() && id != TypeId::kBool && id != TypeId::kDate &&
        id != TypeId::kDateTime) {
      return ArgTypeError(name, 0, type, "an integer, Date or DateTime");
    }
    format::DataTypePtr result = TypeOf(sizeof(Result) == 8 ? TypeId::kUInt64 : TypeId::kUInt32);
    return MakeKernel(result, [result](absl::Span<const ColumnArg> a,
                                       size_t rows) -> absl::StatusOr<Column> {
      Column out = AllocateFixed(result, rows);
      Result* values = MutableValues<Result>(out);
      const Column& in = *a[0].column;
      DispatchNumeric(in.type->id(), [&](auto zero) {
        using T = decltype(zero);
        if constexpr (std::is_integral_v<T>) {  // binding let only integers through
          const T* from = in.values<T>();
          // Conversion to uint64_t sign-extends signed types, as ClickHouse's does.
          for (size_t r = 0; r < rows; ++r) {
            values[r] = kHash(static_cast<uint64_t>(from[a[0].row(r)]));
          }
        }
      });
      return out;
    });
  };
}

}  // namespace

void RegisterHashFunctions(FunctionRegistry& registry) {
  for (const HashKind* kind : {&kCityHash64, &kFarmFingerprint64, &kSipHash64, &kXxHash64,
                               &kXxh3, &kMurmurHash3_64, &kMurmurHash3_32, &kXxHash32}) {
    RegisterPlain(registry, kind->name, AnyHashBinder(*kind));
  }
  RegisterPlain(registry, "intHash64", IntHashBinder<uint64_t, IntHash64>("intHash64"));
  RegisterPlain(registry, "intHash32", IntHashBinder<uint32_t, IntHash32>("intHash32"));
}

}  // namespace tally::engine::exec
