# Parts set aside stay visible until the user decides: a damaged part is moved to
# detached/ at open, listed in system.detached_parts, fails CHECK TABLE and .check, and is
# attached back or dropped by SQL. A manifest that lost an acknowledged record makes the
# open refuse; `tally repair` sets the part aside, and ATTACH PART brings its rows back.
source "$CASE_LIB"
tally_local --query "CREATE TABLE t (k UInt32, v String) ENGINE = MergeTree ORDER BY k"
tally_local --query "INSERT INTO t VALUES (1, 'a'), (2, 'b')"
tally_local --query "INSERT INTO t VALUES (3, 'c')"
table_dir=$(echo "$DATA"/tables/t.*)

echo "-- a damaged marks file: the part is set aside at the next open"
printf 'x' >> "$table_dir/all_1_1_0/k.mrk"
tally_local --query "SELECT count() FROM t"
tally_local --query "SELECT database, table, partition_id, name, reason, min_block_number, max_block_number, level, \
  message, modification_time > 0, path LIKE '%/tables/t.%/detached/broken_all_1_1_0' FROM system.detached_parts"
tally_local --query "CHECK TABLE t" | cut -c1-60
tally_local --query "CHECK TABLE t SETTINGS check_query_single_value_result = 1"
expect_error "1 part is set aside in detached/ (broken_all_1_1_0)" tally_local --query ".check t"
expect_error "size 38 bytes, part.meta says 37" tally_local --query "ALTER TABLE t ATTACH PART 'broken_all_1_1_0'"
expect_error "DROP DETACHED PART is disabled" tally_local --query "ALTER TABLE t DROP DETACHED PART 'broken_all_1_1_0'"
expect_error "no detached part 'nope'" \
  tally_local --query "ALTER TABLE t DROP DETACHED PART 'nope' SETTINGS allow_drop_detached = 1"
tally_local --query "ALTER TABLE t DROP DETACHED PART 'broken_all_1_1_0' SETTINGS allow_drop_detached = 1"
tally_local --query "SELECT count() FROM system.detached_parts"
tally_local --query "CHECK TABLE t"
tally_local --query ".check t"

echo "-- the manifest loses its last (acknowledged) record: refuse, then repair"
tally_local --query "INSERT INTO t VALUES (4, 'd'), (5, 'e')"
size=$(stat -c %s "$DATA/MANIFEST")
truncate -s $((size - 3)) "$DATA/MANIFEST"
expect_error "part directory all_3_3_0 is named by no committed edit" tally_local --query "SELECT 1"
expect_error "tally repair --data" tally_local --query "SELECT 1"
"$TALLY" repair --data "$DATA" | sed -E 's/(kept the damaged manifest as ).*/\1.../' || true
tally_local --query "SELECT k, v FROM t ORDER BY k"
tally_local --query "SELECT name, reason FROM system.detached_parts"
tally_local --query "ALTER TABLE t ATTACH PART 'unreferenced_all_3_3_0'"
tally_local --query "SELECT k, v FROM t ORDER BY k"
tally_local --query "SELECT name, rows FROM system.parts WHERE table = 't' ORDER BY name"
tally_local --query "CHECK TABLE t"
