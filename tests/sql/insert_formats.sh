# INSERT ... VALUES / FORMAT JSONEachRow / CSV / TabSeparated with the data on stdin, and
# bad rows: an error that names the row and the column, and nothing stored.
source "$CASE_LIB"
tally_local --query "CREATE TABLE ev (time DateTime, tenant LowCardinality(String), status UInt16, value Nullable(Float64), tags Array(String), labels Map(String, String)) ENGINE = MergeTree ORDER BY (tenant, time)"

printf '%s\n' '{"time":"2026-10-01 00:00:00","tenant":"acme","status":200,"value":1.5,"tags":["a","b"],"labels":{"k":"v"}}' \
  '{"tenant":"acme","time":"2026-10-01 00:00:01","status":"404","value":null}' \
  '{"time":1790812802,"tenant":"glo\"bex","status":500,"value":2,"tags":[],"labels":{}}' |
  tally_local --query "INSERT INTO ev FORMAT JSONEachRow"
printf '2026-10-02 00:00:00,initech,200,3.25,"[\x27x\x27]","{\x27a\x27:\x27b\x27}"\n"2026-10-02 00:00:01","in,itech",201,\\N,[],{}\n' |
  tally_local --query "INSERT INTO ev FORMAT CSV"
printf '2026-10-03 00:00:00\ttab\\there\t200\t\\N\t[]\t{}\n2026-10-03 00:00:01\tumbrella\t302\t-1\t[\x27q\x27]\t{}\n' |
  tally_local --query "INSERT INTO ev FORMAT TabSeparated"
printf 'tenant\tstatus\ttime\nnamed\t204\t2026-10-04 00:00:00\n' |
  tally_local --query "INSERT INTO ev FORMAT TabSeparatedWithNames"
printf '"status","tenant"\n418,"csvnames"\n' | tally_local --query "INSERT INTO ev FORMAT CSVWithNames"
tally_local --query "INSERT INTO ev (time, tenant, status) VALUES ('2026-10-05 00:00:00', 'values', 100)"
tally_local --query "SELECT * FROM ev ORDER BY time, tenant"
tally_local --query "SELECT count(), sum(status) FROM ev"

# A bad row anywhere fails the whole insert, naming the 1-based row and the column.
bad_json='{"time":"2026-10-06 00:00:00","tenant":"x","status":1}
{"time":"2026-10-06 00:00:00","tenant":"x","status":"abc"}'
expect_error "row 2" tally_local --query "INSERT INTO ev FORMAT JSONEachRow" <<<"$bad_json"
expect_error "status" tally_local --query "INSERT INTO ev FORMAT JSONEachRow" <<<"$bad_json"
expect_error "row 3" tally_local --query "INSERT INTO ev FORMAT CSV" <<<'2026-10-06 00:00:00,x,1,1,[],{}
2026-10-06 00:00:00,x,2,2,[],{}
2026-10-06 00:00:00,x,3,not_a_number,[],{}'
expect_error "value" tally_local --query "INSERT INTO ev FORMAT CSV" <<<'2026-10-06 00:00:00,x,3,not_a_number,[],{}'
expect_error "time" tally_local --query "INSERT INTO ev FORMAT TabSeparated" <<<$'yesterday\tx\t1\t1\t[]\t{}'
expect_error "row 2" tally_local --query "INSERT INTO ev (time, tenant, status) VALUES ('2026-10-06 00:00:00', 'x', 1), ('2026-10-06 00:00:00', 'x', 'abc')"
expect_error "status" tally_local --query "INSERT INTO ev (time, tenant, status) VALUES ('2026-10-06 00:00:00', 'x', 1), ('2026-10-06 00:00:00', 'x', 'abc')"
tally_local --query "SELECT count(), sum(status) FROM ev"

# Without --query the data follows the INSERT statement in the script itself.
printf 'INSERT INTO ev (time, tenant, status) FORMAT CSV\n2026-10-07 00:00:00,inline,1\n2026-10-07 00:00:01,inline,2\n' | tally_local
tally_local --query "SELECT tenant, count(), sum(status) FROM ev WHERE tenant = 'inline' GROUP BY tenant"
