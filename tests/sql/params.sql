-- Query parameters {name:Type}, given on the command line in params.args.
CREATE TABLE p (tenant LowCardinality(String), t DateTime, v UInt64) ENGINE = MergeTree ORDER BY (tenant, t);
INSERT INTO p VALUES ('acme', '2026-10-01 00:00:00', 1), ('acme', '2026-10-02 00:00:00', 2), ('globex', '2026-10-01 12:00:00', 4), ('it''s', '2026-10-03 00:00:00', 8);
SELECT {tenant:String}, {limit:UInt8}, {ratio:Float64}, {day:Date}, {start:DateTime}, {neg:Int32}, {tricky:String}, {n:Nullable(UInt8)};
SELECT toTypeName({limit:UInt8}), toTypeName({start:DateTime}), toTypeName({n:Nullable(UInt8)});
SELECT sum(v) FROM p WHERE tenant = {tenant:String};
SELECT tenant, v FROM p WHERE t >= {start:DateTime} ORDER BY v LIMIT {limit:UInt8};
SELECT count() FROM p WHERE toDate(t) = {day:Date};
SELECT v * {ratio:Float64} FROM p WHERE tenant = {tricky:String};
SELECT {tenant:String} AS who, count() FROM p WHERE tenant = who GROUP BY who;
SELECT {missing:String}; -- error: missing
