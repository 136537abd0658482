-- The deduplication window as a CREATE TABLE setting. With non_replicated_deduplication_window
-- = 0 a repeated insert is stored again; with a window (tally's default is 100; ClickHouse
-- needs the setting) it is not. tally's own non_replicated_deduplication_window_seconds
-- (ClickHouse has none) bounds the window's age.
CREATE TABLE kept (k String, v UInt64) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100;
CREATE TABLE off (k String, v UInt64) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 0;
INSERT INTO kept VALUES ('a', 1), ('b', 2);
INSERT INTO kept VALUES ('a', 1), ('b', 2);
INSERT INTO off VALUES ('a', 1), ('b', 2);
INSERT INTO off VALUES ('a', 1), ('b', 2);
SELECT k, count(), sum(v) FROM kept GROUP BY k ORDER BY k;
SELECT k, count(), sum(v) FROM off GROUP BY k ORDER BY k;
CREATE TABLE bad (k String) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window_seconds = 0; -- error: must be a whole number of seconds, at least 1
