-- Of two NaNs, x + y keeps x's (its sign included), as ClickHouse does: count(DISTINCT)
-- tells NaN and -NaN apart.
CREATE TABLE nanf (ms Float64, m32 Float32) ENGINE = MergeTree ORDER BY tuple();
INSERT INTO nanf VALUES (inf, inf), (nan, nan), (1, 1), (0, 0);
SELECT count(DISTINCT ms * -ms), count(DISTINCT -ms * ms), count(DISTINCT ms + -ms), count(DISTINCT -ms + ms), count(DISTINCT m32 + -m32), count(DISTINCT -m32 + m32), count(DISTINCT m32 * -ms), count(DISTINCT -ms * m32), count(DISTINCT ms + -nan), count(DISTINCT -nan + ms), count(DISTINCT ms * -nan), count(DISTINCT -nan * ms) FROM nanf;
