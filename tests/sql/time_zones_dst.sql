-- Time zones and days with a DST change (Europe/Berlin 2026-03-29 and 2026-10-25,
-- America/New_York 2026-03-08 and 2026-11-01).
SELECT toDateTime('2026-03-29 01:30:00', 'Europe/Berlin'), toDateTime('2026-03-29 03:30:00', 'Europe/Berlin'), toUnixTimestamp(toDateTime('2026-03-29 03:00:00', 'Europe/Berlin')) - toUnixTimestamp(toDateTime('2026-03-29 01:59:59', 'Europe/Berlin'));
SELECT toTypeName(toDateTime('2026-03-29 01:30:00', 'Europe/Berlin')), toTypeName(toDateTime64('2026-03-29 01:30:00', 3, 'America/New_York'));
-- Every UTC hour across the Berlin spring change, seen in Berlin.
SELECT t, toTimeZone(t, 'Europe/Berlin') AS b, toHour(t, 'Europe/Berlin'), toStartOfHour(t, 'Europe/Berlin'), toStartOfDay(t, 'Europe/Berlin'), toDate(t, 'Europe/Berlin'), toYYYYMMDD(t, 'Europe/Berlin') FROM (SELECT toDateTime('2026-03-28 22:00:00') + number * 3600 AS t FROM numbers(4));
-- And across the autumn change: 02:00-03:00 happens twice.
SELECT t, toTimeZone(t, 'Europe/Berlin') AS b, toStartOfHour(t, 'Europe/Berlin'), toStartOfFifteenMinutes(t, 'Europe/Berlin'), formatDateTime(t, '%F %T', 'Europe/Berlin') FROM (SELECT toDateTime('2026-10-24 23:30:00') + number * 1800 AS t FROM numbers(5));
SELECT toStartOfDay(toDateTime('2026-10-25 12:00:00', 'Europe/Berlin')), toUnixTimestamp(toStartOfDay(toDateTime('2026-10-25 12:00:00', 'Europe/Berlin'))), toUnixTimestamp(toStartOfDay(toDateTime('2026-10-26 12:00:00', 'Europe/Berlin'))) - toUnixTimestamp(toStartOfDay(toDateTime('2026-10-25 12:00:00', 'Europe/Berlin')));
SELECT toUnixTimestamp('2026-03-29 00:00:00', 'Europe/Berlin'), toUnixTimestamp('2026-03-30 00:00:00', 'Europe/Berlin') - toUnixTimestamp('2026-03-29 00:00:00', 'Europe/Berlin'), toUnixTimestamp('2026-10-25 02:30:00', 'Europe/Berlin');
-- Day and longer intervals keep the local time of day; hours are exact durations.
SELECT toDateTime('2026-03-28 12:00:00', 'Europe/Berlin') + INTERVAL 1 day, toDateTime('2026-03-28 12:00:00', 'Europe/Berlin') + INTERVAL 24 hour, toDateTime('2026-10-24 12:00:00', 'Europe/Berlin') + INTERVAL 1 day, toDateTime('2026-10-24 12:00:00', 'Europe/Berlin') + INTERVAL 24 hour;
SELECT toDateTime('2026-02-28 02:30:00', 'Europe/Berlin') + INTERVAL 1 month, toDateTime('2026-03-07 12:00:00', 'America/New_York') + INTERVAL 1 week, toDateTime('2026-03-29 03:30:00', 'Europe/Berlin') - INTERVAL 1 hour;
-- New York.
SELECT t, toTimeZone(t, 'America/New_York'), toStartOfHour(t, 'America/New_York'), toStartOfDay(t, 'America/New_York'), toDate(t, 'America/New_York') FROM (SELECT toDateTime('2026-03-08 06:00:00') + number * 3600 AS t FROM numbers(3));
SELECT t, toTimeZone(t, 'America/New_York'), toStartOfHour(t, 'America/New_York'), toStartOfMinute(t, 'America/New_York'), toYYYYMM(t, 'America/New_York') FROM (SELECT toDateTime('2026-11-01 04:30:00') + number * 3600 AS t FROM numbers(3));
SELECT toStartOfWeek(toDateTime('2026-11-01 03:00:00'), 0, 'America/New_York'), toStartOfMonth(toDateTime('2026-11-01 03:00:00'), 'America/New_York'), toStartOfYear(toDateTime('2026-01-01 03:00:00'), 'America/New_York'), toYYYYMM(toDateTime('2026-11-01 03:00:00'), 'America/New_York');
SELECT dateDiff('hour', toDateTime('2026-03-29 00:00:00', 'Europe/Berlin'), toDateTime('2026-03-30 00:00:00', 'Europe/Berlin')), dateDiff('day', toDateTime('2026-03-29 00:00:00', 'Europe/Berlin'), toDateTime('2026-03-30 00:00:00', 'Europe/Berlin'));
-- DateTime64 with a zone, and a half-hour zone.
SELECT toDateTime64('2026-10-25 02:30:00.250', 3, 'Europe/Berlin'), toDateTime64('2026-10-25 00:30:00.5', 1, 'UTC'), toTimeZone(toDateTime64('2026-10-25 00:30:00.5', 1, 'UTC'), 'Europe/Berlin');
SELECT toStartOfHour(toDateTime('2026-10-01 12:10:00'), 'Asia/Kolkata'), toTimeZone(toDateTime('2026-10-01 12:10:00'), 'Asia/Kolkata'), toStartOfFifteenMinutes(toDateTime('2026-10-01 12:10:00'), 'Asia/Kathmandu'), formatDateTime(toDateTime('2026-10-01 12:00:00'), '%H:%i', 'Asia/Kathmandu');
SELECT toDate(toDateTime('2026-10-01 23:30:00'), 'Asia/Tokyo'), toDate(toDateTime('2026-10-01 02:30:00'), 'America/Los_Angeles'), toYYYYMMDD(toDateTime('2026-10-31 23:30:00'), 'Europe/Berlin'), toYYYYMM(toDateTime('2026-10-31 23:30:00'), 'Europe/Berlin');
-- Columns with a zone: text is read and printed as wall time in that zone.
CREATE TABLE ev (t DateTime('Europe/Berlin'), t64 DateTime64(3, 'America/New_York'), v UInt32) ENGINE = MergeTree ORDER BY t;
INSERT INTO ev VALUES ('2026-10-25 01:30:00', '2026-11-01 01:30:00.000', 1), (1792888200, '2026-11-01 01:30:00.500', 2), ('2026-10-25 03:30:00', '2026-11-01 03:30:00.123', 3);
SELECT t, toUnixTimestamp(t), t64, toUnixTimestamp(t64), v FROM ev ORDER BY v;
SELECT toStartOfHour(t) AS h, count(), sum(v) FROM ev GROUP BY h ORDER BY h;
SELECT toDate(t), toDate(t64), toTimeZone(t, 'UTC'), toString(t), toStartOfHour(t64), toYYYYMMDD(t64) FROM ev ORDER BY v;
SELECT v FROM ev WHERE t >= '2026-10-25 02:00:00' ORDER BY v;
SELECT timeZone(), toTimeZone(toDateTime('2026-10-01 00:00:00'), 'UTC');
SELECT toDateTime('2026-10-01 00:00:00', 'Mars/Olympus'); -- error: Mars/Olympus
