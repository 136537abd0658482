-- NaN IN a set holding NaN is true (sets compare bytes); such a list prunes no part.
CREATE TABLE f (id UInt32, x Float64) ENGINE = MergeTree ORDER BY id;
INSERT INTO f VALUES (1, nan), (2, 1.5), (3, nan), (4, inf);
INSERT INTO f VALUES (5, -2), (6, nan);
SELECT count() FROM f WHERE x IN [nan];
SELECT count() FROM f WHERE x IN (nan, 1.5);
SELECT count() FROM f WHERE x NOT IN (nan);
SELECT id FROM f WHERE x IN (SELECT nan) ORDER BY id;
SELECT count() FROM f WHERE x = nan;
