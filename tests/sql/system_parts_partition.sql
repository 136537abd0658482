-- system.parts.partition: the partition key's value as ClickHouse prints it.
CREATE TABLE a (t DateTime, s String, n Int32, d Date) ENGINE = MergeTree PARTITION BY toYYYYMM(t) ORDER BY t;
CREATE TABLE b (t DateTime, s String, n Int32, d Date) ENGINE = MergeTree PARTITION BY s ORDER BY t;
CREATE TABLE c (t DateTime, s String, n Int32, d Date) ENGINE = MergeTree PARTITION BY (s, n) ORDER BY t;
CREATE TABLE e (t DateTime, s String, n Int32, d Date) ENGINE = SummingMergeTree(n) ORDER BY (t, s, d);
CREATE TABLE f (t DateTime, s String, n Int32, d Date) ENGINE = MergeTree PARTITION BY d ORDER BY t;
CREATE TABLE g (t DateTime, s String, n Int32, d Date) ENGINE = MergeTree PARTITION BY (toMonday(d), n) ORDER BY t;
INSERT INTO a VALUES ('2026-10-01 10:00:00', 'it''s', -5, '2026-10-01'), ('2026-11-02 00:00:00', 'b', 7, '2026-11-02');
INSERT INTO b SELECT * FROM a;
INSERT INTO c SELECT * FROM a;
INSERT INTO e SELECT * FROM a;
INSERT INTO f SELECT * FROM a;
INSERT INTO g SELECT * FROM a;
SELECT table, partition, rows FROM system.parts WHERE database = currentDatabase() ORDER BY table, partition;
