// ClickHouse's Native format as its HTTP interface speaks it: a sequence of blocks,
//
//   [BlockInfo]              only when the client sent client_protocol_version > 0
//   VarUInt columns, VarUInt rows
//   per column:  name (VarUInt length + bytes), type name (same; a top-level
//                DateTime('zone') is written as DateTime below revision 54337),
//                [UInt8 has_custom = 0 when client_protocol_version >= 54454],
//                the column's data (engine/exec/native_column.h)
//
// Output writes one block per non-empty WriteBlock (an empty result is no bytes at all, as
// ClickHouse sends). Input reads any number of blocks and matches their columns to the
// INSERT's by name; a column of another type is converted as CAST does (ClickHouse's
// input_format_native_allow_types_conversion); columns a block lacks take defaults.
//
// Thread-safe: pure functions; an output object serves one result from one thread.
#ifndef TALLY_ENGINE_EXEC_NATIVE_FORMAT_H_
#define TALLY_ENGINE_EXEC_NATIVE_FORMAT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/exec/input_format.h"
#include "engine/exec/output_format.h"

namespace tally::engine {

// Client protocol revisions that change the Native bytes.
inline constexpr uint64_t kNativeRevisionWithDateTimeZone = 54337;
inline constexpr uint64_t kNativeRevisionWithLowCardinality = 54405;
inline constexpr uint64_t kNativeRevisionWithCustomSerialization = 54454;
inline constexpr uint64_t kNativeRevisionWithOutOfOrderBuckets = 54480;

// Unimplemented for an AggregateFunction column (tally's states are not ClickHouse's).
absl::StatusOr<std::unique_ptr<OutputFormat>> MakeNativeOutput(const std::vector<std::string>& names,
                                                               const std::vector<format::DataTypePtr>& types,
                                                               std::string* out, const OutputOptions& options);

// Parses Native blocks (see ParseInputWithPresence). Errors are InvalidArgument
// "Cannot parse input: Native block N, column 'c' (Type): at byte B: why", N counting from
// options.first_block + 1 and B from options.first_byte.
absl::StatusOr<ParsedInput> ParseNative(absl::string_view data, const std::vector<std::string>& names,
                                        const std::vector<format::DataTypePtr>& types, const InputOptions& options);

// The length of the longest prefix of `data` made of whole blocks; *blocks gets their
// number. Bytes that can never be a block (an unknown type) end the prefix at the end of
// `data`, so that parsing it reports the error with its place in the whole input.
size_t NativeCompleteBlocks(absl::string_view data, uint64_t* blocks);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_NATIVE_FORMAT_H_
