"""The MergeTree-family part of the peer benchmark (issue 12): rollups, FINAL and merges on
tally and ClickHouse (chDB). The SQL and the data layout are in mergetree_workloads.py.

run.py calls run() after its own queries (`--suite all`, what `make bench` runs), or only
this part with `--suite mergetree`:

  python benchmarks/peer/run.py --suite mergetree --rows 10000000

Each system works in a directory of its own (<work>/<system>-mergetree): the events are
loaded and merged as in the main tables, then the rollups are filled, the four engine
tables built in ten batches, the queries run (cold and hot, as run.py runs them), and
last each engine table is merged by OPTIMIZE TABLE ... FINAL. Every statement outside the
queries runs and is timed on its own: tally in a process per statement (wall time from
--time, CPU time of the process from GNU time), chDB in one worker process
(peer_worker.py exec: wall and getrusage CPU around each statement).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mergetree_workloads as mw  # noqa: E402
import run as harness  # noqa: E402  (run.py imports this module inside main() only)
import workloads  # noqa: E402

SYSTEMS = ("tally", "chdb")
WORKLOAD = "mergetree"  # run.Runner.dir(system, WORKLOAD) is <work>/<system>-mergetree


def tally_steps(r, d, sqls):
    """Runs each statement in a tally process of its own: {"steps": [{s, cpu_s, rows}]}.
    Each starts with no dirty pages, as in peer_worker.py exec."""
    steps = []
    for sql in sqls:
        os.sync()
        with tempfile.NamedTemporaryFile("r", suffix=".cpu") as cpu:
            p = subprocess.run(["/usr/bin/time", "-f", "%U %S", "-o", cpu.name, r.a.tally, "local", "--data", d,
                                "--time", "--format", "TabSeparated", "--query", sql], capture_output=True,
                               text=True)
            if p.returncode != 0:
                return {"error": f"{' '.join(sql.split())[:120]}: {harness.failure_line(p.returncode, p.stderr)}"}
            user, system = cpu.read().split()[-2:]
        steps.append({"s": float(p.stderr.strip().splitlines()[-1]), "cpu_s": float(user) + float(system),
                      "rows": [line.split("\t") for line in p.stdout.splitlines()]})
    return {"steps": steps}


def chdb_steps(r, d, sqls):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"sql": sqls}, f)
    try:
        rc, out, err, _, _ = harness.run_proc([r.py, r.worker, "chdb", "exec", d, f.name])
    finally:
        os.unlink(f.name)
    if rc != 0:
        return {"error": harness.failure_line(rc, err)}
    return json.loads(out)


def steps(r, system, sqls):
    d = r.dir(system, WORKLOAD)
    return tally_steps(r, d, sqls) if system == "tally" else chdb_steps(r, d, sqls)


def load_events(r, system, data):
    """The metering events, loaded and merged as run.py loads its main tables."""
    d = r.dir(system, WORKLOAD)
    r.fresh(d)
    if system == "chdb":
        rc, out, err, _, _ = harness.run_proc([r.py, r.worker, "chdb", "ingest", d, "metering", data])
        return json.loads(out) if rc == 0 else {"error": harness.failure(rc, err)}
    w = workloads.WORKLOADS["metering"]
    for sql, stdin in ((w["ddl"]["tally"], None), (workloads.ingest_sql("tally", "metering", data), data),
                       ("OPTIMIZE TABLE events FINAL", None)):
        rc, _, err, _, _ = harness.run_proc([r.a.tally, "local", "--data", d, "--time", "--query", sql],
                                            stdin_path=stdin)
        if rc != 0:
            return {"error": harness.failure(rc, err)}
    return {}


def parts(rows):
    return {t: {"parts": int(p), "rows": int(n)} for t, p, n in rows}


def build(r, system, data):
    """Loads, fills the rollups and builds the engine tables; the figures of each step."""
    out = {}
    loaded = load_events(r, system, data)
    if "error" in loaded:
        return {"error": "load events: " + loaded["error"]}
    fill = steps(r, system, [mw.ROLLUP_DDL["usage_hourly"], mw.ROLLUP_FILL["usage_hourly"],
                             mw.ROLLUP_DDL["usage_agg"], mw.ROLLUP_FILL["usage_agg"]])
    if "error" in fill:
        return {"error": "rollup fill: " + fill["error"]}
    out["fill"] = {"usage_hourly": fill["steps"][1], "usage_agg": fill["steps"][3]}
    out["batches"] = {}
    for kind in mw.MERGE_TABLES:
        res = steps(r, system, [mw.merge_table_ddl(kind, system)] +
                    [mw.batch_insert(kind, k, system) for k in range(mw.BATCHES)])
        if "error" in res:
            return {"error": f"{mw.table(kind)} batches: " + res["error"]}
        ins = res["steps"][1:]
        out["batches"][kind] = {"s": sum(x["s"] for x in ins), "cpu_s": sum(x["cpu_s"] for x in ins)}
    res = steps(r, system, [mw.PARTS_SQL])
    if "error" in res:
        return {"error": "system.parts: " + res["error"]}
    out["parts_before"] = parts(res["steps"][0]["rows"])
    return out


def merge(r, system):
    """OPTIMIZE TABLE ... FINAL on each engine table, then the parts left."""
    res = steps(r, system, [f"OPTIMIZE TABLE {mw.table(k)} FINAL" for k in mw.MERGE_TABLES] + [mw.PARTS_SQL])
    if "error" in res:
        return {"error": res["error"]}
    return {"optimize": {k: {"s": x["s"], "cpu_s": x["cpu_s"]} for k, x in zip(mw.MERGE_TABLES, res["steps"])},
            "parts_after_merge": parts(res["steps"][-1]["rows"])}


def compare(a, b, approx, cols=None):
    """Rows a and b (normalized): equal outside `approx` columns, within the tolerance in them."""
    def key(row):
        return tuple(v for i, v in enumerate(row) if i not in approx)
    na = sorted(([harness.norm_value(v) for v in row] for row in a), key=key)
    nb = sorted(([harness.norm_value(v) for v in row] for row in b), key=key)
    if cols is not None:
        na = [[row[i] for i in cols] for row in na]
        nb = [[row[i] for i in cols] for row in nb]
    if len(na) != len(nb):
        return {"agree": False, "why": f"{len(na)} rows against {len(nb)}"}
    worst = 0.0
    for x, y in zip(na, nb):
        for i, (u, v) in enumerate(zip(x, y)):
            if cols is None and i in approx:
                fu, fv = float(u), float(v)
                worst = max(worst, abs(fu - fv) / max(abs(fv), 1.0))
            elif u != v:
                return {"agree": False, "why": f"first difference: {x} against {y}"}
    ok = worst <= mw.APPROX_TOLERANCE
    return {"agree": ok, "max_rel_diff": worst} if ok else {"agree": False, "why": f"relative difference {worst}"}


def run_queries(r, res):
    for group, name, sql, approx in mw.QUERIES:
        entry = {"group": group, "name": name, "sql": sql, "systems": {}}
        rows = {}
        for s in SYSTEMS:
            if "error" in res["build"].get(s, {}):
                entry["systems"][s] = {"error": "build failed"}
                continue
            harness.log(f"mergetree query {name}: {s}")
            cold = r.query(s, WORKLOAD, sql, 0)
            hot = r.query(s, WORKLOAD, sql, harness.HOT_REPS) if "error" not in cold else cold
            if "error" in cold or "error" in hot:
                e = cold.get("error") or hot.get("error")
                entry["systems"][s] = {"error": e}
                res["errors"].append({"what": f"query mergetree/{name}", "system": s, "error": e})
                harness.log(f"  error: {e[:300]}")
                continue
            rows[s] = cold["rows"]
            v = {"cold_s": cold["cold_s"], "hot_s": hot["hot_s"], "hot_median_s": statistics.median(hot["hot_s"]),
                 "hot_best_s": min(hot["hot_s"]), "result_rows": len(cold["rows"])}
            for k in ("hot_1t_s", "hot_default_s"):
                if k in hot:
                    v[k[:-2] + "_median_s"] = statistics.median(hot[k])
            if group == "final":
                v["count"] = sum(int(x[1]) for x in cold["rows"])
            entry["systems"][s] = v
            harness.log(f"  hot median {v['hot_median_s'] * 1000:.1f} ms, cold {v['cold_s'] * 1000:.1f} ms,"
                        f" {len(cold['rows'])} rows")
        if len(rows) == 2:
            entry["agree"] = compare(rows["tally"], rows["chdb"], approx)
            if not entry["agree"]["agree"]:
                harness.log(f"  MISMATCH on {name}: {entry['agree']['why']}")
                entry["samples"] = {s: rows[s][:5] for s in rows}
        entry["_rows"] = rows
        res["queries"].append(entry)
    # A rollup must answer what the events answer, on each system.
    by_name = {q["name"]: q for q in res["queries"]}
    res["rollup_matches_events"] = {}
    for name, ref, cols in mw.SAME_ANSWER:
        for s in SYSTEMS:
            a, b = by_name[name]["_rows"].get(s), by_name[ref]["_rows"].get(s)
            if a is not None and b is not None:
                res["rollup_matches_events"][f"{s}: {name}"] = compare(a, b, (), cols)["agree"]
    for q in res["queries"]:
        del q["_rows"]


def run(r, data):
    """The whole MergeTree-family benchmark on the events in `data`; a JSON-able dict."""
    res = {"ddl": {"rollups": mw.ROLLUP_DDL, "rollup_fill": mw.ROLLUP_FILL,
                   "engine_tables": {s: [mw.merge_table_ddl(k, s) for k in mw.MERGE_TABLES] for s in SYSTEMS},
                   "batch_example": {k: mw.batch_insert(k, 1, "tally") for k in mw.MERGE_TABLES}},
           "build": {}, "queries": [], "merge": {}, "errors": []}
    for s in SYSTEMS:
        harness.log(f"mergetree build: {s}")
        t = time.time()
        res["build"][s] = build(r, s, data)
        if "error" in res["build"][s]:
            res["errors"].append({"what": "mergetree build", "system": s, "error": res["build"][s]["error"]})
            harness.log(f"  error: {res['build'][s]['error'][:300]}")
        else:
            harness.log(f"  {time.time() - t:.0f} s, parts: {res['build'][s]['parts_before']}")
    run_queries(r, res)
    for s in SYSTEMS:
        if "error" in res["build"][s]:
            continue
        after = steps(r, s, [mw.PARTS_SQL])
        if "error" not in after:
            res["build"][s]["parts_after_queries"] = parts(after["steps"][0]["rows"])
        harness.log(f"mergetree OPTIMIZE FINAL: {s}")
        res["merge"][s] = merge(r, s)
        if "error" in res["merge"][s]:
            res["errors"].append({"what": "mergetree OPTIMIZE", "system": s, "error": res["merge"][s]["error"]})
        else:
            harness.log("  " + ", ".join(f"{k} {v['s']:.2f} s" for k, v in res["merge"][s]["optimize"].items()))
    return res


LOGHOUSE = "loghouse"  # <work>/<system>-loghouse


def loghouse_steps(r, system, sqls):
    d = r.dir(system, LOGHOUSE)
    return tally_steps(r, d, sqls) if system == "tally" else chdb_steps(r, d, sqls)


def loghouse(r, logs_path, meta):
    """The LogHouse table: loaded with the logs, a needle query per index, then the first day
    dropped by its TTL: ALTER TABLE ... MODIFY TTL moves the TTL past it (ClickHouse then
    recomputes every part's TTL; tally changes the schema only) and OPTIMIZE TABLE ...
    PARTITION ... FINAL drops it. ClickHouse drops rows already expired when they are
    inserted, hence the TTL that first keeps every day."""
    import datetime
    first = datetime.date.fromisoformat(mw.LOGHOUSE_FIRST_DAY)
    drop_days = (datetime.date.today() - first).days  # the first day's rows expire today
    res = {"ddl": mw.loghouse_ddl(drop_days + 1), "systems": {}, "queries": []}
    for s in SYSTEMS:
        harness.log(f"loghouse load: {s}")
        d = r.dir(s, LOGHOUSE)
        r.fresh(d)
        ingest = workloads.ingest_sql(s, "logs", logs_path).replace("INSERT INTO logs ", "INSERT INTO logs_lh ")
        if s == "tally":
            out = tally_steps(r, d, [mw.loghouse_ddl(drop_days + 1)])
            if "error" not in out:
                rc, _, err, wall, _ = harness.run_proc([r.a.tally, "local", "--data", d, "--query", ingest],
                                                       stdin_path=logs_path)
                out = {"error": harness.failure(rc, err)} if rc != 0 else {"steps": [{"s": wall}]}
        else:
            out = chdb_steps(r, d, [mw.loghouse_ddl(drop_days + 1), ingest])
        if "error" not in out:
            out = loghouse_steps(r, s, ["OPTIMIZE TABLE logs_lh FINAL", mw.LOGHOUSE_PARTS_SQL])
        if "error" in out:
            res["systems"][s] = {"error": out["error"]}
            harness.log(f"  error: {out['error'][:300]}")
            continue
        res["systems"][s] = {"parts_loaded": out["steps"][-1]["rows"]}
    ok = [s for s in SYSTEMS if "error" not in res["systems"][s]]
    trace = None
    if "tally" in ok:
        got = loghouse_steps(r, "tally", ["SELECT TraceId FROM logs_lh ORDER BY cityHash64(TraceId) LIMIT 1"])
        trace = got["steps"][0]["rows"][0][0] if "error" not in got else None
    for name, sql in mw.loghouse_queries(trace or "", meta.get("rare_token", ""), meta.get("query_id", "")):
        entry = {"name": name, "sql": sql, "systems": {}}
        rows = {}
        for s in ok:
            cold = r.query(s, LOGHOUSE, sql, 0)
            hot = r.query(s, LOGHOUSE, sql, harness.HOT_REPS) if "error" not in cold else cold
            if "error" in hot:
                entry["systems"][s] = {"error": hot["error"]}
                continue
            rows[s] = cold["rows"]
            entry["systems"][s] = {"hot_median_s": statistics.median(hot["hot_s"]), "result_rows": len(cold["rows"])}
            harness.log(f"loghouse {name}: {s} {entry['systems'][s]['hot_median_s'] * 1000:.1f} ms,"
                        f" {len(cold['rows'])} rows")
        if len(rows) == 2:
            entry["agree"] = compare(rows["tally"], rows["chdb"], ())
        res["queries"].append(entry)
    alter = f"ALTER TABLE logs_lh MODIFY TTL {mw.loghouse_ttl(drop_days)}"
    optimize = f"OPTIMIZE TABLE logs_lh PARTITION '{mw.LOGHOUSE_FIRST_DAY}' FINAL"
    days = {}
    for s in ok:
        sqls = ([] if s == "tally" else ["SET mutations_sync = 2"]) + [alter, optimize, mw.LOGHOUSE_PARTS_SQL,
                                                                        mw.LOGHOUSE_DAYS_SQL]
        out = loghouse_steps(r, s, sqls)
        if "error" in out:
            res["systems"][s]["drop_error"] = out["error"]
            continue
        st = out["steps"][-4:]
        res["systems"][s].update({"alter_ttl": {"s": st[0]["s"], "cpu_s": st[0]["cpu_s"]},
                                  "optimize_drop": {"s": st[1]["s"], "cpu_s": st[1]["cpu_s"]},
                                  "parts_after_drop": st[2]["rows"]})
        days[s] = st[3]["rows"]
        harness.log(f"loghouse TTL drop of {mw.LOGHOUSE_FIRST_DAY}: {s} ALTER {st[0]['s']:.3f} s,"
                    f" OPTIMIZE {st[1]['s']:.3f} s")
    if len(days) == 2:
        res["days_agree"] = compare(days["tally"], days["chdb"], ())
    return res


def main_only(a, r, result):
    """`run.py --suite mergetree`: this part alone, its JSON and its docs section."""
    import report_mergetree
    logs_rows = a.logs_rows or 1000000  # the LogHouse table's
    harness.log(f"generating data: {a.rows} metering events")
    files, meta = harness.gen_data.generate(os.path.join(r.work, "data"), a.rows, logs_rows, seed=42)
    result["rows"] = {"metering": a.rows, "logs": logs_rows}
    result["data"] = {"metering": {"file_bytes": os.path.getsize(files["metering"])}}
    result["mergetree"] = run(r, files["metering"])
    result["mergetree"]["loghouse"] = loghouse(r, files["logs"], meta["logs"])
    out = harness.save_result(a.results, result, result.pop("_started"), "-mergetree")
    if not a.no_docs:
        report_mergetree.write(result, out, harness.ROOT)


if __name__ == "__main__":
    raise SystemExit("run it through run.py: python benchmarks/peer/run.py --suite mergetree --rows N")
