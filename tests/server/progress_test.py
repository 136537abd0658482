#!/usr/bin/env python3
"""`tally serve`'s progress reporting, over raw HTTP: X-ClickHouse-Summary (its keys in
ClickHouse's order, written rows of an INSERT, read rows of a count with
wait_end_of_query=1, a held response and its bound), and X-ClickHouse-Progress header
lines with send_progress_in_http_headers=1: sent while a long SELECT runs and while an
INSERT's body is still arriving, before the head ends; none without the parameter or for a
short query; an error after them in the body, with the status already sent; the connection
reusable afterwards. Standard library only.

Usage: progress_test.py TALLY
"""
import http.client
import json
import os
import socket
import sys
import tempfile
import time
import unittest
import urllib.parse

from serve_process import ServeProcess

TALLY = None
KEYS = ["read_rows", "read_bytes", "written_rows", "written_bytes", "total_rows_to_read", "result_rows",
        "result_bytes", "elapsed_ns"]
# A SELECT that runs for about 2 s on one core of a 2024 laptop (hashing keeps it slow on
# faster machines too): progress lines are due every 100 ms.
LONG_ROWS = 100000000
LONG_SELECT = f"SELECT count() FROM numbers({LONG_ROWS}) WHERE sipHash64(number) != 0 SETTINGS max_threads = 1"


def parse_json_header(value):
    """The header's JSON, checked to hold ClickHouse's keys in its order, as integers."""
    obj = json.loads(value)
    if list(obj) != KEYS:
        raise AssertionError(f"keys {list(obj)} != {KEYS}")
    if not all(isinstance(v, str) for v in obj.values()):
        raise AssertionError(f"values are not quoted numbers: {value}")
    return {k: int(v) for k, v in obj.items()}


class RawResponse:
    """A response read off a socket as it arrives: the head's lines (with when each came
    relative to the head's end) and the body, de-chunked."""

    def __init__(self, sock, request, body_chunks=(), pause_s=0.0):
        self.sock = sock
        self.buf = b""
        sock.sendall(request)
        # A chunked body sent in pieces, reading what the server sends meanwhile.
        for chunk in body_chunks:
            time.sleep(pause_s)
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self._read_available()
            self.lines_before_body_end = self._head_lines_so_far()
        if body_chunks:
            sock.sendall(b"0\r\n\r\n")
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = [tuple(l.split(": ", 1)) for l in lines[1:]]
        self.body, self.complete = self._read_body()

    def header(self, name):
        values = self.all(name)
        if len(values) != 1:
            raise AssertionError(f"{name}: {values} in {self.headers}")
        return values[0]

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def _read_available(self):
        self.sock.setblocking(False)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.buf += data
        except BlockingIOError:
            pass
        finally:
            self.sock.setblocking(True)

    def _head_lines_so_far(self):
        return [l for l in self.buf.decode(errors="replace").split("\r\n") if l.startswith("X-ClickHouse-Progress")]

    def _read_body(self):
        """The body, and whether it ended properly (the last chunk, or its length)."""
        length = next((int(v) for k, v in self.headers if k == "Content-Length"), None)
        if length is not None:
            while len(self.buf) < length:
                self._recv()
            body, self.buf = self.buf[:length], self.buf[length:]
            return body, True
        body = b""
        try:
            while True:
                while b"\r\n" not in self.buf:
                    self._recv()
                size_line, rest = self.buf.split(b"\r\n", 1)
                size = int(size_line, 16)
                while len(rest) < size + 2:
                    self._recv()
                    size_line, rest = self.buf.split(b"\r\n", 1)
                body += rest[:size]
                self.buf = rest[size + 2:]
                if size == 0:
                    return body, True
        except EOFError:
            return body + self.buf, False


class ProgressTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = ServeProcess(TALLY, os.path.join(cls.tmp.name, "data"))
        cls.query("CREATE TABLE t (id UInt64, v UInt32) ENGINE = MergeTree ORDER BY id")
        cls.rows = 300000
        status, headers, _ = cls.request(body="".join(f"{i}\t{i % 7}\n" for i in range(cls.rows)).encode(),
                                         query="INSERT INTO t FORMAT TabSeparated")
        assert status == 200
        cls.insert_summary = parse_json_header(headers["X-ClickHouse-Summary"])

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.tmp.cleanup()
        if code != 0:
            raise AssertionError(f"tally serve exited {code}: {cls.server.stderr}")

    @classmethod
    def request(cls, body=None, **params):
        c = http.client.HTTPConnection("127.0.0.1", cls.server.port, timeout=60)
        try:
            c.request("POST", "/?" + urllib.parse.urlencode(params), body=body)
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    @classmethod
    def query(cls, sql, **params):
        status, _, body = cls.request(body=sql.encode(), **params)
        assert status == 200, (sql, status, body)
        return body.decode()

    def raw(self, sql, params, **kwargs):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=60)
        self.addCleanup(sock.close)
        target = "/?" + urllib.parse.urlencode(params)
        data = sql.encode()
        request = (f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data
        return sock, RawResponse(sock, request, **kwargs)

    def test_insert_summary_counts_written_rows(self):
        s = self.insert_summary
        self.assertEqual(s["written_rows"], self.rows)
        self.assertEqual(s["written_bytes"], self.rows * 12)  # UInt64 + UInt32
        self.assertEqual(s["result_rows"], self.rows)
        self.assertEqual(s["read_rows"], 0)
        self.assertGreater(s["elapsed_ns"], 0)
        # VALUES, in the body with the statement.
        status, headers, _ = self.request(body=b"INSERT INTO t VALUES (900000000, 1), (900000001, 2)")
        self.assertEqual(status, 200)
        self.assertEqual(parse_json_header(headers["X-ClickHouse-Summary"])["written_rows"], 2)

    def test_count_summary_with_wait_end_of_query(self):
        status, headers, body = self.request(body=b"SELECT count() FROM t WHERE id < 300000", wait_end_of_query=1)
        self.assertEqual((status, body), (200, f"{self.rows}\n".encode()))
        s = parse_json_header(headers["X-ClickHouse-Summary"])
        self.assertEqual(s["read_rows"], self.rows)
        self.assertEqual(s["total_rows_to_read"], self.rows)
        self.assertGreater(s["read_bytes"], 0)
        self.assertEqual((s["written_rows"], s["result_rows"], s["result_bytes"]), (0, 1, 8))

    def test_held_response_is_whole_and_its_summary_final(self):
        # 2.6 MB of TSV: past the 1 MiB buffer, so without wait_end_of_query it streams.
        sql = "SELECT number FROM numbers(400000)"
        sock, r = self.raw(sql, {})
        self.assertEqual(r.header("Transfer-Encoding"), "chunked")
        sock, r = self.raw(sql, {"wait_end_of_query": 1})
        self.assertEqual(r.status, 200)
        self.assertEqual(int(r.header("Content-Length")), len(r.body))
        self.assertEqual(r.body.count(b"\n"), 400000)
        s = parse_json_header(r.header("X-ClickHouse-Summary"))
        self.assertEqual((s["read_rows"], s["result_rows"]), (400000, 400000))
        # The setting's name, in a named session's SET, and true for 1.
        self.query("SET http_wait_end_of_query = 1", session_id="held")
        sock, r = self.raw(sql, {"session_id": "held"})
        self.assertEqual(int(r.header("Content-Length")), len(r.body))
        sock, r = self.raw(sql, {"wait_end_of_query": "true"})
        self.assertEqual(int(r.header("Content-Length")), len(r.body))

    def test_held_response_past_its_bound_is_an_error(self):
        # ~79 MB of TSV against the 64 MiB a held response may take.
        status, headers, body = self.request(body=b"SELECT number FROM numbers(10000000)", wait_end_of_query=1)
        self.assertEqual(status, 500)
        self.assertEqual(headers["X-ClickHouse-Exception-Code"], "396")
        self.assertIn(b"wait_end_of_query", body)
        self.assertEqual(len([k for k in headers if k == "Content-Type"]), 1)
        self.assertEqual(self.query("SELECT 1"), "1\n")

    def test_progress_lines_come_while_a_select_runs(self):
        sock, r = self.raw(LONG_SELECT, {"send_progress_in_http_headers": 1, "query_id": "long"})
        self.assertEqual(r.status, 200)
        progress = [parse_json_header(v) for v in r.all("X-ClickHouse-Progress")]
        self.assertGreaterEqual(len(progress), 2, r.headers)
        reads = [p["read_rows"] for p in progress]
        self.assertEqual(reads, sorted(reads))
        self.assertTrue(all(p["total_rows_to_read"] == LONG_ROWS for p in progress), progress)
        self.assertLess(reads[0], LONG_ROWS)
        names = [k for k, _ in r.headers]
        # Progress first (sent while the query ran), then the result's headers.
        self.assertLess(names.index("X-ClickHouse-Progress"), names.index("X-ClickHouse-Summary"))
        self.assertEqual(r.body, b"%d\n" % LONG_ROWS)
        self.assertTrue(r.complete)
        s = parse_json_header(r.header("X-ClickHouse-Summary"))
        self.assertEqual(s["read_rows"], LONG_ROWS)
        self.assertEqual(r.header("X-ClickHouse-Query-Id"), "long")
        # The connection carries the next request.
        sock.sendall(b"GET /?query=SELECT+42 HTTP/1.1\r\nHost: x\r\n\r\n")
        r2 = RawResponse(sock, b"")
        self.assertEqual((r2.status, r2.body), (200, b"42\n"))

    def test_progress_lines_precede_the_end_of_the_head(self):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=60)
        self.addCleanup(sock.close)
        data = LONG_SELECT.encode()
        sock.sendall(b"POST /?send_progress_in_http_headers=1&http_headers_progress_interval_ms=50 HTTP/1.1\r\n"
                     b"Host: x\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data))
        got = b""
        while b"X-ClickHouse-Progress" not in got:
            chunk = sock.recv(65536)
            self.assertTrue(chunk, got)
            got += chunk
        # The status line and a progress line are out; the head is not finished.
        self.assertTrue(got.startswith(b"HTTP/1.1 200 OK\r\n"), got)
        self.assertNotIn(b"\r\n\r\n", got)

    def test_no_progress_lines_unless_asked_or_for_a_short_query(self):
        sock, r = self.raw(LONG_SELECT, {})
        self.assertEqual(r.all("X-ClickHouse-Progress"), [])
        sock, r = self.raw("SELECT 1", {"send_progress_in_http_headers": 1})
        self.assertEqual(r.all("X-ClickHouse-Progress"), [])
        self.assertEqual(r.body, b"1\n")

    def test_progress_lines_while_an_insert_body_arrives(self):
        self.query("CREATE TABLE ins (id UInt64) ENGINE = MergeTree ORDER BY id")
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=60)
        self.addCleanup(sock.close)
        params = {"query": "INSERT INTO ins FORMAT TabSeparated", "send_progress_in_http_headers": 1,
                  "http_headers_progress_interval_ms": 20, "min_insert_block_size_rows": 1000,
                  "max_read_buffer_size": 4096}
        head = (f"POST /?{urllib.parse.urlencode(params)} HTTP/1.1\r\nHost: x\r\n"
                "Transfer-Encoding: chunked\r\n\r\n").encode()
        chunks = ["".join(f"{i * 2000 + j}\n" for j in range(2000)).encode() for i in range(10)]
        r = RawResponse(sock, head, body_chunks=chunks, pause_s=0.2)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.lines_before_body_end, "no progress line while the body was arriving")
        progress = [parse_json_header(v) for v in r.all("X-ClickHouse-Progress")]
        written = [p["written_rows"] for p in progress]
        self.assertEqual(written, sorted(written))
        self.assertGreater(written[0], 0)
        self.assertLess(written[0], 20000)
        self.assertEqual(parse_json_header(r.header("X-ClickHouse-Summary"))["written_rows"], 20000)
        self.assertEqual(self.query("SELECT count() FROM ins"), "20000\n")

    def test_an_error_after_progress_lines_goes_in_the_body(self):
        sql = LONG_SELECT + ", max_execution_time = 0.5"
        sock, r = self.raw(sql, {"send_progress_in_http_headers": 1})
        self.assertEqual(r.status, 200)  # sent with the first progress line
        self.assertTrue(r.all("X-ClickHouse-Progress"))
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "159")
        self.assertIn(b"TIMEOUT_EXCEEDED", r.body)
        self.assertFalse(r.complete)  # no last chunk: a broken transfer, not a short result


if __name__ == "__main__":
    TALLY = sys.argv.pop(1)
    unittest.main()
