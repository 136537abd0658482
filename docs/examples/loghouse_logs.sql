-- ClickHouse's LogHouse: OpenTelemetry log records are inserted into a Null table; a
-- materialized view pulls the attributes people filter on out of the ResourceAttributes
-- and LogAttributes maps into columns of the server log table, which is partitioned by
-- day, sorted by (PodName, Timestamp) and kept 180 days. Seed:
-- /work/shared/seeds/clickhouse-loghouse-19pib-logging.txt ("How we Built a 19 PiB
-- Logging Platform with ClickHouse"), the table otel.server_text_log_0.
--
-- Adapted for tally:
-- - ENGINE = SharedMergeTree (ClickHouse Cloud) is MergeTree.
-- - The recent log lines are stamped relative to now(), and no query prints a time: with
--   fixed dates the 180-day TTL would expire them as the calendar moves on (tally hides
--   expired rows at once, ClickHouse when it merges). They are inserted with INSERT ...
--   SELECT, since tally's VALUES takes literals only. A second batch, from January 2025,
--   is expired from the start and goes with its partition at OPTIMIZE.
-- - The processor that routes ClickHouse server, Keeper and data-plane logs to their own
--   tables is the view's WHERE.
CREATE DATABASE IF NOT EXISTS otel;

-- What the OTel collector's ClickHouse exporter inserts; it keeps nothing.
CREATE TABLE otel.otel_logs
(
    `Timestamp` DateTime64(9),
    `TraceId` String,
    `SpanId` String,
    `TraceFlags` UInt32,
    `SeverityText` LowCardinality(String),
    `SeverityNumber` Int32,
    `ServiceName` LowCardinality(String),
    `Body` String,
    `ResourceSchemaUrl` String,
    `ResourceAttributes` Map(LowCardinality(String), String),
    `ScopeSchemaUrl` String,
    `ScopeName` String,
    `ScopeVersion` String,
    `ScopeAttributes` Map(LowCardinality(String), String),
    `LogAttributes` Map(LowCardinality(String), String)
)
ENGINE = Null;

CREATE TABLE otel.server_text_log_0
(
    `Timestamp` DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    `EventDate` Date,
    `EventTime` DateTime,
    `TraceId` String CODEC(ZSTD(1)),
    `SpanId` String CODEC(ZSTD(1)),
    `TraceFlags` UInt32 CODEC(ZSTD(1)),
    `SeverityText` LowCardinality(String) CODEC(ZSTD(1)),
    `SeverityNumber` Int32 CODEC(ZSTD(1)),
    `ServiceName` LowCardinality(String) CODEC(ZSTD(1)),
    `Body` String CODEC(ZSTD(1)),
    `Namespace` LowCardinality(String),
    `Cell` LowCardinality(String),
    `CloudProvider` LowCardinality(String),
    `Region` LowCardinality(String),
    `ContainerName` LowCardinality(String),
    `PodName` LowCardinality(String),
    `query_id` String CODEC(ZSTD(1)),
    `logger_name` LowCardinality(String),
    `source_file` LowCardinality(String),
    `source_line` LowCardinality(String),
    `level` LowCardinality(String),
    `thread_name` LowCardinality(String),
    `thread_id` LowCardinality(String),
    `ResourceSchemaUrl` String CODEC(ZSTD(1)),
    `ScopeSchemaUrl` String CODEC(ZSTD(1)),
    `ScopeName` String CODEC(ZSTD(1)),
    `ScopeVersion` String CODEC(ZSTD(1)),
    `ScopeAttributes` Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    `ResourceAttributes` Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    `LogAttributes` Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_thread_id thread_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_thread_name thread_name TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_Namespace Namespace TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_source_file source_file TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY EventDate
ORDER BY (PodName, Timestamp)
TTL EventTime + toIntervalDay(180)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW otel.server_text_log_0_mv TO otel.server_text_log_0 AS
SELECT
    Timestamp,
    toDate(Timestamp) AS EventDate,
    toDateTime(Timestamp) AS EventTime,
    TraceId,
    SpanId,
    TraceFlags,
    SeverityText,
    SeverityNumber,
    ServiceName,
    Body,
    ResourceAttributes['k8s.namespace.name'] AS Namespace,
    ResourceAttributes['cell'] AS Cell,
    ResourceAttributes['cloud.provider'] AS CloudProvider,
    ResourceAttributes['cloud.region'] AS Region,
    ResourceAttributes['k8s.container.name'] AS ContainerName,
    ResourceAttributes['k8s.pod.name'] AS PodName,
    LogAttributes['query_id'] AS query_id,
    LogAttributes['logger_name'] AS logger_name,
    LogAttributes['source_file'] AS source_file,
    LogAttributes['source_line'] AS source_line,
    LogAttributes['level'] AS level,
    LogAttributes['thread_name'] AS thread_name,
    LogAttributes['thread_id'] AS thread_id,
    ResourceSchemaUrl,
    ScopeSchemaUrl,
    ScopeName,
    ScopeVersion,
    ScopeAttributes,
    ResourceAttributes,
    LogAttributes
FROM otel.otel_logs
WHERE ResourceAttributes['k8s.container.name'] LIKE '%-server';

-- A batch from the gateway (the collector flushes every 15,000 rows or 5 seconds): two
-- server pods of one service, a pod of another, and a Keeper pod the view leaves out.
INSERT INTO otel.otel_logs (Timestamp, TraceId, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, LogAttributes)
SELECT now64(9) - INTERVAL 3600 SECOND, '', 'DEBUG', 5, 'c-cobalt-ui-85-server',
       'Peak memory usage (for query): 28.34 MiB.',
       map('k8s.namespace.name', 'ns-cobalt-ui-85', 'k8s.pod.name', 'c-cobalt-ui-85-server-ajb978y-0', 'k8s.container.name', 'c-cobalt-ui-85-server',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('query_id', '43ab3b35-82e5-4e77-97be-844b8656bad6', 'logger_name', 'MemoryTracker', 'source_file', 'src/Common/MemoryTracker.cpp; void MemoryTracker::logPeakMemoryUsage()', 'source_line', '159', 'level', 'Debug', 'thread_name', 'TCPServerConnection ([#264])', 'thread_id', '1326')
UNION ALL
SELECT now64(9) - INTERVAL 3590 SECOND, '', 'INFORMATION', 9, 'c-cobalt-ui-85-server',
       'Processed in 0.012 sec.',
       map('k8s.namespace.name', 'ns-cobalt-ui-85', 'k8s.pod.name', 'c-cobalt-ui-85-server-ajb978y-0', 'k8s.container.name', 'c-cobalt-ui-85-server',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('query_id', '43ab3b35-82e5-4e77-97be-844b8656bad6', 'logger_name', 'executeQuery', 'source_file', 'src/Interpreters/executeQuery.cpp; void DB::logQueryFinish()', 'source_line', '1212', 'level', 'Information', 'thread_name', 'TCPServerConnection ([#264])', 'thread_id', '1326')
UNION ALL
SELECT now64(9) - INTERVAL 1800 SECOND, '5b8efff798038103d269b633813fc60c', 'ERROR', 17, 'c-cobalt-ui-85-server',
       'Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)',
       map('k8s.namespace.name', 'ns-cobalt-ui-85', 'k8s.pod.name', 'c-cobalt-ui-85-server-ajb978y-0', 'k8s.container.name', 'c-cobalt-ui-85-server',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('query_id', '0e4b7a0c-1f55-4b1d-9c39-2f7c8b1d6a10', 'logger_name', 'executeQuery', 'source_file', 'src/Interpreters/executeQuery.cpp; void DB::logException()', 'source_line', '221', 'level', 'Error', 'thread_name', 'TCPServerConnection ([#301])', 'thread_id', '1402')
UNION ALL
SELECT now64(9) - INTERVAL 1200 SECOND, '', 'WARNING', 13, 'c-cobalt-ui-85-server',
       'Too many parts (312) in table default.events. Merges are processing significantly slower than inserts',
       map('k8s.namespace.name', 'ns-cobalt-ui-85', 'k8s.pod.name', 'c-cobalt-ui-85-server-k2m11pq-1', 'k8s.container.name', 'c-cobalt-ui-85-server',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('logger_name', 'default.events (MergeTreeData)', 'source_file', 'src/Storages/MergeTree/MergeTreeData.cpp; void DB::MergeTreeData::delayInsertOrThrowIfNeeded()', 'source_line', '4511', 'level', 'Warning', 'thread_name', 'TCPHandler', 'thread_id', '887')
UNION ALL
SELECT now64(9) - INTERVAL 600 SECOND, '', 'INFORMATION', 9, 'c-cobalt-ui-85-server',
       'Merged 6 parts: 202612_1_6_1',
       map('k8s.namespace.name', 'ns-cobalt-ui-85', 'k8s.pod.name', 'c-cobalt-ui-85-server-k2m11pq-1', 'k8s.container.name', 'c-cobalt-ui-85-server',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('logger_name', 'default.events (MergerMutator)', 'source_file', 'src/Storages/MergeTree/MergeTreeDataMergerMutator.cpp', 'source_line', '614', 'level', 'Information', 'thread_name', 'MergeMutate', 'thread_id', '912')
UNION ALL
SELECT now64(9) - INTERVAL 300 SECOND, '', 'DEBUG', 5, 'c-amber-db-12-server',
       'Peak memory usage (for query): 1.02 GiB.',
       map('k8s.namespace.name', 'ns-amber-db-12', 'k8s.pod.name', 'c-amber-db-12-server-x8v0c2d-0', 'k8s.container.name', 'c-amber-db-12-server',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('query_id', 'a1f0c1de-7d4e-4c53-8b5e-0c5f0b7f2e11', 'logger_name', 'MemoryTracker', 'source_file', 'src/Common/MemoryTracker.cpp; void MemoryTracker::logPeakMemoryUsage()', 'source_line', '159', 'level', 'Debug', 'thread_name', 'TCPServerConnection ([#12])', 'thread_id', '77')
UNION ALL
SELECT now64(9) - INTERVAL 240 SECOND, '', 'INFORMATION', 9, 'c-cobalt-ui-85-keeper',
       'Created snapshot 4100000',
       map('k8s.namespace.name', 'ns-cobalt-ui-85', 'k8s.pod.name', 'c-cobalt-ui-85-keeper-0', 'k8s.container.name', 'c-cobalt-ui-85-keeper',
           'cell', 'cell-0', 'cloud.provider', 'aws', 'cloud.region', 'eu-west-1'),
       map('logger_name', 'KeeperStateMachine', 'source_file', 'src/Coordination/KeeperStateMachine.cpp', 'source_line', '581', 'level', 'Information', 'thread_name', 'KeeperSnapshot', 'thread_id', '31');

-- Logs from January 2025: already past the 180 days.
INSERT INTO otel.otel_logs (Timestamp, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, LogAttributes)
VALUES
    ('2025-01-15 12:00:00.000000000', 'INFORMATION', 9, 'c-cobalt-ui-85-server', 'Starting ClickHouse 24.12.1.1 (revision: 54492)',
     {'k8s.namespace.name': 'ns-cobalt-ui-85', 'k8s.pod.name': 'c-cobalt-ui-85-server-ajb978y-0', 'k8s.container.name': 'c-cobalt-ui-85-server'},
     {'logger_name': 'Application', 'level': 'Information'}),
    ('2025-01-16 08:30:00.000000000', 'ERROR', 17, 'c-cobalt-ui-85-server', 'Code: 241. DB::Exception: Memory limit (total) exceeded',
     {'k8s.namespace.name': 'ns-cobalt-ui-85', 'k8s.pod.name': 'c-cobalt-ui-85-server-ajb978y-0', 'k8s.container.name': 'c-cobalt-ui-85-server'},
     {'logger_name': 'executeQuery', 'level': 'Error'});

-- Nothing stays in the Null table.
SELECT count() FROM otel.otel_logs;

-- The last 6 hours of a cluster's pods, the usual start of an investigation (LogHouse UI
-- turns a namespace into its pod names, the head of the sorting key).
SELECT PodName, level, logger_name, thread_name, Body
FROM otel.server_text_log_0
WHERE PodName IN ('c-cobalt-ui-85-server-ajb978y-0', 'c-cobalt-ui-85-server-k2m11pq-1')
  AND Timestamp >= now() - INTERVAL 6 HOUR
ORDER BY PodName, Timestamp;

-- Errors and warnings per namespace and pod.
SELECT Namespace, PodName, level, count() AS lines
FROM otel.server_text_log_0
WHERE EventTime >= now() - INTERVAL 6 HOUR AND SeverityNumber >= 13
GROUP BY Namespace, PodName, level
ORDER BY Namespace, PodName, level;

-- One query's lines, by query_id (a column now, not a map lookup).
SELECT logger_name, source_file, source_line, Body
FROM otel.server_text_log_0
WHERE query_id = '43ab3b35-82e5-4e77-97be-844b8656bad6' AND Timestamp >= now() - INTERVAL 6 HOUR
ORDER BY Timestamp;

-- A token in the body (the tokenbf_v1 index), and a trace.
SELECT PodName, Body
FROM otel.server_text_log_0
WHERE hasToken(Body, 'Exception') AND Timestamp >= now() - INTERVAL 6 HOUR
ORDER BY PodName, Timestamp;

SELECT PodName, thread_id, Body
FROM otel.server_text_log_0
WHERE TraceId = '5b8efff798038103d269b633813fc60c' AND Timestamp >= now() - INTERVAL 6 HOUR
ORDER BY Timestamp;

-- Attributes that were not pulled out are still in the maps.
SELECT PodName, LogAttributes['thread_name'] AS thread, ResourceAttributes['cloud.region'] AS region, count() AS lines
FROM otel.server_text_log_0
WHERE mapContains(LogAttributes, 'query_id') AND Timestamp >= now() - INTERVAL 6 HOUR
GROUP BY PodName, thread, region
ORDER BY PodName, thread, region;

SELECT count() FROM otel.server_text_log_0 WHERE ContainerName = 'c-cobalt-ui-85-keeper';

-- Retention: OPTIMIZE drops the partitions past the TTL, whole (ttl_only_drop_parts).
OPTIMIZE TABLE otel.server_text_log_0 FINAL;
SELECT count() FROM otel.server_text_log_0 WHERE EventDate < '2026-01-01';
SELECT level, count() AS lines FROM otel.server_text_log_0 GROUP BY level ORDER BY level;
