#include "engine/query/setting_catalog.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/error_code.h"
#include "engine/parallel.h"
#include "engine/query/session.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

namespace {

using format::Value;
using Effect = SettingInfo::Effect;

// The descriptions are tally's own words: what the setting does here.
constexpr SettingInfo kCatalog[] = {
    // Honoured: the fields of Settings.
    {"max_memory_usage", "UInt64", Effect::kHonoured,
     "Bytes one query may hold; 0 = the server's budget (max_server_memory_usage). A query gets the smaller of the two."},
    {"max_server_memory_usage", "UInt64", Effect::kHonoured,
     "Bytes all queries may hold together; 0 = 80 % of the machine's memory."},
    {"max_execution_time", "Seconds", Effect::kHonoured, "Seconds a query may run; 0 = unlimited."},
    {"max_threads", "MaxThreads", Effect::kHonoured, "Threads a query uses; 0 (auto) = one per core."},
    {"default_format", "String", Effect::kHonoured, "Output format of a statement without FORMAT."},
    {"format", "String", Effect::kHonoured, "Another name for default_format.", "", "", "default_format"},
    {"output_format", "String", Effect::kHonoured, "Another name for default_format.", "", "", "default_format"},
    {"session_timezone", "Timezone", Effect::kHonoured,
     "Zone of times without their own, and of timezone(); '' = the server's (UTC)."},
    {"input_format_skip_unknown_fields", "Bool", Effect::kHonoured,
     "INSERT: input fields naming no column are skipped (1) or an error (0)."},
    {"max_read_buffer_size", "NonZeroUInt64", Effect::kHonoured,
     "INSERT from a stream: bytes of input read and parsed at a time."},
    {"min_insert_block_size_rows", "UInt64", Effect::kHonoured,
     "INSERT from a stream: rows parsed before a block is written."},
    {"min_insert_block_size_bytes", "UInt64", Effect::kHonoured,
     "INSERT from a stream: bytes parsed before a block is written."},
    {"allow_drop_detached", "Bool", Effect::kHonoured, "Allows ALTER TABLE ... DROP DETACHED PART."},
    {"check_query_single_value_result", "Bool", Effect::kHonoured,
     "CHECK TABLE answers one row (result) instead of one per part."},
    {"enable_positional_arguments", "Bool", Effect::kHonoured,
     "GROUP BY / ORDER BY / LIMIT BY numbers name select-list items."},
    {"totals_mode", "TotalsMode", Effect::kHonoured,
     "WITH TOTALS: the groups the totals row sums (before_having or after_having_*)."},
    {"insert_deduplicate", "Bool", Effect::kHonoured,
     "A retried INSERT (same token) within the table's deduplication window stores nothing."},
    {"insert_deduplication_token", "String", Effect::kHonoured,
     "The INSERT's deduplication token; '' = a hash of its data."},
    // Ignored: taken and shown, no effect in the engine.
    {"date_time_input_format", "DateTimeInputFormat", Effect::kIgnored,
     "Accepted for clients; tally's parser reads the same spellings whatever the value "
     "(YYYY-MM-DD[ hh:mm:ss], 'T', fractions, Z and +hh:mm offsets, unix seconds).",
     "basic", "basic|best_effort|best_effort_us"},
    {"cancel_http_readonly_queries_on_client_close", "Bool", Effect::kIgnored,
     "Accepted for clients; the HTTP server decides what a closed connection cancels.", "0"},
    {"send_progress_in_http_headers", "Bool", Effect::kIgnored,
     "Accepted for clients; read by the HTTP server, not the engine.", "0"},
    {"http_headers_progress_interval_ms", "UInt64", Effect::kIgnored,
     "Accepted for clients; read by the HTTP server, not the engine.", "100"},
    {"enable_http_compression", "Bool", Effect::kIgnored,
     "Accepted for clients; read by the HTTP server, not the engine.", "0"},
    {"http_wait_end_of_query", "Bool", Effect::kIgnored,
     "Accepted for clients; read by the HTTP server, not the engine.", "0"},
    {"async_insert", "Bool", Effect::kIgnored,
     "Accepted for clients; every INSERT is stored (or fails) before it returns, as with 0.", "0"},
    {"wait_for_async_insert", "Bool", Effect::kIgnored,
     "Accepted for clients; every INSERT is waited for.", "1"},
    {"log_comment", "String", Effect::kIgnored, "Accepted for clients; tally keeps no query log.", ""},
    // Fixed: tally always behaves as the default says.
    {"output_format_json_quote_64bit_integers", "Bool", Effect::kFixed,
     "JSON formats write 64-bit integers quoted; only 1.", "1"},
    {"output_format_json_quote_denormals", "Bool", Effect::kFixed,
     "JSON formats write nan and inf as null; only 0.", "0"},
    {"date_time_output_format", "DateTimeOutputFormat", Effect::kFixed,
     "Times print as YYYY-MM-DD hh:mm:ss; only simple.", "simple", "simple|iso|unix_timestamp"},
    {"input_format_null_as_default", "Bool", Effect::kFixed,
     "INSERT: NULL into a column that is not Nullable stores the default; only 1.", "1"},
    {"input_format_defaults_for_omitted_fields", "Bool", Effect::kFixed,
     "INSERT: omitted fields get their column's DEFAULT; only 1.", "1"},
};

std::string Bool(bool b) { return b ? "1" : "0"; }

// `value` as the text a setting of `info`'s type stores; InvalidArgument when it is not one.
absl::StatusOr<std::string> Canonical(const SettingInfo& info, const Value& value) {
  const absl::string_view type = info.type;
  auto wrong = [&](absl::string_view want) {
    return absl::InvalidArgumentError(
        absl::StrCat("setting ", info.name, " takes ", want, ", got ", value.DebugString()));
  };
  if (type == "Bool") {
    if (value.kind == Value::Kind::kUInt && value.u <= 1) return Bool(value.u == 1);
    if (value.kind == Value::Kind::kString) {
      const std::string s = absl::AsciiStrToLower(value.s);
      if (s == "1" || s == "true") return std::string("1");
      if (s == "0" || s == "false") return std::string("0");
    }
    return wrong("0 or 1");
  }
  if (type == "UInt64") {
    uint64_t v;
    if (value.kind == Value::Kind::kUInt) return absl::StrCat(value.u);
    if (value.kind == Value::Kind::kString && absl::SimpleAtoi(value.s, &v)) return absl::StrCat(v);
    return wrong("a non-negative integer");
  }
  std::string text;
  if (value.kind == Value::Kind::kString) {
    text = value.s;
  } else if (value.kind == Value::Kind::kUInt) {
    text = absl::StrCat(value.u);
  } else if (value.kind == Value::Kind::kInt) {
    text = absl::StrCat(value.i);
  } else {
    return wrong("a string");
  }
  if (info.values[0] == '\0') return text;
  for (absl::string_view v : absl::StrSplit(info.values, '|')) {
    if (v == text) return text;
  }
  return absl::InvalidArgumentError(absl::StrCat("Unexpected value of ", info.type, ": '", text, "' (",
                                                 absl::StrJoin(absl::StrSplit(info.values, '|'), ", "), ")"));
}

// The value of a honoured setting: the field of Settings it names.
std::string HonouredValue(const Settings& s, absl::string_view name) {
  if (name == "max_memory_usage") return absl::StrCat(s.max_memory_usage);
  if (name == "max_server_memory_usage") return absl::StrCat(s.max_server_memory_usage);
  if (name == "max_execution_time") return absl::StrCat(s.max_execution_time_s);
  if (name == "max_threads") {
    return s.max_threads == 0 ? absl::StrCat("auto(", DefaultThreads(), ")") : absl::StrCat(s.max_threads);
  }
  if (name == "default_format") return s.default_format;
  if (name == "session_timezone") return s.changed.contains("session_timezone") ? s.timezone : "";
  if (name == "input_format_skip_unknown_fields") return Bool(s.input_format_skip_unknown_fields);
  if (name == "max_read_buffer_size") return absl::StrCat(s.max_read_buffer_size);
  if (name == "min_insert_block_size_rows") return absl::StrCat(s.min_insert_block_size_rows);
  if (name == "min_insert_block_size_bytes") return absl::StrCat(s.min_insert_block_size_bytes);
  if (name == "allow_drop_detached") return Bool(s.allow_drop_detached);
  if (name == "check_query_single_value_result") return Bool(s.check_query_single_value_result);
  if (name == "enable_positional_arguments") return Bool(s.enable_positional_arguments);
  if (name == "totals_mode") return s.totals_mode;
  if (name == "insert_deduplicate") return Bool(s.insert_deduplicate);
  if (name == "insert_deduplication_token") return s.insert_deduplication_token;
  return "";  // a catalog entry HonouredValue does not know: caught by the catalog test
}

}  // namespace

absl::Span<const SettingInfo> SettingCatalog() { return kCatalog; }

const SettingInfo* FindSetting(absl::string_view name) {
  for (const SettingInfo& info : kCatalog) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

std::string SettingValue(const Settings& settings, const SettingInfo& info) {
  if (info.alias_for[0] != '\0') {
    const SettingInfo* target = FindSetting(info.alias_for);
    return target == nullptr ? "" : SettingValue(settings, *target);
  }
  if (info.effect == Effect::kHonoured) return HonouredValue(settings, info.name);
  auto it = settings.accepted.find(info.name);
  return it == settings.accepted.end() ? info.default_value : it->second;
}

absl::Status SetAcceptedSetting(Settings* settings, const std::string& name, const Value& value) {
  const SettingInfo* info = FindSetting(name);
  if (info == nullptr || info->effect == Effect::kHonoured) {
    return CodedError(ErrorCode::kUnknownSetting, absl::StrCat("Unknown setting '", name, "'"));
  }
  TALLY_ASSIGN_OR_RETURN(std::string text, Canonical(*info, value));
  if (info->effect == Effect::kFixed && text != info->default_value) {
    return absl::InvalidArgumentError(absl::StrCat("Setting ", name, " is ", info->default_value,
                                                   " in tally and cannot be changed (got '", text, "')"));
  }
  settings->accepted[name] = std::move(text);
  return absl::OkStatus();
}

}  // namespace tally::engine::sql
