# EXPLAIN: the plan's steps, in order (their details differ between versions), and the
# pruning it reports.
source "$CASE_LIB"
tally_local --query "CREATE TABLE t (k String, t DateTime, v UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(t) ORDER BY (k, t)"
tally_local --query "INSERT INTO t VALUES ('a', '2026-10-01 00:00:00', 1), ('b', '2026-11-01 00:00:00', 2)"
steps() { grep -oE '(Limit|Sorting|Aggregating|ReadFromMergeTree)( \(|$)' | sed 's/ ($//'; }
tally_local --query "EXPLAIN SELECT k, sum(v) FROM t WHERE k = 'a' GROUP BY k ORDER BY k LIMIT 3" | steps
echo ---
tally_local --query "EXPLAIN SELECT sum(v) FROM t WHERE t >= '2026-10-15 00:00:00'" | steps
echo ---
tally_local --query "EXPLAIN SELECT k FROM t ORDER BY v" | steps
echo ---
# The same queries still run.
tally_local --query "SELECT k, sum(v) FROM t WHERE k = 'a' GROUP BY k ORDER BY k LIMIT 3"
# Pruning: the partition of October is skipped by the time condition, and the primary key
# leaves no granule for a tenant that is not there.
expect_output "MinMax: parts 1/2" tally_local --query "EXPLAIN SELECT count() FROM t WHERE t >= '2026-10-15 00:00:00'"
expect_output "granules 0/2" tally_local --query "EXPLAIN SELECT count() FROM t WHERE k = 'zzz'"
expect_output "Filter (WHERE" tally_local --query "EXPLAIN SELECT count() FROM t WHERE k = 'zzz'"
expect_output "Sorting" tally_local --query "EXPLAIN PLAN SELECT k FROM t ORDER BY v FORMAT TSV"
