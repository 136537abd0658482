#!/usr/bin/env python3
"""Process-level safety of a data directory, with the real `tally` binary.

  process_safety.py TALLY pairs [--runs N]
      Two processes on one directory in every combination (writer + writer,
      writer + reader, OPTIMIZE + reader, OPTIMIZE + writer), N runs each: a second
      writer is refused at once (naming the directory and the holder's PID), readers
      see a consistent snapshot or a clear refusal, nothing acknowledged is lost.

  process_safety.py TALLY crash [--cycles N] [--seed S]
      kill -9 of a writer during inserts, OPTIMIZE and recovery itself, with read-only
      readers running throughout, N cycles. After every kill a fresh open must find every
      acknowledged insert exactly once, every other insert wholly there or wholly absent,
      and nothing set aside. Prints the figures.

An insert is acknowledged when the writer printed the `ack` line of the statement after
it (tally local runs a piped script statement by statement and flushes after each).
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

MONTH_STARTS = [1790812800, 1793491200, 1796083200]  # 2026-10-01, 11-01, 12-01 UTC
VERIFY = ("SELECT batch, count(), uniqExact(id), min(id), max(id) FROM events "
          "GROUP BY batch ORDER BY batch FORMAT TabSeparated")


def batch_size(b):
    return 1 + (b * 7919) % 400


def insert_statement(b):
    rows = []
    for i in range(batch_size(b)):
        rid = b * 1000 + i
        t = MONTH_STARTS[(b + i) % 3] + (rid * 37) % 2000000
        rows.append(f"({t},{b},{rid},{rid % 97})")
    return "INSERT INTO events VALUES " + ",".join(rows) + ";\n"


class Failure(Exception):
    pass


def run(tally, data, query, readonly=False, timeout=60):
    args = [tally, "local", "--data", data, "--query", query]
    if readonly:
        args.append("--readonly")
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def check_batches(out, acked, source):
    """Every batch listed is whole and once; returns the set of batches present."""
    present = set()
    for line in out.splitlines():
        b, count, uniq, lo, hi = (int(x) for x in line.split("\t"))
        if b == 0:
            continue  # the pairs' probe rows: a second writer let in after the first finished
        size = batch_size(b)
        if count != size or uniq != count or lo != b * 1000 or hi != b * 1000 + size - 1:
            raise Failure(f"{source}: batch {b} holds {count} rows ({uniq} distinct, ids {lo}..{hi}), "
                          f"want {size}: a partial or double-counted insert")
        present.add(b)
    missing = acked - present
    if missing:
        raise Failure(f"{source}: acknowledged batches missing: {sorted(missing)[:10]}")
    return present


def create_db(tally, data):
    r = run(tally, data, "CREATE TABLE events (t DateTime, batch UInt64, id UInt64, v UInt64) "
                         "ENGINE = MergeTree PARTITION BY toYYYYMM(t) ORDER BY (batch, id)")
    if r.returncode != 0:
        raise Failure(f"create: {r.stderr}")


class Writer:
    """A `tally local` process running a script; collects the acks it prints."""

    def __init__(self, tally, data, script):
        self.proc = subprocess.Popen([tally, "local", "--data", data], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.acked = set()
        self.first_ack = threading.Event()
        self.optimized = 0
        self.stderr = ""
        self._feeder = threading.Thread(target=self._feed, args=(script,), daemon=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._feeder.start()
        self._reader.start()

    def _feed(self, script):
        try:
            self.proc.stdin.write(script)
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def _read(self):
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "ack":
                self.acked.add(int(parts[1]))
                self.first_ack.set()
            elif len(parts) == 2 and parts[0] == "optimized":
                self.optimized += 1

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        return self.finish()

    def finish(self, timeout=120):
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        self.stderr = self.proc.stderr.read()
        return self.proc.returncode


def writer_script(batches, optimize_every=0):
    out = []
    for n, b in enumerate(batches):
        out.append(insert_statement(b))
        out.append(f"SELECT 'ack', {b};\n")
        if optimize_every and (n + 1) % optimize_every == 0:
            out.append("OPTIMIZE TABLE events FINAL;\n")
            out.append(f"SELECT 'optimized', {n};\n")
    return "".join(out)


class Readers:
    """Read-only processes checking consistency in a loop until stopped."""

    def __init__(self, tally, data, acked_before, count=1):
        self.tally, self.data, self.acked_before = tally, data, acked_before
        self.queries = self.refusals = 0
        self.errors = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(count)]
        for t in self._threads:
            t.start()

    def _loop(self):
        while not self._stop.is_set():
            r = run(self.tally, self.data, VERIFY, readonly=True)
            self.queries += 1
            if r.returncode < 0:
                self.errors.append(f"reader died of signal {-r.returncode}: {r.stderr[-500:]}")
            elif r.returncode != 0:
                # A clear refusal is allowed; it must say what and why.
                self.refusals += 1
                if "cannot open" not in r.stderr:
                    self.errors.append(f"reader failed without a clear refusal: {r.stderr[-500:]}")
            else:
                try:
                    check_batches(r.stdout, self.acked_before, "reader")
                except Failure as e:
                    self.errors.append(str(e))

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)
        if self.errors:
            raise Failure(self.errors[0])


def verify_after(tally, data, acked, source):
    r = run(tally, data, VERIFY)
    if r.returncode != 0:
        raise Failure(f"{source}: reopen failed: {r.stderr}")
    present = check_batches(r.stdout, acked, source)
    r = run(tally, data, "SELECT count() FROM system.detached_parts")
    if r.returncode != 0 or r.stdout.strip() != "0":
        raise Failure(f"{source}: parts were set aside after a crash: {r.stdout} {r.stderr}")
    return present


def crash(args):
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="tally_crash_")
    data = os.path.join(work, "data")
    stats = dict(cycles=0, kills_inserting=0, kills_optimizing=0, kills_early=0, acked=0,
                 unacked_present=0, unacked_absent=0, reader_queries=0, reader_refusals=0)
    started = time.time()
    try:
        create_db(args.tally, data)
        acked, next_batch = set(), 1
        for cycle in range(args.cycles):
            kind = rng.choice(["insert", "insert", "optimize", "early"])
            n = rng.randint(3, 12)
            batches = list(range(next_batch, next_batch + n))
            next_batch += n
            script = writer_script(batches, optimize_every=2 if kind == "optimize" else 0)
            readers = Readers(args.tally, data, set(acked))
            w = Writer(args.tally, data, script)
            # "early" kills land in the open and its recovery; the others mid-work.
            delay = rng.uniform(0, 0.03) if kind == "early" else rng.uniform(0.02, 0.4)
            time.sleep(delay)
            w.kill()
            readers.stop()
            stats["reader_queries"] += readers.queries
            stats["reader_refusals"] += readers.refusals
            stats["kills_" + {"insert": "inserting", "optimize": "optimizing", "early": "early"}[kind]] += 1
            acked |= w.acked
            present = verify_after(args.tally, data, acked, f"cycle {cycle} ({kind}, killed after {delay:.3f} s)")
            for b in batches:
                if b in w.acked:
                    stats["acked"] += 1
                elif b in present:
                    stats["unacked_present"] += 1
                    acked.add(b)  # committed: from now on it must stay
                else:
                    stats["unacked_absent"] += 1
            stats["cycles"] += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stats["seconds"] = round(time.time() - started, 1)
    print("crash cycles: " + ", ".join(f"{k}={v}" for k, v in stats.items()))


def pairs(args):
    work = tempfile.mkdtemp(prefix="tally_pairs_")
    data = os.path.join(work, "data")
    started = time.time()
    counts = {}
    try:
        create_db(args.tally, data)
        acked, next_batch = set(), 1
        per_run = 6  # batches the first process writes; grows when it outruns the second
        for combo in ["writer+writer", "writer+reader", "optimize+reader", "optimize+writer"]:
            refused = consistent = outrun = 0
            for _ in range(args.runs):
                batches = list(range(next_batch, next_batch + per_run))
                next_batch += per_run
                optimize = combo.startswith("optimize")
                first = Writer(args.tally, data, writer_script(batches, optimize_every=1 if optimize else 0))
                # It holds the lock once it has acknowledged an insert, and has more to do.
                if not first.first_ack.wait(timeout=60):
                    raise Failure(f"{combo}: the first process acknowledged nothing: {first.finish()}")
                if combo.endswith("writer"):
                    r = run(args.tally, data, "INSERT INTO events VALUES (1790812800, 0, 0, 0)")
                    if r.returncode == 0:
                        # The first may have finished already: then the second wrote, alone.
                        if first.proc.poll() is None:
                            raise Failure(f"{combo}: a second writer was let in beside a running one")
                        # A slow machine (a sanitizer build, a loaded CI host) let the first
                        # finish before the second started: this run shows nothing. Its row
                        # stays (check_batches skips batch 0); the next runs write more.
                        outrun += 1
                        per_run = min(per_run * 2, 96)
                        if first.finish() != 0:
                            raise Failure(f"{combo}: the first process failed: {first.stderr}")
                        acked |= set(batches)
                        verify_after(args.tally, data, acked, combo)
                        continue
                    if "is open for writing elsewhere" not in r.stderr or "PID" not in r.stderr or \
                            "--readonly" not in r.stderr:
                        raise Failure(f"{combo}: refusal does not say why: {r.stderr}")
                    refused += 1
                else:
                    r = run(args.tally, data, VERIFY, readonly=True)
                    if r.returncode != 0:
                        if r.returncode < 0 or "cannot open" not in r.stderr:
                            raise Failure(f"{combo}: reader failed unclearly: {r.stderr}")
                        refused += 1
                    else:
                        check_batches(r.stdout, acked, combo)
                        consistent += 1
                if first.finish() != 0:
                    raise Failure(f"{combo}: the first process failed: {first.stderr}")
                acked |= set(batches)
                verify_after(args.tally, data, acked, combo)
            if combo.endswith("writer") and refused == 0:
                raise Failure(f"{combo}: the first process finished before the second started in all "
                              f"{args.runs} runs, even writing {per_run} batches: nothing was shown")
            counts[combo] = dict(refused=refused, consistent=consistent, outrun=outrun)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"process pairs ({args.runs} runs each, {time.time() - started:.1f} s): " +
          "; ".join(f"{k}: {v['refused']} refused, {v['consistent']} consistent snapshots"
                    + (f", {v['outrun']} runs where the first finished too soon" if v['outrun'] else "")
                    for k, v in counts.items()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("tally")
    sub = p.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("crash")
    c.add_argument("--cycles", type=int, default=50)
    c.add_argument("--seed", type=int, default=int(os.environ.get("TALLY_CRASH_SEED", "1")))
    pr = sub.add_parser("pairs")
    pr.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    try:
        crash(args) if args.mode == "crash" else pairs(args)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
