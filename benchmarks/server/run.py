"""`make bench-server`: tally serve under single-row and bulk inserts over HTTP.

Starts `tally serve` on a fresh data directory, creates the peer benchmark's metering
table (same DDL), and measures, in this order:

1. the disk's own fsync latency (fdatasync of 128-byte appends in the data directory);
2. single-row inserts: CLIENTS keep-alive connections (default 64), each sending one
   JSONEachRow row per request as fast as the last is acknowledged, for SECONDS: the
   acknowledged rate and latency percentiles, with parts per partition sampled
   throughout (the bound the flush and merges keep);
3. every acknowledged row is in the table exactly once (count() equals the acknowledged
   inserts), again after a SIGTERM and a restart;
4. bulk JSONEachRow over HTTP: ROWS metering events (the peer benchmark's generator) in
   one request, rows/s.

Targets (issue 15): >= 50,000 acknowledged single-row inserts/s with p99 <= 10 ms, bulk
>= 1M rows/s. Writes benchmarks/results/<date>-<commit>-server.json (or --results DIR)
and prints a summary. The load generator is build/benchmarks/server_load (C++, epoll, two
threads), on the same two cores as the server.
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "peer"))
import gen_data  # noqa: E402
import workloads  # noqa: E402


class Server:
    def __init__(self, tally, data):
        self.tally, self.data, self.proc, self.port = tally, data, None, None

    def start(self):
        self.proc = subprocess.Popen([self.tally, "serve", "--data", self.data, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on http://127.0.0.1:" not in line:
            raise RuntimeError(f"tally serve did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def stop(self):
        t = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=120)
        if rc != 0:
            raise RuntimeError(f"tally serve exited {rc} on SIGTERM")
        return time.monotonic() - t

    def query(self, sql, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("POST", "/?" + urllib.parse.urlencode({"query": sql}), body=body)
        r = conn.getresponse()
        out = r.read().decode()
        conn.close()
        if r.status != 200:
            raise RuntimeError(f"{sql[:80]}: HTTP {r.status}: {out}")
        return out


def parts_sampler(server, stop, samples):
    while not stop.is_set():
        try:
            out = server.query("SELECT partition_id, count(), countIf(part_type = 'InMemory') FROM system.parts "
                               "WHERE table = 'events' GROUP BY partition_id FORMAT TSV")
            for line in out.splitlines():
                _, parts, inline = line.split("\t")
                samples.append((int(parts), int(inline)))
        except Exception as e:  # a sample lost under load is not a failure of the run
            samples.append((-1, -1))
            print(f"  parts sample failed: {e}", file=sys.stderr)
        stop.wait(0.25)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tally", default="build/tally")
    ap.add_argument("--load", default="build/benchmarks/server_load")
    ap.add_argument("--work", default="build/server-bench")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rows", type=int, default=2_000_000, help="bulk insert rows")
    ap.add_argument("--results", default=os.path.join(HERE, "..", "results"))
    a = ap.parse_args()

    shutil.rmtree(a.work, ignore_errors=True)
    data = os.path.join(a.work, "data")
    os.makedirs(data)
    bulk_path = os.path.join(a.work, "bulk.jsonl")
    print(f"generating {a.rows} metering events for the bulk insert...", flush=True)
    gen_data.metering(bulk_path, a.rows, seed=1)
    bulk_bytes = os.path.getsize(bulk_path)

    result = {"date": datetime.date.today().isoformat(), "clients": a.clients, "seconds": a.seconds}
    try:
        result["commit"] = subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], text=True).strip()
    except Exception:
        result["commit"] = "unknown"
    result["fsync"] = json.loads(subprocess.check_output([a.load, "fsync", data, "2000"], text=True))
    print(f"disk fsync: p50 {result['fsync']['p50_ms']:.3f} ms, p99 {result['fsync']['p99_ms']:.3f} ms", flush=True)

    server = Server(a.tally, data)
    server.start()
    ddl = workloads.WORKLOADS["metering"]["ddl"]["tally"]
    server.query(ddl)

    # Single-row inserts, with parts sampled throughout.
    stop, samples = threading.Event(), []
    sampler = threading.Thread(target=parts_sampler, args=(server, stop, samples))
    sampler.start()
    out = subprocess.run([a.load, "inserts", "127.0.0.1", str(server.port), "events", str(a.clients), str(a.seconds)],
                         capture_output=True, text=True)
    stop.set()
    sampler.join()
    if not out.stdout.strip():
        raise RuntimeError(f"server_load failed: {out.stderr}")
    single = json.loads(out.stdout)
    good = [s for s in samples if s[0] >= 0]
    single["max_parts_per_partition"] = max((s[0] for s in good), default=0)
    single["max_inline_parts_per_partition"] = max((s[1] for s in good), default=0)
    single["rows_in_table"] = int(server.query("SELECT count() FROM events").strip())
    metrics = {}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", "/metrics")
    for line in conn.getresponse().read().decode().splitlines():
        if line and not line.startswith("#") and " " in line:
            name, value = line.rsplit(" ", 1)
            metrics[name] = float(value)
    groups = metrics.get("tally_group_commits_total", 0)
    single["group_commits"] = int(groups)
    single["inserts_per_group"] = metrics.get("tally_grouped_inserts_total", 0) / groups if groups else 0
    single["wal_fsyncs"] = int(metrics.get("tally_wal_fsyncs_total", 0))
    result["single_row"] = single
    print(f"single-row inserts, {a.clients} clients, {single['seconds']:.1f} s: {single['inserts_per_s']:.0f}/s, "
          f"p50 {single['p50_ms']:.2f} ms, p99 {single['p99_ms']:.2f} ms, p99.9 {single['p999_ms']:.2f} ms, "
          f"errors {single['errors']}; at most {single['max_parts_per_partition']} parts in a partition "
          f"({single['max_inline_parts_per_partition']} inline); {single['inserts_per_group']:.1f} inserts per "
          f"group commit, {single['wal_fsyncs']} fsyncs of the log", flush=True)

    # Exactly once, before and after a restart.
    result["stop_s"] = server.stop()
    server.start()
    result["rows_after_restart"] = int(server.query("SELECT count() FROM events").strip())
    exact = single["rows_in_table"] == single["acknowledged"] == result["rows_after_restart"]
    result["exactly_once"] = exact
    print(f"acknowledged {single['acknowledged']}, in the table {single['rows_in_table']}, after SIGTERM "
          f"({result['stop_s']:.2f} s) and restart {result['rows_after_restart']}: "
          f"{'exactly once' if exact else 'MISMATCH'}", flush=True)

    # Bulk JSONEachRow in one request, streamed from the file.
    server.query("TRUNCATE TABLE events")
    # 1 MiB sends: http.client's default of 8 KiB makes the client, not the server, the
    # limit (a send per 35 rows).
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600, blocksize=1 << 20)
    t = time.monotonic()
    with open(bulk_path, "rb") as f:
        conn.request("POST", "/?" + urllib.parse.urlencode({"query": "INSERT INTO events FORMAT JSONEachRow"}),
                     body=f, headers={"Content-Length": str(bulk_bytes)})
        r = conn.getresponse()
        body = r.read()
    elapsed = time.monotonic() - t
    if r.status != 200:
        raise RuntimeError(f"bulk insert: HTTP {r.status}: {body[:300]}")
    stored = int(server.query("SELECT count() FROM events").strip())
    result["bulk"] = {"rows": a.rows, "bytes": bulk_bytes, "seconds": elapsed, "rows_per_s": a.rows / elapsed,
                      "rows_in_table": stored}
    print(f"bulk JSONEachRow over HTTP: {a.rows} rows ({bulk_bytes / 2**20:.0f} MiB) in {elapsed:.2f} s = "
          f"{a.rows / elapsed / 1e6:.2f}M rows/s ({stored} stored)", flush=True)
    server.stop()

    result["targets"] = {
        "single_row_50k_per_s": single["inserts_per_s"] >= 50000,
        "single_row_p99_10ms": single["p99_ms"] <= 10,
        "bulk_1m_rows_per_s": result["bulk"]["rows_per_s"] >= 1e6,
        "exactly_once": exact and stored == a.rows,
    }
    os.makedirs(a.results, exist_ok=True)
    path = os.path.join(a.results, f"{result['date']}-{result['commit']}-server.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"targets: {json.dumps(result['targets'])}\nwrote {path}")
    return 0 if exact and stored == a.rows else 1


if __name__ == "__main__":
    sys.exit(main())
