-- DESCRIBE's codec_expression as ClickHouse prints it: widths filled in, no CODEC(...).
CREATE TABLE codecs (t DateTime CODEC(Delta, ZSTD), d Date CODEC(Delta, ZSTD(22)), n Nullable(UInt32) CODEC(Delta(4), ZSTD(1)), t64 DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD), f Float64 CODEC(Gorilla), s String CODEC(ZSTD(5)), raw UInt64 CODEC(NONE), plain UInt8, x UInt8 DEFAULT 7 CODEC(ZSTD)) ENGINE = MergeTree ORDER BY t;
DESCRIBE TABLE codecs;
