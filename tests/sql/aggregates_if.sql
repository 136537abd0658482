-- The -If combinator on every aggregate.
CREATE TABLE r (tenant LowCardinality(String), status UInt16, ms Float64, user UInt32, v Nullable(UInt64)) ENGINE = MergeTree ORDER BY tenant;
INSERT INTO r VALUES ('acme', 200, 12.5, 1, 1), ('acme', 500, 300, 2, NULL), ('acme', 200, 7, 1, 3), ('globex', 429, 1.25, 3, 4), ('globex', 200, 50, 4, 5), ('initech', 503, 1000, 5, NULL);
SELECT countIf(status >= 500), countIf(status = 200), sumIf(ms, status = 200), minIf(ms, status >= 400), maxIf(ms, status >= 400), avgIf(ms, status = 200) FROM r;
SELECT uniqIf(user, status = 200), uniqExactIf(user, status = 200), anyIf(tenant, status = 429), anyLastIf(tenant, status = 429), argMinIf(tenant, ms, status >= 500), argMaxIf(tenant, ms, status = 200) FROM r;
SELECT quantileIf(0.5)(ms, status = 200), quantilesIf(0, 1)(ms, status >= 500), sumIf(v, v > 1), countIf(v IS NULL), countIf(v, status = 200) FROM r;
SELECT tenant, countIf(status >= 500) AS errors, count() AS total, errors / total, sumIf(ms, status < 500) FROM r GROUP BY tenant ORDER BY tenant;
SELECT countIf(status = 999), sumIf(ms, status = 999), avgIf(ms, status = 999), minIf(ms, status = 999), maxIf(user, 0), uniqIf(user, 0), anyIf(tenant, 0), quantileIf(0.5)(ms, 0) FROM r;
SELECT count(DISTINCT tenant), uniqExactIf(tenant, status != 200) FROM r;
SELECT sumIf(number, number % 2 = 0), countIf(number > 5), avgIf(number, number < 4) FROM numbers(10);
SELECT tenant FROM r GROUP BY tenant HAVING countIf(status >= 500) > 0 ORDER BY tenant;
