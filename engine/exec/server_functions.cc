// Functions about the server and the session rather than the data, as ClickHouse has
// them: version(), serverTimezone(), uptime(), hostName(), currentUser(). Clients call
// them on connect (clickhouse-connect: SELECT version(), timezone()). timezone() and
// currentDatabase() are beside the time functions (time_functions.cc).
#include <string>

#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_util.h"
#include "engine/exec/server_info.h"

namespace tally::engine::exec {

namespace {

using format::Column;
using format::TypeId;

using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

// A String constant: the same for every row of the query.
Bound ConstantString(absl::string_view name, absl::Span<const ArgInfo> args, std::string value) {
  if (!args.empty()) return ArgCountError(name, "0", args.size());
  return MakeKernel(TypeOf(TypeId::kString), [value](absl::Span<const ColumnArg>, size_t rows) -> absl::StatusOr<Column> {
    Column one = Column::Make(TypeOf(TypeId::kString));
    one.AppendString(value);
    return RepeatRow(one, rows);
  });
}

Bound BindVersion(absl::Span<const ArgInfo> args, const FunctionContext&) {
  return ConstantString("version", args, kServerVersion);
}

Bound BindServerTimezone(absl::Span<const ArgInfo> args, const FunctionContext&) {
  return ConstantString("serverTimezone", args, kServerTimezone);
}

Bound BindHostName(absl::Span<const ArgInfo> args, const FunctionContext&) {
  return ConstantString("hostName", args, HostName());
}

Bound BindCurrentUser(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  return ConstantString("currentUser", args, context.current_user);
}

// uptime(): UInt32 seconds, read once per query like now().
Bound BindUptime(absl::Span<const ArgInfo> args, const FunctionContext&) {
  if (!args.empty()) return ArgCountError("uptime", "0", args.size());
  const uint32_t s = UptimeSeconds();
  return MakeKernel(
      TypeOf(TypeId::kUInt32),
      [s](absl::Span<const ColumnArg>, size_t rows) -> absl::StatusOr<Column> {
        Column out = Column::Make(TypeOf(TypeId::kUInt32));
        for (size_t r = 0; r < rows; ++r) out.Append<uint32_t>(s);
        return out;
      },
      /*deterministic=*/false);
}

}  // namespace

void RegisterServerFunctions(FunctionRegistry& registry) {
  // Names and case rules as in ClickHouse's system.functions.
  RegisterPlain(registry, "version", BindVersion, true);
  RegisterPlain(registry, "serverTimezone", BindServerTimezone);
  registry.RegisterAlias("serverTimeZone", "serverTimezone");
  RegisterPlain(registry, "uptime", BindUptime);
  RegisterPlain(registry, "hostName", BindHostName);
  registry.RegisterAlias("hostname", "hostName");
  RegisterPlain(registry, "currentUser", BindCurrentUser);
  registry.RegisterAlias("user", "currentUser", true);
  registry.RegisterAlias("current_user", "currentUser", true);
}

}  // namespace tally::engine::exec
