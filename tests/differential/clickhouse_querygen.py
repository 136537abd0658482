"""The seeded random query generator of the ClickHouse differential test.

Queries are generated from what tally claims (docs/sql.md's grammar and the functions it
registers) over the table of clickhouse_data.py, and are the same text for both engines:
tally speaks ClickHouse's dialect. A query is a tree (Query, Item, X) rather than a string so
that the harness can shrink a failing one: drop clauses, conjuncts and select items, and
replace an expression by one of its arguments of the same kind.

Every query is deterministic on both engines, or its rows are compared as a sorted multiset:
  - an ORDER BY followed by LIMIT, LIMIT BY or WITH FILL is total (it ends in `id`, or in
    all the GROUP BY keys), so no tie decides which rows come out;
  - no `any`, no `groupArray` whose element order would show, `argMin/argMax` only by the
    unique `id`;
  - sums and averages of floats only over dyadic values (the data's floats are k / 16), so
    no summation order changes a digit;
  - approximate aggregates only where both engines are exact: `uniq`/`uniqCombined` over
    arguments with at most 512 distinct values (tally switches to HyperLogLog beyond,
    ClickHouse later), `quantile`/`median` over at most 8,192 rows per group (both keep
    every value up to there: a required `id % 40 = r` conjunct sees to it).
    `quantileTDigest` is not generated: tally answers it as `quantile`, ClickHouse with a
    real t-digest, and both are approximations.

Each construct that can go wrong adds a feature tag to its query (X.tags, Query.own_tags);
the harness leaves the known-open ones (clickhouse_known_open.py) out of the short run and
reports mismatches per tag in the long one.
"""
import re

from clickhouse_expr import Column, X, base_columns, fn, leaf, lit, neg_zero_key, op
from clickhouse_exprgen import Gen

class Item:
    """A select item, GROUP BY key or ORDER BY key: an expression and its alias."""

    def __init__(self, x, alias=None, desc=False, nulls=None, fill=None):
        self.x, self.alias, self.desc, self.nulls, self.fill = x, alias, desc, nulls, fill


class Query:
    """One SELECT (and its UNION ALL members). `total` says the outermost ORDER BY fixes
    the order of every row; otherwise rows are compared as a sorted multiset. `required`
    conjuncts keep the query deterministic (the row cap of quantile) and are never shrunk
    away."""

    def __init__(self):
        self.with_ = []        # [Item] (WITH expr AS alias)
        self.distinct = False
        self.items = []        # [Item]
        self.source = None     # None: events; else a Query (FROM (subquery))
        self.where = []        # [X], ANDed
        self.required = []     # [X], ANDed, never shrunk
        self.group = []        # [Item]: x, rendered as the alias when it has one
        self.totals = False
        self.having = []       # [X]
        self.order = []        # [Item]
        self.limit_by = None   # (n, [X])
        self.limit = None      # (n, offset or None)
        self.unions = []       # [Query]
        self.total = False
        self.own_tags = set()
        self.prewhere = False     # the first WHERE conjunct as PREWHERE
        self.limit_comma = False  # LIMIT offset, n

    def tags(self):
        t = set(self.own_tags)
        for lst in (self.with_, self.items, self.group, self.order):
            for i in lst:
                t |= i.x.tags
        for x in self.where + self.required + self.having:
            t |= x.tags
        if self.limit_by:
            for x in self.limit_by[1]:
                t |= x.tags
        if self.source is not None:
            t |= self.source.tags()
        for u in self.unions:
            t |= u.tags()
        if self.totals:
            t.add("with_totals")
        if self.unions:
            t.add("union_all")
        return t

    def sql(self):
        s = ""
        if self.with_:
            s += "WITH " + ", ".join(f"{i.x.sql} AS {i.alias}" for i in self.with_) + " "
        s += "SELECT " + ("DISTINCT " if self.distinct else "")
        s += ", ".join(i.x.sql + (f" AS {i.alias}" if i.alias else "") for i in self.items)
        s += " FROM " + ("events" if self.source is None else f"({self.source.sql()})")
        conds = self.required + self.where
        if self.prewhere and self.where:
            s += f" PREWHERE {self.where[0].sql}"
            conds = self.required + self.where[1:]
        if conds:
            s += " WHERE " + " AND ".join(c.sql for c in conds)
        if self.group:
            s += " GROUP BY " + ", ".join(i.alias or i.x.sql for i in self.group)
            if self.totals:
                s += " WITH TOTALS"
        if self.having:
            s += " HAVING " + " AND ".join(c.sql for c in self.having)
        if self.order:
            parts = []
            for o in self.order:
                p = o.alias or o.x.sql
                p += " DESC" if o.desc else ""
                p += f" NULLS {o.nulls}" if o.nulls else ""
                p += f" WITH FILL{o.fill}" if o.fill is not None else ""
                parts.append(p)
            s += " ORDER BY " + ", ".join(parts)
        if self.limit_by:
            s += f" LIMIT {self.limit_by[0]} BY " + ", ".join(x.sql for x in self.limit_by[1])
        if self.limit and self.limit[1] and self.limit_comma:
            s += f" LIMIT {self.limit[1]}, {self.limit[0]}"
        elif self.limit:
            s += f" LIMIT {self.limit[0]}" + (f" OFFSET {self.limit[1]}" if self.limit[1] else "")
        for u in self.unions:
            s += " UNION ALL " + u.sql()
        return s


def row_cap(rng):
    """A required conjunct that keeps at most 7,500 rows (quantile's exact range)."""
    return leaf("bool", f"id % 40 = {rng.randrange(40)}", const=False)


def has_quantile(q):
    return any("quantile_rows" in i.x.tags for i in q.items) or any("quantile_rows" in x.tags for x in q.having)


def where_conds(g, n_max=2):
    return [g.cond() for _ in range(g.r.randrange(0, n_max + 1))]


def order_opts(r, x, alias):
    it = Item(x, alias, desc=r.random() < 0.4,
              nulls=r.choice([None, None, "FIRST", "LAST"]))
    return it


def key_order_tags(items):
    """Tags of what ORDER BY sorts: arrays, and floats that may be NaN."""
    t = set()
    for o in items:
        if o.x.kind in ("arr_str", "arr_int"):
            t.add("order_array")
        if o.x.kind in ("map_str", "map_int"):
            t.add("order_map")
        if o.x.kind == "float" and o.x.nan:
            t.add("nan_sort")
    return t


class QueryGen:
    """Whole queries, of several shapes."""

    def __init__(self, rng):
        self.r = rng

    def gen(self):
        shape = self.pick_shape()
        q = getattr(self, "shape_" + shape)()
        q.own_tags.add("shape:" + shape)
        if "nan_sort" in q.own_tags and q.limit and q.source is None and not q.unions:
            # ClickHouse 26.9's ORDER BY ... LIMIT over NaN keys is itself unstable (the rows
            # change with max_threads): compare the whole order, of fewer rows.
            q.limit = None
            q.required.append(leaf("bool", f"id % 1000 = {self.r.randrange(1000)}", const=False))
        q.prewhere = q.source is None and self.r.random() < 0.1
        q.limit_comma = self.r.random() < 0.3
        return q

    SHAPES = [("rows", 5), ("rows_unordered", 2), ("global_agg", 4), ("group", 6), ("group_top", 3),
              ("distinct", 2), ("limit_by", 1.5), ("fill", 1), ("subquery", 2), ("union", 1),
              ("scalar_subquery", 1), ("with_alias", 1.5)]

    def pick_shape(self):
        total = sum(w for _, w in self.SHAPES)
        x = self.r.uniform(0, total)
        for s, w in self.SHAPES:
            x -= w
            if x <= 0:
                return s
        return self.SHAPES[-1][0]

    def gen_scalar(self, g):
        r = self.r
        return g.of(r.choice(["int", "int", "float", "str", "str", "bool", "date", "time", "time64",
                              "arr_str", "arr_int", "map_str", "map_int"]))

    def items(self, g, n):
        return [Item(self.gen_scalar(g), f"c{i}") for i in range(n)]

    def shape_rows(self):
        """Rows in a total order (the keys, then id), LIMIT/OFFSET."""
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        q.items = [Item(leaf("int", "id", const=False, card=300000))] + self.items(g, r.randrange(1, 4))
        q.where = where_conds(g)
        keys = [order_opts(r, i.x, i.alias) for i in r.sample(q.items[1:], r.randrange(0, len(q.items)))]
        q.order = keys + [Item(leaf("int", "id", const=False), None, desc=r.random() < 0.3)]
        q.own_tags |= key_order_tags(keys)
        q.limit = (r.randrange(1, 30), r.randrange(0, 50) if r.random() < 0.3 else None)
        q.total = True
        self.maybe_shadow(q, g)
        return q

    def maybe_shadow(self, q, g):
        """Sometimes an item's alias is a column's name (ClickHouse: the alias wins
        everywhere in the query)."""
        r = self.r
        if r.random() > 0.15 or len(q.items) < 2:
            return
        it = r.choice(q.items[1:])
        # Not id: ORDER BY id, which makes orders total, would then sort by the alias.
        names = [c.name for c in base_columns() if c.kind == it.x.kind and c.name != "id"]
        if not names:
            return
        name = r.choice(names)
        # Does the item's expression use that column, directly or through other aliases?
        words = lambda x: set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", x.sql))
        by_alias = {i.alias: i.x for i in q.items + q.with_ if i.alias}
        seen, todo = set(), [it.x]
        while todo:
            for w in words(todo.pop()) - seen:
                seen.add(w)
                if w in by_alias and by_alias[w] is not it.x:
                    todo.append(by_alias[w])
        uses_self = name in seen
        old = it.alias
        it.alias = name
        for o in q.order:
            if o.alias == old:
                o.alias = name
        q.own_tags.add("alias_shadow_self" if uses_self else "alias_shadow")
        if r.random() < 0.5:
            q.where.append(X("bool", lambda: f"{name} = {name}", const=False, null=True))

    def shape_rows_unordered(self):
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        q.items = [Item(leaf("int", "id", const=False, card=300000))] + self.items(g, r.randrange(1, 5))
        q.required = [leaf("bool", f"id % {r.choice([500, 1000, 3000])} = {r.randrange(0, 500)}", const=False)]
        q.where = where_conds(g)
        self.maybe_shadow(q, g)
        return q

    def shape_global_agg(self):
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        q.items = [Item(g.aggregate(), f"a{i}") for i in range(r.randrange(1, 5))]
        q.where = where_conds(g)
        if has_quantile(q):
            q.required = [row_cap(r)]
        return q

    def group_keys(self, g, max_card):
        r = self.r
        keys = []
        card = 1
        for i in range(r.randrange(1, 3)):
            for _ in range(10):
                k = self.group_key(g)
                if card * k.card <= max_card:
                    break
            else:
                k = leaf("str", "metric", const=False, card=5)
            card *= k.card
            if k.sql.startswith("toString(") and k.kids and k.kids[0].kind in ("time", "time64") and "zoned" in k.tags:
                # ClickHouse groups by the time under toString (optimize_injective_functions_
                # in_group_by): the hour repeated at a DST change makes two groups.
                k.own_tags = k.own_tags | {"group_by_injective"}
            keys.append(Item(neg_zero_key(k), f"k{i}"))
        return keys

    def group_key(self, g):
        r = self.r
        kind = r.choice(["str", "int", "time", "date", "bool", "float", "arr_str"])
        if kind == "time" and r.random() < 0.7:
            return fn("time", "toStartOfDay", leaf("time", "time", const=False),
                      *([g.zone()] if r.random() < 0.7 else []), card=60)
        if kind == "int" and r.random() < 0.5:
            return leaf("int", r.choice(["status", "small", "qty"]), const=False, card=300,
                        null=False)
        return g.of(kind, 1)

    def aggs(self, g, n):
        return [Item(g.aggregate(), f"a{i}") for i in range(n)]

    def shape_group(self):
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        q.group = self.group_keys(g, 3000)
        q.items = list(q.group) + self.aggs(g, r.randrange(1, 4))
        q.where = where_conds(g)
        if r.random() < 0.3:
            q.having = [self.having(g)]
        if r.random() < 0.15:
            q.totals = True
        if has_quantile(q):
            q.required = [row_cap(r)]
        return q

    def having(self, g):
        r = self.r
        a = g.aggregate()
        if a.kind in ("int", "float"):
            return op("bool", r.choice([">", "<", ">=", "!="]), a, lit("int", str(r.choice([0, 1, 5, 100, 1000]))))
        return fn("bool", "isNotNull", a)

    def shape_group_top(self):
        """GROUP BY ordered by all keys (a total order), LIMIT, sometimes WITH TOTALS."""
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        q.group = self.group_keys(g, 10 ** 6)
        q.items = list(q.group) + self.aggs(g, r.randrange(1, 4))
        q.where = where_conds(g)
        if r.random() < 0.3:
            q.having = [self.having(g)]
        keys = [order_opts(r, k.x, k.alias) for k in q.group]
        r.shuffle(keys)
        if r.random() < 0.3:  # an aggregate first; the keys still decide ties
            a = r.choice(q.items[len(q.group):])
            keys.insert(0, order_opts(r, a.x, a.alias))
        q.order = keys
        q.own_tags |= key_order_tags(keys)
        q.limit = (r.randrange(1, 20), r.randrange(0, 5) if r.random() < 0.2 else None)
        q.total = True
        if r.random() < 0.15:
            q.totals = True
        if has_quantile(q):
            q.required = [row_cap(r)]
        return q

    def shape_distinct(self):
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        q.distinct = True
        ks = self.group_keys(g, 3000)
        q.items = [Item(k.x, f"c{i}") for i, k in enumerate(ks)]
        q.where = where_conds(g)
        return q

    def shape_limit_by(self):
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        by = [leaf("str", r.choice(["tenant", "metric", "region"]), const=False, card=20)]
        if r.random() < 0.3:
            by.append(fn("int", "toDayOfWeek", leaf("time", "time", const=False), card=7))
        q.items = [Item(leaf("int", "id", const=False))] + [Item(b, f"b{i}") for i, b in enumerate(by)] + self.items(g, r.randrange(0, 3))
        q.where = where_conds(g)
        keys = [order_opts(r, Item(b).x, f"b{i}") for i, b in enumerate(by)]
        extra = [order_opts(r, i.x, i.alias) for i in q.items[1 + len(by):] if r.random() < 0.5]
        q.order = keys + extra + [Item(leaf("int", "id", const=False), None, desc=r.random() < 0.5)]
        q.own_tags |= key_order_tags(keys + extra)
        q.limit_by = (r.randrange(1, 4), [leaf("str", f"b{i}", const=False) for i in range(len(by))])
        if r.random() < 0.5:
            q.limit = (r.randrange(1, 60), None)
        q.total = True
        return q

    def shape_fill(self):
        """GROUP BY a time bucket or an integer, ORDER BY it WITH FILL."""
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        k = r.randrange(3)
        if k == 0:
            key = fn("time", "toStartOfHour", leaf("time", "time", const=False), *([g.zone()] if r.random() < 0.5 else []))
            step = r.choice(["", " STEP 3600", " STEP INTERVAL 1 HOUR", " STEP INTERVAL 2 HOUR"])
            lo = g.time_text()[:13] + ":00:00"
            frm = f" FROM toDateTime('{lo}')" if r.random() < 0.4 else ""
        elif k == 1:
            key = fn("date", "toDate", leaf("time", "time", const=False), *([g.zone()] if r.random() < 0.5 else []))
            step = r.choice(["", " STEP 1", " STEP INTERVAL 1 DAY", " STEP 2"])
            frm = f" FROM toDate('{g.time_text()[:10]}')" if r.random() < 0.4 else ""
        else:
            key = op("int", "%", leaf("int", "small", const=False), lit("int", str(r.choice([10, 20, 50]))))
            step = r.choice(["", " STEP 1", " STEP 3"])
            frm = f" FROM {r.randrange(-60, 0)}" if r.random() < 0.4 else ""
        q.group = [Item(key, "k0")]
        q.items = [q.group[0]] + self.aggs(g, r.randrange(1, 3))
        q.where = [g.cond(1)]
        # A narrow slice so the filled range stays short.
        if k in (0, 1):
            lo = g.time_text()[:10]
            q.required = [leaf("bool", f"time >= '{lo} 00:00:00' AND time < toDateTime('{lo} 00:00:00') + INTERVAL 3 DAY", const=False)]
        if has_quantile(q):
            q.required.append(row_cap(r))
        desc = r.random() < 0.2
        fill = frm + step if not desc else ""
        q.order = [Item(key, "k0", desc=desc, fill=fill)]
        q.total = True
        if r.random() < 0.3:
            q.limit = (r.randrange(5, 80), None)
        return q

    def shape_subquery(self):
        """FROM (SELECT ... ) with aliases; the outer query filters and aggregates them."""
        r = self.r
        g = Gen(r, base_columns())
        inner = Query()
        n = r.randrange(1, 4)
        kinds = []
        for i in range(n):
            x = g.of(r.choice(["int", "str", "float", "time", "date", "bool"]))
            inner.items.append(Item(x, f"s{i}"))
            kinds.append(x)
        inner.items.append(Item(leaf("int", "id", const=False), None))
        inner.where = where_conds(g)
        if r.random() < 0.3:
            inner.order = [Item(leaf("int", "id", const=False), None, desc=True)]
            inner.limit = (r.randrange(10, 5000), None)
        cols = [Column(f"s{i}", x.kind, card=x.card, null=x.null, nan=x.nan, sz=x.sz, negzero=x.negzero, lcnull=x.lcnull,
                      mag=x.mag, exact=x.exact, inf=x.inf) for i, x in enumerate(kinds)]
        cols.append(Column("id", "int", card=300000))
        og = Gen(r, cols)
        q = Query()
        q.source = inner
        if r.random() < 0.5:
            keys = [Item(c.x(), None) for c in cols[:-1] if c.card <= 3000][:1]
            q.group = keys
            q.items = [Item(k.x, None) for k in keys] + self.aggs(og, r.randrange(1, 3))
        else:
            q.items = self.aggs(og, r.randrange(1, 3))
        q.where = where_conds(og, 1)
        if has_quantile(q):
            inner.required = [row_cap(r)]
        return q

    def shape_union(self):
        r = self.r
        parts = []
        kinds = [r.choice(["int", "str", "float", "date"]) for _ in range(r.randrange(1, 3))]
        for _ in range(r.randrange(2, 4)):
            g = Gen(r, base_columns())
            q = Query()
            if r.random() < 0.5:
                q.items = [Item(g.of(k), f"u{i}") for i, k in enumerate(kinds)]
                q.required = [leaf("bool", f"id % 997 = {r.randrange(997)}", const=False)]
            else:
                q.group = [Item(g.of(kinds[0]), "u0")]
                q.group[0].x.card = min(q.group[0].x.card, 3000)
                q.items = list(q.group) + [Item(fn(k, "min", g.signed_zero_free(k), agg=True), f"u{i + 1}")
                                           for i, k in enumerate(kinds[1:])]
            q.where = where_conds(g, 1)
            parts.append(q)
        first = parts[0]
        first.unions = parts[1:]
        return first

    def shape_scalar_subquery(self):
        r = self.r
        g = Gen(r, base_columns())
        sub_g = Gen(r, base_columns())
        agg = r.choice(["max(value)", "min(delta)", "count()", "uniqExact(tenant)", "avg(small)", "max(time)", "min(ms)"])
        kind = {"max(value)": "int", "min(delta)": "int", "count()": "int", "uniqExact(tenant)": "int",
                "avg(small)": "float", "max(time)": "time", "min(ms)": "float"}[agg]
        s = X(kind, lambda c: f"(SELECT {agg} FROM events WHERE {c})", [sub_g.cond(1)], const=True, null=True,
              tags={"subquery"})
        q = Query()
        if r.random() < 0.5:
            q.items = [Item(fn("int", "count", agg=True), "n")]
            q.where = [op("bool", r.choice(["<", ">=", "="]), g.of(kind), s)] + where_conds(g, 1)
        else:
            q.items = [Item(leaf("int", "id", const=False)), Item(s, "s"), Item(op(kind, "-", g.of(kind), s) if kind in ("int", "float") else g.of(kind), "d")]
            q.where = where_conds(g, 1)
            q.order = [Item(leaf("int", "id", const=False))]
            q.limit = (r.randrange(1, 20), None)
            q.total = True
        return q

    def shape_with_alias(self):
        """WITH expr AS name, and select aliases reused in WHERE, ORDER BY and other items."""
        r = self.r
        g = Gen(r, base_columns())
        q = Query()
        w = g.of(r.choice(["int", "str", "float"]), 1)
        q.with_ = [Item(w, "w0")] if r.random() < 0.6 else []
        base = self.gen_scalar(g)
        q.items = [Item(leaf("int", "id", const=False)), Item(base, "c0")]
        wk = Column("w0", w.kind, card=w.card, null=w.null, nan=w.nan, sz=w.sz, negzero=w.negzero, lcnull=w.lcnull,
                      mag=w.mag, exact=w.exact, inf=w.inf)
        ck = Column("c0", base.kind, card=base.card, null=base.null, nan=base.nan, sz=base.sz, negzero=base.negzero, lcnull=base.lcnull,
                      mag=base.mag, exact=base.exact, inf=base.inf)
        ag = Gen(r, [ck] + ([wk] if q.with_ else []) + base_columns()[:6])
        q.items.append(Item(ag.of(r.choice([base.kind, "int", "str"]), 1), "c1"))
        q.where = [ag.cond(1)] + where_conds(g, 1)
        q.order = [order_opts(r, q.items[1].x, "c0"), Item(leaf("int", "id", const=False))]
        q.own_tags |= key_order_tags(q.order[:1])
        q.limit = (r.randrange(1, 20), None)
        q.total = True
        self.maybe_shadow(q, g)
        return q
