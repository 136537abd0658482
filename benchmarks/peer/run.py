"""The peer benchmark: tally, ClickHouse (chDB) and DuckDB on the same data and queries.

  python benchmarks/peer/run.py --rows 10000000 [--logs-rows N] [--runs 3] [--suite all|peer|mergetree|rollups]

Generates the data (gen_data.py), ingests it into each system in a subprocess of its own
(peak RSS from wait4), measures bytes on disk, runs every query cold (a fresh process) and
hot (warm-up, then 5 runs in one process), checks that results agree, profiles tally where
it misses a goal, and writes benchmarks/results/<date>-<commit>.json. report.py turns that
JSON into the docs section and charts (run.py calls it at the end). The MergeTree-family
part (rollups, FINAL, merges on tally and ClickHouse) is mergetree.py, reported by
report_mergetree.py; `--suite mergetree` runs only that part, `--suite peer` all but it and
the rollups. The rollups through materialized views (ingest with views attached, reads from
the rollup, tally and ClickHouse) are rollups.py, reported by report_rollups.py; `--suite
rollups` runs only them.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import gen_data  # noqa: E402
import mergetree  # noqa: E402
import rollups  # noqa: E402
import workloads  # noqa: E402

SYSTEMS = ("tally", "chdb", "duckdb")
HOT_REPS = 5


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def run_proc(argv, stdin_path=None, stdin_text=None):
    """Runs argv; returns (rc, stdout, stderr, wall_s, peak_rss_bytes).

    The peak RSS comes from GNU time, not from our own wait4: ru_maxrss counts the memory of
    the process that forked, up to its exec, so a child forked from this (large) Python
    process would inherit our footprint. GNU time forks from a process of a few MiB.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        stdin = open(stdin_path, "rb") if stdin_path else (subprocess.PIPE if stdin_text is not None else
                                                              subprocess.DEVNULL)
        start = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + argv, stdin=stdin, stdout=out,
                             stderr=err)
        if stdin_text is not None:
            p.stdin.write(stdin_text.encode())
            p.stdin.close()
        p.wait()
        wall = time.perf_counter() - start
        if stdin_path:
            stdin.close()
        out.seek(0)
        err.seek(0)
        rss_lines = [x for x in rss_file.read().split() if x.isdigit()]
        rss = int(rss_lines[-1]) * 1024 if rss_lines else 0
        return p.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"), wall, rss


def tally_column_bytes(path):
    """Bytes per column over all parts: <column>.<ext> files (data, marks, dictionaries)."""
    out = {}
    for d, _, files in os.walk(os.path.join(path, "tables")):
        for f in files:
            col, _, ext = f.partition(".")
            if ext and f not in ("part.meta", "primary.idx"):
                out[col] = out.get(col, 0) + os.path.getsize(os.path.join(d, f))
    return out


def failure(rc, err):
    """What to report for a failed process: its last stderr lines, or how it ended."""
    err = err.strip()
    if err:
        return err[-2000:]
    return f"killed by signal {-rc} (out of memory?)" if rc < 0 else f"exit code {rc}, no message"


def failure_line(rc, err):
    """One line for a table: the last line that names an error (tracebacks end in context)."""
    lines = failure(rc, err).splitlines()
    named = [x.strip() for x in lines if re.search(r"Error|Exception|error:", x)]
    return named[-1] if named else lines[-1]


def du_bytes(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total


class Runner:
    def __init__(self, args):
        self.a = args
        self.py = sys.executable
        self.worker = os.path.join(HERE, "peer_worker.py")
        self.work = os.path.abspath(args.work)
        os.makedirs(self.work, exist_ok=True)

    def dir(self, system, workload):
        return os.path.join(self.work, f"{system}-{workload}")

    def fresh(self, path):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)

    # ---- ingest -------------------------------------------------------------------------
    def ingest(self, system, workload, data):
        d = self.dir(system, workload)
        self.fresh(d)
        w = workloads.WORKLOADS[workload]
        if system in ("tally", "tally_native"):
            rc, _, err, _, _ = run_proc([self.a.tally, "local", "--data", d, "--query", w["ddl"]["tally"]])
            if rc != 0:
                return {"error": failure(rc, err)}
            if system == "tally":
                rc, _, err, wall, rss = run_proc(
                    [self.a.tally, "local", "--data", d, "--time", "--query",
                     workloads.ingest_sql("tally", workload, data)], stdin_path=data)
                if rc != 0:
                    return {"error": failure(rc, err)}
                secs = float(err.strip().splitlines()[-1])
                res = {"ingest_s": secs, "wall_s": wall, "peak_rss_bytes": rss}
            else:
                rc, out, err, wall, rss = run_proc([self.a.native, "--data", d, "--table", w["table"], "--file", data])
                if rc != 0:
                    return {"error": failure(rc, err)}
                r = json.loads(out)
                res = {"ingest_s": r["insert_s"], "parse_s": r["parse_s"], "wall_s": wall, "peak_rss_bytes": rss,
                       "batch_rows": r["batch_rows"]}
            # Like ClickHouse's worker: merge each partition's parts into one, then measure.
            rc, _, err, _, _ = run_proc([self.a.tally, "local", "--data", d, "--time", "--query",
                                         f"OPTIMIZE TABLE {w['table']} FINAL"])
            if rc != 0:
                return {"error": failure(rc, err)}
            res["optimize_s"] = float(err.strip().splitlines()[-1])
            res["column_bytes"] = tally_column_bytes(d)
        else:
            rc, out, err, wall, rss = run_proc([self.py, self.worker, system, "ingest", d, workload, data])
            if rc != 0:
                return {"error": failure(rc, err)}
            res = json.loads(out)
            res.update(wall_s=wall, peak_rss_bytes=rss)
        res["du_bytes"] = du_bytes(d)
        res["bytes_on_disk"] = res.get("active_bytes", res["du_bytes"])
        return res

    # ---- queries ------------------------------------------------------------------------
    def tally_query(self, workload, sql, reps):
        d = self.dir("tally", workload)
        text = ";\n".join([sql] * (reps + 1)) + ";\n"  # a warm-up before the hot runs
        rc, out, err, wall, rss = run_proc([self.a.tally, "local", "--data", d, "--time", "--format",
                                            "TabSeparated"], stdin_text=text)
        times = [float(x) for x in err.splitlines() if re.fullmatch(r"\d+\.\d+", x.strip())]
        if rc != 0:
            return {"error": failure_line(rc, err)}
        rows = [line.split("\t") for line in out.splitlines()]
        if reps == 0:
            return {"cold_s": times[0], "rows": rows, "peak_rss_bytes": rss}
        per = len(rows) // (reps + 1) if rows else 0
        # The same hot runs on one thread, for the one-thread comparison with the peers.
        rc1, _, err1, _, _ = run_proc([self.a.tally, "local", "--data", d, "--time", "--format", "Null"],
                                      stdin_text="SET max_threads = 1;\n" + text)
        times1 = [float(x) for x in err1.splitlines() if re.fullmatch(r"\d+\.\d+", x.strip())]
        res = {"hot_s": times[1:], "rows": rows[:per], "peak_rss_bytes": rss}
        if rc1 == 0 and len(times1) == reps + 2:
            res["hot_1t_s"] = times1[2:]  # past the SET and the warm-up
        return res

    def peer_query(self, system, workload, sql, reps):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"sql": sql, "reps": reps}, f)
        try:
            rc, out, err, wall, rss = run_proc([self.py, self.worker, system, "query", self.dir(system, workload),
                                                f.name])
        finally:
            os.unlink(f.name)
        if rc != 0:
            return {"error": failure_line(rc, err)}
        r = json.loads(out)
        r["peak_rss_bytes"] = rss
        return r

    def query(self, system, workload, sql, reps):
        if system == "tally":
            return self.tally_query(workload, sql, reps)
        return self.peer_query(system, workload, sql, reps)

    def rollup(self):
        rc, out, err, wall, rss = run_proc([self.py, self.worker, "chdb", "rollup", self.dir("chdb", "metering")])
        if rc != 0:
            return {"error": failure(rc, err)[-500:]}
        r = json.loads(out)
        r["peak_rss_bytes"] = rss
        return r

    def baseline(self, system):
        d = os.path.join(self.work, f"baseline-{system}")
        self.fresh(d)
        if system == "tally":
            rc, _, _, _, rss = run_proc([self.a.tally, "local", "--data", d, "--query", "SELECT 1"])
        else:
            rc, _, _, _, rss = run_proc([self.py, self.worker, system, "baseline", d])
        return rss


# ---- result comparison ------------------------------------------------------------------
TS = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?$")


def norm_value(v):
    if v in ("\\N", "None", "NULL"):
        return "NULL"
    m = TS.match(v)
    if m:
        frac = (m.group(3) or "").rstrip("0")
        return f"{m.group(1)} {m.group(2)}" + (f".{frac}" if frac else "")
    try:
        f = float(v)
    except ValueError:
        return v
    if f == int(f) and abs(f) < 2**63:
        return str(int(f))
    return f"{f:.6g}"


def fingerprint(rows):
    normed = sorted("\t".join(norm_value(v) for v in r) for r in rows)
    return len(normed), hashlib.sha1("\n".join(normed).encode()).hexdigest()[:12], normed


def save_result(results_dir, result, started, suffix=""):
    """Stamps the run's end (elapsed time, load) into `result` and writes it as
    <results_dir>/<date>-<commit><suffix>.json; returns the path."""
    result["elapsed_s"] = time.time() - started
    result["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    os.makedirs(results_dir, exist_ok=True)
    out = os.path.join(results_dir, f"{result['date']}-{result['commit']}{suffix}.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    log(f"wrote {out}")
    return out


def machine_info():
    info = {"platform": platform.platform(), "python": platform.python_version()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "L3 cache", "Hypervisor vendor"):
                info[k.strip()] = v.strip()
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        info["MemTotal"] = f.readline().split(":")[1].strip()
    info["loadavg_start"] = open("/proc/loadavg").read().split()[:3]
    info["versions"] = {p: metadata.version(p) for p in ("chdb", "duckdb", "numpy", "matplotlib")}
    info["versions"]["gcc"] = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.split(
        "\n")[0]
    return info


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True).stdout.strip()


# ---- profiling --------------------------------------------------------------------------
def _strip_args(sym):
    """Drops a C++ symbol's parameter list: the first '(' outside template brackets."""
    depth = 0
    for i, ch in enumerate(sym):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0 and i > 0:
            return sym[:i]
    return sym


def perf_profile(argv, stdin_path=None, stdin_text=None, top=12):
    """Top functions by self time (perf record on the cpu-clock software event)."""
    if not shutil.which("perf"):
        return {"error": "perf not installed"}
    data = tempfile.mktemp(suffix=".perf")
    rc, _, err, _, _ = run_proc(["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-o", data, "--"] + argv,
                                stdin_path=stdin_path, stdin_text=stdin_text)
    if rc != 0:
        return {"error": err.strip()[-300:]}
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,symbol",
                          "--percent-limit", "0.3", "-g", "none"], capture_output=True, text=True).stdout
    os.unlink(data)
    shares = {}
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*)$", line)
        if not m:
            continue
        sym = re.sub(r"\s+-\s+-\s*$", "", m.group(3)).strip()
        sym = sym.replace("(anonymous namespace)", "{anon}").replace("absl::debian3::", "absl::")
        sym = _strip_args(sym)
        if re.fullmatch(r"0x[0-9a-f]+", sym):
            sym = "(no symbols)"
        key = (m.group(2), sym[:110])
        shares[key] = shares.get(key, 0.0) + float(m.group(1))
    lines = [{"percent": round(v, 2), "dso": k[0], "symbol": k[1]}
             for k, v in sorted(shares.items(), key=lambda kv: -kv[1])]
    return {"tool": "perf record -e cpu-clock -F 499 -g", "top": lines[:top]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000, help="metering events")
    ap.add_argument("--logs-rows", type=int, default=0, help="log records (default rows/5)")
    ap.add_argument("--runs", type=int, default=3, help="ingest runs per system (median)")
    ap.add_argument("--tally", default=os.path.join(ROOT, "build", "tally"))
    ap.add_argument("--native", default=os.path.join(ROOT, "build", "benchmarks", "native_ingest"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "peer-work"))
    ap.add_argument("--results", default=os.path.join(ROOT, "benchmarks", "results"))
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--no-docs", action="store_true", help="write the JSON only")
    ap.add_argument("--docs-section", choices=("main", "full"), default="main",
                    help="the section of docs/benchmarks.md to write (full: the bench-full run)")
    ap.add_argument("--suite", choices=("all", "peer", "mergetree", "rollups"),
                    help="peer: the three-system ingest and queries; mergetree: rollups, FINAL and merges;"
                    " rollups: ingest with materialized views and reads from them (each of these two a docs"
                    " section of its own); default all, or peer with --docs-section full")
    a = ap.parse_args()
    a.suite = a.suite or ("all" if a.docs_section == "main" else "peer")
    logs_rows = a.logs_rows or max(a.rows // 5, 1000)
    r = Runner(a)
    started = time.time()
    result = {"date": datetime.date.today().isoformat(), "commit": git("rev-parse", "--short", "HEAD"),
              "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
              "command": " ".join(["python", "benchmarks/peer/run.py"] + sys.argv[1:]),
              "rows": {"metering": a.rows, "logs": logs_rows}, "runs": a.runs, "hot_reps": HOT_REPS,
              "machine": machine_info(), "ddl": {}, "ingest": {}, "queries": [], "errors": []}
    for wl, w in workloads.WORKLOADS.items():
        result["ddl"][wl] = {s: w["ddl"][s] for s in SYSTEMS}
        result["ddl"][wl]["ingest"] = {s: workloads.ingest_sql(s, wl, "<file>") for s in SYSTEMS}
    result["ddl"]["rollup_chdb"] = workloads.CHDB_ROLLUP_DDL[:2]
    if a.suite in ("mergetree", "rollups"):
        result["_started"] = started
        return (mergetree if a.suite == "mergetree" else rollups).main_only(a, r, result)

    log(f"generating data: {a.rows} metering events, {logs_rows} log records")
    t = time.time()
    files, meta = gen_data.generate(os.path.join(r.work, "data"), a.rows, logs_rows, seed=42)
    result["data"] = {k: {"file_bytes": os.path.getsize(v)} for k, v in files.items()}
    result["generate_s"] = time.time() - t
    result["meta"] = meta
    result["baseline_rss_bytes"] = {s: r.baseline(s) for s in SYSTEMS}

    ingest_systems = ("tally", "tally_native", "chdb", "duckdb")
    for wl in workloads.WORKLOADS:
        runs = {s: [] for s in ingest_systems}
        for i in range(a.runs):
            order = ingest_systems if i % 2 == 0 else tuple(reversed(ingest_systems))
            # tally's SQL ingest runs last so the directory the queries read is its own.
            order = tuple(s for s in order if s != "tally") + ("tally",)
            for s in order:
                log(f"ingest {wl} run {i + 1}/{a.runs}: {s}")
                res = r.ingest(s, wl, files[wl])
                runs[s].append(res)
                if "error" in res:
                    log(f"  error: {res['error'][:300]}")
                else:
                    log(f"  {res['ingest_s']:.2f} s, {res['peak_rss_bytes'] / 2**20:.0f} MiB,"
                        f" {res['bytes_on_disk'] / result['rows'][wl]:.2f} bytes/row")
        summary = {}
        for s, rs in runs.items():
            ok = [x for x in rs if "error" not in x]
            if not ok:
                summary[s] = {"error": rs[0]["error"] if rs else "not run"}
                result["errors"].append({"what": f"ingest {wl}", "system": s, "error": summary[s]["error"]})
                continue
            med = lambda k: statistics.median(x[k] for x in ok)  # noqa: E731
            n = result["rows"][wl]
            summary[s] = {"ingest_s": med("ingest_s"), "rows_per_s": n / med("ingest_s"),
                          "peak_rss_bytes": med("peak_rss_bytes"), "bytes_on_disk": ok[-1]["bytes_on_disk"],
                          "bytes_per_row": ok[-1]["bytes_on_disk"] / n, "optimize_s": med("optimize_s"),
                          "column_bytes": ok[-1].get("column_bytes"),
                          "runs": rs}
        result["ingest"][wl] = summary

    for wl, name, sqls in workloads.queries(meta):
        entry = {"workload": wl, "name": name, "sql": sqls, "systems": {}}
        for s in SYSTEMS:
            log(f"query {wl}/{name}: {s}")
            if s != "tally" and "error" in result["ingest"][wl].get(s, {}):
                entry["systems"][s] = {"error": "ingest failed"}
                continue
            cold = r.query(s, wl, sqls[s], 0)
            hot = r.query(s, wl, sqls[s], HOT_REPS) if "error" not in cold else cold
            if "error" in cold or "error" in hot:
                e = cold.get("error") or hot.get("error")
                entry["systems"][s] = {"error": e}
                result["errors"].append({"what": f"query {wl}/{name}", "system": s, "error": e})
                log(f"  error: {e[:300]}")
                continue
            n, fp, normed = fingerprint(cold["rows"])
            entry["systems"][s] = {"cold_s": cold["cold_s"], "hot_s": hot["hot_s"], "hot_best_s": min(hot["hot_s"]),
                                   "hot_median_s": statistics.median(hot["hot_s"]), "result_rows": n,
                                   "fingerprint": fp, "cold_peak_rss_bytes": cold["peak_rss_bytes"],
                                   "hot_peak_rss_bytes": hot["peak_rss_bytes"], "sample": normed[:3]}
            for key in ("hot_1t_s", "hot_default_s"):
                if key in hot:
                    entry["systems"][s][key] = hot[key]
                    entry["systems"][s][key[:-2] + "_median_s"] = statistics.median(hot[key])
            log(f"  hot median {entry['systems'][s]['hot_median_s'] * 1000:.1f} ms, cold {cold['cold_s'] * 1000:.1f}"
                f" ms, {n} rows, {fp}")
        fps = {s: v["fingerprint"] for s, v in entry["systems"].items() if "fingerprint" in v}
        ref = fps.get("chdb") or fps.get("duckdb")
        entry["agree"] = {s: (fp == ref) for s, fp in fps.items()}
        for s, same in entry["agree"].items():
            if not same:
                log(f"  MISMATCH {s} on {name}")
        result["queries"].append(entry)

    log("rollup (ClickHouse SummingMergeTree)")
    roll = r.rollup()
    if "rows" in roll:
        n, fp, _ = fingerprint(roll.pop("rows"))
        bill = next(q for q in result["queries"] if q["name"] == "monthly_bill")
        roll.update(result_rows=n, fingerprint=fp, agrees_with_monthly_bill=fp == bill["systems"].get(
            "chdb", {}).get("fingerprint"), hot_median_s=statistics.median(roll["hot_s"]),
            hot_best_s=min(roll["hot_s"]))
    result["rollup"] = {"chdb": roll, "tally": "see the rollups section (materialized views, issue 14)",
                        "duckdb": "n/a (no materialized views)"}
    if a.suite == "all":
        result["mergetree"] = mergetree.run(r, files["metering"])
        result["mergetree"]["loghouse"] = mergetree.loghouse(r, files["logs"], meta["logs"])
        result["rollups"] = rollups.run(r, files["metering"], a.rows)

    if not a.no_profile:
        result["profiles"] = profile_tally(r, files, result)
    out = save_result(a.results, result, started)
    if not a.no_docs:
        import report
        report.write(result, out, ROOT, a.docs_section)
        if "mergetree" in result:
            import report_mergetree
            report_mergetree.write(result, out, ROOT)
        if "rollups" in result:
            import report_rollups
            report_rollups.write(result, out, ROOT)


def profile_tally(r, files, result):
    """perf profiles of tally's ingest, its slowest metering query relative to ClickHouse,
    and its token search, on the data already loaded (ingest on the first 1M lines)."""
    prof = {}
    head = os.path.join(r.work, "profile-head.jsonl")
    with open(files["metering"]) as src, open(head, "w") as dst:
        for i, line in enumerate(src):
            if i >= 1_000_000:
                break
            dst.write(line)
    d = os.path.join(r.work, "profile-tally")
    r.fresh(d)
    run_proc([r.a.tally, "local", "--data", d, "--query", workloads.WORKLOADS["metering"]["ddl"]["tally"]])
    log("profile: tally ingest")
    prof["ingest_metering_1M"] = perf_profile([r.a.tally, "local", "--data", d, "--query",
                                               "INSERT INTO events FORMAT JSONEachRow"], stdin_path=head)
    os.unlink(head)
    worst, worst_ratio = None, 0
    for q in result["queries"]:
        t, c = q["systems"].get("tally", {}), q["systems"].get("chdb", {})
        if "hot_median_s" in t and "hot_median_s" in c and q["workload"] == "metering":
            ratio = t["hot_median_s"] / c["hot_median_s"]
            if ratio > worst_ratio:
                worst, worst_ratio = q, ratio
    for q in [worst] + [q for q in result["queries"] if q["name"] == "token_search_common"]:
        if q is None or "error" in q["systems"].get("tally", {"error": 1}):
            continue
        log(f"profile: tally {q['name']}")
        text = ";\n".join([q["sql"]["tally"]] * 5) + ";\n"
        prof[f"query_{q['name']}"] = perf_profile([r.a.tally, "local", "--data", r.dir("tally", q["workload"])],
                                                  stdin_text=text)
    return prof


if __name__ == "__main__":
    main()
