#!/usr/bin/env python3
"""ClickHouse's official Python client (clickhouse-connect, pinned in client_requirements.txt)
against `tally serve`: connect (its handshake queries), create a table, insert in Native
with lz4 (its defaults), in JSONEachRow and in JSONCompactEachRow with gzip, select in each
of the formats it reads, use parameters, read the summary header, and get errors it
parses; and as the users of a users file (a tenant's readonly user with a row filter, a
wrong password).

Usage (through tests/venv_run.sh): clickhouse_connect_test.py TALLY
"""
import datetime
import gzip
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest
import uuid

import clickhouse_connect
from clickhouse_connect.driver.exceptions import DatabaseError

TALLY = None


class ClickHouseConnectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc = subprocess.Popen([TALLY, "serve", "--data", os.path.join(cls.tmp.name, "data"), "--listen",
                                     "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", cls.proc.stdout.readline())
        if not m:
            cls.proc.kill()
            raise RuntimeError(f"tally serve did not start: {cls.proc.stderr.read()}")
        cls.port = int(m.group(1))
        cls.client = clickhouse_connect.get_client(host="127.0.0.1", port=cls.port)  # lz4 inserts, compressed results
        cls.client.command("CREATE TABLE ev (time DateTime, tenant LowCardinality(String), value UInt64, id UUID, "
                           "tags Array(String), note Nullable(String)) ENGINE = MergeTree ORDER BY (tenant, time)")
        cls.rows = [[datetime.datetime(2026, 12, 1, 10, i % 60, i // 60), f"t{i % 3}", i, uuid.UUID(int=i + 1),
                     ["a", "b"][: i % 3], None if i % 4 == 0 else f"n{i}"] for i in range(500)]
        cls.client.insert("ev", cls.rows, column_names=["time", "tenant", "value", "id", "tags", "note"])

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.proc.send_signal(signal.SIGTERM)
        _, err = cls.proc.communicate(timeout=30)
        cls.tmp.cleanup()
        if cls.proc.returncode != 0:
            raise AssertionError(f"tally serve exited {cls.proc.returncode}: {err}")

    def test_handshake(self):
        self.assertRegex(self.client.server_version, r"^\d+\.\d+\.\d+\.\d+$")
        self.assertEqual(self.client.command("SELECT 1"), 1)
        self.assertEqual(self.client.command("SELECT timezone()"), "UTC")

    def test_native_insert_round_trips_every_value(self):
        got = self.client.query("SELECT time, tenant, value, id, tags, note FROM ev ORDER BY value").result_rows
        self.assertEqual([list(r) for r in got], self.rows)
        r = self.client.query("SELECT tenant, sum(value), count() FROM ev GROUP BY tenant ORDER BY tenant")
        want = {t: (sum(i for i in range(500) if i % 3 == k), sum(1 for i in range(500) if i % 3 == k))
                for k, t in enumerate(["t0", "t1", "t2"])}
        self.assertEqual(r.result_rows, [(t, *want[t]) for t in ["t0", "t1", "t2"]])

    def test_text_formats_in_and_out(self):
        c = self.client
        c.command("CREATE TABLE IF NOT EXISTS txt (id UInt32, s String) ENGINE = MergeTree ORDER BY id")
        c.raw_insert("txt", ["id", "s"], b'{"id":1,"s":"a"}\n{"id":2,"s":"b"}\n', fmt="JSONEachRow")
        body = gzip.compress(b'["id","s"]\n[3,"c"]\n[4,"d"]\n')
        c.raw_insert("txt", ["id", "s"], body, fmt="JSONCompactEachRowWithNames", compression="gzip")
        self.assertEqual(c.query("SELECT id, s FROM txt ORDER BY id").result_rows, [(1, "a"), (2, "b"), (3, "c"), (4, "d")])
        for fmt, want in (("TabSeparated", b"1\ta\n2\tb\n"), ("CSV", b'1,"a"\n2,"b"\n'),
                          ("JSONEachRow", b'{"id":1,"s":"a"}\n{"id":2,"s":"b"}\n'),
                          ("JSONCompactEachRow", b'[1, "a"]\n[2, "b"]\n')):
            self.assertEqual(c.raw_query("SELECT id, s FROM txt ORDER BY id LIMIT 2", fmt=fmt), want, fmt)
        self.assertIn(b'"meta"', c.raw_query("SELECT id FROM txt LIMIT 1", fmt="JSON"))

    def test_query_summary(self):
        # X-ClickHouse-Summary as the client parses it: an insert's QuerySummary, a query's summary.
        c = self.client
        c.command("CREATE TABLE IF NOT EXISTS summ (id UInt32) ENGINE = MergeTree ORDER BY id")
        summary = c.insert("summ", [[i] for i in range(123)], column_names=["id"])
        self.assertEqual((summary.written_rows, summary.written_bytes()), (123, 123 * 4))
        r = c.query("SELECT count() FROM summ", settings={"wait_end_of_query": 1})
        self.assertEqual(r.result_rows, [(123,)])
        self.assertEqual((int(r.summary["read_rows"]), int(r.summary["result_rows"])), (123, 1))

    def test_parameters(self):
        r = self.client.query("SELECT {t:String} AS t, {n:UInt32} + 1 AS n, count() FROM ev WHERE tenant = {t:String}",
                              parameters={"t": "t1", "n": 41})
        self.assertEqual(r.result_rows, [("t1", 42, 167)])
        r = self.client.query("SELECT {s:String}", parameters={"s": "it's\ta"})
        self.assertEqual(r.result_rows, [("it's\ta",)])

    def test_errors_are_parsed(self):
        with self.assertRaises(DatabaseError) as e:
            self.client.query("SELECT * FROM no_such_table")
        self.assertIn("code: 60", str(e.exception))
        self.assertIn("Table default.no_such_table does not exist", str(e.exception))
        with self.assertRaises(DatabaseError) as e:
            self.client.command("SELEC 1")
        self.assertIn("code: 62", str(e.exception))

    def test_retried_insert_is_stored_once(self):
        c = self.client
        c.command("CREATE TABLE IF NOT EXISTS once (id UInt32) ENGINE = MergeTree ORDER BY id")
        for _ in range(3):
            c.insert("once", [[1], [2], [3]], column_names=["id"], settings={"insert_deduplication_token": "batch-1"})
        self.assertEqual(c.command("SELECT count() FROM once"), 3)


class UsersTest(unittest.TestCase):
    """clickhouse-connect as a user of a users file: a tenant's readonly dashboard user sees
    only its rows, at readonly 1 (the client sends no setting, since system.settings shows
    them all readonly) and at 2; a write and a wrong password fail with the codes it parses."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        sha = lambda p: hashlib.sha256(p.encode()).hexdigest()  # noqa: E731
        users = os.path.join(cls.tmp.name, "users.toml")
        with open(users, "w") as f:
            f.write(f'[users.default]\ndisabled = true\n'
                    f'[users.admin]\npassword_sha256_hex = "{sha("admin-pw")}"\n')
            for level in (1, 2):
                f.write(f'[users.dash{level}]\npassword_sha256_hex = "{sha("dash-pw")}"\nreadonly = {level}\n'
                        f'[users.dash{level}.row_filters]\n"default.ev" = "tenant = \'t1\'"\n')
        cls.proc = subprocess.Popen([TALLY, "serve", "--data", os.path.join(cls.tmp.name, "data"), "--listen",
                                     "127.0.0.1:0", "--users", users], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", cls.proc.stdout.readline())
        if not m:
            cls.proc.kill()
            raise RuntimeError(f"tally serve did not start: {cls.proc.stderr.read()}")
        cls.port = int(m.group(1))
        admin = clickhouse_connect.get_client(host="127.0.0.1", port=cls.port, username="admin", password="admin-pw")
        admin.command("CREATE TABLE ev (tenant LowCardinality(String), value UInt64) ENGINE = MergeTree ORDER BY tenant")
        admin.insert("ev", [[f"t{i % 3}", i] for i in range(300)], column_names=["tenant", "value"])
        admin.close()

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        _, err = cls.proc.communicate(timeout=30)
        cls.tmp.cleanup()
        if cls.proc.returncode != 0:
            raise AssertionError(f"tally serve exited {cls.proc.returncode}: {err}")

    def test_a_tenants_readonly_user(self):
        for user in ("dash1", "dash2"):
            c = clickhouse_connect.get_client(host="127.0.0.1", port=self.port, username=user, password="dash-pw")
            try:
                self.assertEqual(c.command("SELECT currentUser()"), user)
                self.assertEqual(c.query("SELECT tenant, count() FROM ev GROUP BY tenant").result_rows, [("t1", 100)])
                self.assertEqual(c.query("SELECT count() FROM (SELECT * FROM ev WHERE tenant != 't1')").result_rows,
                                 [(0,)])
                with self.assertRaises(DatabaseError) as e:
                    c.insert("ev", [["t1", 1]], column_names=["tenant", "value"])
                self.assertIn("code: 164", str(e.exception))
                with self.assertRaises(DatabaseError) as e:
                    c.command("DROP TABLE ev")
                self.assertIn("code: 164", str(e.exception))
            finally:
                c.close()

    def test_a_wrong_password(self):
        with self.assertRaises(DatabaseError) as e:
            clickhouse_connect.get_client(host="127.0.0.1", port=self.port, username="dash1", password="nope")
        self.assertIn("code: 516", str(e.exception))


if __name__ == "__main__":
    TALLY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
