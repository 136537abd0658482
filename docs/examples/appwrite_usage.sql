-- Appwrite's usage library (utopia-php/usage, ClickHouse adapter): two raw tables, events
-- (requests, bandwidth, executions: summed) and gauges (storage, users: a snapshot, the
-- latest value wins), and a daily events table fed by a materialized view for billing.
-- Seed: /work/shared/seeds/appwrite-usage-library-clickhouse-pr.txt ("ClickHouse usage
-- analytics: events/gauges tables with daily MV", shared tables, so every row has a
-- tenant: the Appwrite project).
--
-- Adapted for tally:
-- - tenant is String (empty for none) rather than Nullable(String): the library sorts by
--   tenant with SETTINGS allow_nullable_key = 1, which ClickHouse requires for a Nullable
--   sorting key and tally does not know (its sorting keys take Nullable columns without
--   it), so no one CREATE TABLE runs in both.
-- - time is CODEC(Delta(4), ZSTD(1)); the library's is CODEC(Delta(4), LZ4), and tally
--   has no LZ4.
-- - The library's views compute the day in a subquery and rename it outside
--   (SELECT metric, value, d AS time, tenant FROM (SELECT ..., toStartOfDay(time, 'UTC')
--   AS d FROM events GROUP BY ...)); tally's views read their source table directly, not
--   a subquery, so the day is named time at once, and the gauge view's argMaxState reads
--   the column as appwrite_usage_gauges.time (plain time is the alias there).
-- - The daily gauges table (AggregatingMergeTree of argMaxState(value, time)) is from the
--   library's later gauge rollups; the PR answered gauges from the raw table only.
-- - Query parameters ({metric:String}, ...) are written as literals, and every query
--   orders all its columns.
CREATE TABLE IF NOT EXISTS appwrite_usage_events (
    id String CODEC(ZSTD(3)),
    metric String,
    value Int64,
    time DateTime64(3, 'UTC') CODEC(Delta(4), ZSTD(1)),
    path Nullable(String) CODEC(ZSTD(3)),
    method Nullable(String),
    status Nullable(String),
    resource Nullable(String),
    resourceId Nullable(String) CODEC(ZSTD(3)),
    country LowCardinality(Nullable(String)),
    userAgent Nullable(String),
    tags String,
    tenant String,
    INDEX `index_metric` (`metric`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_path` (`path`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_method` (`method`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_status` (`status`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_resource` (`resource`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_resourceId` (`resourceId`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_country` (`country`) TYPE bloom_filter GRANULARITY 1,
    INDEX `index_userAgent` (`userAgent`) TYPE bloom_filter GRANULARITY 1
)
ENGINE = MergeTree()
ORDER BY (tenant, metric, time, id)
PARTITION BY toYYYYMM(time)
SETTINGS index_granularity = 8192;

CREATE TABLE IF NOT EXISTS appwrite_usage_gauges (
    id String CODEC(ZSTD(3)),
    metric String,
    value Int64,
    time DateTime64(3, 'UTC') CODEC(Delta(4), ZSTD(1)),
    tags String,
    tenant String,
    INDEX `index_metric` (`metric`) TYPE bloom_filter GRANULARITY 1
)
ENGINE = MergeTree()
ORDER BY (tenant, metric, time, id)
PARTITION BY toYYYYMM(time)
SETTINGS index_granularity = 8192;

-- Billing reads one row per metric, project and day.
CREATE TABLE IF NOT EXISTS appwrite_usage_events_daily (
    metric String,
    value Int64,
    time DateTime64(3, 'UTC'),
    tenant String
)
ENGINE = SummingMergeTree()
ORDER BY (tenant, metric, time)
PARTITION BY toYYYYMM(time)
SETTINGS index_granularity = 8192;

CREATE MATERIALIZED VIEW IF NOT EXISTS appwrite_usage_events_daily_mv
TO appwrite_usage_events_daily
AS SELECT metric, sum(value) AS value, toStartOfDay(time, 'UTC') AS time, tenant
FROM appwrite_usage_events
GROUP BY metric, tenant, time;

CREATE TABLE IF NOT EXISTS appwrite_usage_gauges_daily (
    metric String,
    time DateTime64(3, 'UTC'),
    tenant String,
    value AggregateFunction(argMax, Int64, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree()
ORDER BY (tenant, metric, time)
PARTITION BY toYYYYMM(time);

CREATE MATERIALIZED VIEW IF NOT EXISTS appwrite_usage_gauges_daily_mv
TO appwrite_usage_gauges_daily
AS SELECT metric, toStartOfDay(time, 'UTC') AS time, tenant, argMaxState(value, appwrite_usage_gauges.time) AS value
FROM appwrite_usage_gauges
GROUP BY metric, tenant, time;

-- The library buffers collect() calls and flushes them with addBatch(): event columns
-- are pulled out of the tags, the rest stays in tags as JSON. Two flushes of events for
-- projects 6571 and 6602, across midnight UTC.
INSERT INTO appwrite_usage_events (id, metric, value, time, path, method, status, resource, resourceId, country, userAgent, tags, tenant) VALUES
    ('e01', 'network.requests', 1, '2026-12-01 09:00:01.120', '/v1/databases/main/collections/posts/documents', 'GET', '200', 'database', 'main', 'de', 'AppwriteWebSDK/17.0', '{}', '6571'),
    ('e02', 'network.inbound', 512, '2026-12-01 09:00:01.120', '/v1/databases/main/collections/posts/documents', 'GET', '200', 'database', 'main', 'de', 'AppwriteWebSDK/17.0', '{}', '6571'),
    ('e03', 'network.outbound', 18432, '2026-12-01 09:00:01.120', '/v1/databases/main/collections/posts/documents', 'GET', '200', 'database', 'main', 'de', 'AppwriteWebSDK/17.0', '{}', '6571'),
    ('e04', 'network.requests', 1, '2026-12-01 09:40:12.005', '/v1/storage/buckets/avatars/files', 'POST', '201', 'bucket', 'avatars', 'fr', 'AppwriteFlutterSDK/13.0', '{}', '6571'),
    ('e05', 'network.inbound', 2097152, '2026-12-01 09:40:12.005', '/v1/storage/buckets/avatars/files', 'POST', '201', 'bucket', 'avatars', 'fr', 'AppwriteFlutterSDK/13.0', '{}', '6571'),
    ('e06', 'executions', 1, '2026-12-01 10:15:00.000', '/v1/functions/resize/executions', 'POST', '201', 'function', 'resize', NULL, NULL, '{"trigger":"event"}', '6571'),
    ('e07', 'executions.compute', 840, '2026-12-01 10:15:00.000', '/v1/functions/resize/executions', 'POST', '201', 'function', 'resize', NULL, NULL, '{"trigger":"event"}', '6571'),
    ('e08', 'network.requests', 1, '2026-12-01 23:59:59.999', '/v1/account', 'GET', '401', 'account', NULL, 'us', 'curl/8.5.0', '{}', '6602');

INSERT INTO appwrite_usage_events (id, metric, value, time, path, method, status, resource, resourceId, country, userAgent, tags, tenant) VALUES
    ('e09', 'network.requests', 1, '2026-12-02 00:00:00.000', '/v1/databases/main/collections/posts/documents', 'GET', '200', 'database', 'main', 'de', 'AppwriteWebSDK/17.0', '{}', '6571'),
    ('e10', 'network.outbound', 9216, '2026-12-02 00:00:00.000', '/v1/databases/main/collections/posts/documents', 'GET', '200', 'database', 'main', 'de', 'AppwriteWebSDK/17.0', '{}', '6571'),
    ('e11', 'executions', 1, '2026-12-02 08:30:00.250', '/v1/functions/resize/executions', 'POST', '201', 'function', 'resize', NULL, NULL, '{"trigger":"http"}', '6571'),
    ('e12', 'executions.compute', 1320, '2026-12-02 08:30:00.250', '/v1/functions/resize/executions', 'POST', '201', 'function', 'resize', NULL, NULL, '{"trigger":"http"}', '6571'),
    ('e13', 'network.requests', 1, '2026-12-02 08:31:00.000', '/v1/account', 'GET', '200', 'account', NULL, 'us', 'curl/8.5.0', '{}', '6602'),
    ('e14', 'network.outbound', 2048, '2026-12-02 08:31:00.000', '/v1/account', 'GET', '200', 'account', NULL, 'us', 'curl/8.5.0', '{}', '6602');

-- Gauges: periodic snapshots of storage in use and user counts.
INSERT INTO appwrite_usage_gauges (id, metric, value, time, tags, tenant) VALUES
    ('g01', 'files.storage', 10485760, '2026-12-01 06:00:00.000', '{}', '6571'),
    ('g02', 'files.storage', 12582912, '2026-12-01 18:00:00.000', '{}', '6571'),
    ('g03', 'users', 1200, '2026-12-01 06:00:00.000', '{}', '6571'),
    ('g04', 'users', 1215, '2026-12-01 18:00:00.000', '{}', '6571'),
    ('g05', 'files.storage', 4096, '2026-12-01 18:00:00.000', '{}', '6602'),
    ('g06', 'files.storage', 9437184, '2026-12-02 06:00:00.000', '{}', '6571'),
    ('g07', 'users', 1230, '2026-12-02 06:00:00.000', '{}', '6571');

-- getTotal() of an event metric: the sum over a range.
SELECT SUM(value) AS value FROM appwrite_usage_events
WHERE metric = 'network.outbound' AND tenant = '6571'
  AND time >= '2026-12-01 00:00:00.000' AND time < '2026-12-03 00:00:00.000';

-- getTotal() of a gauge: its latest value.
SELECT argMax(value, time) AS value FROM appwrite_usage_gauges
WHERE metric = 'files.storage' AND tenant = '6571'
  AND time >= '2026-12-01 00:00:00.000' AND time < '2026-12-03 00:00:00.000';

-- getTotalBatch(): several metrics at once.
SELECT metric, SUM(value) AS value FROM appwrite_usage_events
WHERE metric IN ('network.requests', 'network.inbound', 'network.outbound', 'executions') AND tenant = '6571'
GROUP BY metric
ORDER BY metric;

-- getTimeSeries() with groupByInterval('time', '1h'): events summed per hour, gauges
-- by their latest value per day.
SELECT metric, SUM(value) AS value, toStartOfHour(time) AS bucket
FROM appwrite_usage_events
WHERE metric IN ('network.requests', 'executions') AND tenant = '6571'
  AND time >= '2026-12-01 00:00:00.000' AND time < '2026-12-03 00:00:00.000'
GROUP BY metric, bucket
ORDER BY bucket, metric;

SELECT metric, argMax(value, time) AS value, toStartOfDay(time) AS bucket
FROM appwrite_usage_gauges
WHERE tenant = '6571'
GROUP BY metric, bucket
ORDER BY bucket, metric;

-- Per-path breakdown from the raw events (the daily table has no path).
SELECT path, method, status, count() AS requests
FROM appwrite_usage_events
WHERE metric = 'network.requests' AND tenant = '6571'
GROUP BY path, method, status
ORDER BY path, method, status;

SELECT ifNull(country, 'unknown') AS country, count() AS requests
FROM appwrite_usage_events
WHERE metric = 'network.requests'
GROUP BY country
ORDER BY country;

-- Billing: findDaily() and sumDailyBatch() read the daily table.
SELECT metric, value, time
FROM appwrite_usage_events_daily FINAL
WHERE tenant = '6571'
ORDER BY time, metric;

SELECT metric, SUM(value) AS value
FROM appwrite_usage_events_daily
WHERE metric IN ('network.inbound', 'network.outbound', 'executions', 'executions.compute') AND tenant = '6571'
  AND time >= '2026-12-01 00:00:00.000' AND time < '2027-01-01 00:00:00.000'
GROUP BY metric
ORDER BY metric;

SELECT tenant, metric, SUM(value) AS value
FROM appwrite_usage_events_daily
GROUP BY tenant, metric
ORDER BY tenant, metric;

-- Daily gauges: the latest snapshot of each day.
SELECT tenant, metric, time, argMaxMerge(value) AS value
FROM appwrite_usage_gauges_daily
GROUP BY tenant, metric, time
ORDER BY tenant, metric, time;
