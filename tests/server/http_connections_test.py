#!/usr/bin/env python3
"""`tally serve` under hostile and numerous connections.

Slowloris (a head trickled a byte a second is cut off within the receive timeout, not
each byte's), half-open connections (one that never sends, one that stalls mid-body, an
idle keep-alive one: each closed within its timeout), the limit on requests running at
once (503 with Retry-After), 10,000 idle connections open at once while another client's
queries are answered promptly and the server holds no thread per idle connection, and a
SIGTERM with thousands of idle connections. Standard library only.

Usage: http_connections_test.py TALLY
"""
import os
import resource
import socket
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_protocol_test as hp  # noqa: E402  (its Server and raw_exchange)

RECEIVE_TIMEOUT_S = 2


def read_until_closed(sock, limit_s):
    """Everything the server sends until it closes (or limit_s passes); (bytes, closed, seconds)."""
    start = time.time()
    out = b""
    sock.settimeout(0.2)
    while time.time() - start < limit_s:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return out, True, time.time() - start
        if not chunk:
            return out, True, time.time() - start
        out += chunk
    return out, False, time.time() - start


def server_threads(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


class TimeoutsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = hp.Server(os.path.join(cls.tmp.name, "data"), "--receive-timeout", str(RECEIVE_TIMEOUT_S),
                               "--keep-alive-timeout", "1", "--max-active-requests", "2")
        cls.server.query("CREATE TABLE stall (a UInt8) ENGINE = MergeTree ORDER BY a")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.server.port), timeout=10)

    def test_slowloris_is_cut_off_within_the_receive_timeout(self):
        s = self.connect()
        head = b"GET /?query=SELECT+1 HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n"
        start = time.time()
        reply, sent = b"", 0
        s.settimeout(1.0)
        # A byte a second: each arrives well within the timeout, the whole head never does.
        while time.time() - start < 4 * RECEIVE_TIMEOUT_S:
            try:
                s.sendall(head[sent:sent + 1])
                sent += 1
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                chunk = s.recv(4096)
                reply += chunk
                if not chunk or reply:
                    break
            except socket.timeout:
                pass
        elapsed = time.time() - start
        s.close()
        self.assertTrue(reply.startswith(b"HTTP/1.1 408"), reply)
        self.assertGreater(sent, 1)
        self.assertLess(elapsed, RECEIVE_TIMEOUT_S + 1.5)
        self.assertGreaterEqual(elapsed, RECEIVE_TIMEOUT_S - 0.5)

    def test_a_connection_that_never_sends_is_closed_within_the_receive_timeout(self):
        s = self.connect()
        out, closed, seconds = read_until_closed(s, 4 * RECEIVE_TIMEOUT_S)
        s.close()
        self.assertTrue(closed)
        self.assertEqual(out, b"")
        self.assertLess(seconds, RECEIVE_TIMEOUT_S + 1.5)

    def test_a_body_that_stalls_halfway_is_cut_off(self):
        s = self.connect()
        target = "/?" + urllib.parse.urlencode({"query": "INSERT INTO stall FORMAT CSV"})
        s.sendall(f"POST {target} HTTP/1.1\r\nContent-Length: 1000\r\n\r\n".encode() + b"1\n" * 250)
        out, closed, seconds = read_until_closed(s, 4 * RECEIVE_TIMEOUT_S)
        s.close()
        self.assertTrue(closed)
        self.assertFalse(out.startswith(b"HTTP/1.1 200"), out)
        self.assertIn(b"ended after 500 of 1000 bytes", out)
        self.assertGreaterEqual(seconds, RECEIVE_TIMEOUT_S - 0.5)
        self.assertLess(seconds, RECEIVE_TIMEOUT_S + 1.5)
        self.assertEqual(self.server.query("SELECT count() FROM stall"), "0\n")

    def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout(self):
        s = self.connect()
        s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        out, closed, seconds = read_until_closed(s, 5)
        s.close()
        self.assertTrue(out.startswith(b"HTTP/1.1 200") and out.endswith(b"Ok.\n"), out)
        self.assertTrue(closed)
        self.assertGreater(seconds, 0.5)
        self.assertLess(seconds, 2.5)

    def test_requests_over_the_active_limit_are_refused_at_once(self):
        slow = urllib.parse.urlencode({"query": "SELECT sum(number) FROM numbers(100000000000) SETTINGS max_threads = 1"})
        running = []
        for _ in range(2):
            s = self.connect()
            s.sendall(f"GET /?{slow} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            running.append(s)
        time.sleep(0.5)
        start = time.time()
        out = hp.raw_exchange(self.server.port, b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 503"), out[:200])
        self.assertIn(b"Retry-After: 1", out)
        self.assertIn(b"X-ClickHouse-Exception-Code: 202", out)
        self.assertLess(time.time() - start, 1)
        for s in running:
            s.close()  # the queries are cancelled; the threads come back
        deadline = time.time() + 10
        while time.time() < deadline:
            if hp.raw_exchange(self.server.port, b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 200"):
                break
            time.sleep(0.1)
        else:
            self.fail("the server did not come back after the slow clients left")


class ManyConnectionsTest(unittest.TestCase):
    IDLE = 10000

    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        if hard < self.IDLE + 500:
            self.skipTest(f"RLIMIT_NOFILE hard limit {hard} is too low for {self.IDLE} connections")
        self.tmp = tempfile.TemporaryDirectory()
        self.server = hp.Server(os.path.join(self.tmp.name, "data"), "--keep-alive-timeout", "120",
                                "--receive-timeout", "120")
        self.idle = []

    def tearDown(self):
        for s in self.idle:
            s.close()
        if self.server.proc.poll() is None:
            self.server.stop()
        self.tmp.cleanup()

    def open_idle(self, count):
        """`count` connections: half sent a request first (idle keep-alive), half sent nothing."""
        for i in range(count):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
            self.idle.append(s)
            if i % 2 == 0:
                s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        for s in self.idle[0::2]:
            s.settimeout(30)
            reply = b""
            while not reply.endswith(b"Ok.\n"):
                chunk = s.recv(4096)
                self.assertTrue(chunk, "the server closed an idle connection")
                reply += chunk
            self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply)

    def test_ten_thousand_idle_connections_and_queries_still_answered(self):
        start = time.time()
        self.open_idle(self.IDLE)
        opened_s = time.time() - start
        # Another client's queries are answered promptly while they stay open.
        latencies = []
        for i in range(50):
            t = time.time()
            self.assertEqual(self.server.query(f"SELECT {i} + 1"), f"{i + 1}\n")
            latencies.append(time.time() - t)
        latencies.sort()
        self.assertLess(latencies[-1], 1.0, latencies)
        self.assertLess(latencies[len(latencies) // 2], 0.1, latencies)
        # Idle connections hold no thread: a thread each would be 10,000. (The bursts of
        # requests above may have started worker threads, up to --max-active-requests,
        # 1024; they exit after 10 s without work.)
        threads = server_threads(self.server.proc.pid)
        self.assertLess(threads, 1000)
        # And every one of them is still open and usable: one request on each of a sample.
        for s in self.idle[::97]:
            s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        for s in self.idle[::97]:
            reply = b""
            while not reply.endswith(b"Ok.\n"):
                chunk = s.recv(4096)
                self.assertTrue(chunk, "the server closed an idle connection")
                reply += chunk
        print(f"\n  {self.IDLE} idle connections opened in {opened_s:.1f} s; query latency median "
              f"{latencies[len(latencies) // 2] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; "
              f"server threads {threads}", file=sys.stderr)

    def test_sigterm_closes_idle_connections_and_lets_a_running_request_finish(self):
        self.open_idle(2000)
        self.server.query("CREATE TABLE t (a UInt64) ENGINE = MergeTree ORDER BY a")
        # A request whose body is still arriving when the stop comes: it completes.
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        target = "/?" + urllib.parse.urlencode({"query": "INSERT INTO t FORMAT TSV"})
        s.sendall(f"POST {target} HTTP/1.1\r\nContent-Length: 4\r\n\r\n1\n".encode())
        time.sleep(0.3)
        start = time.time()
        stopper = threading.Thread(target=self.server.stop)
        stopper.start()
        time.sleep(0.5)
        s.sendall(b"2\n")
        out, closed, _ = read_until_closed(s, 10)
        s.close()
        stopper.join()
        self.assertTrue(out.startswith(b"HTTP/1.1 200"), out)
        self.assertIn(b"Connection: Close", out)
        self.assertEqual(self.server.proc.returncode, 0, self.server.stderr)
        self.assertLess(time.time() - start, 10)
        # The idle connections were closed by the stop.
        for sock in self.idle[:50]:
            data, closed, _ = read_until_closed(sock, 2)
            self.assertTrue(closed)
        out = hp.subprocess.run([hp.TALLY, "local", "--data", os.path.join(self.tmp.name, "data"), "--query",
                                 "SELECT sum(a) FROM t"], capture_output=True, text=True, check=True).stdout
        self.assertEqual(out, "3\n")


if __name__ == "__main__":
    hp.TALLY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
