"""SQL of the MergeTree-family benchmark (issue 12): rollups, FINAL and merges, on tally and
ClickHouse (chDB). DuckDB has none of these engines and is left out.

Everything starts from the metering `events` table of the peer benchmark (workloads.py),
loaded and merged as there. Then, per system, in this order (mergetree.py runs it):

1. Rollups without views, the seeds' pattern (Appwrite's daily SummingMergeTree, Unkey's
   per-hour tables, OpenMeter's AggregatingMergeTree meters): an hourly SummingMergeTree
   and an hourly AggregatingMergeTree (sumState, uniqState, argMaxState), each filled by
   one `INSERT INTO ... SELECT ... GROUP BY` over the events.
2. Four tables of the same rows, one per engine, each filled by ten INSERTs, one part each
   (ClickHouse would cut an INSERT ... SELECT of more than min_insert_block_size_rows,
   about 1M rows, into several parts; its batches raise that limit). Batch k holds the events of
   days [3k, 3k + 3) and a second version (ver 2, value + 1) of about a tenth of the
   events of the previous three days (user_id % 10 = 0; batch 0 takes them from the last
   days), so about 10 % of the keys have two rows in two parts, as retried or corrected
   inserts leave them. The FINAL queries read the Replacing table before any merge.
3. `OPTIMIZE TABLE ... FINAL` on each of the four tables: merge throughput.

Merges must not run before the FINAL queries: ClickHouse's tables get
`max_bytes_to_merge_at_max_space_in_pool = 0` (no background merges; OPTIMIZE ignores
the setting), and tally merges in the background only in an interactive shell, never in
the scripted `tally local` runs the harness makes. The part counts are checked before and
after the queries.
"""

import datetime

START = datetime.datetime(2026, 10, 1)  # gen_data.METERING_START
BATCHES = 10
BATCH_DAYS = 3  # ten batches of three days cover gen_data's 30 days
MONTH = ("2026-10-01 00:00:00", "2026-11-01 00:00:00")
DASHBOARD_TENANT = "tenant_3"

_KEY = "PARTITION BY toYYYYMM({t})\nORDER BY (tenant, metric, {t})"
_NO_MERGES = {"tally": "", "chdb": "\nSETTINGS max_bytes_to_merge_at_max_space_in_pool = 0"}

ROLLUP_DDL = {
    "usage_hourly": (
        "CREATE TABLE usage_hourly (\n  tenant LowCardinality(String),\n  metric LowCardinality(String),\n"
        "  hour DateTime CODEC(Delta, ZSTD(1)),\n  value UInt64 CODEC(ZSTD(1)),\n  events UInt64 CODEC(ZSTD(1))\n"
        ") ENGINE = SummingMergeTree\n" + _KEY.format(t="hour")),
    "usage_agg": (
        "CREATE TABLE usage_agg (\n  tenant LowCardinality(String),\n  metric LowCardinality(String),\n"
        "  hour DateTime CODEC(Delta, ZSTD(1)),\n  value AggregateFunction(sum, UInt64),\n"
        "  users AggregateFunction(uniq, UInt64),\n  latest AggregateFunction(argMax, UInt64, DateTime)\n"
        ") ENGINE = AggregatingMergeTree\n" + _KEY.format(t="hour")),
}
ROLLUP_FILL = {
    "usage_hourly": ("INSERT INTO usage_hourly SELECT tenant, metric, toStartOfHour(time) AS hour, sum(value),"
                     " count() FROM events GROUP BY tenant, metric, hour"),
    "usage_agg": ("INSERT INTO usage_agg SELECT tenant, metric, toStartOfHour(time) AS hour, sumState(value),"
                  " uniqState(user_id), argMaxState(value, time) FROM events GROUP BY tenant, metric, hour"),
}

# The four engines over the same rows. Summing and Aggregating refuse (in tally) a column
# that is neither key nor combined, so region and ver say how they combine.
_ENGINE_COLUMNS = {
    "plain": ("region LowCardinality(String)", "user_id UInt64", "value UInt64", "ver UInt32"),
    "replacing": ("region LowCardinality(String)", "user_id UInt64", "value UInt64", "ver UInt32"),
    "summing": ("region SimpleAggregateFunction(anyLast, String)", "user_id SimpleAggregateFunction(max, UInt64)",
                "value UInt64", "ver SimpleAggregateFunction(max, UInt32)"),
    "aggregating": ("region SimpleAggregateFunction(anyLast, String)", "users AggregateFunction(uniq, UInt64)",
                    "value AggregateFunction(sum, UInt64)", "ver SimpleAggregateFunction(max, UInt32)"),
}
ENGINES = {"plain": "MergeTree", "replacing": "ReplacingMergeTree(ver)", "summing": "SummingMergeTree((value))",
           "aggregating": "AggregatingMergeTree"}


def table(kind):
    return f"events_{kind}"


def merge_table_ddl(kind, system):
    cols = ["time DateTime CODEC(Delta, ZSTD(1))", "tenant LowCardinality(String)", "metric LowCardinality(String)",
            "id UUID"] + list(_ENGINE_COLUMNS[kind])
    body = ",\n".join("  " + c for c in cols)
    return (f"CREATE TABLE {table(kind)} (\n{body}\n) ENGINE = {ENGINES[kind]}\nPARTITION BY toYYYYMM(time)\n"
            f"ORDER BY (tenant, metric, time, id)" + _NO_MERGES[system])


def _day(d):
    return (START + datetime.timedelta(days=d)).strftime("%Y-%m-%d %H:%M:%S")


def _slice(k):
    return f"time >= '{_day(k * BATCH_DAYS)}' AND time < '{_day((k + 1) * BATCH_DAYS)}'"


_ONE_PART = {"tally": "", "chdb": " SETTINGS min_insert_block_size_rows = 1000000000,"
                                  " min_insert_block_size_bytes = 1000000000000"}


def batch_insert(kind, k, system):
    """Batch k: the events of slice k (ver 1) and a second version of a tenth of slice k-1."""
    prev = (k - 1) % BATCHES
    if kind == "aggregating":
        sel = ("SELECT time, tenant, metric, id, anyLast(region), uniqState(user_id), sumState(v), max(ver) FROM"
               " ({rows}) GROUP BY tenant, metric, time, id")
        rows = (f"SELECT time, tenant, metric, id, region, user_id, value AS v, toUInt32(1) AS ver FROM events"
                f" WHERE {_slice(k)} UNION ALL SELECT time, tenant, metric, id, region, user_id, value + 1,"
                f" toUInt32(2) FROM events WHERE {_slice(prev)} AND user_id % 10 = 0")
        return f"INSERT INTO {table(kind)} " + sel.format(rows=rows) + _ONE_PART[system]
    return (f"INSERT INTO {table(kind)} SELECT time, tenant, metric, id, region, user_id, value, toUInt32(1)"
            f" FROM events WHERE {_slice(k)} UNION ALL SELECT time, tenant, metric, id, region, user_id,"
            f" value + 1, toUInt32(2) FROM events WHERE {_slice(prev)} AND user_id % 10 = 0" + _ONE_PART[system])


MERGE_TABLES = ("plain", "replacing", "summing", "aggregating")

PARTS_SQL = ("SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts WHERE active AND table IN ("
             + ", ".join(f"'{t}'" for t in ["usage_hourly", "usage_agg"] + [table(k) for k in MERGE_TABLES])
             + ") GROUP BY table ORDER BY table")

_MONTH = f"'{MONTH[0]}' AND {{col}} < '{MONTH[1]}'"


def _in_month(col):
    return f"{col} >= " + _MONTH.format(col=col)


# (group, name, sql, approximate columns). The same SQL on both systems. Approximate
# columns (uniq) are compared within APPROX_TOLERANCE: tally's uniq estimator is exact up
# to 512 distinct values, as ClickHouse's is, and differs above (docs/sql.md).
APPROX_TOLERANCE = 0.05
QUERIES = [
    ("rollup", "bill_from_events",
     f"SELECT tenant, sum(value) AS bill FROM events WHERE {_in_month('time')} GROUP BY tenant ORDER BY tenant",
     ()),
    ("rollup", "bill_from_hourly_summing",
     f"SELECT tenant, sum(value) AS bill FROM usage_hourly WHERE {_in_month('hour')} GROUP BY tenant"
     " ORDER BY tenant", ()),
    ("rollup", "bill_from_hourly_aggregating",
     f"SELECT tenant, sumMerge(value) AS bill, uniqMerge(users) AS users FROM usage_agg WHERE {_in_month('hour')}"
     " GROUP BY tenant ORDER BY tenant", (2,)),
    ("rollup", "latest_gauge_aggregating",
     "SELECT tenant, argMaxMerge(latest) AS latest FROM usage_agg WHERE metric = 'storage_gb' GROUP BY tenant"
     " ORDER BY tenant", ()),
    ("rollup", "daily_series_summing",
     f"SELECT toDate(hour) AS day, metric, sum(value) AS v, sum(events) AS n FROM usage_hourly"
     f" WHERE tenant = '{DASHBOARD_TENANT}' GROUP BY day, metric ORDER BY day, metric", ()),
    ("rollup", "daily_users_aggregating",
     f"SELECT toDate(hour) AS day, uniqMerge(users) AS users FROM usage_agg WHERE tenant = '{DASHBOARD_TENANT}'"
     " AND metric = 'api_calls' GROUP BY day ORDER BY day", (1,)),
    ("final", "replacing_plain",
     "SELECT tenant, count() AS c, sum(value) AS v FROM events_replacing GROUP BY tenant ORDER BY tenant", ()),
    ("final", "replacing_final",
     "SELECT tenant, count() AS c, sum(value) AS v FROM events_replacing FINAL GROUP BY tenant ORDER BY tenant",
     ()),
    ("final", "replacing_final_where_region",
     "SELECT tenant, count() AS c, sum(value) AS v FROM events_replacing FINAL WHERE region = 'eu-west-1'"
     " GROUP BY tenant ORDER BY tenant", ()),
]
# Pairs whose answers must be equal on each system: a rollup answers what the events do.
SAME_ANSWER = [("bill_from_hourly_summing", "bill_from_events", (0, 1)),
               ("bill_from_hourly_aggregating", "bill_from_events", (0, 1))]


# LogHouse (the seed's otel_logs table): daily partitions, whole parts dropped by TTL, bloom
# filters on the trace id and on the attribute maps' keys and values, a token bloom filter on
# the body. Loaded with the logs of the peer benchmark (gen_data: three days from
# 2026-10-01). The TTL first keeps every day; the benchmark then moves it so that the first
# day is past it, and times dropping that day.
LOGHOUSE_FIRST_DAY = "2026-10-01"


def loghouse_ttl(keep_days):
    return f"toDate(Timestamp) + toIntervalDay({keep_days})"


def loghouse_ddl(keep_days):
    return ("CREATE TABLE logs_lh (\n"
            "  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),\n  ServiceName LowCardinality(String),\n"
            "  PodName LowCardinality(String),\n  SeverityText LowCardinality(String),\n  SeverityNumber UInt8,\n"
            "  TraceId String CODEC(ZSTD(1)),\n  Body String CODEC(ZSTD(1)),\n"
            "  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),\n"
            "  LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),\n"
            "  INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,\n"
            "  INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,\n"
            "  INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,\n"
            "  INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1\n"
            ") ENGINE = MergeTree\nPARTITION BY toDate(Timestamp)\nORDER BY (PodName, Timestamp)\n"
            f"TTL {loghouse_ttl(keep_days)}\nSETTINGS index_granularity = 8192, ttl_only_drop_parts = 1")


LOGHOUSE_PARTS_SQL = ("SELECT partition, count() AS parts, sum(rows) AS rows FROM system.parts WHERE active AND"
                      " table = 'logs_lh' GROUP BY partition ORDER BY partition")
LOGHOUSE_DAYS_SQL = ("SELECT toDate(Timestamp) AS day, count() AS c, uniqExact(TraceId) AS traces FROM logs_lh"
                     " GROUP BY day ORDER BY day")


def loghouse_queries(trace_id, rare_token, query_id):
    return [("trace_id_lookup", f"SELECT Timestamp, PodName, Body FROM logs_lh WHERE TraceId = '{trace_id}'"),
            ("body_token_rare", f"SELECT Timestamp, PodName, Body FROM logs_lh WHERE hasToken(Body, '{rare_token}')"
                                " ORDER BY Timestamp"),
            ("attribute_value_lookup", f"SELECT Timestamp, PodName, Body FROM logs_lh WHERE"
                                       f" LogAttributes['query_id'] = '{query_id}' ORDER BY Timestamp")]
