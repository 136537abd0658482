-- OpenMeter: usage events with a JSON payload, metered into one-minute windows by one
-- materialized view per meter (AggregatingMergeTree of -State aggregates), read back per
-- hour and per day in the customer's time zone. From OpenMeter's
-- openmeter/streaming/clickhouse (events table, materialized_view/meter_query.go; seed:
-- /work/shared/seeds/openmeter-clickhouse-usage-metering.txt).
--
-- A meter has one aggregation (SUM, COUNT, MAX, UNIQUE_COUNT, LATEST) of one JSON
-- property of one event type, grouped by subject (the customer) and by group-by keys
-- pulled out of the JSON. OpenMeter names a meter's view om_<namespace>_<meter>.
--
-- Adapted for tally:
-- - tumbleStart(time, toIntervalMinute(1)) and tumbleEnd(...) are written
--   toStartOfMinute(time) and toStartOfMinute(time) + INTERVAL 1 MINUTE; at query time
--   tumbleStart(windowstart, toIntervalHour(1), 'Europe/Berlin') is
--   toStartOfHour(windowstart, 'Europe/Berlin'), and likewise for days.
-- - The COUNT meter's value column is AggregateFunction(count), the type countState(*)
--   gives; OpenMeter declares AggregateFunction(count, Float64), which ClickHouse
--   converts to and tally does not.
-- - The LATEST meter (argMaxState of the value by event time) is OpenMeter's later
--   aggregation; the others are as the view builder writes them.
-- - The events table has the validation_error column that the view builder's WHERE reads
--   (OpenMeter's events table of that time).
-- - The events table is sorted by (namespace, type, subject, time), not by
--   toStartOfHour(time): tally's sorting keys are columns.
-- - Query arguments (subjects, window bounds as Unix seconds) are written as literals, and
--   every query orders all its columns.
-- - SETTINGS non_replicated_deduplication_window = 100 on the events table and on every
--   meter: ClickHouse deduplicates a retried insert into a non-replicated table only with
--   it, and only in the tables that have it (a view's table without it counts the retry
--   again). tally deduplicates every insert, views included, without it
--   (docs/rollups.md); the settings are there so that both answer alike.
CREATE TABLE IF NOT EXISTS om_events (
    namespace String,
    id String,
    type LowCardinality(String),
    subject String,
    source String,
    time DateTime,
    data String,
    ingested_at DateTime,
    stored_at DateTime,
    validation_error String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (namespace, type, subject, time)
SETTINGS non_replicated_deduplication_window = 100;

-- AI tokens: SUM of $.tokens, grouped by model and by input/output.
CREATE MATERIALIZED VIEW IF NOT EXISTS om_default_tokens_total (
    subject String,
    windowstart DateTime,
    windowend DateTime,
    value AggregateFunction(sum, Float64),
    model String,
    type String
)
ENGINE = AggregatingMergeTree()
ORDER BY (windowstart, windowend, subject, model, type)
SETTINGS non_replicated_deduplication_window = 100
AS SELECT
    subject,
    toStartOfMinute(time) AS windowstart,
    toStartOfMinute(time) + INTERVAL 1 MINUTE AS windowend,
    sumState(cast(JSON_VALUE(data, '$.tokens'), 'Float64')) AS value,
    JSON_VALUE(data, '$.model') as model,
    JSON_VALUE(data, '$.type') as type
FROM om_events
WHERE om_events.namespace = 'default' AND empty(om_events.validation_error) = 1 AND om_events.type = 'prompt'
GROUP BY windowstart, windowend, subject, model, type;

-- API calls: COUNT, grouped by method and route.
CREATE MATERIALIZED VIEW IF NOT EXISTS om_default_api_requests_total (
    subject String,
    windowstart DateTime,
    windowend DateTime,
    value AggregateFunction(count),
    method String,
    route String
)
ENGINE = AggregatingMergeTree()
ORDER BY (windowstart, windowend, subject, method, route)
SETTINGS non_replicated_deduplication_window = 100
AS SELECT
    subject,
    toStartOfMinute(time) AS windowstart,
    toStartOfMinute(time) + INTERVAL 1 MINUTE AS windowend,
    countState(*) AS value,
    JSON_VALUE(data, '$.method') as method,
    JSON_VALUE(data, '$.route') as route
FROM om_events
WHERE om_events.namespace = 'default' AND empty(om_events.validation_error) = 1 AND om_events.type = 'request'
GROUP BY windowstart, windowend, subject, method, route;

-- Slowest call: MAX of $.duration_ms, grouped by route.
CREATE MATERIALIZED VIEW IF NOT EXISTS om_default_request_duration_max (
    subject String,
    windowstart DateTime,
    windowend DateTime,
    value AggregateFunction(max, Float64),
    route String
)
ENGINE = AggregatingMergeTree()
ORDER BY (windowstart, windowend, subject, route)
SETTINGS non_replicated_deduplication_window = 100
AS SELECT
    subject,
    toStartOfMinute(time) AS windowstart,
    toStartOfMinute(time) + INTERVAL 1 MINUTE AS windowend,
    maxState(cast(JSON_VALUE(data, '$.duration_ms'), 'Float64')) AS value,
    JSON_VALUE(data, '$.route') as route
FROM om_events
WHERE om_events.namespace = 'default' AND empty(om_events.validation_error) = 1 AND om_events.type = 'request'
GROUP BY windowstart, windowend, subject, route;

-- Active users: UNIQUE_COUNT of $.user_id.
CREATE MATERIALIZED VIEW IF NOT EXISTS om_default_active_users (
    subject String,
    windowstart DateTime,
    windowend DateTime,
    value AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree()
ORDER BY (windowstart, windowend, subject)
SETTINGS non_replicated_deduplication_window = 100
AS SELECT
    subject,
    toStartOfMinute(time) AS windowstart,
    toStartOfMinute(time) + INTERVAL 1 MINUTE AS windowend,
    uniqState(JSON_VALUE(data, '$.user_id')) AS value
FROM om_events
WHERE om_events.namespace = 'default' AND empty(om_events.validation_error) = 1 AND om_events.type = 'request'
GROUP BY windowstart, windowend, subject;

-- Storage in use: LATEST $.bytes, a gauge (the value of the newest event wins).
CREATE MATERIALIZED VIEW IF NOT EXISTS om_default_storage_bytes (
    subject String,
    windowstart DateTime,
    windowend DateTime,
    value AggregateFunction(argMax, Float64, DateTime),
    bucket String
)
ENGINE = AggregatingMergeTree()
ORDER BY (windowstart, windowend, subject, bucket)
SETTINGS non_replicated_deduplication_window = 100
AS SELECT
    subject,
    toStartOfMinute(time) AS windowstart,
    toStartOfMinute(time) + INTERVAL 1 MINUTE AS windowend,
    argMaxState(cast(JSON_VALUE(data, '$.bytes'), 'Float64'), time) AS value,
    JSON_VALUE(data, '$.bucket') as bucket
FROM om_events
WHERE om_events.namespace = 'default' AND empty(om_events.validation_error) = 1 AND om_events.type = 'storage'
GROUP BY windowstart, windowend, subject, bucket;

-- Kafka Connect delivers events in batches. These span midnight in Berlin (UTC+1 in
-- December): 22:30 to 01:10 UTC is 23:30 on 1 December to 02:10 on 2 December there.
-- evt-x is an event the ingest rejected: it is stored, with its validation error, and no
-- meter counts it.
INSERT INTO om_events VALUES
    ('default', 'evt-01', 'prompt', 'customer-1', 'chat-api', '2026-12-01 22:30:05', '{"tokens": 119, "model": "gpt-4", "type": "input"}', '2026-12-01 22:30:06', '2026-12-01 22:30:07', ''),
    ('default', 'evt-02', 'prompt', 'customer-1', 'chat-api', '2026-12-01 22:30:41', '{"tokens": 412, "model": "gpt-4", "type": "output"}', '2026-12-01 22:30:42', '2026-12-01 22:30:43', ''),
    ('default', 'evt-03', 'prompt', 'customer-1', 'chat-api', '2026-12-01 22:30:59', '{"tokens": 34, "model": "gpt-3.5-turbo", "type": "input"}', '2026-12-01 22:31:00', '2026-12-01 22:31:01', ''),
    ('default', 'evt-04', 'prompt', 'customer-2', 'chat-api', '2026-12-01 22:31:10', '{"tokens": 42, "model": "gpt-4", "type": "input"}', '2026-12-01 22:31:11', '2026-12-01 22:31:12', ''),
    ('default', 'evt-05', 'prompt', 'customer-1', 'chat-api', '2026-12-01 22:59:59', '{"tokens": 28, "model": "gpt-4", "type": "input"}', '2026-12-01 23:00:00', '2026-12-01 23:00:01', ''),
    ('default', 'evt-06', 'request', 'customer-1', 'gateway', '2026-12-01 22:45:00', '{"method": "POST", "route": "/v1/chat", "duration_ms": 812, "user_id": "u-17"}', '2026-12-01 22:45:01', '2026-12-01 22:45:02', ''),
    ('default', 'evt-07', 'request', 'customer-1', 'gateway', '2026-12-01 22:45:30', '{"method": "POST", "route": "/v1/chat", "duration_ms": 1290, "user_id": "u-17"}', '2026-12-01 22:45:31', '2026-12-01 22:45:32', ''),
    ('default', 'evt-08', 'request', 'customer-1', 'gateway', '2026-12-01 22:45:31', '{"method": "GET", "route": "/v1/models", "duration_ms": 35, "user_id": "u-23"}', '2026-12-01 22:45:32', '2026-12-01 22:45:33', ''),
    ('default', 'evt-09', 'storage', 'customer-1', 'storage-agent', '2026-12-01 22:50:00', '{"bytes": 1073741824, "bucket": "uploads"}', '2026-12-01 22:50:01', '2026-12-01 22:50:02', ''),
    ('default', 'evt-x', 'prompt', 'customer-1', 'chat-api', '2026-12-01 22:51:00', '{"tokens": "many", "model": "gpt-4"}', '2026-12-01 22:51:01', '2026-12-01 22:51:02', 'invalid tokens: not a number');

INSERT INTO om_events VALUES
    ('default', 'evt-10', 'prompt', 'customer-1', 'chat-api', '2026-12-01 23:00:00', '{"tokens": 72, "model": "gpt-4", "type": "output"}', '2026-12-01 23:00:01', '2026-12-01 23:00:02', ''),
    ('default', 'evt-11', 'prompt', 'customer-2', 'chat-api', '2026-12-01 23:15:20', '{"tokens": 500, "model": "gpt-4", "type": "output"}', '2026-12-01 23:15:21', '2026-12-01 23:15:22', ''),
    ('default', 'evt-12', 'prompt', 'customer-2', 'chat-api', '2026-12-02 00:05:00', '{"tokens": 7.5, "model": "gpt-3.5-turbo", "type": "input"}', '2026-12-02 00:05:01', '2026-12-02 00:05:02', ''),
    ('default', 'evt-13', 'request', 'customer-1', 'gateway', '2026-12-01 23:10:00', '{"method": "POST", "route": "/v1/chat", "duration_ms": 640, "user_id": "u-31"}', '2026-12-01 23:10:01', '2026-12-01 23:10:02', ''),
    ('default', 'evt-14', 'request', 'customer-2', 'gateway', '2026-12-02 01:10:00', '{"method": "GET", "route": "/v1/models", "duration_ms": 12, "user_id": "u-90"}', '2026-12-02 01:10:01', '2026-12-02 01:10:02', ''),
    ('default', 'evt-15', 'storage', 'customer-1', 'storage-agent', '2026-12-01 23:50:00', '{"bytes": 1610612736, "bucket": "uploads"}', '2026-12-01 23:50:01', '2026-12-01 23:50:02', ''),
    ('default', 'evt-16', 'storage', 'customer-1', 'storage-agent', '2026-12-01 23:50:30', '{"bytes": 536870912, "bucket": "uploads"}', '2026-12-01 23:50:31', '2026-12-01 23:50:32', ''),
    ('default', 'evt-17', 'storage', 'customer-1', 'storage-agent', '2026-12-02 00:20:00', '{"bytes": 2048, "bucket": "avatars"}', '2026-12-02 00:20:01', '2026-12-02 00:20:02', '');

-- The sink retries a batch whose acknowledgement it lost: the same events, under the same
-- deduplication token (here, its topic, partition and offsets). The retry stores nothing,
-- in the events table or in any meter.
INSERT INTO om_events SETTINGS insert_deduplication_token = 'om_events-0:18-19' VALUES
    ('default', 'evt-18', 'prompt', 'customer-2', 'chat-api', '2026-12-02 00:40:00', '{"tokens": 1000, "model": "gpt-4", "type": "output"}', '2026-12-02 00:40:01', '2026-12-02 00:40:02', ''),
    ('default', 'evt-19', 'request', 'customer-2', 'gateway', '2026-12-02 00:40:00', '{"method": "POST", "route": "/v1/chat", "duration_ms": 2210, "user_id": "u-90"}', '2026-12-02 00:40:01', '2026-12-02 00:40:02', '');

INSERT INTO om_events SETTINGS insert_deduplication_token = 'om_events-0:18-19' VALUES
    ('default', 'evt-18', 'prompt', 'customer-2', 'chat-api', '2026-12-02 00:40:00', '{"tokens": 1000, "model": "gpt-4", "type": "output"}', '2026-12-02 00:40:01', '2026-12-02 00:40:02', ''),
    ('default', 'evt-19', 'request', 'customer-2', 'gateway', '2026-12-02 00:40:00', '{"method": "POST", "route": "/v1/chat", "duration_ms": 2210, "user_id": "u-90"}', '2026-12-02 00:40:01', '2026-12-02 00:40:02', '');

SELECT count() FROM om_events WHERE id IN ('evt-18', 'evt-19');

-- The one-minute windows as stored (the blog's table).
SELECT windowstart, windowend, subject, model, type, finalizeAggregation(value) AS value
FROM om_default_tokens_total FINAL
ORDER BY windowstart, windowend, subject, model, type;

-- Tokens per hour in Berlin, per model, for customer-1 (the meter query with
-- windowSize = HOUR, windowTimeZone = Europe/Berlin, groupBy = [model]).
SELECT
    toStartOfHour(windowstart, 'Europe/Berlin') AS windowstart,
    toStartOfHour(windowstart, 'Europe/Berlin') + INTERVAL 1 HOUR AS windowend,
    sumMerge(value) AS value,
    model
FROM om_default_tokens_total meter
WHERE (meter.subject = 'customer-1') AND meter.windowstart >= 1796162400 AND meter.windowend <= 1796256000
GROUP BY windowstart, windowend, model
ORDER BY windowstart, model;

-- Tokens per day in Berlin and in UTC, per subject: the Berlin day of 2 December
-- starts at 23:00 UTC.
SELECT
    toStartOfDay(windowstart, 'Europe/Berlin') AS windowstart,
    toStartOfDay(windowstart, 'Europe/Berlin') + INTERVAL 1 DAY AS windowend,
    sumMerge(value) AS value,
    subject
FROM om_default_tokens_total meter
GROUP BY windowstart, windowend, subject
ORDER BY windowstart, subject;

SELECT
    toStartOfDay(windowstart, 'UTC') AS windowstart,
    toStartOfDay(windowstart, 'UTC') + INTERVAL 1 DAY AS windowend,
    sumMerge(value) AS value,
    subject
FROM om_default_tokens_total meter
GROUP BY windowstart, windowend, subject
ORDER BY windowstart, subject;

-- No window size: one row per subject over the whole range.
SELECT min(windowstart), max(windowend), sumMerge(value) AS value, subject
FROM om_default_tokens_total meter
GROUP BY subject
ORDER BY subject;

-- The other meters, per hour in Berlin.
SELECT
    toStartOfHour(windowstart, 'Europe/Berlin') AS windowstart,
    toFloat64(countMerge(value)) AS value,
    subject, method, route
FROM om_default_api_requests_total meter
GROUP BY windowstart, subject, method, route
ORDER BY windowstart, subject, method, route;

SELECT
    toStartOfHour(windowstart, 'Europe/Berlin') AS windowstart,
    maxMerge(value) AS value,
    subject, route
FROM om_default_request_duration_max meter
GROUP BY windowstart, subject, route
ORDER BY windowstart, subject, route;

SELECT
    toStartOfDay(windowstart, 'Europe/Berlin') AS windowstart,
    toFloat64(uniqMerge(value)) AS value,
    subject
FROM om_default_active_users meter
GROUP BY windowstart, subject
ORDER BY windowstart, subject;

SELECT
    toStartOfDay(windowstart, 'Europe/Berlin') AS windowstart,
    argMaxMerge(value) AS value,
    subject, bucket
FROM om_default_storage_bytes meter
GROUP BY windowstart, subject, bucket
ORDER BY windowstart, subject, bucket;

-- The subjects a meter has seen (listMeterViewSubjects).
SELECT DISTINCT subject FROM om_default_tokens_total WHERE windowstart >= 1796162400 ORDER BY subject;

-- The meter agrees with the raw events it came from (read here with JSONExtractString and
-- JSONExtractFloat, by key rather than by JSON path).
SELECT subject, JSONExtractString(data, 'model') AS model, sum(JSONExtractFloat(data, 'tokens')) AS value
FROM om_events
WHERE namespace = 'default' AND type = 'prompt' AND validation_error = ''
GROUP BY subject, model
ORDER BY subject, model;

SELECT subject, model, sumMerge(value) AS value
FROM om_default_tokens_total
GROUP BY subject, model
ORDER BY subject, model;

-- The event log (queryEventsTable), newest first.
SELECT id, type, subject, source, time, data, ingested_at, stored_at
FROM om_events
WHERE namespace = 'default' AND time >= 1796163000 AND subject = 'customer-1'
ORDER BY time DESC, id
LIMIT 100;

SELECT count() as count, subject FROM om_events WHERE namespace = 'default' AND time >= 1796163000 GROUP BY subject ORDER BY subject;

-- Merges combine the states of each window's rows; the answers stay the same.
OPTIMIZE TABLE om_default_active_users FINAL;
OPTIMIZE TABLE om_default_storage_bytes FINAL;
SELECT
    toStartOfDay(windowstart, 'Europe/Berlin') AS windowstart,
    toFloat64(uniqMerge(value)) AS value,
    subject
FROM om_default_active_users meter
GROUP BY windowstart, subject
ORDER BY windowstart, subject;

SELECT
    toStartOfDay(windowstart, 'Europe/Berlin') AS windowstart,
    argMaxMerge(value) AS value,
    subject, bucket
FROM om_default_storage_bytes meter
GROUP BY windowstart, subject, bucket
ORDER BY windowstart, subject, bucket;
