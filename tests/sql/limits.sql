-- Limits that hold: max_execution_time stops a numbers() scan whose filter matches nothing,
-- a huge expression, a GROUP BY and an ORDER BY; max_memory_usage and
-- max_server_memory_usage (by default 80 % of RAM) stop a big GROUP BY; the session goes on
-- after each. (How far past its limit each query runs: docs/benchmarks.md.)
SELECT count() FROM numbers(1000000000000) WHERE number = 5 SETTINGS max_execution_time = 1; -- error: Timeout exceeded: elapsed 1
SELECT sum(multiIf(number = 0, 0, number = 1, 1, number = 2, 2, number = 3, 3, 4)) FROM numbers(1000000000000) SETTINGS max_execution_time = 0.5; -- error: (setting max_execution_time)
SELECT number % 1000000 AS k, count() FROM numbers(1000000000000) GROUP BY k SETTINGS max_execution_time = 0.5; -- error: Timeout exceeded
SELECT number FROM numbers(1000000000000) WHERE number % 1000 = 0 ORDER BY number DESC LIMIT 3 SETTINGS max_execution_time = 0.5; -- error: Timeout exceeded
SELECT number, count() FROM numbers(100000000) GROUP BY number SETTINGS max_memory_usage = 50000000; -- error: Memory limit (for query) exceeded
SET max_server_memory_usage = 50000000; SELECT number, count() FROM numbers(100000000) GROUP BY number; -- error: Memory limit (total) exceeded
SELECT count() FROM numbers(10) WHERE number IN (SELECT number FROM numbers(1000000)) SETTINGS max_memory_usage = 20000000; -- error: Memory limit (for query) exceeded
SELECT count() FROM numbers(1000000) WHERE number = 5 SETTINGS max_execution_time = 100;
SELECT number % 3 AS k, count() FROM numbers(1000) GROUP BY k ORDER BY k SETTINGS max_memory_usage = 10000000;
SELECT number FROM numbers(1000000000000) WHERE number % 1000000 = 0 LIMIT 3 OFFSET 1 SETTINGS max_execution_time = 100;
