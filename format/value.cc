#include "format/value.h"

#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace tally::format {
namespace {

int Rank(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kUInt:
    case Value::Kind::kInt:
    case Value::Kind::kFloat:
      return 1;
    case Value::Kind::kString:
      return 2;
    case Value::Kind::kArray:
      return 3;
    case Value::Kind::kMap:
      return 4;
  }
  return 5;
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareNumbers(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (a.kind == b.kind) {
    if (a.kind == K::kUInt) return Cmp(a.u, b.u);
    if (a.kind == K::kInt) return Cmp(a.i, b.i);
  }
  if (a.kind == K::kInt && b.kind == K::kUInt) return a.i < 0 ? -1 : Cmp<uint64_t>(a.i, b.u);
  if (a.kind == K::kUInt && b.kind == K::kInt) return b.i < 0 ? 1 : Cmp<uint64_t>(a.u, b.i);
  auto as_double = [](const Value& v) {
    return v.kind == K::kUInt ? static_cast<double>(v.u)
                              : v.kind == K::kInt ? static_cast<double>(v.i) : v.f;
  };
  double x = as_double(a), y = as_double(b);
  bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return Cmp<int>(xn, yn);
  return Cmp(x, y);
}

}  // namespace

int CompareValues(const Value& a, const Value& b) {
  int ra = Rank(a), rb = Rank(b);
  if (ra != rb) return Cmp(ra, rb);
  switch (a.kind) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kString:
      return Cmp(a.s.compare(b.s), 0);
    case Value::Kind::kArray:
    case Value::Kind::kMap: {
      size_t n = std::min(a.items.size(), b.items.size());
      for (size_t k = 0; k < n; ++k) {
        int c = CompareValues(a.items[k], b.items[k]);
        if (c != 0) return c;
      }
      return Cmp(a.items.size(), b.items.size());
    }
    default:
      return CompareNumbers(a, b);
  }
}

bool Value::operator==(const Value& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNull:
      return true;
    case Kind::kUInt:
      return u == o.u;
    case Kind::kInt:
      return i == o.i;
    case Kind::kFloat:
      return (std::isnan(f) && std::isnan(o.f)) ||
             (f == o.f && std::signbit(f) == std::signbit(o.f));
    case Kind::kString:
      return s == o.s;
    case Kind::kArray:
    case Kind::kMap:
      return items == o.items;
  }
  return false;
}

std::string Value::DebugString() const {
  switch (kind) {
    case Kind::kNull:
      return "NULL";
    case Kind::kUInt:
      return absl::StrCat(u);
    case Kind::kInt:
      return absl::StrCat(i);
    case Kind::kFloat:
      return absl::StrCat(f);
    case Kind::kString:
      return absl::StrCat("'", absl::CHexEscape(s.size() > 64 ? s.substr(0, 64) + "..." : s), "'");
    case Kind::kArray:
    case Kind::kMap: {
      std::string out = kind == Kind::kArray ? "[" : "{";
      for (size_t k = 0; k < items.size(); ++k) {
        if (k > 0) absl::StrAppend(&out, kind == Kind::kMap && k % 2 == 1 ? ":" : ",");
        absl::StrAppend(&out, items[k].DebugString());
      }
      absl::StrAppend(&out, kind == Kind::kArray ? "]" : "}");
      return out;
    }
  }
  return "?";
}

}  // namespace tally::format
