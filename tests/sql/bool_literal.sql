-- TRUE / FALSE are Bool literals; a mix of Bool and UInt8 takes the first one's type
-- (if(c, b, 2) is Bool, if(c, 2, b) UInt8); greatest/least compare Bools as UInt8.
CREATE TABLE bl (b Bool, n UInt8) ENGINE = MergeTree ORDER BY n;
INSERT INTO bl VALUES (1, 1), (0, 2), (1, 3);
SELECT true, false, toTypeName(true), true + 1, toTypeName(true + 1), false AND 1, -true, toTypeName(-true), NOT true, toTypeName(NOT true);
SELECT [true, false], toTypeName([true, false]), true = 1, toTypeName(true = 1), toString(true), CAST(true AS UInt8), true::String, toTypeName(coalesce(NULL, true));
SELECT sum(true), max(true), toTypeName(max(true)), greatest(true, 2), toTypeName(greatest(true, 2)) FROM numbers(3);
SELECT toTypeName([n, b]), toTypeName(if(n > 1, n, b)), toTypeName(if(n > 1, b, toUInt16(1))), toTypeName(multiIf(n > 1, 0, n > 2, b, 1)), toTypeName(if(n > 1, 1, true)), toTypeName(if(n > 1, true, 1)), toTypeName(if(n > 1, b, 0)), toTypeName(coalesce(b, 0)) FROM bl LIMIT 1;
SELECT toTypeName(greatest(b, b)), toTypeName(greatest(b, n)), toTypeName(least(n, b)), toTypeName(greatest(b, NULL)), toTypeName(greatest(true, false)), toTypeName(greatest(b, 1.5)) FROM bl LIMIT 1;
SELECT n, if(n > 1, true, 2), if(n > 1, b, n), greatest(b, b), least(b, n), b IN (true) FROM bl ORDER BY n;
SELECT n FROM bl WHERE true ORDER BY n;
SELECT n FROM bl WHERE b = true ORDER BY n;
SELECT n FROM bl ORDER BY true, n DESC;
