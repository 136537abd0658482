"""DDL, ingest statements and queries of the peer benchmark, each system's SQL side by side.

tally and ClickHouse (chDB) get the same table definition: same ORDER BY, partitioning,
LowCardinality and codecs. DuckDB gets native tables, loaded in sort-key order (its
documented advice for zone maps). Every query has the same meaning on all three systems;
results are compared after normalization (run.py), so a fast wrong answer is flagged.

Both get the same skip indexes: a bloom_filter at 0.5 % false positives on the metering
events' `id` (the needle of `event_id_lookup`: at most about 1 % of the granules read), and
a tokenbf_v1 on the logs' `Body` with LogHouse's arguments (32768 bytes, 3 hashes: the
needle of `token_search_rare`); DuckDB has none to give. Materialized views are not given
to the main tables of either system; the rollup figure here uses a ClickHouse
SummingMergeTree with a materialized view, filled after ingest. Rollups filled by
INSERT ... SELECT into Summing and Aggregating tables, FINAL and merges are compared in
mergetree.py; ingest with materialized views attached, and reads from them, in rollups.py.
"""

METERING_COLUMNS = [
    ("time", "DateTime", "TIMESTAMP"),
    ("tenant", "LowCardinality(String)", "VARCHAR"),
    ("metric", "LowCardinality(String)", "VARCHAR"),
    ("path", "String", "VARCHAR"),
    ("method", "LowCardinality(String)", "VARCHAR"),
    ("status", "UInt16", "USMALLINT"),
    ("region", "LowCardinality(String)", "VARCHAR"),
    ("country", "LowCardinality(String)", "VARCHAR"),
    ("user_id", "UInt64", "UBIGINT"),
    ("value", "UInt64", "UBIGINT"),
    ("id", "UUID", "UUID"),
]
METERING_CODECS = {"time": "CODEC(Delta, ZSTD(1))"}

LOGS_COLUMNS = [
    ("Timestamp", "DateTime64(9)", "TIMESTAMP_NS"),
    ("ServiceName", "LowCardinality(String)", "VARCHAR"),
    ("PodName", "LowCardinality(String)", "VARCHAR"),
    ("SeverityText", "LowCardinality(String)", "VARCHAR"),
    ("SeverityNumber", "UInt8", "UTINYINT"),
    ("TraceId", "String", "VARCHAR"),
    ("Body", "String", "VARCHAR"),
    ("ResourceAttributes", "Map(LowCardinality(String), String)", "MAP(VARCHAR, VARCHAR)"),
    ("LogAttributes", "Map(LowCardinality(String), String)", "MAP(VARCHAR, VARCHAR)"),
]
LOGS_CODECS = {"Timestamp": "CODEC(Delta, ZSTD(1))"}


def _mergetree_ddl(table, columns, codecs, partition, order, indexes=()):
    cols = ",\n".join([f"  {n} {t} {codecs.get(n, 'CODEC(ZSTD(1))')}" for n, t, _ in columns]
                      + [f"  {i}" for i in indexes])
    return f"CREATE TABLE {table} (\n{cols}\n) ENGINE = MergeTree\nPARTITION BY {partition}\nORDER BY {order}"


METERING_INDEXES = ("INDEX id_bf id TYPE bloom_filter(0.005) GRANULARITY 1",)
LOGS_INDEXES = ("INDEX body_tok Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1",)


def _duck_ddl(table, columns):
    cols = ",\n".join(f"  {n} {d}" for n, _, d in columns)
    return f"CREATE TABLE {table} (\n{cols}\n)"


def _ch_structure(columns):
    return ", ".join(f"{n} {t}" for n, t, _ in columns)


def _duck_columns(columns):
    return "{" + ", ".join(f"'{n}': '{d}'" for n, _, d in columns) + "}"


WORKLOADS = {
    "metering": {
        "table": "events",
        "columns": METERING_COLUMNS,
        "ddl": {
            "tally": _mergetree_ddl("events", METERING_COLUMNS, METERING_CODECS, "toYYYYMM(time)",
                                    "(tenant, metric, time)", METERING_INDEXES),
            "chdb": _mergetree_ddl("events", METERING_COLUMNS, METERING_CODECS, "toYYYYMM(time)",
                                   "(tenant, metric, time)", METERING_INDEXES),
            "duckdb": _duck_ddl("events", METERING_COLUMNS),
        },
        "order": "tenant, metric, time",
    },
    "logs": {
        "table": "logs",
        "columns": LOGS_COLUMNS,
        "ddl": {
            "tally": _mergetree_ddl("logs", LOGS_COLUMNS, LOGS_CODECS, "toDate(Timestamp)",
                                    "(PodName, Timestamp)", LOGS_INDEXES),
            "chdb": _mergetree_ddl("logs", LOGS_COLUMNS, LOGS_CODECS, "toDate(Timestamp)",
                                   "(PodName, Timestamp)", LOGS_INDEXES),
            "duckdb": _duck_ddl("logs", LOGS_COLUMNS),
        },
        "order": "PodName, Timestamp",
    },
}


def ingest_sql(system, workload, path):
    w = WORKLOADS[workload]
    if system == "tally":
        return f"INSERT INTO {w['table']} FORMAT JSONEachRow"
    if system == "chdb":
        return (f"INSERT INTO {w['table']} SELECT * FROM file('{path}', 'JSONEachRow', "
                f"'{_ch_structure(w['columns'])}')")
    return (f"INSERT INTO {w['table']} SELECT * FROM read_json('{path}', format = 'newline_delimited', "
            f"columns = {_duck_columns(w['columns'])}) ORDER BY {w['order']}")


# The rollup ClickHouse users build for billing (OpenMeter, Unkey): hourly sums per tenant
# and metric in a SummingMergeTree. Populated after ingest so it does not slow the ingest
# figure; read with the same question as the "monthly bill" query.
CHDB_ROLLUP_DDL = [
    "CREATE TABLE events_hourly (\n  hour DateTime CODEC(Delta, ZSTD(1)),\n  tenant LowCardinality(String),\n"
    "  metric LowCardinality(String),\n  value UInt64 CODEC(ZSTD(1)),\n  events UInt64 CODEC(ZSTD(1))\n)"
    " ENGINE = SummingMergeTree\nPARTITION BY toYYYYMM(hour)\nORDER BY (tenant, metric, hour)",
    "CREATE MATERIALIZED VIEW events_hourly_mv TO events_hourly AS\nSELECT toStartOfHour(time) AS hour, tenant,"
    " metric, sum(value) AS value, count() AS events\nFROM events GROUP BY hour, tenant, metric",
    "INSERT INTO events_hourly SELECT toStartOfHour(time) AS hour, tenant, metric, sum(value), count()"
    " FROM events GROUP BY hour, tenant, metric",
    "OPTIMIZE TABLE events_hourly FINAL",
]
CHDB_ROLLUP_QUERY = ("SELECT tenant, metric, toStartOfMonth(hour) AS month, sum(value) AS bill FROM events_hourly"
                     " GROUP BY tenant, metric, month ORDER BY tenant, metric")


def queries(meta):
    """[(workload, name, {system: sql})]; `meta` holds the looked-up values from gen_data."""
    m, lg = meta["metering"], meta["logs"]
    eid = m["lookup_ids"][1]
    series_from, series_to = "2026-10-08 00:00:00", "2026-10-15 00:00:00"
    last_hour = ("2026-10-30 23:00:00", "2026-10-31 00:00:00")
    small_tenant = "tenant_150"
    q = []

    def add(workload, name, ch, duck, tally=None):
        q.append((workload, name, {"tally": tally or ch, "chdb": ch, "duckdb": duck}))

    add("metering", "monthly_bill",
        "SELECT tenant, metric, toStartOfMonth(time) AS month, sum(value) AS bill FROM events"
        " GROUP BY tenant, metric, month ORDER BY tenant, metric",
        "SELECT tenant, metric, CAST(date_trunc('month', time) AS DATE) AS month, sum(value) AS bill FROM events"
        " GROUP BY ALL ORDER BY tenant, metric")
    add("metering", "hourly_series_zero_fill",
        f"SELECT toStartOfHour(time) AS hour, sum(value) AS v FROM events WHERE tenant = '{small_tenant}'"
        f" AND metric = 'api_calls' AND time >= '{series_from}' AND time < '{series_to}' GROUP BY hour"
        f" ORDER BY hour WITH FILL FROM toDateTime('{series_from}') TO toDateTime('{series_to}') STEP 3600",
        f"SELECT g.hour, coalesce(s.v, 0) AS v FROM generate_series(TIMESTAMP '{series_from}',"
        f" TIMESTAMP '{series_to}' - INTERVAL 1 HOUR, INTERVAL 1 HOUR) AS g(hour) LEFT JOIN"
        f" (SELECT date_trunc('hour', time) AS hour, sum(value) AS v FROM events WHERE tenant = '{small_tenant}'"
        f" AND metric = 'api_calls' AND time >= TIMESTAMP '{series_from}' AND time < TIMESTAMP '{series_to}'"
        f" GROUP BY 1) AS s USING (hour) ORDER BY g.hour")
    add("metering", "top_paths",
        "SELECT path, count() AS c FROM events GROUP BY path ORDER BY c DESC, path LIMIT 10",
        "SELECT path, count(*) AS c FROM events GROUP BY path ORDER BY c DESC, path LIMIT 10")
    add("metering", "distinct_users_per_day",
        "SELECT toDate(time) AS day, uniqExact(user_id) AS users FROM events GROUP BY day ORDER BY day",
        "SELECT CAST(time AS DATE) AS day, count(DISTINCT user_id) AS users FROM events GROUP BY day ORDER BY day")
    add("metering", "status_per_minute_last_hour",
        f"SELECT toStartOfMinute(time) AS minute, status, count() AS c FROM events WHERE time >= '{last_hour[0]}'"
        f" AND time < '{last_hour[1]}' GROUP BY minute, status ORDER BY minute, status",
        f"SELECT date_trunc('minute', time) AS minute, status, count(*) AS c FROM events WHERE time >="
        f" TIMESTAMP '{last_hour[0]}' AND time < TIMESTAMP '{last_hour[1]}' GROUP BY ALL ORDER BY minute, status")
    add("metering", "event_id_lookup",
        f"SELECT * FROM events WHERE id = '{eid}'",
        f"SELECT * FROM events WHERE id = '{eid}'::UUID")
    add("metering", "full_group_by",
        "SELECT tenant, metric, region, count() AS c, sum(value) AS v FROM events GROUP BY tenant, metric, region",
        "SELECT tenant, metric, region, count(*) AS c, sum(value) AS v FROM events GROUP BY ALL")
    add("metering", "latest_gauge_per_tenant",
        "SELECT tenant, argMax(value, time) AS latest FROM events WHERE metric = 'storage_gb' GROUP BY tenant"
        " ORDER BY tenant",
        "SELECT tenant, arg_max(value, time) AS latest FROM events WHERE metric = 'storage_gb' GROUP BY tenant"
        " ORDER BY tenant")

    pod, t0 = lg["pod"], lg["pod_ts"]
    t1 = t0[:11] + f"{int(t0[11:13]) + 1:02d}" + t0[13:] if int(t0[11:13]) < 23 else t0[:11] + "23:59:59"
    tok_re = "(^|[^A-Za-z0-9])%s([^A-Za-z0-9]|$)"
    add("logs", "pod_time_range",
        f"SELECT Timestamp, SeverityText, Body FROM logs WHERE PodName = '{pod}' AND Timestamp >= '{t0}'"
        f" AND Timestamp < '{t1}' ORDER BY Timestamp LIMIT 100",
        f"SELECT CAST(Timestamp AS VARCHAR), SeverityText, Body FROM logs WHERE PodName = '{pod}' AND Timestamp >="
        f" TIMESTAMP_NS '{t0}' AND Timestamp < TIMESTAMP_NS '{t1}' ORDER BY Timestamp LIMIT 100")
    add("logs", "token_search_common",
        "SELECT ServiceName, count() AS c FROM logs WHERE hasToken(Body, 'timeout') GROUP BY ServiceName"
        " ORDER BY ServiceName",
        f"SELECT ServiceName, count(*) AS c FROM logs WHERE regexp_matches(Body, '{tok_re % 'timeout'}')"
        " GROUP BY ServiceName ORDER BY ServiceName")
    add("logs", "token_search_rare",
        f"SELECT Timestamp, PodName, Body FROM logs WHERE hasToken(Body, '{lg['rare_token']}') ORDER BY Timestamp",
        f"SELECT CAST(Timestamp AS VARCHAR), PodName, Body FROM logs WHERE regexp_matches(Body,"
        f" '{tok_re % lg['rare_token']}') ORDER BY Timestamp")
    add("logs", "severity_per_minute",
        "SELECT toStartOfMinute(Timestamp) AS minute, SeverityText, count() AS c FROM logs"
        " GROUP BY minute, SeverityText ORDER BY minute, SeverityText",
        "SELECT date_trunc('minute', Timestamp) AS minute, SeverityText, count(*) AS c FROM logs"
        " GROUP BY ALL ORDER BY minute, SeverityText")
    add("logs", "attribute_group_by",
        "SELECT LogAttributes['logger'] AS logger, count() AS c FROM logs"
        " WHERE ResourceAttributes['k8s.namespace'] = 'payments' GROUP BY logger ORDER BY logger",
        "SELECT LogAttributes['logger'] AS logger, count(*) AS c FROM logs"
        " WHERE ResourceAttributes['k8s.namespace'] = 'payments' GROUP BY logger ORDER BY logger")
    add("logs", "attribute_lookup",
        f"SELECT Timestamp, PodName, Body FROM logs WHERE LogAttributes['query_id'] = '{lg['query_id']}'"
        " ORDER BY Timestamp",
        f"SELECT CAST(Timestamp AS VARCHAR), PodName, Body FROM logs WHERE LogAttributes['query_id'] ="
        f" '{lg['query_id']}' ORDER BY Timestamp")
    return q


TOKEN_QUERIES = ("token_search_common", "token_search_rare")
