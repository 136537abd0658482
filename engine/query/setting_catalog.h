// The settings a session knows, one entry each, as system.settings lists them: those tally
// acts on (the fields of Settings, engine/query/session.h), and those ClickHouse clients
// send that tally accepts without acting on them, so that a client's connect-time defaults
// (clickhouse-connect sets every writable one it knows) do not fail every query.
//
// An accepted setting is one of two kinds:
//   kIgnored  any value of its type is taken and shown; it changes nothing in the engine
//             (the HTTP server may read it from Settings::accepted);
//   kFixed    tally always behaves as its default value says; SET to that value is taken,
//             any other value is InvalidArgument, and system.settings shows it readonly.
// docs/sql.md lists them all with what each means in tally.
//
// Thread-safe: the catalog is a constant table.
#ifndef TALLY_ENGINE_QUERY_SETTING_CATALOG_H_
#define TALLY_ENGINE_QUERY_SETTING_CATALOG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/value.h"

namespace tally::engine::sql {

struct Settings;  // engine/query/session.h

struct SettingInfo {
  enum class Effect { kHonoured, kIgnored, kFixed };
  const char* name;
  const char* type;  // ClickHouse's name for the setting's type: Bool, UInt64, Seconds, ...
  Effect effect;
  const char* description;
  // For kIgnored / kFixed: the default as text, and for an enumeration the values it takes
  // ("a|b|c"; "" = any value of `type`). A kHonoured setting's default is its value in a
  // default Settings.
  const char* default_value = "";
  const char* values = "";
  const char* alias_for = "";  // another name for that setting ("" = none)
};

// Every setting, honoured ones first, each group in a fixed order.
absl::Span<const SettingInfo> SettingCatalog();
// nullptr when tally knows no setting `name`.
const SettingInfo* FindSetting(absl::string_view name);

// The value of `info` in `settings` as system.settings shows it (Bool as 0/1, max_threads
// 0 as auto(N), session_timezone unset as '').
std::string SettingValue(const Settings& settings, const SettingInfo& info);

// Sets a kIgnored or kFixed setting: checks `value` against its type and stores its text
// in settings->accepted. InvalidArgument for an unknown name ("Unknown setting 'x'"), a
// value of the wrong kind, or a kFixed setting set to anything but its default.
absl::Status SetAcceptedSetting(Settings* settings, const std::string& name, const format::Value& value);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SETTING_CATALOG_H_
