#include "engine/sql/ast.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace tally::engine::sql {
namespace {

void AppendQuoted(std::string* out, absl::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('\'');
  for (char c : s) {
    switch (c) {
      case '\'': out->append("\\'"); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\0': out->append("\\0"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out->append("\\x");
          out->push_back(kHex[(c >> 4) & 15]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('\'');
}

// The shortest text that reads back as `f`, the way ClickHouse writes float literals
// (double-conversion's ToShortest with a trailing point): 1., 0.5, 1e21, 1e-7, inf, nan.
void AppendFloat(std::string* out, double f) {
  if (std::isnan(f)) {
    out->append("nan");
    return;
  }
  if (std::isinf(f)) {
    out->append(f < 0 ? "-inf" : "inf");
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  absl::string_view sci(buf, r.ptr - buf);  // [-]d[.ddd]e(+|-)dd
  if (!sci.empty() && sci.front() == '-') {
    out->push_back('-');
    sci.remove_prefix(1);
  }
  const size_t e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits.push_back(c);
  }
  const int exponent = std::atoi(std::string(sci.substr(e_at + 1)).c_str());
  if (exponent < -6 || exponent > 20) {
    out->push_back(digits[0]);
    if (digits.size() > 1) absl::StrAppend(out, ".", absl::string_view(digits).substr(1));
    absl::StrAppend(out, "e", exponent);
  } else if (exponent < 0) {
    absl::StrAppend(out, "0.", std::string(-exponent - 1, '0'), digits);
  } else {
    const size_t int_digits = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= int_digits) {
      absl::StrAppend(out, digits, std::string(int_digits - digits.size(), '0'), ".");
    } else {
      absl::StrAppend(out, absl::string_view(digits).substr(0, int_digits), ".",
                      absl::string_view(digits).substr(int_digits));
    }
  }
}

void AppendValue(std::string* out, const format::Value& v) {
  using K = format::Value::Kind;
  switch (v.kind) {
    case K::kNull: out->append("NULL"); return;
    case K::kUInt: absl::StrAppend(out, v.u); return;
    case K::kInt: absl::StrAppend(out, v.i); return;
    case K::kFloat: AppendFloat(out, v.f); return;
    case K::kString: AppendQuoted(out, v.s); return;
    case K::kArray:
    case K::kMap:
      out->append(v.kind == K::kArray ? "[" : "map(");
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k > 0) out->append(", ");
        AppendValue(out, v.items[k]);
      }
      out->append(v.kind == K::kArray ? "]" : ")");
      return;
  }
}

void AppendExpr(std::string* out, const Expr& e);

// Expression trees may be kMaxExprHeight (parser.h) levels tall, so the recursive
// AppendExpr / AppendList keep tiny frames; everything else is out of line.
void AppendList(std::string* out, const std::vector<ExprPtr>& list) {
  out->push_back('(');
  for (size_t k = 0; k < list.size(); ++k) {
    if (k > 0) out->append(", ");
    AppendExpr(out, *list[k]);
  }
  out->push_back(')');
}

[[gnu::noinline]] void AppendLeaf(std::string* out, const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      if (e.bool_literal) {
        out->append(e.literal.u != 0 ? "true" : "false");
        return;
      }
      AppendValue(out, e.literal);
      return;
    case Expr::Kind::kIdentifier:
      out->append(absl::StrJoin(e.parts, "."));
      return;
    case Expr::Kind::kAsterisk:
      if (!e.parts.empty()) absl::StrAppend(out, absl::StrJoin(e.parts, "."), ".");
      out->push_back('*');
      return;
    case Expr::Kind::kParameter:
      absl::StrAppend(out, "{", e.name, ":", e.parameter_type, "}");
      return;
    case Expr::Kind::kSubquery:
      out->append("_subquery");
      return;
    case Expr::Kind::kLambda:  // x -> x + 1 is lambda(tuple(x), plus(x, 1)): the head
      absl::StrAppend(out, "lambda(tuple(", absl::StrJoin(e.parts, ", "), "), ");
      return;
    case Expr::Kind::kFunction:
      return;
  }
}

void AppendExpr(std::string* out, const Expr& e) {
  if (e.kind == Expr::Kind::kFunction) {
    // count(DISTINCT x) is named countDistinct(x), as in ClickHouse.
    out->append(e.name);
    if (e.distinct) out->append("Distinct");
    if (e.has_params) AppendList(out, e.params);
    AppendList(out, e.args);
    return;
  }
  AppendLeaf(out, e);
  if (e.kind == Expr::Kind::kLambda) {
    if (!e.args.empty()) AppendExpr(out, *e.args[0]);
    out->push_back(')');
  }
}

// How ClickHouse prints an operator call; kNone for a plain call.
enum class Form { kNone, kInfix, kPrefix, kPostfix, kElement };

Form FormOf(const Expr& e, const char** text) {
  static const struct {
    const char* name;
    Form form;
    const char* text;
  } kOperators[] = {
      {"plus", Form::kInfix, " + "},          {"minus", Form::kInfix, " - "},
      {"multiply", Form::kInfix, " * "},      {"divide", Form::kInfix, " / "},
      {"modulo", Form::kInfix, " % "},        {"equals", Form::kInfix, " = "},
      {"notEquals", Form::kInfix, " != "},    {"less", Form::kInfix, " < "},
      {"greater", Form::kInfix, " > "},       {"lessOrEquals", Form::kInfix, " <= "},
      {"greaterOrEquals", Form::kInfix, " >= "}, {"like", Form::kInfix, " LIKE "},
      {"notLike", Form::kInfix, " NOT LIKE "}, {"ilike", Form::kInfix, " ILIKE "},
      {"notILike", Form::kInfix, " NOT ILIKE "}, {"in", Form::kInfix, " IN "},
      {"notIn", Form::kInfix, " NOT IN "},    {"and", Form::kInfix, " AND "},
      {"or", Form::kInfix, " OR "},           {"not", Form::kPrefix, "NOT "},
      {"negate", Form::kPrefix, "-"},         {"isNull", Form::kPostfix, " IS NULL"},
      {"isNotNull", Form::kPostfix, " IS NOT NULL"}, {"arrayElement", Form::kElement, ""},
  };
  if (e.kind != Expr::Kind::kFunction || e.has_params || e.distinct || e.args.empty()) return Form::kNone;
  for (const auto& op : kOperators) {
    if (e.name != op.name) continue;
    const size_t want = op.form == Form::kPrefix || op.form == Form::kPostfix ? 1 : 2;
    const bool variadic = e.name == "and" || e.name == "or";
    if (variadic ? e.args.size() < 2 : e.args.size() != want) return Form::kNone;
    *text = op.text;
    return op.form;
  }
  return Form::kNone;
}

void AppendClickHouse(std::string* out, const Expr& e, bool nested);

void AppendClickHouseList(std::string* out, const std::vector<ExprPtr>& list) {
  for (size_t k = 0; k < list.size(); ++k) {
    if (k > 0) out->append(", ");
    AppendClickHouse(out, *list[k], false);
  }
}

void AppendClickHouse(std::string* out, const Expr& e, bool nested) {
  const char* text = "";
  const Form form = FormOf(e, &text);
  if (form == Form::kNone) {
    if (e.kind != Expr::Kind::kFunction) {
      AppendExpr(out, e);
      return;
    }
    if (e.name == "tuple" && !e.has_params && !e.args.empty()) {
      out->push_back('(');
      AppendClickHouseList(out, e.args);
      out->push_back(')');
      return;
    }
    out->append(e.name);
    if (e.distinct) out->append("Distinct");
    if (e.has_params) {
      out->push_back('(');
      AppendClickHouseList(out, e.params);
      out->push_back(')');
    }
    out->push_back('(');
    AppendClickHouseList(out, e.args);
    out->push_back(')');
    return;
  }
  if (nested) out->push_back('(');
  switch (form) {
    case Form::kInfix:
      for (size_t k = 0; k < e.args.size(); ++k) {
        if (k > 0) out->append(text);
        // x IN (1): the set is always in brackets.
        const bool set = k == 1 && (e.name == "in" || e.name == "notIn") &&
                         !(e.args[1]->kind == Expr::Kind::kFunction && e.args[1]->name == "tuple") &&
                         e.args[1]->kind != Expr::Kind::kSubquery;
        if (set) out->push_back('(');
        AppendClickHouse(out, *e.args[k], !set);
        if (set) out->push_back(')');
      }
      break;
    case Form::kPrefix:
      out->append(text);
      AppendClickHouse(out, *e.args[0], true);
      break;
    case Form::kPostfix:
      AppendClickHouse(out, *e.args[0], true);
      out->append(text);
      break;
    case Form::kElement:
      AppendClickHouse(out, *e.args[0], true);
      out->push_back('[');
      AppendClickHouse(out, *e.args[1], false);
      out->push_back(']');
      break;
    case Form::kNone:
      break;
  }
  if (nested) out->push_back(')');
}

}  // namespace

std::string Expr::ToClickHouseText() const {
  std::string out;
  AppendClickHouse(&out, *this, false);
  return out;
}

std::string Expr::ToString() const {
  std::string out;
  AppendExpr(&out, *this);
  return out;
}

std::string TtlElement::ToString() const {
  std::string out = expr_text;
  if (where != nullptr) out += " WHERE " + where_text;
  return out;
}

bool CallsFunction(const Expr& e, absl::string_view function) {
  if (e.kind == Expr::Kind::kFunction && e.name == function) return true;
  for (const ExprPtr& a : e.args) {
    if (a != nullptr && CallsFunction(*a, function)) return true;
  }
  return false;
}

std::string FirstCallText(const Expr& e, absl::string_view function) {
  if (e.kind == Expr::Kind::kFunction && e.name == function) return e.ToString();
  for (const ExprPtr& a : e.args) {
    if (a == nullptr) continue;
    std::string t = FirstCallText(*a, function);
    if (!t.empty()) return t;
  }
  return "";
}

absl::string_view FlippedComparison(absl::string_view name) {
  if (name == "less") return "greater";
  if (name == "greater") return "less";
  if (name == "lessOrEquals") return "greaterOrEquals";
  if (name == "greaterOrEquals") return "lessOrEquals";
  return name;
}

}  // namespace tally::engine::sql
