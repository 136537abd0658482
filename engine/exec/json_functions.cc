// JSON functions with ClickHouse semantics over String documents:
//
//   JSONExtractString / Int / UInt / Float / Bool / Raw (json, key...), JSONHas, JSONLength,
//   JSONExtractKeys, JSONExtractArrayRaw, isValidJSON: keys are member names (String) or
//   1-based positions (integers; negative from the end; on objects the n-th member);
//   JSON_VALUE / JSON_QUERY / JSON_EXISTS (json, '$.a.b[0]'): a constant JSONPath subset
//   ($, .name, ['name'], ["name"], [n] with 0-based n).
//
// Invalid JSON, a missing key or a value that does not convert gives the type's default
// ('' or 0), never an error. JSONExtractString returns a string's value, the minified text
// of any other value, and '' for null. JSONExtractRaw and JSON_QUERY return the value's
// own text minified, numbers reprinted as ClickHouse does (1.50 is 1.5, 1e2 is 100) and
// strings decoded and escaped again (\u00e9 is é; json_scan::Escape says how).
//
// Documents are scanned by json_scanner.h (validating, iterative, depth-capped); a
// LowCardinality(String) document column is parsed once per dictionary entry (BindPlain).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_util.h"
#include "engine/exec/json_scanner.h"
#include "format/status_macros.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using json_scan::Kind;
using json_scan::Node;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

enum class Op {
  kString,
  kInt,
  kUInt,
  kFloat,
  kBool,
  kRaw,
  kHas,
  kLength,
  kKeys,
  kArrayRaw,
  kIsValid
};

DataTypePtr ResultType(Op op) {
  switch (op) {
    case Op::kString:
    case Op::kRaw:
      return TypeOf(TypeId::kString);
    case Op::kInt:
      return TypeOf(TypeId::kInt64);
    case Op::kUInt:
    case Op::kLength:
      return TypeOf(TypeId::kUInt64);
    case Op::kFloat:
      return TypeOf(TypeId::kFloat64);
    case Op::kKeys:
    case Op::kArrayRaw:
      return DataType::Array(TypeOf(TypeId::kString));
    default:
      return TypeOf(TypeId::kUInt8);
  }
}

// One step of a path: a member name or an index (1-based for keys, as Element takes).
struct PathStep {
  bool is_name;
  std::string name;
  int64_t index = 0;
};

bool Walk(Node* node, absl::string_view name) { return json_scan::Member(*node, name, node); }
bool Walk(Node* node, int64_t index) { return json_scan::Element(*node, index, node); }

// Appends the result for one row: `found` is false for invalid JSON or a missing path.
void AppendResult(Op op, bool found, const Node& node, size_t r, Column* out,
                  std::string* scratch) {
  switch (op) {
    case Op::kString:
    case Op::kRaw: {
      scratch->clear();
      if (found && op == Op::kString && node.kind == Kind::kString) {
        json_scan::AppendUnescaped(node, scratch);
      } else if (found && !(op == Op::kString && node.kind == Kind::kNull)) {
        json_scan::AppendMinified(node, scratch);
      }
      out->AppendString(*scratch);
      return;
    }
    case Op::kInt: {
      int64_t v = 0;
      if (!found || !json_scan::ToInt64(node, &v)) v = 0;
      MutableValues<int64_t>(*out)[r] = v;
      return;
    }
    case Op::kUInt: {
      uint64_t v = 0;
      if (!found || !json_scan::ToUInt64(node, &v)) v = 0;
      MutableValues<uint64_t>(*out)[r] = v;
      return;
    }
    case Op::kFloat: {
      double v = 0;
      if (!found || !json_scan::ToDouble(node, &v)) v = 0;
      MutableValues<double>(*out)[r] = v;
      return;
    }
    case Op::kBool: {
      bool v = false;
      if (!found || !json_scan::ToBool(node, &v)) v = false;
      MutableValues<uint8_t>(*out)[r] = v;
      return;
    }
    case Op::kHas:
    case Op::kIsValid:
      MutableValues<uint8_t>(*out)[r] = found;
      return;
    case Op::kLength:
      MutableValues<uint64_t>(*out)[r] = found ? json_scan::Length(node) : 0;
      return;
    case Op::kKeys:
    case Op::kArrayRaw: {
      Column& items = out->children[0];
      if (found && node.kind == (op == Op::kKeys ? Kind::kObject : Kind::kArray)) {
        json_scan::Iterator it(node);
        absl::string_view key;
        Node value;
        while (it.Next(&key, &value)) {
          scratch->clear();
          if (op == Op::kKeys) {
            json_scan::AppendUnescaped(Node{Kind::kString, key}, scratch);
          } else {
            json_scan::AppendMinified(value, scratch);
          }
          items.AppendString(*scratch);
        }
      }
      out->offsets.push_back(items.size());
      return;
    }
  }
}

Column MakeResult(Op op, size_t rows) {
  DataTypePtr type = ResultType(op);
  return type->is_fixed_width() ? AllocateFixed(type, rows) : Column::Make(type);
}

// --- JSONExtract* (json, key...) ----------------------------------------------------------------

PlainBinder ExtractBinder(std::string name, Op op) {
  return [name, op](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.empty()) return ArgCountError(name, "at least 1", 0);
    if (op == Op::kIsValid && args.size() != 1) return ArgCountError(name, "1", args.size());
    if (!IsString(*args[0].type)) return ArgTypeError(name, 0, *args[0].type, "String");
    std::vector<bool> is_name;
    for (size_t i = 1; i < args.size(); ++i) {
      const DataType& t = *args[i].type;
      if (!IsString(t) && !t.is_integer())
        return ArgTypeError(name, i, t, "a String key or an integer index");
      is_name.push_back(IsString(t));
    }
    return MakeKernel(
        ResultType(op),
        [op, is_name](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          StringArg json(a[0]);
          std::vector<StringArg> names;
          for (size_t i = 1; i < a.size(); ++i) names.emplace_back(is_name[i - 1] ? a[i] : a[0]);
          Column out = MakeResult(op, rows);
          std::string scratch;
          for (size_t r = 0; r < rows; ++r) {
            Node node;
            bool found = json_scan::Parse(json[r], &node);
            for (size_t k = 0; found && k < is_name.size(); ++k) {
              found = is_name[k] ? Walk(&node, names[k][r]) : Walk(&node, IntegerAt(a[k + 1], r));
            }
            AppendResult(op, found, node, r, &out, &scratch);
          }
          return out;
        });
  };
}

// --- JSON_VALUE / JSON_QUERY / JSON_EXISTS (json, path)
// -------------------------------------------

absl::StatusOr<std::vector<PathStep>> ParsePath(absl::string_view name, absl::string_view path) {
  auto unsupported = [&](absl::string_view why) {
    return ArgError(name, absl::StrCat("unsupported JSONPath '", path, "': ", why));
  };
  size_t pos = 0;
  while (pos < path.size() && path[pos] == ' ') ++pos;
  if (pos >= path.size() || path[pos] != '$') return unsupported("it must start with $");
  ++pos;
  std::vector<PathStep> steps;
  while (pos < path.size()) {
    if (path[pos] == '.' && pos + 1 < path.size() && path[pos + 1] == '"') {  // $."a b"
      size_t close = path.find('"', pos + 2);
      if (close == absl::string_view::npos) return unsupported("missing closing '\"'");
      steps.push_back(PathStep{true, std::string(path.substr(pos + 2, close - pos - 2))});
      pos = close + 1;
    } else if (path[pos] == '.') {
      size_t end = path.find_first_of(".[", pos + 1);
      if (end == absl::string_view::npos) end = path.size();
      absl::string_view member = path.substr(pos + 1, end - pos - 1);
      if (member.empty() || member == "*") return unsupported("expected a member name after '.'");
      steps.push_back(PathStep{true, std::string(member)});
      pos = end;
    } else if (path[pos] == '[') {
      size_t close = path.find(']', pos);
      if (close == absl::string_view::npos) return unsupported("missing ']'");
      absl::string_view inner = path.substr(pos + 1, close - pos - 1);
      if (inner.size() >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner.back() == inner[0]) {
        steps.push_back(PathStep{true, std::string(inner.substr(1, inner.size() - 2))});
      } else {
        int64_t index = 0;
        if (inner.empty() || inner.size() > 18)
          return unsupported("expected an index, a quoted name");
        for (char c : inner) {
          if (c < '0' || c > '9') return unsupported("expected an index or a quoted name in [...]");
          index = index * 10 + (c - '0');
        }
        steps.push_back(PathStep{false, "", index + 1});
      }
      pos = close + 1;
    } else {
      return unsupported("expected '.' or '['");
    }
  }
  return steps;
}

enum class PathOp { kValue, kQuery, kExists };

PlainBinder PathBinder(std::string name, PathOp op) {
  return [name, op](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    if (!IsString(*args[0].type)) return ArgTypeError(name, 0, *args[0].type, "String");
    const Column* path = StringConstant(args[1]);
    if (path == nullptr) return ArgError(name, "the JSONPath must be a constant String");
    TALLY_ASSIGN_OR_RETURN(std::vector<PathStep> steps, ParsePath(name, path->StringAt(0)));
    DataTypePtr result = TypeOf(op == PathOp::kExists ? TypeId::kUInt8 : TypeId::kString);
    return MakeKernel(
        result,
        [op, steps, result](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          StringArg json(a[0]);
          Column out = op == PathOp::kExists ? AllocateFixed(result, rows) : Column::Make(result);
          std::string text;
          for (size_t r = 0; r < rows; ++r) {
            Node node;
            bool found = json_scan::Parse(json[r], &node);
            for (size_t k = 0; found && k < steps.size(); ++k) {
              found = steps[k].is_name ? Walk(&node, steps[k].name)
                                       : node.kind == Kind::kArray && Walk(&node, steps[k].index);
            }
            if (op == PathOp::kExists) {
              MutableValues<uint8_t>(out)[r] = found;
              continue;
            }
            text.clear();
            if (found && op == PathOp::kQuery) {
              text.push_back('[');
              json_scan::AppendMinified(node, &text, json_scan::Escape::kSimdjson);
              text.push_back(']');
            } else if (found && node.kind == Kind::kString) {
              json_scan::AppendUnescaped(node, &text);
            } else if (found && node.kind != Kind::kArray && node.kind != Kind::kObject) {
              text.append(node.text.data(), node.text.size());
            }
            out.AppendString(text);
          }
          return out;
        });
  };
}

// ClickHouse's checks on the raw argument types, before BindPlain strips them: JSONExtract*
// reject LowCardinality(Nullable(String)) (its LowCardinality adapter hands them
// Nullable(String)), and a Nullable argument cannot make an Array result Nullable.
FunctionFactory CheckedExtract(std::string name, Op op) {
  PlainBinder bind = ExtractBinder(name, op);
  return [name, op, bind](absl::Span<const ArgInfo> args, const FunctionContext& context) -> Bound {
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i].type->is_nullable_low_cardinality()) continue;
      std::string what = i == 0 ? "The first argument of function " + name +
                                      " should be a string containing JSON or a JSON object"
                                : absl::StrCat("The argument ", i + 1, " of function ", name,
                                               " should be a string specifying key or an integer specifying index");
      return absl::InvalidArgumentError(absl::StrCat(what, ", illegal type: ", args[i].type->child(0).ToString()));
    }
    DataTypePtr result = ResultType(op);
    if (result->id() == TypeId::kArray) {
      for (const ArgInfo& a : args) {
        if (a.type->id() == TypeId::kNullable && !IsNullLiteral(a)) {
          return absl::InvalidArgumentError(
              absl::StrCat("Nested type ", result->ToString(), " cannot be inside Nullable type"));
        }
      }
    }
    return BindPlain(args, context, bind);
  };
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& registry) {
  static constexpr std::pair<const char*, Op> kExtract[] = {
      {"JSONExtractString", Op::kString},
      {"JSONExtractInt", Op::kInt},
      {"JSONExtractUInt", Op::kUInt},
      {"JSONExtractFloat", Op::kFloat},
      {"JSONExtractBool", Op::kBool},
      {"JSONExtractRaw", Op::kRaw},
      {"JSONHas", Op::kHas},
      {"JSONLength", Op::kLength},
      {"JSONExtractKeys", Op::kKeys},
      {"JSONExtractArrayRaw", Op::kArrayRaw},
      {"isValidJSON", Op::kIsValid},
  };
  for (const auto& [name, op] : kExtract) registry.Register(name, CheckedExtract(name, op));
  RegisterPlain(registry, "JSON_VALUE", PathBinder("JSON_VALUE", PathOp::kValue), true);
  RegisterPlain(registry, "JSON_QUERY", PathBinder("JSON_QUERY", PathOp::kQuery), true);
  RegisterPlain(registry, "JSON_EXISTS", PathBinder("JSON_EXISTS", PathOp::kExists), true);
}

}  // namespace tally::engine::exec
