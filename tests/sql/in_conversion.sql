-- x IN (...) converts the list's constants to x's type as = does (one rule,
-- engine/exec/constant_conversion.h): strings parsed as numbers, dates and times (in the
-- column's zone), numbers taken by value, items with no value in x's type left out, a
-- mixed list matched item by item; IN (SELECT ...) converts x to the subquery's type.
-- Reference: ClickHouse 26.9 (chDB 4.4.0), written by tests/sql/clickhouse_reference.py
-- in_conversion.sql.
CREATE TABLE ev (id UInt32, status UInt16, small Int8, value Float64, t DateTime('Europe/Berlin'), d Date, tenant LowCardinality(String), region LowCardinality(Nullable(String)), n Nullable(UInt32), u UUID, ok Bool) ENGINE = MergeTree ORDER BY id;
INSERT INTO ev VALUES (1, 200, -3, 1.0, '2026-10-08 01:30:00', '2026-10-05', 'acme', 'eu', 7, '00000000-0000-0000-0000-000000000001', true), (2, 404, 100, 0.5, '2026-10-25 02:30:00', '2026-10-06', 'globex', NULL, NULL, '00000000-0000-0000-0000-000000000002', false), (3, 503, 0, 2.25, '2026-10-01 00:00:00', '2026-10-05', 'initech', 'us', 300, '00000000-0000-0000-0000-000000000003', true);
SELECT id FROM ev WHERE status IN ('200') ORDER BY id;
SELECT id FROM ev WHERE status NOT IN ('200') ORDER BY id;
SELECT id FROM ev WHERE status IN ('200', 404, 503.0) ORDER BY id;
SELECT id FROM ev WHERE status IN (200, '404', 70000, 2.5, NULL) ORDER BY id;
SELECT id FROM ev WHERE status IN [502, '404'] ORDER BY id;
SELECT id FROM ev WHERE status IN (toUInt16(200)) ORDER BY id;
SELECT id FROM ev WHERE status IN (100 + 100) ORDER BY id;
SELECT id FROM ev WHERE toDate(t) IN ('2026-10-08') ORDER BY id;
SELECT id FROM ev WHERE d IN ('2026-10-05') ORDER BY id;
SELECT id FROM ev WHERE d IN (toDate('2026-10-06'), '2026-10-05') ORDER BY id;
SELECT id FROM ev WHERE t IN ('2026-10-08 01:30:00') ORDER BY id;
SELECT id FROM ev WHERE t IN (toDateTime('2026-10-01 00:00:00', 'Europe/Berlin')) ORDER BY id;
SELECT id FROM ev WHERE value IN (1.0) ORDER BY id;
SELECT id FROM ev WHERE value IN (1, '0.5') ORDER BY id;
SELECT id FROM ev WHERE small IN (-3, 300, '0') ORDER BY id;
SELECT id FROM ev WHERE small NOT IN (-3, 300) ORDER BY id;
SELECT id FROM ev WHERE tenant IN ('acme', 1) ORDER BY id;
SELECT id, region IN ('eu') FROM ev ORDER BY id;
SELECT id, n IN (7, '300') FROM ev ORDER BY id;
SELECT id FROM ev WHERE u IN ('00000000-0000-0000-0000-000000000002') ORDER BY id;
SELECT id FROM ev WHERE ok IN ('true') ORDER BY id;
SELECT id FROM ev WHERE status IN (SELECT toString(status) FROM ev WHERE id < 3) ORDER BY id;
SELECT id FROM ev WHERE toString(status) IN (SELECT status FROM ev WHERE id > 1) ORDER BY id;
SELECT id FROM ev WHERE small IN (SELECT toUInt8(100)) ORDER BY id;
SELECT id FROM ev WHERE d IN (SELECT toDateTime('2026-10-05 00:00:00', 'UTC')) ORDER BY id;
SELECT id FROM ev WHERE status = '200' ORDER BY id;
SELECT id FROM ev WHERE status BETWEEN '300' AND '600' ORDER BY id;
SELECT id FROM ev WHERE d BETWEEN '2026-10-05' AND '2026-10-05' ORDER BY id;
SELECT id, CASE status WHEN '200' THEN 'ok' WHEN 404 THEN 'missing' ELSE 'other' END FROM ev ORDER BY id;
SELECT id, has([200, 404], status) FROM ev ORDER BY id;
SELECT id FROM ev WHERE status IN ('abc'); -- error: Cannot convert string 'abc' to type UInt16
SELECT id FROM ev WHERE status = 'abc'; -- error: Cannot convert string 'abc' to type UInt16
SELECT has(['200'], status) FROM ev; -- error: There is no supertype
SELECT count() FROM ev WHERE isNull('x') AND d = '2026-10-05 10:00:00';
SELECT toTypeName(status = 'abc') FROM ev LIMIT 1;
SELECT count() FROM ev WHERE id > 100 AND d = '2026-10-05 10:00:00'; -- error: Cannot convert string '2026-10-05 10:00:00' to type Date
