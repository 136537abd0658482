-- dateDiff('hour') in zones whose offset is not whole hours counts hours as ClickHouse does:
-- in the zone's 1970 offset, taken away (15- and 45-minute zones tell the sign apart).
SELECT dateDiff('hour', toDateTime('2026-10-01 10:00:00', 'UTC'), toDateTime('2026-10-01 00:30:00', 'UTC'), 'Pacific/Chatham');
SELECT dateDiff('hour', toDateTime('2026-10-01 10:20:00', 'UTC'), toDateTime('2026-10-01 00:00:00', 'UTC'), 'Pacific/Chatham');
SELECT sum(dateDiff('hour', toDateTime(1790000000 + number * 7777 % 9000000, 'UTC'), toDateTime(1790000000 + number * 104729 % 9000000, 'UTC'), 'Pacific/Chatham')) FROM numbers(2000);
SELECT sum(dateDiff('hour', toDateTime(1790000000 + number * 7777 % 9000000, 'UTC'), toDateTime(1790000000 + number * 104729 % 9000000, 'UTC'), 'Asia/Kathmandu')) FROM numbers(2000);
SELECT sum(dateDiff('hour', toDateTime(1790000000 + number * 7777 % 9000000, 'UTC'), toDateTime(1790000000 + number * 104729 % 9000000, 'UTC'), 'Australia/Eucla')) FROM numbers(2000);
SELECT sum(dateDiff('hour', toDateTime(1790000000 + number * 7777 % 9000000, 'UTC'), toDateTime(1790000000 + number * 104729 % 9000000, 'UTC'), 'Asia/Kolkata')) FROM numbers(2000);
SELECT sum(dateDiff('hour', toDateTime(1790000000 + number * 7777 % 9000000, 'UTC'), toDateTime(1790000000 + number * 104729 % 9000000, 'UTC'), 'America/St_Johns')) FROM numbers(2000);
SELECT sum(dateDiff('hour', toDateTime(1790000000 + number * 7777 % 9000000, 'UTC'), toDateTime(1790000000 + number * 104729 % 9000000, 'UTC'), 'Europe/Berlin')) FROM numbers(2000);
