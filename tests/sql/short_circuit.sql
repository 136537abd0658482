-- Short-circuit evaluation: and/or read an argument only on the rows the ones before it
-- leave undecided, if/multiIf/CASE WHEN a branch only on the rows that take it, so rows
-- not taken raise no error; isNull/isNotNull of a value that cannot be NULL and
-- toTypeName never evaluate their argument.
CREATE TABLE u (id UInt32, status UInt32, delta Int32, qty Nullable(Int64), name String) ENGINE = MergeTree ORDER BY id;
INSERT INTO u VALUES (1, 10, 0, NULL, 'a'), (2, 20, 5, 3, 'b'), (3, 30, -3, NULL, ''), (4, 40, 0, 7, 'd'), (5, 50, 2, 0, 'e');
SELECT number != 0 AND intDiv(1, number) > 0 FROM numbers(3);
SELECT number = 0 OR intDiv(1, number) > 0 FROM numbers(3);
SELECT number != 0 AND intDiv(1, number) > 0 AND 1 FROM numbers(3);
SELECT and(number != 0, intDiv(1, number) > 0, number != 0) FROM numbers(3);
SELECT number != 0 AND (number > 100 OR intDiv(1, number) > 0) FROM numbers(3);
SELECT not(number != 0 AND intDiv(1, number) > 0) FROM numbers(3);
SELECT number != 0 AND intDiv(1, number) > 0 OR number = 0 FROM numbers(3);
SELECT CAST(number, 'Nullable(UInt64)') != 0 AND intDiv(1, number) > 0 FROM numbers(2);
SELECT if(number = 0, 0, intDiv(1, number)) FROM numbers(3);
SELECT number = 0 ? 0 : intDiv(1, number) FROM numbers(3);
SELECT if(CAST(number, 'Nullable(UInt64)') != 0, intDiv(1, number), 7) FROM numbers(2);
SELECT if(number != 0, intDiv(10, number), NULL) FROM numbers(3);
SELECT if(number = 0, 'zero', toString(intDiv(10, number))) FROM numbers(3);
SELECT if(number != 0, intDiv(1, number) > 0 AND number != 5, 0) FROM numbers(3);
SELECT multiIf(number = 0, 0, number = 1, 1, intDiv(1, number - 1)) FROM numbers(3);
SELECT multiIf(number = 0, 0, intDiv(1, number) > 0, 1, 2) FROM numbers(3);
SELECT CASE WHEN number = 0 THEN 0 ELSE intDiv(1, number) END FROM numbers(3);
SELECT if(0, intDiv(1, 0), 1), if(1, 1, intDiv(1, 0)), multiIf(0, intDiv(1, 0), 1), 1 ? 2 : intDiv(1, 0), if(NULL, intDiv(1, 0), 1);
SELECT CASE WHEN 1 THEN 1 ELSE intDiv(1, 0) END, toTypeName(if(0, intDiv(1, 0), 300)), toTypeName(if(0, intDiv(1, 0), 1.5));
SELECT if(0, intDiv(1, 0), number) FROM numbers(2);
SELECT if(1 = 1, 5, intDiv(1, 0) + number) FROM numbers(2);
SELECT number FROM numbers(3) WHERE number != 0 AND intDiv(1, number) > 0;
SELECT number FROM numbers(3) WHERE if(number = 0, 1, intDiv(1, number) > 0);
SELECT if(number = 0, 0, intDiv(1, number)) AS y FROM numbers(3) WHERE y >= 0;
SELECT countIf(number != 0 AND intDiv(10, number) > 2), sum(number != 0 AND intDiv(10, number) > 2) FROM numbers(5);
SELECT max(if(number = 0, 0, intDiv(1, number))), avg(if(number = 0, 1, intDiv(1, number))) FROM numbers(3);
SELECT id FROM u WHERE delta != 0 AND intDiv(status, delta) > 0 ORDER BY id;
SELECT id, delta = 0 OR intDiv(status, delta) < 0 FROM u ORDER BY id;
SELECT id, if(delta = 0, -1, intDiv(status, delta)), multiIf(delta = 0, 'none', delta > 0, toString(intDiv(status, delta)), 'neg') FROM u ORDER BY id;
SELECT id, if(qty IS NULL, 'none', CAST(qty, 'String')), qty IS NOT NULL ? CAST(qty, 'String') : '-' FROM u ORDER BY id;
SELECT id, isNull(CAST(qty, 'String')), isNotNull(intDiv(status, delta)), toTypeName(intDiv(status, delta)) FROM u ORDER BY id;
SELECT delta, count() FROM u WHERE delta = 0 OR intDiv(status, delta) > 5 GROUP BY delta ORDER BY delta;
SELECT max(if(delta = 0, 0, intDiv(status, delta))), countIf(delta != 0 AND intDiv(status, delta) > 0) FROM u;
SELECT isNull(intDiv(1, number)), isNotNull(intDiv(1, number)), toTypeName(intDiv(1, number)) FROM numbers(2);
SELECT count() FROM numbers(3) WHERE isNotNull(intDiv(1, number));
SELECT toTypeName(CAST(if(number = 1, NULL, number), 'String')), isNull(CAST(if(number = 1, NULL, number), 'String')) FROM numbers(3);
-- A constant 0 decides and, a constant 1 or: the other arguments are never evaluated.
SELECT intDiv(1, number) > 0 AND 0, intDiv(1, number) > 0 OR 1, intDiv(1, number) > 0 AND -2147483648 > 4294967295 FROM numbers(3);
SELECT intDiv(1, number) > 0 AND NULL AND 0.0, toTypeName(intDiv(1, number) > 0 AND 0), toTypeName(CAST(number, 'Nullable(UInt64)') AND 0) FROM numbers(2);
SELECT count() FROM u WHERE intDiv(status, delta) > 0 AND 0;
SELECT if(intDiv(1, number) > 0 AND 0, 1, 2) FROM numbers(3);
-- Errors ClickHouse does raise: the row takes the branch, the first argument is always
-- evaluated, xor and CASE x WHEN are not short-circuited, a constant is folded first.
SELECT multiIf(number = 0, 0, number = 1, intDiv(2, number - 1), intDiv(1, number)) FROM numbers(3); -- error: Division by zero
SELECT intDiv(1, number) > 0 AND number != 0 FROM numbers(3); -- error: Division by zero
SELECT xor(number != 0, intDiv(1, number) > 0) FROM numbers(3); -- error: Division by zero
SELECT CASE number WHEN 0 THEN 0 ELSE intDiv(1, number) END FROM numbers(3); -- error: Division by zero
SELECT number FROM numbers(4) WHERE number > 1 AND intDiv(1, number - 2) >= 0; -- error: Division by zero
SELECT NULL AND intDiv(1, number) > 0 FROM numbers(2); -- error: Division by zero
SELECT xor(intDiv(1, number) > 0, 0) FROM numbers(3); -- error: Division by zero
SELECT isNull(CAST(intDiv(1, number), 'Nullable(UInt8)')) FROM numbers(2); -- error: Division by zero
SELECT sumIf(intDiv(1, number), number != 0) FROM numbers(3); -- error: Division by zero
SELECT isNull(intDiv(1, 0)); -- error: Division by zero
SELECT toTypeName(intDiv(1, 0)); -- error: Division by zero
SELECT 0 AND intDiv(1, 0); -- error: Division by zero
SELECT if(number > 5, intDiv(1, 0), number) FROM numbers(2); -- error: Division by zero
SELECT CAST(if(number = 1, NULL, number), 'String') FROM numbers(3); -- error: convert NULL
