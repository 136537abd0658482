#include "engine/query/index_conditions.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "engine/exec/constant_conversion.h"
#include "engine/skip_indexes.h"
#include "format/text_tokens.h"

namespace tally::engine::sql {

using format::Column;
using format::DataTypePtr;
using format::TypeId;
using format::Value;
using CondKind = SkipIndexCondition::Kind;

std::optional<std::vector<TextNeedle>> LikeNeedles(absl::string_view pattern, bool* exact) {
  std::vector<TextNeedle> out;
  *exact = true;
  TextNeedle run;
  run.starts_token = true;  // until a wildcard comes first
  auto flush = [&](bool ends) {
    run.ends_token = ends;
    if (!run.bytes.empty()) out.push_back(run);
    run = TextNeedle();
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size()) return std::nullopt;  // escapes nothing: LIKE fails
      const char next = pattern[i + 1];
      if (next == '%' || next == '_' || next == '\\') {
        run.bytes.push_back(next);
        ++i;
      } else {
        run.bytes.push_back('\\');  // a backslash before anything else is itself
      }
    } else if (c == '%' || c == '_') {
      *exact = false;
      flush(false);
    } else {
      run.bytes.push_back(c);
    }
  }
  flush(true);
  if (*exact && out.empty()) out.push_back(TextNeedle{"", true, true});  // LIKE '': the empty string
  return out;
}

namespace {

// An indexed expression: what its values are.
struct Indexed {
  DataTypePtr values;  // the indexed values' type (an Array's element type)
  bool array = false;
  bool column = false;  // a bare column: comparisons and IN reach it as ColumnRanges
};

bool IsOrderComparison(absl::string_view name) {
  return name == "less" || name == "greater" || name == "lessOrEquals" || name == "greaterOrEquals";
}

bool IsDefaultOf(const DataTypePtr& type, const Value& v) {
  Column c = Column::Make(type);
  c.AppendDefault();
  return format::CompareValues(c.GetValue(0), v) == 0;
}

class Extractor {
 public:
  Extractor(const SourceCatalog& catalog, const QueryParams& params) : catalog_(catalog), params_(params) {
    auto indexes = BindSkipIndexes(catalog.schema);
    if (!indexes.ok()) return;
    for (const BoundSkipIndex& b : *indexes) indexed_[b.expression] = Indexed{b.values, b.array, b.column >= 0};
  }

  void Add(const ExprPtr& e) {
    if (e->kind != Expr::Kind::kFunction) return;
    const std::string text = e->ToString();
    const auto& a = e->args;
    if (a.size() != 2) return;
    if (e->name == "equals" || e->name == "notEquals" || IsOrderComparison(e->name)) {
      for (int side = 0; side < 2; ++side) {
        const absl::string_view op = side == 0 ? absl::string_view(e->name) : sql::FlippedComparison(e->name);
        if (MapElement(a[side], op, {a[1 - side]}, false, text)) return;
        const Indexed* target = Find(*a[side]);
        if (target == nullptr || target->array) continue;
        if (target->column && op != "notEquals") continue;  // a ColumnRange already
        std::optional<Value> v = Scalar(a[1 - side], target->values, exec::ConstantUse::kComparison);
        if (!v) continue;
        SkipIndexCondition c = Make(*a[side], text);
        if (op == "equals") {
          c.values = {*v};
        } else if (op == "notEquals") {
          c.kind = CondKind::kNotEqual;
          c.values = {*v};
        } else {
          c.kind = CondKind::kRange;
          if (op == "less" || op == "lessOrEquals") {
            c.range.max = *v;
            c.range.max_inclusive = op == "lessOrEquals";
          } else {
            c.range.min = *v;
            c.range.min_inclusive = op == "greaterOrEquals";
          }
        }
        out.push_back(std::move(c));
        return;
      }
    } else if (e->name == "in") {
      if (MapElement(a[0], "in", ListItems(a[1]), true, text)) return;
      const Indexed* target = Find(*a[0]);
      if (target == nullptr || target->array || target->column) return;
      std::optional<std::vector<Value>> values = List(ListItems(a[1]), target->values, exec::ConstantUse::kInList);
      if (!values || values->empty()) return;
      SkipIndexCondition c = Make(*a[0], text);
      c.values = *std::move(values);
      out.push_back(std::move(c));
    } else if (e->name == "has") {
      if (const Indexed* target = Find(*a[0]); target != nullptr && target->array) {
        std::optional<Value> v = Scalar(a[1], target->values, exec::ConstantUse::kComparison);
        if (!v) return;
        SkipIndexCondition c = Make(*a[0], text);
        c.values = {*v};
        out.push_back(std::move(c));
      } else if (const Indexed* scalar = Find(*a[1]); scalar != nullptr && !scalar->array) {
        // has([c1, c2], e): e IN (c1, c2)
        std::optional<std::vector<Value>> values = ArrayConstant(a[0], scalar->values);
        if (!values || values->empty()) return;
        SkipIndexCondition c = Make(*a[1], text);
        c.values = *std::move(values);
        out.push_back(std::move(c));
      }
    } else if (e->name == "hasAny" || e->name == "hasAll") {
      // hasAny(e, [c, ...]) (either way round): some element is one of them. hasAll(e, [c,
      // ...]): each is an element, one condition apiece.
      for (int side = 0; side < 2; ++side) {
        if (e->name == "hasAll" && side == 1) break;
        const Indexed* target = Find(*a[side]);
        if (target == nullptr || !target->array) continue;
        std::optional<std::vector<Value>> values = ArrayConstant(a[1 - side], target->values);
        if (!values) return;
        if (e->name == "hasAny") {
          SkipIndexCondition c = Make(*a[side], text);
          c.values = *std::move(values);  // none: no row matches
          out.push_back(std::move(c));
          return;
        }
        for (Value& v : *values) {
          SkipIndexCondition c = Make(*a[side], text);
          c.values = {std::move(v)};
          out.push_back(std::move(c));
        }
        return;
      }
    } else if (e->name == "mapContains") {
      if (a[0]->kind != Expr::Kind::kIdentifier) return;
      const std::string keys = absl::StrCat("mapKeys(", a[0]->ToString(), ")");
      const Indexed* target = FindText(keys);
      if (target == nullptr) return;
      std::optional<Value> v = Scalar(a[1], target->values, exec::ConstantUse::kComparison);
      if (!v) return;
      SkipIndexCondition c;
      c.expression = keys;
      c.text = text;
      c.values = {*v};
      out.push_back(std::move(c));
    } else if (e->name == "hasToken" || e->name == "like" || e->name == "startsWith" || e->name == "endsWith") {
      const Indexed* target = Find(*a[0]);
      if (target == nullptr || target->array) return;
      std::optional<std::string> s = StringConstant(a[1]);
      if (!s) return;
      SkipIndexCondition c = Make(*a[0], text);
      c.kind = CondKind::kContains;
      if (e->name == "hasToken") {
        bool token = !s->empty();
        for (unsigned char ch : *s) token &= format::IsTokenByte(ch);
        if (!token) return;  // hasToken refuses such a needle
        c.needles = {TextNeedle{*s, true, true}};
      } else if (e->name == "startsWith") {
        c.needles = {TextNeedle{*s, true, false}};
      } else if (e->name == "endsWith") {
        c.needles = {TextNeedle{*s, false, true}};
      } else {
        bool exact = false;
        auto needles = LikeNeedles(*s, &exact);
        if (!needles) return;
        if (exact) {  // no wildcard: equality
          c.kind = CondKind::kOneOf;
          c.values = {Value::String((*needles)[0].bytes)};
        } else {
          c.needles = *std::move(needles);
        }
      }
      if (c.kind == CondKind::kContains && c.needles.empty()) return;
      out.push_back(std::move(c));
    }
  }

  std::vector<SkipIndexCondition> out;

 private:
  const Indexed* FindText(const std::string& text) const {
    auto it = indexed_.find(text);
    return it == indexed_.end() ? nullptr : &it->second;
  }
  const Indexed* Find(const Expr& e) const { return FindText(e.ToString()); }

  SkipIndexCondition Make(const Expr& target, const std::string& text) const {
    SkipIndexCondition c;
    c.expression = target.ToString();
    c.text = text;
    return c;
  }

  std::optional<Column> Constant(const ExprPtr& e) const {
    Scope empty;
    auto b = Bind(*e, empty, params_);
    if (!b.ok() || !(*b)->is_constant()) return std::nullopt;
    auto c = exec::EvaluateConstant(**b);
    if (!c.ok()) return std::nullopt;
    return *std::move(c);
  }

  std::optional<std::string> StringConstant(const ExprPtr& e) const {
    std::optional<Column> c = Constant(e);
    if (!c || c->type->id() != TypeId::kString) return std::nullopt;
    return std::string(c->StringAt(0));
  }

  std::optional<Value> Scalar(const ExprPtr& e, const DataTypePtr& domain, exec::ConstantUse use) const {
    std::optional<Column> c = Constant(e);
    if (!c) return std::nullopt;
    return ToColumnDomain(*c, domain, use, params_.functions);
  }

  // The elements of a constant array, each in `domain`; nullopt when it is no constant
  // array or an element does not convert exactly (it might still match).
  std::optional<std::vector<Value>> ArrayConstant(const ExprPtr& e, const DataTypePtr& domain) const {
    std::optional<Column> list = Constant(e);
    if (!list || list->type->id() != TypeId::kArray) return std::nullopt;
    std::vector<Value> values;
    const Column& items = list->children[0];
    for (size_t i = 0; i < items.size(); ++i) {
      Column one = Column::Make(items.type);
      one.AppendRange(items, i, 1);
      std::optional<Value> v = ToColumnDomain(one, domain, exec::ConstantUse::kComparison, params_.functions);
      if (!v) return std::nullopt;
      values.push_back(*std::move(v));
    }
    return values;
  }

  // The items of an IN list: x IN (a, b) parses as in(x, tuple(a, b)); x IN [a, b] and
  // x IN (a) as a literal.
  static std::vector<ExprPtr> ListItems(const ExprPtr& list) {
    if (list->kind == Expr::Kind::kFunction && list->name == "tuple" && !list->args.empty()) return list->args;
    if (list->kind != Expr::Kind::kLiteral) return {};
    std::vector<ExprPtr> items;
    const std::vector<Value> values =
        list->literal.kind == Value::Kind::kArray ? list->literal.items : std::vector<Value>{list->literal};
    for (const Value& v : values) {
      auto item = std::make_shared<Expr>();
      item->kind = Expr::Kind::kLiteral;
      item->literal = v;
      items.push_back(std::move(item));
    }
    return items;
  }

  // Every item in the domain, or nullopt when one does not convert (it might still match).
  std::optional<std::vector<Value>> List(const std::vector<ExprPtr>& items, const DataTypePtr& domain,
                                         exec::ConstantUse use) const {
    std::vector<Value> out;
    for (const ExprPtr& item : items) {
      std::optional<Value> v = Scalar(item, domain, use);
      if (!v) return std::nullopt;
      out.push_back(*std::move(v));
    }
    return out;
  }

  // m['k'] = v (op "equals") or m['k'] IN (v, ...) (op "in"): the key for an index on
  // mapKeys(m), the values for one on mapValues(m), when no value is the default that
  // m['k'] gives a row without the key. True when `e` is such an element.
  bool MapElement(const ExprPtr& e, absl::string_view op, const std::vector<ExprPtr>& items, bool in_list,
                  const std::string& text) {
    if (e->kind != Expr::Kind::kFunction || e->name != "arrayElement" || e->args.size() != 2) return false;
    const ExprPtr& m = e->args[0];
    if (m->kind != Expr::Kind::kIdentifier) return false;
    int col = -1;
    for (size_t i = 0; i < catalog_.names.size(); ++i) {
      if (catalog_.names[i] == m->identifier()) col = static_cast<int>(i);
    }
    if (col < 0 || catalog_.types[col]->id() != TypeId::kMap) return false;
    if (op != "equals" && op != "in") return true;  // a map element, but nothing to say
    if (items.empty()) return true;
    const DataTypePtr& key_type = catalog_.types[col]->children()[0];
    const DataTypePtr& value_type = catalog_.types[col]->children()[1];
    const exec::ConstantUse use = in_list ? exec::ConstantUse::kInList : exec::ConstantUse::kComparison;
    std::optional<std::vector<Value>> values = List(items, value_type, use);
    if (!values) return true;
    for (const Value& v : *values) {
      if (IsDefaultOf(value_type, v)) return true;
    }
    const std::string name = m->ToString();
    if (const std::string keys = absl::StrCat("mapKeys(", name, ")"); FindText(keys) != nullptr) {
      if (std::optional<Value> k = Scalar(e->args[1], key_type, exec::ConstantUse::kComparison)) {
        SkipIndexCondition c;
        c.expression = keys;
        c.text = text;
        c.values = {*k};
        out.push_back(std::move(c));
      }
    }
    if (const std::string vals = absl::StrCat("mapValues(", name, ")"); FindText(vals) != nullptr) {
      SkipIndexCondition c;
      c.expression = vals;
      c.text = text;
      c.values = *values;
      out.push_back(std::move(c));
    }
    return true;
  }

  const SourceCatalog& catalog_;
  const QueryParams& params_;
  absl::flat_hash_map<std::string, Indexed> indexed_;  // by the expression's text
};

}  // namespace

std::vector<SkipIndexCondition> ExtractIndexConditions(const ExprPtr& where, const SourceCatalog& catalog,
                                                       const QueryParams& params) {
  if (catalog.kind != SourceCatalog::Kind::kTable || catalog.schema.skip_indexes.empty()) return {};
  Extractor x(catalog, params);
  std::vector<ExprPtr> conjuncts;
  Conjuncts(where, &conjuncts);
  for (const ExprPtr& e : conjuncts) x.Add(e);
  return std::move(x.out);
}

}  // namespace tally::engine::sql
