"""One peer system (chdb or duckdb) in its own process, so its peak RSS is its own.

  peer_worker.py SYSTEM baseline DIR
  peer_worker.py SYSTEM ingest DIR WORKLOAD FILE
  peer_worker.py SYSTEM query DIR JOB.json      (JOB: {"sql": ..., "reps": N}; reps=0: cold)
  peer_worker.py chdb rollup DIR
  peer_worker.py SYSTEM exec DIR JOB.json       (JOB: {"sql": [...]}; each statement timed, wall and CPU)

Prints one JSON object on stdout. Times are wall seconds of the statement alone (process
start, imports and opening the database are not included); each query's result is fully
materialized (chDB: TabSeparated text, DuckDB: fetchall) inside the timing.
"""

import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


class Chdb:
    def __init__(self, path):
        import chdb
        self.conn = chdb.connect(path)

    def run(self, sql):
        return str(self.conn.query(sql, "TabSeparated"))

    def rows(self, out):
        return [line.split("\t") for line in out.splitlines()]

    def close(self):
        self.conn.close()


class Duck:
    def __init__(self, path):
        import duckdb
        self.conn = duckdb.connect(os.path.join(path, "db.duckdb"))

    def run(self, sql):
        return self.conn.execute(sql).fetchall()

    def rows(self, out):
        return [[_duck_value(v) for v in r] for r in out]

    def close(self):
        self.conn.close()


def _duck_value(v):
    if v is None:
        return "\\N"
    if hasattr(v, "isoformat") and hasattr(v, "hour"):
        return v.isoformat(sep=" ")
    return str(v)


# Hot runs, in this order in one process. "hot_s" is the headline: all cores, and for
# ClickHouse without the query condition cache (on by default since 25.3), which remembers
# which granules matched a filter and so turns a repeated selective query into a cache
# lookup; it says little about the engine. "hot_1t_s" is one thread, like tally's scans today;
# "hot_default_s" is ClickHouse's defaults, cache included.
HOT_VARIANTS = {
    "chdb": [("hot_s", ["SET use_query_condition_cache = 0"]), ("hot_1t_s", ["SET max_threads = 1"]),
             ("hot_default_s", ["SET max_threads = 0", "SET use_query_condition_cache = 1"])],
    "duckdb": [("hot_s", []), ("hot_1t_s", ["SET threads = 1"])],
}


def timed(db, sql):
    start = time.perf_counter()
    out = db.run(sql)
    return time.perf_counter() - start, out


def main():
    system, mode, path = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(path, exist_ok=True)
    db = Chdb(path) if system == "chdb" else Duck(path)
    result = {}
    if mode == "ingest":
        workload, data = sys.argv[4], sys.argv[5]
        db.run(workloads.WORKLOADS[workload]["ddl"][system])
        result["ingest_s"], _ = timed(db, workloads.ingest_sql(system, workload, data))
        table = workloads.WORKLOADS[workload]["table"]
        if system == "chdb":
            # Bytes "after merges": ClickHouse merges parts in the background; FINAL forces it.
            result["optimize_s"], _ = timed(db, f"OPTIMIZE TABLE {table} FINAL")
            # Merged-away parts stay on disk until old_parts_lifetime (8 minutes) passes, so
            # `du` would count them; the active parts are what the table occupies.
            parts, active = db.run(f"SELECT count(), sum(bytes_on_disk) FROM system.parts WHERE table = '{table}'"
                                   " AND active").split()
            result["parts"], result["active_bytes"] = int(parts), int(active)
            cols = db.run("SELECT name, data_compressed_bytes FROM system.columns WHERE database = currentDatabase()"
                          f" AND table = '{table}'")
            result["column_bytes"] = {n: int(b) for n, b in (line.split("\t") for line in cols.splitlines())}
        else:
            result["optimize_s"], _ = timed(db, "CHECKPOINT")
        result["rows"] = int(db.rows(db.run(f"SELECT count(*) FROM {table}"))[0][0])
    elif mode == "query":
        with open(sys.argv[4]) as f:
            job = json.load(f)
        if job["reps"] == 0:
            secs, out = timed(db, job["sql"])
            result = {"cold_s": secs, "rows": db.rows(out)}
        else:
            result = {}
            for key, setup in HOT_VARIANTS[system]:
                for sql in setup:
                    db.run(sql)
                _, out = timed(db, job["sql"])  # warm-up
                result[key] = [timed(db, job["sql"])[0] for _ in range(job["reps"])]
                result.setdefault("rows", db.rows(out))
    elif mode == "rollup":
        build = []
        for sql in workloads.CHDB_ROLLUP_DDL:
            build.append(timed(db, sql)[0])
        _, out = timed(db, workloads.CHDB_ROLLUP_QUERY)
        result = {"build_s": sum(build), "hot_s": [timed(db, workloads.CHDB_ROLLUP_QUERY)[0] for _ in range(5)],
                  "rows": db.rows(out)}
    elif mode == "exec":
        # CPU seconds of the whole process (getrusage covers every thread, so merges run by
        # background threads count), around each statement. Each starts with no dirty pages
        # (os.sync), so that a system that syncs what it writes (tally) does not also wait
        # for what the statements before it left unwritten.
        with open(sys.argv[4]) as f:
            job = json.load(f)
        result = {"steps": []}
        for sql in job["sql"]:
            os.sync()
            c0 = resource.getrusage(resource.RUSAGE_SELF)
            secs, out = timed(db, sql)
            c1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu = c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime
            result["steps"].append({"s": secs, "cpu_s": cpu, "rows": db.rows(out)})
    elif mode != "baseline":
        raise SystemExit(f"unknown mode {mode}")
    db.close()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
