#!/usr/bin/env python3
"""`GET /metrics` of `tally serve`: Prometheus's text format, and counters that move.

Parses every scrape as Prometheus would (each sample's family has `# HELP` and `# TYPE`,
histograms have cumulative `_bucket{le=...}` ending in +Inf equal to `_count`), runs
queries between scrapes and checks what they changed: requests and queries by kind,
latency counts, errors by ClickHouse code, inserted rows and bytes, bytes received and
sent, parts and rows per table. Also who may read /metrics: authenticated users, not users
with row filters. Standard library only.

Usage: metrics_test.py TALLY
"""
import base64
import gzip
import hashlib
import http.client
import os
import re
import sys
import tempfile
import unittest
import urllib.parse

from serve_process import ServeProcess

TALLY = None
SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Server(ServeProcess):
    def __init__(self, data_dir, *args):
        super().__init__(TALLY, data_dir, *args)

    def request(self, method="POST", path="/", body=None, headers=None, **params):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path + ("?" + urllib.parse.urlencode(params) if params else ""), body=body,
                      headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def parse_prometheus(text):
    """{(name, frozenset(labels)): value}, checking the format as a scraper would."""
    helps, types, samples = set(), {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            assert kind in ("counter", "gauge", "histogram"), line
            types[name] = kind
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not a sample: {line!r}"
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        family = base if types.get(base) == "histogram" else name
        assert family in types and family in helps, f"{name} has no # TYPE / # HELP"
        parsed = dict(LABEL_RE.findall(labels))
        float(value)
        samples[(name, frozenset(parsed.items()))] = float(value)
    # Histograms: buckets cumulative, +Inf equal to _count.
    for family, kind in types.items():
        if kind != "histogram":
            continue
        series = {}
        for (name, labels), value in samples.items():
            if name == family + "_bucket":
                rest = frozenset(kv for kv in labels if kv[0] != "le")
                le = dict(labels)["le"]
                series.setdefault(rest, []).append((float("inf") if le == "+Inf" else float(le), value))
        assert series, family
        for rest, buckets in series.items():
            buckets.sort()
            counts = [v for _, v in buckets]
            assert counts == sorted(counts), (family, rest, buckets)
            assert buckets[-1][0] == float("inf")
            assert buckets[-1][1] == samples[(family + "_count", rest)], (family, rest)
            assert (family + "_sum", rest) in samples
    return samples


def value(samples, metric, **labels):
    return samples.get((metric, frozenset(labels.items())), 0.0)


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        users = os.path.join(cls.tmp.name, "users.toml")
        with open(users, "w") as f:
            f.write(f'[users.default]\npassword_sha256_hex = "{hashlib.sha256(b"secret").hexdigest()}"\n'
                    '[users.tenant]\nno_password = true\nreadonly = 2\n'
                    '[users.tenant.row_filters]\n"t" = "k < 10"\n')
        cls.server = Server(os.path.join(cls.tmp.name, "data"), "--users", users)
        cls.auth = basic("default", "secret")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.tmp.cleanup()
        assert code == 0, cls.server.stderr

    def scrape(self):
        status, headers, body = self.server.request("GET", "/metrics", headers=self.auth)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        return parse_prometheus(body.decode())

    def query(self, sql, body=b"", headers=None, **params):
        params.setdefault("query", sql)
        return self.server.request(body=body or None, headers={**self.auth, **(headers or {})}, **params)

    def test_counters_move_with_the_queries(self):
        before = self.scrape()
        self.assertEqual(self.query("CREATE TABLE t (k UInt64, s String) ENGINE = MergeTree ORDER BY k")[0], 200)
        rows = "".join(f"{i},row{i}\n" for i in range(100)).encode()
        status, _, body = self.query("INSERT INTO t FORMAT CSV", body=rows)
        self.assertEqual(status, 200, body)
        packed = gzip.compress("".join(f"{i},z{i}\n" for i in range(100, 150)).encode())
        status, _, body = self.query("INSERT INTO t FORMAT CSV", body=packed, headers={"Content-Encoding": "gzip"})
        self.assertEqual(status, 200, body)
        status, _, body = self.query("SELECT count(), sum(k) FROM t")
        self.assertEqual((status, body), (200, f"150\t{sum(range(150))}\n".encode()))
        self.assertEqual(self.server.request("GET", query="SELECT 1", headers=self.auth)[0], 200)
        self.assertEqual(self.query("SELECT * FROM missing")[0], 404)
        self.assertEqual(self.query("SELEC 1")[0], 400)
        self.assertEqual(self.server.request(body=b"SELECT 1", headers=basic("default", "bad"))[0], 403)
        self.assertEqual(self.server.request("GET", "/ping")[0], 200)
        self.assertEqual(self.query("SHOW TABLES")[0], 200)
        after = self.scrape()

        def delta(metric, **labels):
            return value(after, metric, **labels) - value(before, metric, **labels)

        self.assertEqual(delta("tally_queries_total", kind="ddl"), 1)
        self.assertEqual(delta("tally_queries_total", kind="insert"), 2)
        self.assertEqual(delta("tally_queries_total", kind="select"), 3)  # one fails
        self.assertEqual(delta("tally_queries_total", kind="other"), 2)  # SHOW, and SELEC
        self.assertEqual(delta("tally_query_duration_seconds_count", kind="insert"), 2)
        self.assertGreater(delta("tally_query_duration_seconds_sum", kind="insert"), 0)
        self.assertEqual(delta("tally_http_requests_total", handler="query"), 9)
        self.assertEqual(delta("tally_http_requests_total", handler="ping"), 1)
        self.assertEqual(delta("tally_http_requests_total", handler="metrics"), 1)
        self.assertEqual(delta("tally_errors_total", code="60", name="UNKNOWN_TABLE"), 1)
        self.assertEqual(delta("tally_errors_total", code="62", name="SYNTAX_ERROR"), 1)
        self.assertEqual(delta("tally_errors_total", code="516", name="AUTHENTICATION_FAILED"), 1)
        self.assertEqual(delta("tally_inserted_rows_total"), 150)
        self.assertEqual(delta("tally_inserted_bytes_total"),
                         len(rows) + len("".join(f"{i},z{i}\n" for i in range(100, 150))))
        self.assertGreaterEqual(delta("tally_received_bytes_total"), len(rows) + len(packed))
        self.assertGreater(delta("tally_sent_bytes_total"), 0)
        self.assertGreaterEqual(value(after, "tally_table_parts", table="default.t"), 1)
        self.assertEqual(value(after, "tally_table_rows", table="default.t"), 150)
        self.assertGreater(value(after, "tally_table_bytes_on_disk", table="default.t"), 0)
        self.assertEqual(value(after, "tally_active_queries"), 0)
        self.assertGreaterEqual(value(after, "tally_active_connections"), 1)
        for name in ("tally_background_merges_total", "tally_ttl_runs_total", "tally_uptime_seconds",
                     "tally_inline_parts", "tally_inline_bytes", "tally_inline_flushes_total"):
            self.assertIn((name, frozenset()), after)
        # Two small inserts and a CREATE: three commits, each its own fsync of the log.
        self.assertEqual(delta("tally_group_commits_total"), 2)
        self.assertEqual(delta("tally_grouped_inserts_total"), 2)
        self.assertGreaterEqual(delta("tally_wal_fsyncs_total"), 3)
        self.assertGreater(delta("tally_wal_bytes_total"), 0)

    def test_who_may_read_metrics(self):
        status, headers, body = self.server.request("GET", "/metrics")
        self.assertEqual((status, headers["X-ClickHouse-Exception-Code"]), (403, "516"), body)
        status, headers, body = self.server.request("GET", "/metrics", headers=basic("tenant", ""))
        self.assertEqual((status, headers["X-ClickHouse-Exception-Code"]), (403, "497"), body)
        self.assertIn(b"row filters", body)
        status, _, _ = self.server.request("POST", "/metrics", headers=self.auth)
        self.assertEqual(status, 405)
        self.assertEqual(self.server.request("HEAD", "/metrics", headers=self.auth)[0], 200)


if __name__ == "__main__":
    TALLY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
