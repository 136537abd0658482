// One column in ClickHouse's Native serialization (the bulk binary form of
// ISerialization::serializeBinaryBulkWithMultipleStreams with all streams in one buffer and
// position-dependent array offsets), as the Native format carries it per block:
//
//   prefix    for each LowCardinality in the type tree, depth first: UInt64 1 (the keys
//             version "shared dictionaries with additional keys")
//   data      fixed-width types: the values, little-endian (UUID: two little-endian UInt64,
//             high half first); String: VarUInt length + bytes per row; Nullable: one byte
//             per row (1 = NULL), then the nested column with every row; Array: UInt64 end
//             offset per row, then the elements; Map: as Array, then the keys column, then
//             the values column; LowCardinality: nothing for no rows, else UInt64 index
//             flags, UInt64 key count, the keys (the nested type, not Nullable), UInt64 row
//             count, one index per row
//
// docs/formats.md draws the bytes. All integers little-endian.
//
// Thread-safe: pure functions.
#ifndef TALLY_ENGINE_EXEC_NATIVE_COLUMN_H_
#define TALLY_ENGINE_EXEC_NATIVE_COLUMN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "engine/exec/binary_io.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine {

// LowCardinality index flags (ClickHouse's IndexesSerializationType): the index width in the
// low byte (0: UInt8, 1: UInt16, 2: UInt32, 3: UInt64), then these bits.
inline constexpr uint64_t kLowCardinalityNeedGlobalDictionary = uint64_t{1} << 8;
inline constexpr uint64_t kLowCardinalityHasAdditionalKeys = uint64_t{1} << 9;
inline constexpr uint64_t kLowCardinalityNeedUpdateDictionary = uint64_t{1} << 10;
inline constexpr uint64_t kLowCardinalityKeysVersion = 1;

// Appends all rows of `c`: its prefix, then its data. LowCardinality columns are written as
// ClickHouse writes them: a dictionary of only the keys the rows use, the type's default
// first (for Nullable: the NULL placeholder, then the default), then the others in order of
// first use, and the narrowest index that fits.
void AppendNativeColumn(const format::Column& c, std::string* out);

// Reads `rows` rows of `type` (prefix and data). OutOfRange when the bytes end early,
// InvalidArgument for malformed bytes (a bad keys version or index flags, an index beyond
// the dictionary, offsets that go back, a Bool that is not 0/1). Nothing is allocated
// beyond what the bytes left can hold.
absl::StatusOr<format::Column> ReadNativeColumn(ByteReader* in, const format::DataTypePtr& type, uint64_t rows);

// Skips `rows` rows of `type` without building them; errors as ReadNativeColumn.
absl::Status SkipNativeColumn(ByteReader* in, const format::DataType& type, uint64_t rows);

// LowCardinality(T) replaced by T everywhere in the tree, for clients older than
// LowCardinality (client_protocol_version below 54405).
format::DataTypePtr RemoveLowCardinality(const format::DataTypePtr& type);
format::Column RemoveLowCardinality(const format::Column& c);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_NATIVE_COLUMN_H_
