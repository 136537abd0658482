#!/usr/bin/env python3
"""`tally serve --users FILE` over raw HTTP: users, passwords, readonly levels, row filters.

Prepares a data directory with `tally local` (events of two tenants, a materialized view),
writes a users file, starts the server and checks: a disabled default user, wrong
passwords and unknown users answered as ClickHouse answers them (403, code 516, one
message for all three); readonly users' writes refused with READONLY (164), by POST and by
GET, and `readonly` not liftable by SET, SETTINGS or the URL; a tenant's row filter through
plain SELECTs, subqueries, IN, UNION ALL, views and EXPLAIN; sessions kept apart by user;
and users files that are wrong in each way failing the start with file, line and key.
Standard library only.

Usage: users_test.py TALLY
"""
import base64
import hashlib
import http.client
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import urllib.parse

from serve_process import ServeProcess

TALLY = None


def sha256_hex(password):
    return hashlib.sha256(password.encode()).hexdigest()


class Server(ServeProcess):
    """A `tally serve` process on a free port; stop() sends SIGTERM and returns its exit code."""

    def __init__(self, data_dir, *args):
        super().__init__(TALLY, data_dir, *args)

    def request(self, method="POST", body=None, headers=None, path="/", **params):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            target = path + ("?" + urllib.parse.urlencode(params) if params else "")
            c.request(method, target, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read().decode()
        finally:
            c.close()


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


USERS = textwrap.dedent(f"""\
    # The default user cannot log in; admin writes; tenants read their own rows.
    [users.default]
    disabled = true

    [users.admin]
    password_sha256_hex = "{sha256_hex('admin-pw')}"

    [users.dash_ws42]
    password_sha256_hex = "{sha256_hex('dash-pw').upper()}"
    readonly = 2
    [users.dash_ws42.row_filters]
    "default.events" = "tenant = 'ws_42'"
    "default.daily" = "tenant = 'ws_42'"

    [users.viewer]
    password_sha256_hex = "{sha256_hex('viewer-pw')}"
    readonly = true

    [users.open_reader]
    no_password = true
    readonly = 1

    [users.writer_ws43]
    password_sha256_hex = "{sha256_hex('writer-pw')}"
    row_filters = {{ "events" = "tenant = 'ws_43'" }}
    """)

SETUP_SQL = """
CREATE TABLE events (time DateTime, tenant String, value UInt64) ENGINE = MergeTree ORDER BY (tenant, time);
CREATE TABLE tenants (tenant String, name String) ENGINE = MergeTree ORDER BY tenant;
CREATE MATERIALIZED VIEW daily ENGINE = SummingMergeTree ORDER BY (tenant, day)
  AS SELECT tenant, toDate(time) AS day, sum(value) AS total FROM events GROUP BY tenant, day;
INSERT INTO tenants VALUES ('ws_42', 'Acme'), ('ws_43', 'Globex');
INSERT INTO events SELECT toDateTime('2026-01-01 00:00:00') + number, if(number % 2 = 0, 'ws_42', 'ws_43'), number
  FROM numbers(1000);
"""


class UsersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "data")
        subprocess.run([TALLY, "local", "--data", cls.data, "--query", SETUP_SQL], check=True, capture_output=True)
        cls.users_file = os.path.join(cls.tmp.name, "users.toml")
        with open(cls.users_file, "w") as f:
            f.write(USERS)
        cls.server = Server(cls.data, "--users", cls.users_file)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.tmp.cleanup()
        assert code == 0, cls.server.stderr

    def query(self, sql, user, password, method="POST", **params):
        if method == "GET":
            return self.server.request("GET", headers=basic(user, password), query=sql, **params)
        return self.server.request(body=sql.encode(), headers=basic(user, password), **params)

    def ok(self, sql, user, password, **kw):
        status, _, body = self.query(sql, user, password, **kw)
        self.assertEqual(status, 200, f"{user}: {sql}: {body}")
        return body

    def assertError(self, answer, status, code, text=""):
        got_status, headers, body = answer
        self.assertEqual((got_status, headers.get("X-ClickHouse-Exception-Code")), (status, str(code)), body)
        self.assertTrue(body.startswith(f"Code: {code}. DB::Exception: "), body)
        self.assertIn(text, body)

    def test_authentication_fails_as_clickhouse_answers(self):
        # ClickHouse answers AUTHENTICATION_FAILED with 403 (exceptionCodeToHTTPStatus), and
        # one message whether the user is unknown, disabled or the password wrong.
        message = "Authentication failed: password is incorrect, or there is no user with such name"
        self.assertError(self.server.request(body=b"SELECT 1"), 403, 516, "default: " + message)
        self.assertError(self.query("SELECT 1", "default", ""), 403, 516, message)
        self.assertError(self.query("SELECT 1", "admin", "wrong"), 403, 516, "admin: " + message)
        self.assertError(self.query("SELECT 1", "admin", ""), 403, 516, message)
        self.assertError(self.query("SELECT 1", "nobody", "admin-pw"), 403, 516, "nobody: " + message)
        self.assertError(self.server.request(body=b"SELECT 1", headers={"X-ClickHouse-User": "admin",
                                                                        "X-ClickHouse-Key": "nope"}), 403, 516)
        self.assertError(self.server.request(body=b"SELECT 1", user="admin", password="nope"), 403, 516)
        # The right credentials, by each way ClickHouse's clients send them.
        self.assertEqual(self.ok("SELECT currentUser()", "admin", "admin-pw"), "admin\n")
        status, _, body = self.server.request(body=b"SELECT 2", headers={"X-ClickHouse-User": "admin",
                                                                        "X-ClickHouse-Key": "admin-pw"})
        self.assertEqual((status, body), (200, "2\n"))
        status, _, body = self.server.request(body=b"SELECT 3", user="admin", password="admin-pw")
        self.assertEqual((status, body), (200, "3\n"))
        # Upper-case hex in the file; a user without a password takes only an empty one.
        self.assertEqual(self.ok("SELECT currentUser()", "dash_ws42", "dash-pw"), "dash_ws42\n")
        self.assertEqual(self.ok("SELECT 1", "open_reader", ""), "1\n")
        self.assertError(self.query("SELECT 1", "open_reader", "x"), 403, 516)
        # /ping needs no credentials.
        self.assertEqual(self.server.request("GET", path="/ping")[0], 200)

    def test_readonly_users_cannot_write(self):
        for user, password in (("dash_ws42", "dash-pw"), ("viewer", "viewer-pw"), ("open_reader", "")):
            for method in ("POST", "GET"):
                self.assertError(self.query("INSERT INTO events VALUES ('2026-01-01 00:00:00', 'ws_42', 1)", user,
                                            password, method=method), 500, 164, "readonly")
                self.assertError(self.query("CREATE TABLE x (a UInt8) ENGINE = MergeTree ORDER BY a", user, password,
                                            method=method), 500, 164, "readonly")
            self.assertError(self.query("INSERT INTO events FORMAT CSV\n2026-01-01 00:00:00,ws_42,1\n", user,
                                        password), 500, 164)
            self.assertError(self.query("DROP TABLE tenants", user, password), 500, 164)
            # Nothing lifts the level: SET, a SETTINGS clause, the URL.
            self.assertError(self.query("SET readonly = 0", user, password), 500, 164)
            self.assertError(self.query("SELECT 1 SETTINGS readonly = 0", user, password), 500, 164,
                             "Cannot modify 'readonly' setting in readonly mode")
            self.assertError(self.query("SELECT 1", user, password, readonly="0"), 500, 164)
        self.assertEqual(self.ok("SELECT count() FROM tenants", "admin", "admin-pw"), "2\n")
        # readonly = 2 may change other settings; 1 (and true) may not.
        self.assertEqual(self.ok("SELECT 1", "dash_ws42", "dash-pw", max_threads="1"), "1\n")
        self.assertEqual(self.ok("SET max_threads = 1; SELECT 2", "dash_ws42", "dash-pw"), "2\n")
        self.assertError(self.query("SELECT 1", "viewer", "viewer-pw", max_threads="1"), 500, 164,
                         "Cannot modify 'max_threads' setting in readonly mode")
        self.assertEqual(self.ok("SELECT countIf(readonly = 0) FROM system.settings", "viewer", "viewer-pw"), "0\n")
        # The admin writes, by POST only.
        self.assertError(self.query("CREATE TABLE scratch (a UInt8) ENGINE = MergeTree ORDER BY a", "admin",
                                    "admin-pw", method="GET"), 500, 164, "method GET implies readonly")
        self.ok("CREATE TABLE scratch (a UInt8) ENGINE = MergeTree ORDER BY a", "admin", "admin-pw")
        self.ok("DROP TABLE scratch", "admin", "admin-pw")

    def test_row_filters_through_every_query_shape(self):
        dash = ("dash_ws42", "dash-pw")
        self.assertEqual(self.ok("SELECT tenant, count() FROM events GROUP BY tenant ORDER BY tenant", "admin",
                                 "admin-pw"), "ws_42\t500\nws_43\t500\n")
        cases = [
            ("SELECT tenant, count() FROM events GROUP BY tenant", "ws_42\t500\n"),
            ("SELECT count() FROM events WHERE tenant = 'ws_43'", "0\n"),
            ("SELECT count() FROM (SELECT * FROM events)", "500\n"),
            ("SELECT name FROM tenants WHERE tenant IN (SELECT tenant FROM events)", "Acme\n"),
            ("SELECT (SELECT max(value) FROM events)", "998\n"),
            ("WITH (SELECT count() FROM events) AS n SELECT n", "500\n"),
            ("SELECT count() FROM events UNION ALL SELECT count() FROM events WHERE value % 2 = 1", "500\n0\n"),
            ("SELECT tenant, sum(total) FROM daily GROUP BY tenant", "ws_42\t249500\n"),
            ("SELECT tenant, sum(total) FROM _inner_daily GROUP BY tenant", "ws_42\t249500\n"),
            ("SELECT count() FROM (SELECT 'ws_43' AS tenant FROM events)", "500\n"),
            # intDiv fails on odd values, ws_43's rows: the WHERE never sees them.
            ("SELECT count() FROM events WHERE intDiv(10, (value + 1) % 2) >= 0", "500\n"),
        ]
        for sql, expected in cases:
            for method in ("POST", "GET"):
                self.assertEqual(self.ok(sql, *dash, method=method), expected, sql)
        plan = self.ok("EXPLAIN SELECT count() FROM events FORMAT TSVRaw", *dash)
        self.assertIn("Filter (row filter of user 'dash_ws42' on table default.events: equals(tenant, 'ws_42'))", plan)
        # The writer's filter, given inline in the file with an unqualified table name.
        self.assertEqual(self.ok("SELECT DISTINCT tenant FROM events", "writer_ws43", "writer-pw"), "ws_43\n")
        # Unfiltered users see everything.
        self.assertEqual(self.ok("SELECT count() FROM events", "viewer", "viewer-pw"), "1000\n")

    def test_named_sessions_belong_to_their_user(self):
        self.ok("CREATE DATABASE IF NOT EXISTS other", "admin", "admin-pw")
        self.ok("USE other", "admin", "admin-pw", session_id="shared")
        self.assertEqual(self.ok("SELECT currentDatabase()", "admin", "admin-pw", session_id="shared"), "other\n")
        self.assertEqual(self.ok("SELECT currentDatabase(), currentUser()", "dash_ws42", "dash-pw",
                                 session_id="shared"), "default\tdash_ws42\n")
        self.assertEqual(self.ok("SELECT count() FROM default.events", "dash_ws42", "dash-pw", session_id="shared"),
                         "500\n")

    def test_warnings_at_start(self):
        # Checked on a second server over a copy of the users: the class's server's stderr is
        # read only when it stops.
        server = Server(self.data_copy(), "--users", self.users_file)
        self.assertEqual(server.stop(), 0, server.stderr)
        self.assertIn("user 'writer_ws43' has row filters but may write", server.stderr)
        self.assertIn("user 'writer_ws43' has a row filter on default.events but none on materialized view "
                      "default.daily", server.stderr)
        self.assertNotIn("user 'dash_ws42'", server.stderr)

    def data_copy(self):
        copy = os.path.join(self.tmp.name, "copy")
        if not os.path.exists(copy):
            subprocess.run([TALLY, "local", "--data", copy, "--query", SETUP_SQL], check=True, capture_output=True)
        return copy


class UsersFileErrorsTest(unittest.TestCase):
    """A users file wrong in any way stops `tally serve` at start, naming file, line and key."""

    def start(self, users_text, *extra, setup=None):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            if setup:
                subprocess.run([TALLY, "local", "--data", data, "--query", setup], check=True, capture_output=True)
            path = os.path.join(tmp, "users.toml")
            if users_text is not None:
                with open(path, "w") as f:
                    f.write(users_text)
            proc = subprocess.run([TALLY, "serve", "--data", data, "--listen", "127.0.0.1:0", "--users", path, *extra],
                                  capture_output=True, text=True, timeout=30)
            return proc.returncode, proc.stderr.replace(path, "users.toml")

    def assertRefused(self, users_text, *expected, setup=None, extra=()):
        code, stderr = self.start(users_text, *extra, setup=setup)
        self.assertNotEqual(code, 0, stderr)
        for text in expected:
            self.assertIn(text, stderr)

    def test_each_kind_of_mistake(self):
        good_hash = sha256_hex("pw")
        self.assertRefused('[users.a]\npassword_sha256_hex = "%s"\npasswrd = 1\n' % good_hash,
                           "users.toml:3: users.a.passwrd: unknown key (a user's keys are password_sha256_hex, "
                           "no_password, disabled, readonly, row_filters)")
        self.assertRefused('[users.a]\n\npassword_sha256_hex = "abc"\n',
                           "users.toml:3: users.a.password_sha256_hex: a SHA-256 is 64 hex digits, this has 3")
        self.assertRefused('[users.a]\npassword_sha256_hex = "%s"\n' % ("g" + good_hash[1:]),
                           "users.toml:2: users.a.password_sha256_hex: a SHA-256 is 64 hex digits, character 1 is 'g'")
        self.assertRefused('[users.a]\npassword = "secret"\n',
                           "users.toml:2: users.a.password: plain-text passwords are not accepted")
        self.assertRefused('[users.a]\nreadonly = 1\n', "users.toml:1: users.a: has no password")
        self.assertRefused('[users.a]\nno_password = true\nreadonly = 3\n',
                           "users.toml:3: users.a.readonly: takes 0, 1 or 2")
        self.assertRefused('[users.a]\nno_password = true\ndisabled = "yes"\n',
                           "users.toml:3: users.a.disabled: takes true or false, not a string")
        self.assertRefused('[users.a]\nno_password = true\n[users.a.row_filters]\n"events" = "tenant = "\n',
                           "users.toml:4: users.a.row_filters.\"events\": row filter of user 'a' on table "
                           "default.events: Syntax error")
        self.assertRefused('[users.a]\nno_password = true\n[users.a.row_filters]\n"events" = "x IN (SELECT 1)"\n',
                           "users.toml:4:", "subquery")
        self.assertRefused('[users.a]\nno_password = true\nrow_filters = { "default.events" = "tennant = \'x\'" }\n',
                           "users.toml:3: users.a.row_filters.\"default.events\": row filter of user 'a' on table "
                           "default.events: there is no column 'tennant' in the table (its columns: time, tenant, "
                           "value)",
                           setup=SETUP_SQL)
        self.assertRefused('[users.a]\nno_password = true\n[users.a.row_filters]\n"system.parts" = "1"\n',
                           "users.toml:4:", "not to the system tables")
        self.assertRefused('[users.a\nno_password = true\n', "users.toml:1:", "not valid TOML")
        self.assertRefused('[user.a]\nno_password = true\n', "users.toml:1: user: unknown key")
        self.assertRefused('# nobody\n', "users.toml: lists no user")
        self.assertRefused('["users"."a b"]\nno_password = true\n', "users.toml:1: users.a b: a user name is")
        self.assertRefused('[users.a]\nno_password = true\n', "--password and --users together",
                           extra=("--password", "x"))
        self.assertRefused(None, "cannot read the users file users.toml")
        # A disabled user needs no password; a table the filter names may come later.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "users.toml")
            with open(path, "w") as f:
                f.write('[users.default]\ndisabled = true\n[users.a]\nno_password = true\n'
                        '[users.a.row_filters]\n"later" = "k = 1"\n')
            server = Server(os.path.join(tmp, "data"), "--users", path)
            try:
                self.assertEqual(server.request(body=b"SELECT 1", user="a")[2], "1\n")
                status, _, body = server.request(body=b"CREATE TABLE later (j UInt8) ENGINE = MergeTree ORDER BY j",
                                                 user="a")
                self.assertEqual(status, 200, body)
                # The filter names a column the table lacks: the first read says so.
                status, _, body = server.request(body=b"SELECT count() FROM later", user="a")
                self.assertEqual(status, 400, body)
                self.assertIn("row filter of user 'a' on table default.later: there is no column 'k'", body)
            finally:
                self.assertEqual(server.stop(), 0, server.stderr)


if __name__ == "__main__":
    TALLY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
