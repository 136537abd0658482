CREATE TABLE events
(
    time DateTime CODEC(Delta, ZSTD(1)),
    tenant LowCardinality(String),
    metric LowCardinality(String),
    path String,
    status UInt16,
    value UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, metric, time);
INSERT INTO events VALUES ('2026-10-01 00:00:05', 'acme', 'api_calls', '/v1/a', 200, 1), ('2026-10-01 00:10:00', 'acme', 'api_calls', '/v1/b', 500, 1), ('2026-10-01 01:00:00', 'globex', 'tokens', '/v1/a', 200, 250), ('2026-11-02 12:00:00', 'acme', 'tokens', '/v1/c', 200, 40);
SELECT count() FROM events;
SELECT tenant, metric, sum(value) AS total FROM events GROUP BY tenant, metric ORDER BY tenant, metric;
SELECT tenant, count() FROM events WHERE tenant = 'acme' AND time >= '2026-10-01 00:00:00' AND time < '2026-11-01 00:00:00' GROUP BY tenant;
SELECT toStartOfHour(time) AS hour, count() FROM events WHERE tenant = 'acme' GROUP BY hour ORDER BY hour;
SELECT path, count() AS c FROM events GROUP BY path ORDER BY c DESC, path LIMIT 2;
SELECT countIf(status >= 500), countIf(status = 429), sumIf(value, metric = 'tokens') FROM events;
SHOW TABLES;
