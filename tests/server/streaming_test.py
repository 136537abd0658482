#!/usr/bin/env python3
"""`tally serve` streams SELECT results: end to end over HTTP.

- A client that reads the first bytes of a result without end (numbers(1e10), a wide
  scan of a table) and closes the connection cancels its query: within a second the
  server counts no active query (/metrics), stops using CPU and answers the next query.
- A plain SELECT whose result is many times max_memory_usage streams through it, and
  the server's peak memory grows by far less than the result; the same rows sorted
  (held whole) fail with MEMORY_LIMIT_EXCEEDED.
- max_execution_time holds while a result is formatted and sent: SELECT a FROM big (3M
  rows) with max_execution_time = 0.02 fails (408, or a cut transfer ending in the error)
  instead of answering 200 with every row.

Standard library only. Usage: streaming_test.py TALLY
"""
import http.client
import os
import re
import socket
import sys
import tempfile
import time
import unittest
import urllib.parse

from serve_process import ServeProcess

TALLY = None
BIG_ROWS = 3_000_000


class Server(ServeProcess):
    def __init__(self, data_dir, *args):
        super().__init__(TALLY, data_dir, *args)

    def request(self, sql, body=None, **params):
        """(status, headers, body) of a POST of `sql` (the `query` parameter)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            c.request("POST", "/?" + urllib.parse.urlencode(dict(query=sql, **params)), body=body)
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def ok(self, sql, **params):
        status, _, body = self.request(sql, **params)
        assert status == 200, f"{sql}: {status} {body[:300]!r}"
        return body

    def active_queries(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request("GET", "/metrics")
            text = c.getresponse().read().decode()
        finally:
            c.close()
        m = re.search(r"^tally_active_queries (\S+)$", text, re.M)
        return int(float(m.group(1)))

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def peak_rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise AssertionError("no VmHWM")


class StreamingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.server = Server(os.path.join(cls.dir.name, "data"))
        cls.server.ok("CREATE TABLE big (a UInt64, s String) ENGINE = MergeTree ORDER BY a")
        cls.server.ok(f"INSERT INTO big SELECT number, toString(number) FROM numbers({BIG_ROWS})")
        cls.server.ok("OPTIMIZE TABLE big FINAL")  # one part: no background merge works meanwhile

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.dir.cleanup()

    def read_first_bytes_and_close(self, sql, want_bytes=4 << 20, **params):
        """Sends `sql`, reads `want_bytes` of the answer, closes; the time it took."""
        target = "/?" + urllib.parse.urlencode(dict(query=sql, **params))
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        start = time.monotonic()
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        got = b""
        while len(got) < want_bytes:
            chunk = s.recv(1 << 16)
            self.assertTrue(chunk, f"the server closed after {len(got)} bytes: {got[:300]!r}")
            got += chunk
        self.assertIn(b" 200 OK\r\n", got[:100])
        s.close()
        return time.monotonic() - start

    def assert_query_ends_within_a_second(self, what):
        closed = time.monotonic()
        while self.server.active_queries() != 0:
            self.assertLess(time.monotonic() - closed, 1.0, f"{what}: still running a second after the client left")
            time.sleep(0.02)
        # No work goes on behind the counter: the server idles.
        cpu = self.server.cpu_seconds()
        time.sleep(0.5)
        self.assertLess(self.server.cpu_seconds() - cpu, 0.2, f"{what}: the server still works")
        start = time.monotonic()
        self.assertEqual(self.server.ok("SELECT 1"), b"1\n")
        self.assertLess(time.monotonic() - start, 1.0)

    def test_a_client_that_goes_away_cancels_its_query(self):
        wide = ", ".join(["s"] * 40)  # 3M rows of ~300 bytes: longer to send than a test waits
        for sql in ("SELECT number FROM numbers(10000000000)", f"SELECT a, {wide} FROM big"):
            for threads in ("1", "0"):
                what = f"{sql[:50]} (max_threads={threads})"
                with self.subTest(what):
                    self.read_first_bytes_and_close(sql, max_threads=threads)
                    self.assert_query_ends_within_a_second(what)

    def test_max_execution_time_holds_while_the_result_is_written(self):
        for threads in ("1", "0"):
            with self.subTest(max_threads=threads):
                c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
                c.request("POST", "/?" + urllib.parse.urlencode(dict(
                    query="SELECT a FROM big", max_execution_time="0.02", max_threads=threads)))
                r = c.getresponse()
                try:
                    body = r.read()
                    complete = True
                except http.client.IncompleteRead as e:  # cut after it began: the error is appended
                    body = e.partial
                    complete = False
                c.close()
                if complete:
                    self.assertEqual(r.status, 408, body[-300:])
                self.assertTrue(body.rstrip().endswith(b"(TIMEOUT_EXCEEDED)"), body[-300:])
                self.assertLess(body.count(b"\n"), BIG_ROWS)


class MemoryTest(unittest.TestCase):
    """On a server of its own, so that its peak memory is this test's."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.fresh = Server(os.path.join(self.dir.name, "data"))

    def tearDown(self):
        self.fresh.stop()
        self.dir.cleanup()

    def test_a_result_larger_than_max_memory_usage_streams(self):
        rows = 10_000_000  # about 230 MB of columns and 150 MB of text, through 20 MB
        sql = f"SELECT number, toString(number) FROM numbers({rows})"
        peak = self.fresh.peak_rss_bytes()
        c = http.client.HTTPConnection("127.0.0.1", self.fresh.port, timeout=120)
        c.request("POST", "/?" + urllib.parse.urlencode(dict(query=sql, max_memory_usage="20000000")))
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Transfer-Encoding"), "chunked")
        lines, size, tail = 0, 0, b""
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            lines += chunk.count(b"\n")
            size += len(chunk)
            tail = (tail + chunk)[-64:]
        c.close()
        self.assertEqual(lines, rows)
        self.assertTrue(tail.endswith(b"\n9999999\t9999999\n"), tail)
        self.assertGreater(size, 150_000_000)
        grown = self.fresh.peak_rss_bytes() - peak
        self.assertLess(grown, 120 << 20, f"peak RSS grew by {grown >> 20} MiB")
        # Sorted, the same rows are held whole: over the budget.
        status, headers, body = self.fresh.request(sql + " ORDER BY number DESC", max_memory_usage="20000000")
        self.assertEqual(headers.get("X-ClickHouse-Exception-Code"), "241", body[:300])
        self.assertIn(b"MEMORY_LIMIT_EXCEEDED", body)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: streaming_test.py TALLY")
    TALLY = sys.argv.pop(1)
    unittest.main()
