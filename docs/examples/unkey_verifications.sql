-- Unkey: API key verifications, rolled up per hour, day and month, and a monthly billable
-- count per workspace (Unkey's internal/clickhouse/schema and src/verifications.ts,
-- src/billing.ts; seed: /work/shared/seeds/unkey-clickhouse-usage.txt).
--
-- Every verification is one row of verifications.raw_key_verifications_v1. Three views
-- count it into SummingMergeTree tables per hour, day and month; a fourth view reads
-- the monthly table's blocks (raw -> month -> billing, a chain) and keeps the VALID
-- verifications per workspace and month, which is what Unkey bills.
--
-- Adapted for tally:
-- - fromUnixTimestamp64Milli(time) (time is Unix milliseconds in an Int64) is written
--   toDateTime(intDiv(time, 1000)) (to the second, all the rollups keep), and
--   toUnixTimestamp64Milli(CAST(x AS DateTime64(3))) is toUnixTimestamp(x) * 1000.
-- - The rollups' tags column is String, the raw row's sorted tags as text
--   (toString(tags): ['api','prod']), not Array(String): tally cannot sort by an Array
--   column, and a SummingMergeTree column must be in the key or summed.
-- - Query parameters ({workspaceId: String}, ...) are written as literals.
-- - ORDER BY ... WITH FILL also orders by outcome and tags, so that rows of one hour come
--   out in one order.
CREATE DATABASE IF NOT EXISTS verifications;
CREATE DATABASE IF NOT EXISTS billing;

CREATE TABLE verifications.raw_key_verifications_v1
(
    request_id   String,
    time         Int64,
    workspace_id String,
    key_space_id String,
    key_id       String,
    region       LowCardinality(String),
    outcome      LowCardinality(String),
    identity_id  String,
    tags         Array(String) DEFAULT []
)
ENGINE = MergeTree()
ORDER BY (workspace_id, key_space_id, key_id, time);

CREATE TABLE verifications.key_verifications_per_hour_v3
(
    time         DateTime,
    workspace_id String,
    key_space_id String,
    identity_id  String,
    key_id       String,
    outcome      LowCardinality(String),
    tags         String,
    count        Int64
)
ENGINE = SummingMergeTree()
ORDER BY (workspace_id, key_space_id, identity_id, key_id, time, tags, outcome);

CREATE TABLE verifications.key_verifications_per_day_v3
(
    time         DateTime,
    workspace_id String,
    key_space_id String,
    identity_id  String,
    key_id       String,
    outcome      LowCardinality(String),
    tags         String,
    count        Int64
)
ENGINE = SummingMergeTree()
ORDER BY (workspace_id, key_space_id, identity_id, key_id, time, tags, outcome);

CREATE TABLE verifications.key_verifications_per_month_v3
(
    time         DateTime,
    workspace_id String,
    key_space_id String,
    identity_id  String,
    key_id       String,
    outcome      LowCardinality(String),
    tags         String,
    count        Int64
)
ENGINE = SummingMergeTree()
ORDER BY (workspace_id, key_space_id, identity_id, key_id, time, tags, outcome);

CREATE MATERIALIZED VIEW IF NOT EXISTS verifications.key_verifications_per_hour_mv_v3
TO verifications.key_verifications_per_hour_v3
AS
SELECT
  workspace_id,
  key_space_id,
  identity_id,
  key_id,
  outcome,
  count(*) as count,
  toStartOfHour(toDateTime(intDiv(time, 1000))) AS time,
  toString(tags) AS tags
FROM verifications.raw_key_verifications_v1
GROUP BY
  workspace_id,
  key_space_id,
  identity_id,
  key_id,
  outcome,
  time,
  tags;

CREATE MATERIALIZED VIEW IF NOT EXISTS verifications.key_verifications_per_day_mv_v3
TO verifications.key_verifications_per_day_v3
AS
SELECT
  workspace_id,
  key_space_id,
  identity_id,
  key_id,
  outcome,
  count(*) as count,
  toStartOfDay(toDateTime(intDiv(time, 1000))) AS time,
  toString(tags) AS tags
FROM verifications.raw_key_verifications_v1
GROUP BY
  workspace_id,
  key_space_id,
  identity_id,
  key_id,
  outcome,
  time,
  tags;

CREATE MATERIALIZED VIEW IF NOT EXISTS verifications.key_verifications_per_month_mv_v3
TO verifications.key_verifications_per_month_v3
AS
SELECT
  workspace_id,
  key_space_id,
  identity_id,
  key_id,
  outcome,
  count(*) as count,
  toStartOfMonth(toDateTime(intDiv(time, 1000))) AS time,
  toString(tags) AS tags
FROM verifications.raw_key_verifications_v1
GROUP BY
  workspace_id,
  key_space_id,
  identity_id,
  key_id,
  outcome,
  time,
  tags;

CREATE TABLE billing.billable_verifications_per_month_v2
(
  year          Int,
  month         Int,
  workspace_id  String,
  count         Int64
)
ENGINE = SummingMergeTree()
ORDER BY (workspace_id, year, month);

CREATE MATERIALIZED VIEW billing.billable_verifications_per_month_mv_v2
TO billing.billable_verifications_per_month_v2
AS SELECT
    workspace_id,
    sum(count) AS count,
    toYear(time) AS year,
    toMonth(time) AS month
FROM verifications.key_verifications_per_month_v3
WHERE outcome = 'VALID'
GROUP BY
    workspace_id,
    year,
    month;

-- Unkey's ClickHouse proxy buffers single-row inserts from its serverless API into
-- batches: here two batches, the end of November and the start of December 2026 (UTC).
-- Tags are sorted by the inserter.
INSERT INTO verifications.raw_key_verifications_v1
    (request_id, time, workspace_id, key_space_id, key_id, region, outcome, identity_id, tags)
VALUES
    ('req_01', 1794729600000, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'VALID', 'id_alice', ['api', 'prod']),
    ('req_02', 1794729601250, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'VALID', 'id_alice', ['api', 'prod']),
    ('req_03', 1794733205000, 'ws_acme', 'ks_prod', 'key_b', 'eu-central-1', 'RATE_LIMITED', '', []),
    ('req_04', 1796083199500, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'VALID', 'id_alice', ['api', 'prod']),
    ('req_05', 1796083199900, 'ws_acme', 'ks_prod', 'key_b', 'eu-central-1', 'EXPIRED', '', []),
    ('req_06', 1796083150000, 'ws_zeta', 'ks_main', 'key_z', 'ap-south-1', 'VALID', 'id_zed', ['mobile']);

INSERT INTO verifications.raw_key_verifications_v1
    (request_id, time, workspace_id, key_space_id, key_id, region, outcome, identity_id, tags)
VALUES
    ('req_07', 1796083200250, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'VALID', 'id_alice', ['api', 'prod']),
    ('req_08', 1796116500000, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'VALID', 'id_alice', ['api', 'prod']),
    ('req_09', 1796116512000, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'USAGE_EXCEEDED', 'id_alice', ['api', 'prod']),
    ('req_10', 1796118432345, 'ws_acme', 'ks_prod', 'key_c', 'us-east-1', 'VALID', 'id_bob', ['batch']),
    ('req_11', 1796118440000, 'ws_acme', 'ks_prod', 'key_c', 'us-east-1', 'INSUFFICIENT_PERMISSIONS', 'id_bob', ['batch']),
    ('req_12', 1796119500000, 'ws_acme', 'ks_prod', 'key_b', 'eu-central-1', 'VALID', '', []),
    ('req_13', 1796119530000, 'ws_acme', 'ks_test', 'key_t', 'us-east-1', 'VALID', '', ['test']),
    ('req_14', 1796220000000, 'ws_acme', 'ks_prod', 'key_a', 'us-east-1', 'VALID', 'id_alice', ['api', 'prod']),
    ('req_15', 1796220000000, 'ws_zeta', 'ks_main', 'key_z', 'ap-south-1', 'DISABLED', 'id_zed', ['mobile']),
    ('req_16', 1796220060000, 'ws_zeta', 'ks_main', 'key_z', 'ap-south-1', 'VALID', 'id_zed', ['mobile']);

-- getVerificationsPerHour: one workspace's key space, 2026-12-01 00:00 to 11:00 UTC,
-- hours without verifications filled in.
SELECT
  time,
  outcome,
  sum(count) as count,
  tags
FROM verifications.key_verifications_per_hour_v3
WHERE
  workspace_id = 'ws_acme'
AND key_space_id = 'ks_prod'
AND time >= toDateTime(intDiv(1796083200000, 1000))
AND time <= toDateTime(intDiv(1796122800000, 1000))
GROUP BY time, outcome, tags
ORDER BY time ASC
WITH FILL
  FROM toStartOfHour(toDateTime(intDiv(1796083200000, 1000)))
  TO toStartOfHour(toDateTime(intDiv(1796122800000, 1000)))
  STEP INTERVAL 1 HOUR, outcome, tags;

-- getVerificationsPerDay, for one key.
SELECT
  time,
  outcome,
  sum(count) as count,
  tags
FROM verifications.key_verifications_per_day_v3
WHERE
  workspace_id = 'ws_acme'
AND key_space_id = 'ks_prod'
AND time >= toDateTime(intDiv(1794700000000, 1000))
AND time <= toDateTime(intDiv(1796256000000, 1000))
AND key_id = 'key_a'
GROUP BY time, outcome, tags
ORDER BY time ASC, outcome, tags;

-- getVerificationsPerMonth.
SELECT
  time,
  outcome,
  sum(count) as count,
  tags
FROM verifications.key_verifications_per_month_v3
WHERE
  workspace_id = 'ws_acme'
AND key_space_id = 'ks_prod'
AND time >= toDateTime(intDiv(1793577600000, 1000))
AND time <= toDateTime(intDiv(1796256000000, 1000))
GROUP BY time, outcome, tags
ORDER BY time ASC, outcome, tags;

-- The dashboard's daily timeseries: one point per day, outcomes as a map, x in Unix
-- milliseconds, days without verifications filled in.
SELECT
  toUnixTimestamp(toStartOfInterval(time, INTERVAL 1 day)) * 1000 as x,
  map(
      'total', SUM(count),
      'valid', SUM(IF(outcome = 'VALID', count, 0)),
      'insufficient_permissions', SUM(IF(outcome = 'INSUFFICIENT_PERMISSIONS', count, 0)),
      'rate_limited', SUM(IF(outcome = 'RATE_LIMITED', count, 0)),
      'forbidden', SUM(IF(outcome = 'FORBIDDEN', count, 0)),
      'disabled', SUM(IF(outcome = 'DISABLED', count, 0)),
      'expired', SUM(IF(outcome = 'EXPIRED', count, 0)),
      'usage_exceeded', SUM(IF(outcome = 'USAGE_EXCEEDED', count, 0))
  ) as y
FROM verifications.key_verifications_per_day_v3
WHERE workspace_id = 'ws_acme'
  AND key_space_id = 'ks_prod'
  AND time >= toDateTime(intDiv(1796000000000, 1000))
  AND time <= toDateTime(intDiv(1796256000000, 1000))
GROUP BY x
ORDER BY x ASC
WITH FILL
  FROM toUnixTimestamp(toStartOfInterval(toDateTime(intDiv(1796000000000, 1000)), INTERVAL 1 day)) * 1000
  TO toUnixTimestamp(toStartOfInterval(toDateTime(intDiv(1796256000000, 1000)), INTERVAL 1 day)) * 1000
  STEP 86400000;

-- getBillableVerifications: what each workspace is billed for, per month.
SELECT
  sum(count) as count
FROM billing.billable_verifications_per_month_v2
WHERE workspace_id = 'ws_acme'
AND year = 2026
AND month = 12
GROUP BY workspace_id, year, month;

SELECT workspace_id, year, month, sum(count) AS count
FROM billing.billable_verifications_per_month_v2
GROUP BY workspace_id, year, month
ORDER BY workspace_id, year, month;

-- The rollups agree with the raw rows they came from.
SELECT workspace_id, toYear(toDateTime(intDiv(time, 1000))) AS year, toMonth(toDateTime(intDiv(time, 1000))) AS month, count() AS count
FROM verifications.raw_key_verifications_v1
WHERE outcome = 'VALID'
GROUP BY workspace_id, year, month
ORDER BY workspace_id, year, month;

-- The latest verifications of a key, newest first (src/logs.ts reads the raw table).
SELECT request_id, time, region, outcome, tags
FROM verifications.raw_key_verifications_v1
WHERE workspace_id = 'ws_acme' AND key_space_id = 'ks_prod' AND key_id = 'key_a'
ORDER BY time DESC
LIMIT 50;

-- Merges sum rows with equal keys; FINAL does it at read time.
SELECT time, workspace_id, key_id, outcome, tags, count
FROM verifications.key_verifications_per_month_v3 FINAL
ORDER BY workspace_id, key_space_id, identity_id, key_id, time, tags, outcome;

-- Merges sum the monthly rows of equal keys; the bill stays the same.
OPTIMIZE TABLE billing.billable_verifications_per_month_v2 FINAL;
SELECT workspace_id, year, month, count
FROM billing.billable_verifications_per_month_v2
ORDER BY workspace_id, year, month;
