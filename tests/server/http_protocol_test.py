#!/usr/bin/env python3
"""`tally serve` over raw HTTP: ClickHouse's HTTP interface as curl and the clients use it.

Starts the server on a free port of a fresh data directory and checks health answers,
queries in the URL and the body, streamed INSERT bodies (plain, chunked, after the SQL in
the body), parameters and settings in the URL, sessions, errors as ClickHouse's clients
parse them, GET being read-only, malformed HTTP, limits (connections, timeouts), and a
clean stop on SIGTERM that keeps every acknowledged row. Standard library only.

Usage: http_protocol_test.py TALLY
"""
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

from serve_process import ServeProcess

TALLY = None
# The expression @clickhouse/client parses errors with (its parse_error.ts).
JS_ERROR_RE = re.compile(r"(Code|Error): (?P<code>\d+).*Exception: (?P<message>.+)\((?P<type>(?=.+[A-Z]{3})[A-Z0-9_]+?)\)", re.S)


class Server(ServeProcess):
    """A `tally serve` process on a free port; stop() sends SIGTERM and returns its exit code."""

    def __init__(self, data_dir, *args):
        super().__init__(TALLY, data_dir, *args)

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method="POST", body=None, headers=None, **params):
        c = self.conn()
        try:
            c.request(method, "/?" + urllib.parse.urlencode(params) if params else "/", body=body,
                      headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def query(self, sql, **params):
        status, headers, body = self.request(body=sql.encode(), **params)
        if status != 200:
            raise AssertionError(f"{sql!r}: HTTP {status}: {body!r}")
        return body.decode()


def raw_exchange(port, data, timeout=10):
    """Sends raw bytes and returns everything the server sends until it closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


class HttpProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = Server(os.path.join(cls.tmp.name, "data"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def test_health(self):
        for method, path in (("GET", "/"), ("GET", "/ping"), ("HEAD", "/ping")):
            c = self.server.conn()
            c.request(method, path)
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.read(), b"" if method == "HEAD" else b"Ok.\n")
            c.close()
        status, _, body = self.server.request("GET", None)
        self.assertEqual((status, body), (200, b"Ok.\n"))
        c = self.server.conn()
        c.request("GET", "/nowhere")
        r = c.getresponse()
        self.assertEqual(r.status, 404)
        self.assertIn(b"/play", r.read())
        c.close()

    def test_play_page(self):
        # GET and HEAD only; the page itself is tried in a browser by play_test.py.
        answers = {}
        for method in ("GET", "HEAD", "POST"):
            c = self.server.conn()
            c.request(method, "/play")
            r = c.getresponse()
            answers[method] = (r.status, r.getheader("Content-Type"), r.getheader("Content-Length"), r.read())
            c.close()
        status, content_type, length, page = answers["GET"]
        self.assertEqual((status, content_type), (200, "text/html; charset=UTF-8"))
        self.assertTrue(page.startswith(b"<!DOCTYPE html>") and b"<textarea" in page, page[:200])
        self.assertEqual(int(length), len(page))
        self.assertEqual(answers["HEAD"], (200, content_type, length, b""))
        self.assertEqual((answers["POST"][0], answers["POST"][3]), (405, b"Use GET for /play.\n"))

    def test_query_in_url_body_or_both(self):
        status, headers, body = self.server.request("GET", query="SELECT 1, 'a'")
        self.assertEqual((status, body), (200, b"1\ta\n"))
        self.assertEqual(headers["X-ClickHouse-Format"], "TabSeparated")
        self.assertEqual(headers["X-ClickHouse-Timezone"], "UTC")
        self.assertIn("elapsed_ns", headers["X-ClickHouse-Summary"])
        self.assertRegex(headers["X-ClickHouse-Query-Id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertRegex(headers["Keep-Alive"], r"^timeout=\d+$")
        self.assertEqual(self.server.query("SELECT 2 + 2"), "4\n")
        # The body continues the query in the URL.
        status, _, body = self.server.request(body=b" + 1", query="SELECT 1")
        self.assertEqual((status, body), (200, b"2\n"))
        # The query id is echoed; the format follows default_format, the header, or FORMAT.
        status, headers, body = self.server.request(body=b"SELECT 3 AS x", query_id="q-1", default_format="JSONEachRow")
        self.assertEqual((headers["X-ClickHouse-Query-Id"], body), ("q-1", b'{"x":3}\n'))
        self.assertEqual(headers["X-ClickHouse-Format"], "JSONEachRow")
        status, headers, body = self.server.request(body=b"SELECT 3 AS x", headers={"X-ClickHouse-Format": "CSVWithNames"})
        self.assertEqual(body, b'"x"\n3\n')
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        status, headers, body = self.server.request(body=b"SELECT 3 AS x FORMAT JSONCompactEachRow")
        self.assertEqual((body, headers["X-ClickHouse-Format"]), (b"[3]\n", "JSONCompactEachRow"))

    def assertError(self, answer, status, code, name, text=""):
        """An error answer as ClickHouse's clients parse it: status, header, one-line body."""
        got, headers, body = answer
        self.assertEqual((got, headers.get("X-ClickHouse-Exception-Code")), (status, str(code)), body)
        m = JS_ERROR_RE.search(body.decode())
        self.assertIsNotNone(m, body)
        self.assertEqual((m.group("code"), m.group("type")), (str(code), name))
        self.assertTrue(body.decode().startswith(f"Code: {code}. DB::Exception: "), body)
        self.assertIn(text, body.decode())

    def test_errors_as_clients_parse_them(self):
        self.server.query("CREATE TABLE err (id UInt32, s String) ENGINE = MergeTree ORDER BY id")
        for sql, status, code, name in (("SELECT * FROM no_such_table", 404, 60, "UNKNOWN_TABLE"),
                                        ("SELECT * FROM no_such_db.t", 404, 81, "UNKNOWN_DATABASE"),
                                        ("SELEC 1", 400, 62, "SYNTAX_ERROR"),
                                        ("SELECT no_such_function(1)", 404, 46, "UNKNOWN_FUNCTION"),
                                        ("SELECT no_such_column FROM err", 404, 47, "UNKNOWN_IDENTIFIER"),
                                        ("SELECT 1 SETTINGS no_such_setting = 1", 404, 115, "UNKNOWN_SETTING"),
                                        ("SELECT 1 FORMAT NoSuchFormat", 404, 73, "UNKNOWN_FORMAT"),
                                        ("SELECT {p:UInt8}", 500, 456, "UNKNOWN_QUERY_PARAMETER"),
                                        ("SELECT sum(s) FROM err", 500, 43, "ILLEGAL_TYPE_OF_ARGUMENT"),
                                        ("CREATE TABLE err (a UInt8) ENGINE = MergeTree ORDER BY a", 500, 57,
                                         "TABLE_ALREADY_EXISTS"),
                                        ("SELECT 1 UNION DISTINCT SELECT 2", 501, 48, "NOT_IMPLEMENTED")):
            self.assertError(self.server.request(body=sql.encode()), status, code, name)
        self.assertError(self.server.request(body=b"SELECT 1", no_such_setting="1"), 404, 115, "UNKNOWN_SETTING")
        self.assertError(self.server.request(body=b"SELECT 1", database="no_such_db"), 404, 81, "UNKNOWN_DATABASE")
        self.assertError(self.server.request(body=b"   "), 400, 62, "SYNTAX_ERROR")
        # A write over GET (test_get_is_read_only), and a user's readonly level (users_test.py).
        self.assertError(self.server.request("GET", query="INSERT INTO err VALUES (1, 'a')"), 500, 164, "READONLY",
                         "Cannot execute query in readonly mode")
        # readonly=N in the URL: a POST made read-only; a GET cannot be made writable.
        self.assertError(self.server.request(body=b"INSERT INTO err VALUES (1, 'a')", readonly="1"), 500, 164,
                         "READONLY", "readonly = 1 was set for this request")
        self.assertError(self.server.request(body=b"SELECT 1 SETTINGS max_threads = 1", readonly="1"), 500, 164,
                         "READONLY", "Cannot modify 'max_threads'")
        self.assertEqual(self.server.query("SELECT 1 SETTINGS max_threads = 1", readonly="2"), "1\n")
        self.assertError(self.server.request("GET", query="SELECT 1", readonly="0"), 500, 164, "READONLY",
                         "Cannot modify 'readonly'")
        self.assertError(self.server.request(body=b"SELECT 1", readonly="3"), 400, 36, "BAD_ARGUMENTS")
        self.assertEqual(self.server.query("SELECT count() FROM err"), "0\n")

    def test_bad_input_rows_answer_a_parse_error(self):
        self.server.query("CREATE TABLE rows (id UInt32, s String) ENGINE = MergeTree ORDER BY id")
        # A malformed JSONEachRow row: the row is named, as ClickHouse's clients show it.
        bad_json = b'{"id":1,"s":"a"}\n{"id":2 "s":"b"}\n'
        self.assertError(self.server.request(body=bad_json, query="INSERT INTO rows FORMAT JSONEachRow"), 400, 27,
                         "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "row 2")
        # A value that is not of its column's type, the data after the statement in the body.
        self.assertError(self.server.request(body=b'INSERT INTO rows FORMAT JSONEachRow\n{"id":"x","s":"a"}\n'), 400,
                         27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "row 1, column 'id'")
        # Fields where the table has none (@clickhouse/client's own test sends this row).
        self.assertError(self.server.request(body=b'42,foobar,"[1,2]"\n', query="INSERT INTO rows FORMAT TSV"), 400,
                         27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "row 1")
        # Input that parses but names what the table does not have.
        self.assertError(self.server.request(body=b'{"id":1,"nope":2}\n', query="INSERT INTO rows FORMAT JSONEachRow",
                                             input_format_skip_unknown_fields="0"),
                         400, 117, "INCORRECT_DATA", "unknown field 'nope'")
        # Binary input that ends inside a value.
        self.assertError(self.server.request(body=b"\x01", query="INSERT INTO rows FORMAT RowBinary"), 500, 33,
                         "CANNOT_READ_ALL_DATA")
        self.assertEqual(self.server.query("SELECT count() FROM rows"), "0\n")

    def test_get_is_read_only(self):
        got, headers, body = self.server.request("GET", query="CREATE TABLE ro (a UInt8) ENGINE = MergeTree ORDER BY a")
        self.assertEqual(headers["X-ClickHouse-Exception-Code"], "164", body)
        self.assertIn(b"method GET implies readonly", body)
        self.assertNotIn("ro", self.server.query("SHOW TABLES").split())
        got, _, body = self.server.request("GET", query="SELECT 1 SETTINGS max_threads = 1")
        self.assertEqual((got, body), (200, b"1\n"))

    def test_inserts_stream_from_the_body(self):
        self.server.query("CREATE TABLE ins (id UInt32, s String) ENGINE = MergeTree ORDER BY id")
        # INSERT in the URL, data in the body.
        status, _, body = self.server.request(body=b"1,a\n2,b\n", query="INSERT INTO ins FORMAT CSV")
        self.assertEqual(status, 200, body)
        # The statement and its data both in the body.
        status, _, body = self.server.request(body=b'INSERT INTO ins FORMAT JSONEachRow\n{"id":3,"s":"c"}\n')
        self.assertEqual(status, 200, body)
        status, _, body = self.server.request(body=b"INSERT INTO ins VALUES (4, 'd'), (5, 'e')")
        self.assertEqual(status, 200, body)

        # A chunked body far larger than one read, written as it is generated.
        def rows():
            for start in range(1000, 201000, 10000):
                yield "".join(f"{i}\tv{i}\n" for i in range(start, start + 10000)).encode()
        c = self.server.conn()
        c.request("POST", "/?" + urllib.parse.urlencode({"query": "INSERT INTO ins FORMAT TabSeparated"}),
                  body=rows(), encode_chunked=True)
        r = c.getresponse()
        self.assertEqual(r.status, 200, r.read())
        r.read()
        c.close()
        self.assertEqual(self.server.query("SELECT count(), sum(id) FROM ins"),
                         f"{5 + 200000}\t{15 + sum(range(1000, 201000))}\n")
        # A bad row fails the insert, names where, and stores nothing of it.
        status, headers, body = self.server.request(body=b"6,f\nseven,g\n", query="INSERT INTO ins FORMAT CSV")
        self.assertEqual(status, 400, body)
        self.assertIn(b"row 2", body)
        self.assertEqual(self.server.query("SELECT count() FROM ins WHERE id >= 6 AND id < 1000"), "0\n")

    def test_compressed_bodies_both_ways(self):
        import gzip
        import zlib
        self.server.query("CREATE TABLE comp (id UInt32) ENGINE = MergeTree ORDER BY id")
        rows = "".join(f"{i}\n" for i in range(50000)).encode()
        for coding, encoded in (("gzip", gzip.compress(rows)), ("deflate", zlib.compress(rows))):
            status, _, body = self.server.request(body=encoded, headers={"Content-Encoding": coding},
                                                  query="INSERT INTO comp FORMAT TSV", insert_deduplicate="0")
            self.assertEqual(status, 200, body)
        # The SQL itself may come compressed too.
        status, _, body = self.server.request(body=gzip.compress(b"SELECT count(), sum(id) FROM comp"),
                                              headers={"Content-Encoding": "gzip"})
        self.assertEqual((status, body), (200, f"100000\t{2 * sum(range(50000))}\n".encode()))
        self.assertError(self.server.request(body=b"not gzip", headers={"Content-Encoding": "gzip"}), 500, 271,
                         "CANNOT_DECOMPRESS", "gzip request body is corrupt")
        self.assertError(self.server.request(body=b"x", headers={"Content-Encoding": "br"}), 500, 89,
                         "UNKNOWN_COMPRESSION_METHOD")
        # Results are compressed only when asked, with a coding the client accepts.
        sql = b"SELECT number FROM numbers(100000)"
        status, headers, body = self.server.request(body=sql, headers={"Accept-Encoding": "gzip"})
        self.assertNotIn("Content-Encoding", headers)
        plain = body
        status, headers, body = self.server.request(body=sql, headers={"Accept-Encoding": "gzip"},
                                                    enable_http_compression="1")
        self.assertEqual(headers["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(body), plain)
        self.assertLess(len(body), len(plain) / 3)
        status, headers, body = self.server.request(body=sql, headers={"Accept-Encoding": "deflate"},
                                                    enable_http_compression="1")
        self.assertEqual((headers["Content-Encoding"], zlib.decompress(body)), ("deflate", plain))

    def test_parameters_and_settings_in_the_url(self):
        self.assertEqual(self.server.query("SELECT {x:UInt32} + 1, {s:String}", param_x="41", param_s="it's"),
                         "42\tit\\'s\n")
        self.assertEqual(self.server.query("SELECT count() FROM numbers(1000)", max_threads="1"), "1000\n")
        status, headers, body = self.server.request(body=b"SELECT count() FROM numbers(100000000)",
                                                    max_execution_time="0.01", max_threads="1")
        self.assertNotEqual(status, 200)
        self.assertEqual(headers["X-ClickHouse-Exception-Code"], "159", body)

    def test_sessions_keep_their_state(self):
        self.server.query("CREATE DATABASE IF NOT EXISTS sess")
        self.server.query("USE sess", session_id="s1")
        self.assertEqual(self.server.query("SELECT currentDatabase()", session_id="s1"), "sess\n")
        self.assertEqual(self.server.query("SELECT currentDatabase()", session_id="s2"), "default\n")
        self.assertEqual(self.server.query("SELECT currentDatabase()"), "default\n")
        self.assertEqual(self.server.query("SELECT currentDatabase()", database="sess"), "sess\n")
        # URL settings are the request's own; SET changes the session.
        q = "SELECT value FROM system.settings WHERE name = 'max_threads'"
        self.assertEqual(self.server.query(q, session_id="s3", max_threads="3"), "3\n")
        self.assertNotEqual(self.server.query(q, session_id="s3"), "3\n")
        self.server.query("SET max_threads = 5", session_id="s3")
        self.assertEqual(self.server.query(q, session_id="s3"), "5\n")
        # In a request with a SET, the SET stays and the URL's settings do not.
        t = "SELECT value FROM system.settings WHERE name = 'max_execution_time'"
        default_time = self.server.query(t)
        self.server.query("SET max_threads = 6", session_id="s4", max_execution_time="7")
        self.assertEqual(self.server.query(q, session_id="s4"), "6\n")
        self.assertEqual(self.server.query(t, session_id="s4"), default_time)
        # Parameters and the format are the request's own too.
        self.assertEqual(self.server.query("SELECT {x:UInt8}", session_id="s4", param_x="9"), "9\n")
        status, _, body = self.server.request(body=b"SELECT {x:UInt8}", session_id="s4")
        self.assertNotEqual(status, 200, body)
        status, headers, body = self.server.request(body=b"SELECT 1 AS a", session_id="s4",
                                                    default_format="JSONEachRow")
        self.assertEqual((status, headers["X-ClickHouse-Format"], body), (200, "JSONEachRow", b'{"a":1}\n'))
        self.assertEqual(self.server.query("SELECT 1 AS a", session_id="s4"), "1\n")
        # A query without a result reports the request's format and zone all the same.
        status, headers, _ = self.server.request(body=b"CREATE TABLE IF NOT EXISTS sess.z (x UInt8) ENGINE = MergeTree "
                                                 b"ORDER BY x", default_format="CSV", session_timezone="Asia/Tokyo")
        self.assertEqual((status, headers["X-ClickHouse-Format"], headers["X-ClickHouse-Timezone"]),
                         (200, "CSV", "Asia/Tokyo"))

    def test_a_busy_session_is_locked_and_a_vanished_client_cancels_its_query(self):
        slow = "SELECT sum(number) FROM numbers(100000000000) SETTINGS max_threads = 1"
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        target = "/?" + urllib.parse.urlencode({"session_id": "busy", "query": slow})
        s.sendall(f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".encode())
        time.sleep(0.5)
        status, headers, body = self.server.request(body=b"SELECT 1", session_id="busy")
        self.assertEqual(headers.get("X-ClickHouse-Exception-Code"), "373", body)
        s.close()  # the client goes away: its query is cancelled and the session freed
        deadline = time.time() + 10
        while time.time() < deadline:
            status, _, body = self.server.request(body=b"SELECT 1", session_id="busy")
            if status == 200:
                break
            time.sleep(0.1)
        self.assertEqual((status, body), (200, b"1\n"))

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        c = self.server.conn()
        for i in range(20):
            c.request("POST", "/", body=f"SELECT {i}".encode())
            r = c.getresponse()
            self.assertEqual((r.status, r.read()), (200, f"{i}\n".encode()))
        c.close()

    def test_large_results_stream_in_chunks(self):
        c = self.server.conn()
        c.request("POST", "/", body=b"SELECT number FROM numbers(2000000)")
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Transfer-Encoding"), "chunked")
        body = r.read()
        self.assertEqual(body.count(b"\n"), 2000000)
        self.assertTrue(body.endswith(b"1999999\n"))
        c.close()

    def test_malformed_http_gets_an_answer_not_a_crash(self):
        port = self.server.port
        cases = [
            (b"GARBAGE\r\n\r\n", b"400"),
            (b"GET / HTTP/2.0\r\n\r\n", b"505"),
            (b"GET noslash HTTP/1.1\r\n\r\n", b"400"),
            (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", b"400"),
            (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", b"501"),
            (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", b"400"),
            (b"GET / HTTP/1.1\r\nBad Header\r\n\r\n", b"400"),
            (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", b"431"),
            (b"POST /?query=SELECT+1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
        ]
        for request, status in cases:
            out = raw_exchange(port, request)
            self.assertTrue(out.startswith(b"HTTP/1.1 " + status), (request[:60], out[:200]))
        # Random bytes: an answer or a close, and the server still serves.
        import random
        rng = random.Random(7)
        for _ in range(50):
            raw_exchange(port, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + b"\r\n\r\n", timeout=2)
        self.assertEqual(self.server.query("SELECT 1"), "1\n")


class HttpLimitsTest(unittest.TestCase):
    def test_limits_timeouts_auth_and_a_clean_stop(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            server = Server(data, "--max-connections", "2", "--receive-timeout", "1", "--password", "secret")
            try:
                # Authentication: the default user's password, by Basic auth or headers.
                status, headers, body = server.request(body=b"SELECT 1")
                self.assertEqual((status, headers["X-ClickHouse-Exception-Code"]), (403, "516"), body)
                status, _, body = server.request(body=b"SELECT 1", headers={"Authorization": "Basic ZGVmYXVsdDpzZWNyZXQ="})
                self.assertEqual((status, body), (200, b"1\n"))
                auth = {"X-ClickHouse-User": "default", "X-ClickHouse-Key": "secret"}
                status, _, body = server.request(body=b"SELECT 2", headers=auth)
                self.assertEqual((status, body), (200, b"2\n"))
                status, headers, _ = server.request(body=b"SELECT 1", headers={"X-ClickHouse-User": "nobody"})
                self.assertEqual(headers["X-ClickHouse-Exception-Code"], "516")

                # Two connections held open: a third is told at once to come back later.
                held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
                time.sleep(0.2)
                out = raw_exchange(server.port, b"GET /ping HTTP/1.1\r\n\r\n")
                self.assertTrue(out.startswith(b"HTTP/1.1 503"), out[:100])
                self.assertIn(b"Retry-After: 1", out)
                # A client that stalls mid-request is cut off after the receive timeout.
                held[0].sendall(b"POST / HTTP/1.1\r\nContent-")
                held[0].settimeout(5)
                start = time.time()
                reply = held[0].recv(1000)
                self.assertTrue(reply.startswith(b"HTTP/1.1 408"), reply)
                self.assertLess(time.time() - start, 4)
                for s in held:
                    s.close()
                time.sleep(0.3)

                server.query("CREATE TABLE kept (a UInt64) ENGINE = MergeTree ORDER BY a", password="secret")
                for i in range(5):
                    server.query(f"INSERT INTO kept SELECT number + {i * 1000} FROM numbers(1000)", password="secret")
            finally:
                code = server.stop()
            self.assertEqual(code, 0, server.stderr)
            # Every acknowledged row is there after the stop.
            out = subprocess.run([TALLY, "local", "--data", data, "--query", "SELECT count(), sum(a) FROM kept"],
                                 capture_output=True, text=True, check=True).stdout
            self.assertEqual(out, f"5000\t{sum(range(5000))}\n")


if __name__ == "__main__":
    TALLY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
