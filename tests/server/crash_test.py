#!/usr/bin/env python3
"""kill -9 of `tally serve` during concurrent inserts: nothing acknowledged is lost or doubled.

Each cycle starts the server on the same data directory and runs, at once:
- single-row inserts from several keep-alive clients, half of them with an
  `insert_deduplication_token`;
- batch inserts (50 to 2,000 rows), with a token;
- now and then an OPTIMIZE TABLE (merges) and reads;
then kills the server with SIGKILL at a random moment (the group commit, inline parts,
their flushes and background merges are all running). After the restart:
- every acknowledged insert's rows are there exactly once;
- an insert that got no answer is wholly there or wholly absent (never half a batch);
- retrying every unanswered insert that had a token stores it at most once: the tokens
  committed before the crash turn the retry away (the WAL's replay keeps them).

Every row carries its insert's id and its row number; the check is one GROUP BY.

Usage: crash_test.py TALLY [--cycles N] [--seed S]   (`make test`: 20, `make crash-test`: 1000)
"""
import argparse
import http.client
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

from serve_process import ServeProcess

DDL = ("CREATE TABLE IF NOT EXISTS events (ins UInt64, row UInt32, tenant LowCardinality(String), "
       "time DateTime, value UInt64) ENGINE = MergeTree PARTITION BY toYYYYMMDD(time) ORDER BY (tenant, time)")


class Server(ServeProcess):
    """The server, its stderr collected as it runs (printed when a cycle fails)."""

    def __init__(self, tally, data):
        super().__init__(tally, data)
        self.stderr = []
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def post(conn, sql, body=None, **settings):
    params = {"query": sql, **settings}
    conn.request("POST", "/?" + urllib.parse.urlencode(params), body=body)
    r = conn.getresponse()
    return r.status, r.read().decode(errors="replace")


def rows_of(ins, n, rng):
    day = 1 + ins % 3  # three partitions
    return "".join(f'{{"ins":{ins},"row":{r},"tenant":"t{rng.randrange(20)}",'
                   f'"time":"2026-12-0{day} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00","value":{r + 1}}}\n'
                   for r in range(n))


class Ledger:
    """What the clients sent: insert id -> (rows, token or None, acknowledged?)."""

    def __init__(self):
        self.mu = threading.Lock()
        self.inserts = {}
        self.errors = []  # answers other than 200 (there should be none)

    def sent(self, ins, n, token):
        with self.mu:
            self.inserts[ins] = [n, token, False]

    def acked(self, ins):
        with self.mu:
            self.inserts[ins][2] = True


def side_work(port, stop, rng):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while not stop.is_set():
        try:
            if rng.random() < 0.3:
                post(conn, "OPTIMIZE TABLE events")
            else:
                post(conn, "SELECT count(), sum(value) FROM events")
        except (OSError, http.client.HTTPException):
            return
        time.sleep(rng.uniform(0.01, 0.1))


def check(port, ledger, retried):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, text = post(conn, "SELECT ins, count(), uniqExact(row) FROM events GROUP BY ins FORMAT TSV")
    if status != 200:
        raise RuntimeError(f"check: HTTP {status}: {text}")
    stored = {}
    for line in text.splitlines():
        ins, count, distinct = map(int, line.split("\t"))
        stored[ins] = (count, distinct)
    problems = []
    for ins, (n, token, acked) in ledger.inserts.items():
        count, distinct = stored.get(ins, (0, 0))
        if count != distinct:
            problems.append(f"insert {ins}: {count} rows but {distinct} distinct: stored twice")
        elif acked and count != n:
            problems.append(f"insert {ins} (acknowledged, {n} rows): {count} rows stored")
        elif not acked and count not in (0, n) and ins not in retried:
            problems.append(f"insert {ins} (unanswered, {n} rows): {count} rows stored: half-visible")
    unknown = set(stored) - set(ledger.inserts)
    if unknown:
        problems.append(f"rows of inserts never sent: {sorted(unknown)[:5]}")
    return problems


def retry_unanswered(port, ledger, rng_seed):
    """Retries every unanswered insert that had a token, with the same rows: stored once."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    retried = set()
    for ins, (n, token, acked) in list(ledger.inserts.items()):
        if acked or token is None:
            continue
        # The same rows as sent: rows_of is deterministic given its generator's state, so
        # the retry regenerates them from the insert's own seed.
        body = rows_of(ins, n, random.Random(rng_seed * 1_000_003 + ins))
        status, text = post(conn, "INSERT INTO events FORMAT JSONEachRow", body, insert_deduplication_token=token)
        if status != 200:
            raise RuntimeError(f"retry of insert {ins}: HTTP {status}: {text}")
        ledger.acked(ins)
        retried.add(ins)
    return retried


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tally")
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tally-server-crash-")
    data = f"{work}/data"
    rng = random.Random(a.seed)
    ledger = Ledger()
    next_id = [1]
    id_mu = threading.Lock()

    def ids():
        while True:
            with id_mu:
                v = next_id[0]
                next_id[0] += 1
            yield v

    id_gen = ids()
    totals = {"acked": 0, "unanswered": 0, "retried": 0, "rows": 0}
    try:
        for cycle in range(a.cycles):
            server = Server(a.tally, data)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            status, text = post(conn, DDL)
            if status != 200:
                raise RuntimeError(f"CREATE TABLE: {text}")
            stop = threading.Event()
            threads = []
            for c in range(6):
                # Five single-row clients and one batch client; each insert's rows come from a
                # generator seeded by its id, so a retry sends the same rows.
                threads.append(threading.Thread(target=seeded_client,
                                                args=(server.port, ledger, id_gen, stop, a.seed, c == 5)))
            threads.append(threading.Thread(target=side_work, args=(server.port, stop, random.Random(rng.random()))))
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.2, 1.5))
            server.kill()
            stop.set()
            for t in threads:
                t.join()
            if ledger.errors:
                print(f"cycle {cycle}: FAILED: " + "; ".join(ledger.errors[:5]))
                return 1
            server = Server(a.tally, data)
            problems = check(server.port, ledger, set())
            retried = retry_unanswered(server.port, ledger, a.seed)
            problems += check(server.port, ledger, retried)
            acked = sum(1 for v in ledger.inserts.values() if v[2])
            if problems:
                print(f"cycle {cycle}: FAILED\n  " + "\n  ".join(problems[:20]))
                print("".join(server.stderr[-20:]))
                server.kill()
                return 1
            if server.stop() != 0:
                print(f"cycle {cycle}: the server did not stop cleanly")
                return 1
            totals["retried"] += len(retried)
            print(f"cycle {cycle}: {len(ledger.inserts)} inserts sent, {acked} acknowledged "
                  f"({len(retried)} retried after the crash); every row there exactly once", flush=True)
        totals["acked"] = sum(1 for v in ledger.inserts.values() if v[2])
        totals["rows"] = sum(v[0] for v in ledger.inserts.values() if v[2])
        print(f"{a.cycles} kill -9 cycles: {totals['acked']} inserts ({totals['rows']} rows) acknowledged, "
              f"{totals['retried']} unanswered inserts retried by token; nothing lost, nothing doubled")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def seeded_client(port, ledger, ids, stop, seed, batch):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while not stop.is_set():
        ins = next(ids)
        rng = random.Random(seed * 1_000_003 + ins)
        n = rng.randrange(50, 2001) if batch else 1
        token = f"tok-{ins}" if batch or ins % 2 == 0 else None
        ledger.sent(ins, n, token)
        body = rows_of(ins, n, random.Random(seed * 1_000_003 + ins))
        settings = {"insert_deduplication_token": token} if token else {}
        try:
            status, text = post(conn, "INSERT INTO events FORMAT JSONEachRow", body, **settings)
        except (OSError, http.client.HTTPException):
            return  # the server died: this insert stays unanswered
        if status != 200:
            ledger.errors.append(f"insert {ins}: HTTP {status}: {text}")
            return
        ledger.acked(ins)


if __name__ == "__main__":
    sys.exit(main())
