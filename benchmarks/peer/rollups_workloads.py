"""SQL of the rollups benchmark (issue 14): the metering events with three materialized views
attached, on tally and ClickHouse (chDB). DuckDB has no materialized views and is left out.

The events table is the peer benchmark's (workloads.py), with the same DDL. The views are
what Unkey keeps (hourly, daily and monthly usage per tenant and metric), each a
SummingMergeTree filled by `CREATE MATERIALIZED VIEW ... TO ...` straight from `events`
(not chained, so that each view reads every inserted block, as in the seeds). Both systems
get the same statements, byte for byte; the questions are asked in the same SQL too: a
SummingMergeTree is read with sum() and GROUP BY, which is right whether or not its parts
have been merged (FINAL would give the same answer and is not what users write).
"""

import workloads

# (name, time bucket expression, its column, its type, PARTITION BY or None)
ROLLUPS = [
    ("hourly", "toStartOfHour(time)", "hour", "DateTime CODEC(Delta, ZSTD(1))", "toYYYYMM(hour)"),
    ("daily", "toDate(time)", "day", "Date CODEC(Delta, ZSTD(1))", "toYYYYMM(day)"),
    ("monthly", "toStartOfMonth(time)", "month", "Date", None),
]
TABLES = [name for name, *_ in ROLLUPS]


def target_ddl(name, column, col_type, partition):
    part = f"PARTITION BY {partition}\n" if partition else ""
    return (f"CREATE TABLE {name} (\n  {column} {col_type},\n  tenant LowCardinality(String),\n"
            "  metric LowCardinality(String),\n  value UInt64 CODEC(ZSTD(1)),\n  events UInt64 CODEC(ZSTD(1))\n"
            f") ENGINE = SummingMergeTree\n{part}ORDER BY (tenant, metric, {column})")


def view_ddl(name, bucket, column):
    return (f"CREATE MATERIALIZED VIEW {name}_mv TO {name} AS\nSELECT {bucket} AS {column}, tenant, metric,"
            f" sum(value) AS value, count() AS events\nFROM events GROUP BY {column}, tenant, metric")


def ddl(with_views):
    """The statements that make the database, in order (the same on both systems)."""
    out = [workloads.WORKLOADS["metering"]["ddl"]["tally"]]
    if with_views:
        for name, bucket, column, col_type, partition in ROLLUPS:
            out += [target_ddl(name, column, col_type, partition), view_ddl(name, bucket, column)]
    return out


assert workloads.WORKLOADS["metering"]["ddl"]["tally"] == workloads.WORKLOADS["metering"]["ddl"]["chdb"]

# gen_data's metering events span 2026-10-01 to 2026-10-31: the month is all of them.
MONTH = ("2026-10-01", "2026-11-01")

# (name, sql): the billing question, from the daily rollup and, for scale, from the events.
QUERIES = [
    ("daily_bill_month",
     f"SELECT tenant, metric, sum(value) AS value, sum(events) AS events FROM daily WHERE day >= '{MONTH[0]}'"
     f" AND day < '{MONTH[1]}' GROUP BY tenant, metric ORDER BY tenant, metric"),
    ("events_bill_month",
     f"SELECT tenant, metric, sum(value) AS value, count() AS events FROM events WHERE time >= '{MONTH[0]} 00:00:00'"
     f" AND time < '{MONTH[1]} 00:00:00' GROUP BY tenant, metric ORDER BY tenant, metric"),
]
# The rollup query the target is about, and the query over the events that must
# give the same rows.
TARGET_QUERY, REFERENCE_QUERY = "daily_bill_month", "events_bill_month"

# Every rollup must hold the events' totals (views see every row exactly once).
TOTALS_SQL = " UNION ALL ".join(
    ["SELECT 'events' AS t, sum(value) AS value, count() AS events FROM events"]
    + [f"SELECT '{name}', sum(value), sum(events) FROM {name}" for name in TABLES])

PARTS_SQL = ("SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts WHERE active AND table IN ("
             + ", ".join(f"'{t}'" for t in ["events"] + TABLES) + ") GROUP BY table ORDER BY table")
