-- What ClickHouse clients read to learn the server: system.settings, system.columns,
-- system.tables, system.functions, system.formats, DESCRIBE, EXISTS and the server
-- functions, where the answers are ClickHouse's (tally's own values, such as version()
-- and the settings' defaults that differ, are in tests/engine/client_sql_test.cc).
CREATE TABLE t (a UInt32 COMMENT 'the a', b String DEFAULT 'x' CODEC(ZSTD(3)), c DateTime CODEC(Delta, ZSTD), d Date)
ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY (a, c) COMMENT 'it''s a table';
-- The types clients parse.
SELECT toTypeName(version()), toTypeName(timezone()), toTypeName(serverTimezone()), toTypeName(uptime()), toTypeName(currentUser()), toTypeName(hostName());
SELECT timezone(), timeZone() SETTINGS session_timezone = 'Asia/Tokyo';
SELECT 'ping';
SELECT 1 AS check;
SELECT currentDatabase(), DATABASE(), current_database();
-- system.settings: the columns clickhouse-connect reads, and the ClickHouse types of the
-- settings tally has.
SELECT name, type FROM system.columns WHERE database = 'system' AND table = 'settings' AND name IN ('name', 'value', 'changed', 'description', 'min', 'max', 'readonly', 'type', 'default', 'alias_for', 'is_obsolete') ORDER BY name;
SELECT name, type FROM system.settings WHERE name IN ('max_memory_usage', 'max_execution_time', 'max_threads', 'default_format', 'session_timezone', 'input_format_skip_unknown_fields', 'max_read_buffer_size', 'min_insert_block_size_rows', 'min_insert_block_size_bytes', 'allow_drop_detached', 'check_query_single_value_result', 'enable_positional_arguments', 'totals_mode', 'insert_deduplicate', 'insert_deduplication_token', 'date_time_input_format', 'cancel_http_readonly_queries_on_client_close', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms', 'enable_http_compression', 'http_wait_end_of_query', 'async_insert', 'wait_for_async_insert', 'log_comment', 'output_format_json_quote_denormals', 'date_time_output_format', 'input_format_null_as_default', 'input_format_defaults_for_omitted_fields', 'output_format_json_quote_64bit_integers') ORDER BY name;
SELECT name, value, changed, readonly FROM system.settings WHERE name IN ('totals_mode', 'insert_deduplicate', 'enable_positional_arguments', 'max_execution_time', 'session_timezone', 'log_comment', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms', 'cancel_http_readonly_queries_on_client_close', 'wait_for_async_insert') ORDER BY name;
SET totals_mode = 'before_having', insert_deduplicate = 1, max_execution_time = 30, session_timezone = 'Europe/Berlin';
SET log_comment = 'from a client', send_progress_in_http_headers = 1, http_headers_progress_interval_ms = 110000, cancel_http_readonly_queries_on_client_close = 1;
SELECT name, value, changed FROM system.settings WHERE name IN ('totals_mode', 'insert_deduplicate', 'enable_positional_arguments', 'max_execution_time', 'session_timezone', 'log_comment', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms', 'cancel_http_readonly_queries_on_client_close') ORDER BY name;
SELECT timezone();
SELECT name, value, changed FROM system.settings WHERE name IN ('enable_positional_arguments', 'async_insert') ORDER BY name SETTINGS enable_positional_arguments = 0, async_insert = 0;
SET no_such_setting = 1; -- error: Unknown setting
SET date_time_input_format = 'nonsense'; -- error: Unexpected value of DateTimeInputFormat
-- system.columns and system.tables as Grafana's plugin and SQLAlchemy read them.
SELECT database, table, name, type, position, default_kind, default_expression, comment, is_in_partition_key, is_in_sorting_key, is_in_primary_key, is_in_sampling_key, compression_codec FROM system.columns WHERE database = currentDatabase() AND table = 't' ORDER BY position;
SELECT name, type, table FROM system.columns WHERE database IN ('default') AND table = 't' ORDER BY name;
SELECT count() FROM system.columns WHERE database = currentDatabase();
SELECT engine, engine_full, comment FROM system.tables WHERE database = 'default' AND name = 't';
SELECT create_table_query, partition_key, sorting_key, primary_key, sampling_key, is_temporary FROM system.tables WHERE database = currentDatabase() AND name = 't';
SELECT name FROM system.tables WHERE database = 'default' ORDER BY name;
-- DESCRIBE: ClickHouse's seven String columns, in the spellings clients send.
DESCRIBE TABLE t FORMAT TSVWithNamesAndTypes;
DESC TABLE "default"."t";
DESCRIBE `default`.t;
-- EXISTS answers UInt8 (SQLAlchemy compares it with 1).
EXISTS TABLE t FORMAT TSVWithNamesAndTypes;
EXISTS TABLE default.nope;
EXISTS t;
EXISTS DATABASE default FORMAT TSVWithNamesAndTypes;
EXISTS DATABASE nope;
SHOW TABLES FROM "default";
SHOW TABLES;
SHOW CREATE TABLE t;
-- system.functions as Grafana's editor reads it.
SELECT name, is_aggregate, case_insensitive, alias_to, origin FROM system.functions WHERE name IN ('version', 'timezone', 'timeZone', 'serverTimezone', 'serverTimeZone', 'uptime', 'hostName', 'hostname', 'currentUser', 'user', 'current_user', 'currentDatabase', 'DATABASE', 'current_database', 'sum', 'count', 'uniqExact', 'toStartOfHour', 'now') ORDER BY name;
SELECT name, type FROM system.columns WHERE database = 'system' AND table = 'functions' AND name IN ('name', 'is_aggregate', 'case_insensitive', 'alias_to', 'create_query', 'description', 'syntax', 'arguments', 'returned_value', 'examples', 'categories') ORDER BY name;
-- system.formats: formats tally both reads and writes, as ClickHouse does.
SELECT name, is_input, is_output FROM system.formats WHERE name IN ('TabSeparated', 'TSV', 'CSV', 'JSONEachRow', 'TabSeparatedWithNamesAndTypes', 'JSONCompactEachRow') ORDER BY name;
-- INSERT with (* EXCEPT ...): clickhouse-js's `columns: { except: [...] }`. (A failing
-- statement ends tally's session, not chDB's: the zone is set again.)
SET session_timezone = 'UTC';
CREATE TABLE e (a UInt32, b String, c DateTime, d Date DEFAULT '2026-01-01') ENGINE = MergeTree ORDER BY a;
INSERT INTO e (*) VALUES (1, 'x', '2020-01-01 00:00:00', '2020-01-01');
INSERT INTO e (* EXCEPT (c, d)) VALUES (2, 'y');
INSERT INTO e (* EXCEPT c) VALUES (3, 'z', '2020-01-02');
INSERT INTO e (* EXCEPT (no_such_column)) VALUES (4, 'w', 0, 0);
SELECT * FROM e ORDER BY a;
