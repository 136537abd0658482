# SHOW CREATE TABLE prints what ClickHouse prints (codecs with their widths, ORDER BY
# tuple(), the settings), and running the printed statement recreates the same table.
source "$CASE_LIB"
tally_local --query "CREATE TABLE codecs (t DateTime CODEC(Delta, ZSTD), d Date CODEC(Delta, ZSTD(22)), \
  n Nullable(UInt32) CODEC(Delta(4), ZSTD(1)), a Array(UInt16) CODEC(Delta, ZSTD(3)), \
  t64 DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD), u UInt64 CODEC(DoubleDelta), \
  f Float64 CODEC(Gorilla), g Float32 CODEC(Gorilla, ZSTD(2)), s String CODEC(ZSTD(5)), \
  raw UInt64 CODEC(NONE), plain UInt8, x UInt8 DEFAULT 7 CODEC(ZSTD)) \
  ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY (t, u) SETTINGS index_granularity = 512"
tally_local --query "CREATE TABLE unsorted (a Int32, b String) ENGINE = MergeTree ORDER BY tuple()"
tally_local --query "CREATE TABLE bytes (a Int32) ENGINE = MergeTree ORDER BY a SETTINGS index_granularity_bytes = 1048576"

for table in codecs unsorted bytes; do
  tally_local --query "SHOW CREATE TABLE $table"
  tally_local --query "DESCRIBE TABLE $table" >/dev/null
  statement=$(tally_local --query "SHOW CREATE TABLE $table FORMAT TSVRaw")
  tally_local --query "DROP TABLE $table"
  tally_local --query "$statement"
  again=$(tally_local --query "SHOW CREATE TABLE $table FORMAT TSVRaw")
  if [[ "$again" != "$statement" ]]; then
    echo "FAIL: $table recreated differently:" >&2
    diff <(echo "$statement") <(echo "$again") >&2
    exit 1
  fi
done
