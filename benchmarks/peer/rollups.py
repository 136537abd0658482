"""The rollups part of the peer benchmark (issue 14): metering ingest with three materialized
views attached, and the month's billing read from the daily rollup, on tally and ClickHouse
(chDB). The SQL is in rollups_workloads.py; report_rollups.py writes the docs section.

  python benchmarks/peer/run.py --suite rollups --rows 10000000

run.py also runs it after the MergeTree-family part with `--suite all` (what `make bench`
runs). DuckDB has no materialized views and takes no part.

Ingest: each system loads the metering events by the peer benchmark's JSONEachRow path
(tally: `INSERT INTO events FORMAT JSONEachRow` on stdin of `tally local`; ClickHouse:
`INSERT INTO events SELECT * FROM file(...)`), once into `events` alone and once into
`events` with the hourly, daily and monthly views attached, each in a fresh directory
(<work>/<system>-rollups-plain and -views), `--runs` times, in alternating order; the
figure is the median of the statement's wall time. CPU time and peak RSS are of the whole
process (tally: GNU time around `tally local`; ClickHouse: getrusage around the statement,
and the worker's peak RSS, the Python interpreter included). Every insert starts with no
dirty pages (os.sync), as in peer_worker.py exec. Nothing is merged after the ingest.

Reads, on the last run's with-views directories: the month's bill per tenant and metric from
the daily rollup as the ingest left it (several parts, rows not yet summed), the same bill
from the events for scale, then the same rollup query after `OPTIMIZE TABLE daily FINAL`.
Cold and hot as run.py runs every query. The answers are checked: the systems against each
other, each rollup against the events (totals of every rollup, and the daily bill against
the events' bill).
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
import mergetree  # noqa: E402
import rollups_workloads as rw  # noqa: E402
import run as harness  # noqa: E402  (run.py imports this module inside main() only)
import workloads  # noqa: E402

SYSTEMS = ("tally", "chdb")
VARIANTS = ("plain", "views")  # events alone; events with the three views
PROFILE_ROWS = 1_000_000  # events in the ingest profiles
QUERY_PROFILE_RUNS = 1000


def workload(variant):
    """run.Runner.dir(system, workload(variant)) is <work>/<system>-rollups-<variant>."""
    return f"rollups-{variant}"


def ingest_tally(r, d, data, variant):
    rc, _, err, _, _ = harness.run_proc([r.a.tally, "local", "--data", d],
                                        stdin_text=";\n".join(rw.ddl(variant == "views")) + ";\n")
    if rc != 0:
        return {"error": harness.failure(rc, err)}
    os.sync()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as usage, open(data, "rb") as stdin:
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", usage.name, r.a.tally, "local", "--data", d,
                            "--time", "--query", workloads.ingest_sql("tally", "metering", data)], stdin=stdin,
                           capture_output=True, text=True)
        wall = time.perf_counter() - start
        if p.returncode != 0:
            return {"error": harness.failure(p.returncode, p.stderr)}
        rss_kib, user, system = usage.read().split()[-3:]
    return {"ingest_s": float(p.stderr.strip().splitlines()[-1]), "cpu_s": float(user) + float(system),
            "peak_rss_bytes": int(rss_kib) * 1024, "wall_s": wall}


def ingest_chdb(r, d, data, variant):
    sqls = rw.ddl(variant == "views") + [workloads.ingest_sql("chdb", "metering", data)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"sql": sqls}, f)
    try:
        rc, out, err, wall, rss = harness.run_proc([r.py, r.worker, "chdb", "exec", d, f.name])
    finally:
        os.unlink(f.name)
    if rc != 0:
        return {"error": harness.failure(rc, err)}
    step = json.loads(out)["steps"][-1]
    return {"ingest_s": step["s"], "cpu_s": step["cpu_s"], "peak_rss_bytes": rss, "wall_s": wall}


def ingest(r, system, variant, data):
    d = r.dir(system, workload(variant))
    r.fresh(d)
    return (ingest_tally if system == "tally" else ingest_chdb)(r, d, data, variant)


def summarize(runs, rows):
    ok = [x for x in runs if "error" not in x]
    if not ok:
        return {"error": runs[0]["error"] if runs else "not run", "runs": runs}

    def med(k):
        return statistics.median(x[k] for x in ok)
    return {"ingest_s": med("ingest_s"), "rows_per_s": rows / med("ingest_s"), "cpu_s": med("cpu_s"),
            "peak_rss_bytes": med("peak_rss_bytes"), "runs": runs}


def run_ingest(r, data, rows, res):
    runs = {s: {v: [] for v in VARIANTS} for s in SYSTEMS}
    order = [(s, v) for s in SYSTEMS for v in VARIANTS]
    for i in range(r.a.runs):
        for s, v in (order if i % 2 == 0 else list(reversed(order))):
            harness.log(f"rollups ingest run {i + 1}/{r.a.runs}: {s}, {v}")
            x = ingest(r, s, v, data)
            runs[s][v].append(x)
            if "error" in x:
                harness.log(f"  error: {x['error'][:300]}")
            else:
                harness.log(f"  {x['ingest_s']:.2f} s ({rows / x['ingest_s'] / 1e6:.2f}M rows/s),"
                            f" CPU {x['cpu_s']:.2f} s, {x['peak_rss_bytes'] / 2**20:.0f} MiB")
    for s in SYSTEMS:
        res["ingest"][s] = {v: summarize(runs[s][v], rows) for v in VARIANTS}
        for v in VARIANTS:
            if "error" in res["ingest"][s][v]:
                res["errors"].append({"what": f"ingest {v}", "system": s, "error": res["ingest"][s][v]["error"]})


def one_query(r, system, name, sql, res):
    """Cold and hot runs of `sql` on the with-views directory; (figures, rows) or (error, None)."""
    wl = workload("views")
    cold = r.query(system, wl, sql, 0)
    hot = r.query(system, wl, sql, harness.HOT_REPS) if "error" not in cold else cold
    if "error" in cold or "error" in hot:
        e = cold.get("error") or hot.get("error")
        res["errors"].append({"what": f"query {name}", "system": system, "error": e})
        harness.log(f"  error: {e[:300]}")
        return {"error": e}, None
    v = {"cold_s": cold["cold_s"], "hot_s": hot["hot_s"], "hot_median_s": statistics.median(hot["hot_s"]),
         "hot_best_s": min(hot["hot_s"]), "result_rows": len(cold["rows"])}
    for k in ("hot_1t_s", "hot_default_s"):
        if k in hot:
            v[k[:-2] + "_median_s"] = statistics.median(hot[k])
    harness.log(f"  hot median {v['hot_median_s'] * 1000:.2f} ms, cold {v['cold_s'] * 1000:.1f} ms,"
                f" {len(cold['rows'])} rows")
    return v, cold["rows"]


def run_queries(r, res, names_sqls, suffix=""):
    """Each query on each system; the answers compared between systems. {name: {system: rows}}."""
    answers = {}
    for name, sql in names_sqls:
        entry = {"name": name + suffix, "sql": sql, "systems": {}}
        rows = {}
        for s in SYSTEMS:
            if "error" in res["ingest"][s]["views"]:
                entry["systems"][s] = {"error": "ingest failed"}
                continue
            harness.log(f"rollups query {name}{suffix}: {s}")
            entry["systems"][s], got = one_query(r, s, name + suffix, sql, res)
            if got is not None:
                rows[s] = got
        if len(rows) == 2:
            entry["agree"] = mergetree.compare(rows["tally"], rows["chdb"], ())
            if not entry["agree"]["agree"]:
                harness.log(f"  MISMATCH on {name}{suffix}: {entry['agree']['why']}")
                entry["samples"] = {s: rows[s][:5] for s in rows}
        answers[name] = rows
        res["queries"].append(entry)
    return answers


def table_state(r, system):
    """Parts and rows of each table, and each table's totals, on the with-views directory."""
    out = {}
    for key, sql in (("parts", rw.PARTS_SQL), ("totals", rw.TOTALS_SQL)):
        got = r.query(system, workload("views"), sql, 0)
        if "error" in got:
            return {"error": f"{key}: {got['error']}"}
        out[key] = {row[0]: [int(x) for x in row[1:]] for row in got["rows"]}
    t = out["totals"]
    out["totals_match_events"] = all(t[name] == t["events"] for name in rw.TABLES if name in t) and len(t) == 4
    return out


def optimize_daily(r, system):
    d = r.dir(system, workload("views"))
    sql = "OPTIMIZE TABLE daily FINAL"
    if system == "tally":
        got = mergetree.tally_steps(r, d, [sql])
    else:
        got = mergetree.chdb_steps(r, d, [sql])
    return {"error": got["error"]} if "error" in got else {"s": got["steps"][0]["s"]}


def run_reads(r, res):
    ok = [s for s in SYSTEMS if "error" not in res["ingest"][s]["views"]]
    for s in ok:
        res["state"][s] = {"after_ingest": table_state(r, s)}
    answers = run_queries(r, res, rw.QUERIES)
    for s in ok:
        res["state"][s]["after_queries"] = table_state(r, s)
    res["rollup_matches_events"] = {}
    for s in ok:
        a, b = answers[rw.TARGET_QUERY].get(s), answers[rw.REFERENCE_QUERY].get(s)
        if a is not None and b is not None:
            res["rollup_matches_events"][s] = mergetree.compare(a, b, ())["agree"]
    if not r.a.no_profile and "tally" in ok:
        res["profiles"][f"query_{rw.TARGET_QUERY}_{QUERY_PROFILE_RUNS}_runs"] = profile_query(r)
    for s in ok:
        harness.log(f"rollups OPTIMIZE TABLE daily FINAL: {s}")
        res["optimize_daily"][s] = optimize_daily(r, s)
    target = dict(rw.QUERIES)[rw.TARGET_QUERY]
    run_queries(r, res, [(rw.TARGET_QUERY, target)], suffix="_merged")
    for s in ok:
        res["state"][s]["after_optimize"] = table_state(r, s)


def goals(res, rows):
    """[(goal, target, measured, met)]; measured None when a figure is missing."""
    ing = {s: res["ingest"].get(s, {}) for s in SYSTEMS}

    def fig(s, v, k):
        return ing[s].get(v, {}).get(k)
    q = {x["name"]: x for x in res["queries"]}.get(rw.TARGET_QUERY, {"systems": {}})
    t_ms = q["systems"].get("tally", {}).get("hot_median_s")
    c_ms = q["systems"].get("chdb", {}).get("hot_median_s")
    slow = _ratio(fig("tally", "views", "ingest_s"), fig("tally", "plain", "ingest_s"))
    vs_ch = _ratio(fig("tally", "views", "rows_per_s"), fig("chdb", "views", "rows_per_s"))
    return [
        ("Ingest time with the three views over without, tally", "<= 1.3x", slow,
         slow is not None and slow <= 1.3),
        ("Ingest rows/s with the three views, tally/ClickHouse", ">= 1.5x", vs_ch, vs_ch is not None and vs_ch >= 1.5),
        (f"A month of daily billing from the rollup, tally hot median ({rows:,} raw events)", "< 5 ms",
         t_ms, t_ms is not None and t_ms < 0.005),
        ("The same, tally/ClickHouse", "< 1x", _ratio(t_ms, c_ms),
         t_ms is not None and c_ms is not None and t_ms < c_ms),
    ]


def _ratio(a, b):
    return a / b if a is not None and b else None


def profile(r, data):
    """perf profiles of tally's ingest of the first PROFILE_ROWS events, without and with the
    views (the difference is what the views cost)."""
    head = os.path.join(r.work, "rollups-profile-head.jsonl")
    lines = 0
    with open(data) as src, open(head, "w") as dst:
        for line in src:
            if lines >= PROFILE_ROWS:
                break
            dst.write(line)
            lines += 1
    prof = {}
    for v in VARIANTS:
        d = os.path.join(r.work, f"rollups-profile-{v}")
        r.fresh(d)
        harness.run_proc([r.a.tally, "local", "--data", d], stdin_text=";\n".join(rw.ddl(v == "views")) + ";\n")
        harness.log(f"profile: tally ingest, {v}")
        prof[f"ingest_{v}_{lines // 1000}K_events"] = harness.perf_profile(
            [r.a.tally, "local", "--data", d, "--query", workloads.ingest_sql("tally", "metering", head)],
            stdin_path=head, top=20)
    os.unlink(head)
    return prof


def profile_query(r):
    """perf profile of QUERY_PROFILE_RUNS runs of the rollup query, on the daily table as the
    ingest left it."""
    sql = dict(rw.QUERIES)[rw.TARGET_QUERY]
    harness.log(f"profile: tally {rw.TARGET_QUERY} ({QUERY_PROFILE_RUNS} runs)")
    return harness.perf_profile([r.a.tally, "local", "--data", r.dir("tally", workload("views")), "--format",
                                 "Null"], stdin_text=";\n".join([sql] * QUERY_PROFILE_RUNS) + ";\n", top=15)


def run(r, data, rows):
    """The whole rollups benchmark on the `rows` events in `data`; a JSON-able dict."""
    res = {"ddl": {"plain": rw.ddl(False), "views": rw.ddl(True),
                   "ingest": {s: workloads.ingest_sql(s, "metering", "<file>") for s in SYSTEMS}},
           "ingest": {}, "state": {}, "queries": [], "optimize_daily": {}, "profiles": {}, "errors": []}
    run_ingest(r, data, rows, res)
    run_reads(r, res)
    res["goals"] = goals(res, rows)
    for g, target, x, met in res["goals"]:
        harness.log(f"goal {g}: {target}, measured {x}, {'met' if met else 'NOT met'}")
    if not r.a.no_profile and "error" not in res["ingest"]["tally"]["views"]:
        res["profiles"].update(profile(r, data))
    return res


def metering_file(work, rows):
    """The metering events alone (gen_data's file and name; the logs are not needed here)."""
    out = os.path.join(work, "data")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"metering-{rows}-v{harness.gen_data.GENERATOR_VERSION}-s42.jsonl")
    if not os.path.exists(path):
        harness.log(f"generating data: {rows} metering events")
        harness.gen_data.metering(path + ".tmp", rows, 42)
        os.rename(path + ".tmp", path)
    return path


def main_only(a, r, result):
    """`run.py --suite rollups`: this part alone, its JSON and its docs section."""
    import report_rollups
    data = metering_file(r.work, a.rows)
    result["rows"] = {"metering": a.rows}
    result["data"] = {"metering": {"file_bytes": os.path.getsize(data)}}
    result["rollups"] = run(r, data, a.rows)
    out = harness.save_result(a.results, result, result.pop("_started"), "-rollups")
    if not a.no_docs:
        report_rollups.write(result, out, harness.ROOT)


if __name__ == "__main__":
    raise SystemExit("run it through run.py: python benchmarks/peer/run.py --suite rollups --rows N")
