-- toStartOfInterval by hours and minutes in zones whose clock changes are not whole hours
-- (Pacific/Chatham moves 02:45 -> 03:45 on 2026-09-27, Australia/Lord_Howe by 30 minutes on
-- 2026-10-04): a rounded local time the change skipped starts at the change.
-- Reference: ClickHouse 26.9 (chDB 4.4.0), written by tests/sql/clickhouse_reference.py
-- interval_rounding_dst.sql.
SELECT t, toStartOfInterval(t, INTERVAL 3 HOUR, 'Pacific/Chatham') AS s, toString(s, 'Pacific/Chatham') FROM (SELECT toDateTime('2026-09-26 12:40:00', 'UTC') + number * 1500 AS t FROM numbers(12));
SELECT t, toString(toStartOfInterval(t, INTERVAL 2 HOUR, 'Australia/Lord_Howe'), 'Australia/Lord_Howe'), toString(toStartOfInterval(t, INTERVAL 90 MINUTE, 'Australia/Lord_Howe'), 'Australia/Lord_Howe') FROM (SELECT toDateTime('2026-10-03 14:10:00', 'UTC') + number * 1200 AS t FROM numbers(10));
SELECT sum(cityHash64(toUnixTimestamp(toStartOfInterval(toDateTime('2026-03-01 00:00:00', 'UTC') + number * 607, INTERVAL 3 HOUR, 'Pacific/Chatham')) + number)), sum(cityHash64(toUnixTimestamp(toStartOfInterval(toDateTime('2026-03-01 00:00:00', 'UTC') + number * 607, INTERVAL 5 HOUR, 'Pacific/Chatham')) + number)) FROM numbers(40000);
SELECT sum(cityHash64(toUnixTimestamp(toStartOfInterval(toDateTime('2026-03-01 00:00:00', 'UTC') + number * 607, INTERVAL 3 HOUR, 'Australia/Lord_Howe')) + number)), sum(cityHash64(toUnixTimestamp(toStartOfInterval(toDateTime('2026-03-01 00:00:00', 'UTC') + number * 607, INTERVAL 5 HOUR, 'Australia/Lord_Howe')) + number)) FROM numbers(40000);
SELECT sum(cityHash64(toUnixTimestamp(toStartOfInterval(toDateTime('2026-03-01 00:00:00', 'UTC') + number * 607, INTERVAL 3 HOUR, 'America/St_Johns')) + number)), sum(cityHash64(toUnixTimestamp(toStartOfInterval(toDateTime('2026-03-01 00:00:00', 'UTC') + number * 607, INTERVAL 5 HOUR, 'America/St_Johns')) + number)) FROM numbers(40000);
