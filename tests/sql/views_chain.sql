-- A chain of views, raw -> hourly -> daily: an insert into raw feeds hourly, whose block
-- feeds daily, as in ClickHouse.
CREATE TABLE raw (meter String, time DateTime, amount UInt64) ENGINE = MergeTree ORDER BY (meter, time);
CREATE TABLE hourly (meter String, hour DateTime, amount UInt64, events UInt64) ENGINE = SummingMergeTree ORDER BY (meter, hour);
CREATE TABLE daily (meter String, day Date, amount UInt64, events UInt64) ENGINE = SummingMergeTree ORDER BY (meter, day);
CREATE MATERIALIZED VIEW raw_to_hourly TO hourly AS SELECT meter, toStartOfHour(time) AS hour, sum(amount) AS amount, count() AS events FROM raw GROUP BY meter, hour;
CREATE MATERIALIZED VIEW hourly_to_daily TO daily AS SELECT meter, toDate(hour) AS day, sum(amount) AS amount, sum(events) AS events FROM hourly GROUP BY meter, day;
INSERT INTO raw SELECT ['api', 'storage', 'egress'][number % 3 + 1], toDateTime('2026-10-01 00:00:00') + number * 271, number % 97 FROM numbers(3000);
INSERT INTO raw VALUES ('api', '2026-10-05 23:59:59', 1000), ('sms', '2026-10-06 00:00:00', 3);
SELECT meter, sum(amount), sum(events) FROM daily GROUP BY meter ORDER BY meter;
SELECT meter, sum(amount), sum(events) FROM hourly GROUP BY meter ORDER BY meter;
SELECT meter, sum(amount), count() FROM raw GROUP BY meter ORDER BY meter;
SELECT * FROM daily FINAL ORDER BY meter, day;
SELECT meter, day, amount FROM hourly_to_daily FINAL WHERE meter = 'api' ORDER BY day;
-- An insert into the middle of the chain goes on down it only.
INSERT INTO hourly VALUES ('sms', '2026-10-06 05:00:00', 10, 2);
SELECT * FROM daily FINAL WHERE meter = 'sms';
SELECT count() FROM raw WHERE meter = 'sms';
