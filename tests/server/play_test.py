#!/usr/bin/env python3
"""GET /play in a real browser: Debian's Chromium, headless, driven through chromedriver.

Starts `tally serve` and chromedriver, opens /play and checks, as a person would use it:
the page is one document that loads nothing from elsewhere; CREATE and INSERT answer
"Ok." and a SELECT's cells appear in a table (numbers right-aligned, NULL set apart); an
HTML-looking value shows as text, never as markup; a bad query shows the server's error
and a stopped server a failed request; a time series draws an SVG chart; the query goes
into the URL's fragment and a link with one fills the editor; with a users file a wrong
password shows the authentication error and the right one runs the query. Chromium and
chromedriver come from Debian's `chromium` and `chromium-driver` (`make deps`): without
them the test fails, it does not skip (TALLY_CHROMIUM and TALLY_CHROMEDRIVER name other
paths). Standard library only (webdriver.py speaks the W3C WebDriver protocol with urllib).

Usage: play_test.py TALLY
"""
import hashlib
import http.client
import http.server
import os
import re
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import urllib.parse

from serve_process import ServeProcess
from webdriver import CONTROL, ELEMENT, ENTER, Chromedriver

TALLY = None
CHROMIUM = os.environ.get("TALLY_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TALLY_CHROMEDRIVER", "/usr/bin/chromedriver")
# Any reference to another host in an attribute that loads or links something.
EXTERNAL_RE = re.compile(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", re.I)


def require_browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.isfile(p) and os.access(p, os.X_OK))]
    if missing:
        raise RuntimeError(f"play_test needs Debian's chromium and chromium-driver ({', '.join(missing)} missing): "
                           "run `make deps` (or apt-get install chromium chromium-driver)")


def http_get(port, method, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request(method, path)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def start(cls, *serve_args):
    """Starts `tally serve` (on a data directory of its own), chromedriver and a browser for
    the test class `cls`; each is stopped after the class, or at once when a later one
    fails to start."""
    require_browser()
    tmp = tempfile.TemporaryDirectory()
    cls.addClassCleanup(tmp.cleanup)
    cls.server = ServeProcess(TALLY, os.path.join(tmp.name, "data"), *serve_args)

    def stop_server():
        code = cls.server.stop()
        assert code == 0, f"tally serve exited with {code}: {cls.server.stderr}"
    cls.addClassCleanup(stop_server)
    cls.driver = Chromedriver(CHROMEDRIVER)
    cls.addClassCleanup(cls.driver.stop)
    cls.browser = cls.driver.session(CHROMIUM)
    cls.addClassCleanup(cls.browser.quit)
    cls.page = PlayPage(cls.browser, cls.server.port)


class PlayPage:
    """The /play page in the browser, with the actions a person takes on it."""

    def __init__(self, browser, port):
        self.browser = browser
        self.url = f"http://127.0.0.1:{port}/play"

    def open(self, fragment=""):
        # From another document, so that a new fragment loads the page anew too.
        self.browser.get("about:blank")
        self.browser.get(self.url + fragment)
        self.browser.wait_for("return document.body.dataset.state === 'idle';")

    def fill(self, css, text):
        e = self.browser.find(css)
        e.clear()
        if text:
            e.send_keys(text)
        # The page saves the credentials when a field changes, as when it loses focus.
        self.browser.execute("arguments[0].dispatchEvent(new Event('change'));", {ELEMENT: e.id})

    def run(self, sql, keys=False):
        """Types `sql`, runs it (the Run button, or Ctrl+Enter) and waits for the answer's state."""
        self.browser.execute("document.body.dataset.state = 'stale';")
        self.fill("#query", sql)
        if keys:
            self.browser.find("#query").send_keys(CONTROL + ENTER)
        else:
            self.browser.find("#run").click()
        return self.browser.wait_for(
            "const s = document.body.dataset.state; return s === 'done' || s === 'error' ? s : null;")

    def status(self):
        return self.browser.find("#status").text

    def error(self):
        return self.browser.execute("return document.getElementById('error').style.display === 'block' ? "
                                    "document.getElementById('error').textContent : '';")

    def table(self, index=0):
        """The index-th result table: (header names, rows of cell texts)."""
        return self.browser.execute("""
            const t = document.querySelectorAll('#output table')[arguments[0]];
            const names = [...t.tHead.rows[0].cells].map((th) => th.firstChild.textContent);
            const rows = [...t.tBodies[0].rows].map((tr) => [...tr.cells].map((td) => td.textContent));
            return [names, rows];""", index)


class PlayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start(cls)

    def setUp(self):
        self.page.open()

    def test_page_is_one_document_that_loads_nothing_from_elsewhere(self):
        status, headers, body = http_get(self.server.port, "GET", "/play")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=UTF-8")
        html = body.decode()
        self.assertTrue(html.startswith("<!DOCTYPE html>"), html[:100])
        self.assertIsNone(EXTERNAL_RE.search(html), EXTERNAL_RE.search(html))
        self.assertNotIn("@import", html)
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        # The browser loads it without a complaint (the policy refuses nothing it uses) and
        # fetched nothing but the page itself.
        self.browser.console()
        self.page.open()
        self.page.run("SELECT toDate('2026-01-01') + number AS d, number AS v FROM numbers(3)")
        complaints = [m for m in self.browser.console() if m["level"] in ("WARNING", "SEVERE")]
        self.assertEqual(complaints, [])
        self.page.open()
        resources = self.browser.execute(
            "return performance.getEntriesByType('resource').map((e) => e.name);")
        self.assertEqual(resources, [])
        self.assertEqual(self.browser.execute("return document.title;"), "tally play")
        self.assertEqual(self.browser.find("#run").text, "Run")

    def test_create_insert_and_select_show_ok_and_the_cells(self):
        self.assertEqual(self.page.run("CREATE TABLE cells (id UInt32, name Nullable(String), amount Float64) "
                                       "ENGINE = MergeTree ORDER BY id"), "done")
        self.assertEqual(self.browser.find("#output").text, "Ok.")
        self.assertTrue(self.page.status().startswith("Ok. in "), self.page.status())
        self.assertEqual(self.page.run("INSERT INTO cells VALUES (1, 'one', 1.5), (2, NULL, -20), (3, 'three', 300)"),
                         "done")
        self.assertEqual(self.browser.find("#output").text, "Ok.")
        self.assertEqual(self.page.run("SELECT id, name, amount FROM cells ORDER BY id"), "done")
        names, rows = self.page.table()
        self.assertEqual(names, ["id", "name", "amount"])
        self.assertEqual(rows, [["1", "one", "1.5"], ["2", "NULL", "-20"], ["3", "three", "300"]])
        self.assertRegex(self.page.status(), r"^3 rows in \d+\.\d{3} s")
        cells = self.browser.find_all("#output td")
        self.assertEqual(cells[0].css("text-align"), "right")      # UInt32
        self.assertNotEqual(cells[1].css("text-align"), "right")   # String
        self.assertEqual(cells[4].prop("className"), "null")       # NULL, set apart
        self.assertEqual(cells[5].css("text-align"), "right")      # Float64
        # A string that says NULL is not a NULL.
        self.page.run("SELECT 'NULL' AS s")
        self.assertEqual(self.browser.find_all("#output td")[0].prop("className"), "")
        # Several statements at once: each result in turn.
        self.assertEqual(self.page.run("SELECT count() AS n FROM cells; SELECT max(id) AS m FROM cells"), "done")
        self.assertEqual(self.page.table(0), [["n"], [["3"]]])
        self.assertEqual(self.page.table(1), [["m"], [["3"]]])

    def test_other_formats_and_long_results(self):
        # A FORMAT in the query: the server's text as it is.
        self.assertEqual(self.page.run("SELECT 1 AS a, '<x>' AS b FORMAT TabSeparatedWithNames"), "done")
        self.assertEqual(self.browser.find("#raw").prop("textContent"), "a\tb\n1\t<x>\n")
        # Rows past the first 10,000 are counted, not drawn.
        self.assertEqual(self.page.run("SELECT number FROM numbers(12345)"), "done")
        self.assertRegex(self.page.status(), r"^12345 rows in ")
        self.assertEqual(self.browser.find("#output .note").text, "Showing the first 10000 of 12345 rows.")
        self.assertEqual(self.browser.execute("return document.querySelectorAll('#output tbody tr').length;"), 10000)

    def test_ctrl_enter_runs_the_query(self):
        self.assertEqual(self.page.run("SELECT 40 + 2 AS answer", keys=True), "done")
        self.assertEqual(self.page.table(), [["answer"], [["42"]]])
        self.assertNotIn("\n", self.browser.find("#query").prop("value"))

    def test_html_in_values_is_shown_as_text(self):
        self.page.run("SELECT '<b>x</b>' AS `<i>col</i>`, '<img src=x onerror=\"window.injected=1\">' AS img")
        names, rows = self.page.table()
        self.assertEqual(names, ["<i>col</i>", "img"])
        self.assertEqual(rows, [["<b>x</b>", '<img src=x onerror="window.injected=1">']])
        # Not one element came from the data, and no handler of it ran.
        self.assertEqual(self.browser.execute("return document.querySelectorAll('#output b, #output i, #output img')"
                                              ".length;"), 0)
        self.assertIn("&lt;b&gt;x&lt;/b&gt;", self.browser.execute(
            "return document.querySelector('#output td').innerHTML;"))
        self.assertIsNone(self.browser.execute("return window.injected === undefined ? null : window.injected;"))

    def test_a_bad_query_shows_the_servers_error(self):
        self.assertEqual(self.page.run("SELECT * FROM no_such_table"), "error")
        error = self.page.error()
        self.assertIn("Code: 60. DB::Exception: Table default.no_such_table does not exist", error)
        self.assertIn("(UNKNOWN_TABLE)", error)
        self.assertEqual(self.page.status(), "HTTP 404")
        self.assertEqual(self.browser.find("#output").text, "")
        self.assertEqual(self.page.run("SELEC 1"), "error")
        self.assertIn("Code: 62. DB::Exception: Syntax error", self.page.error())
        # The next good query clears the error.
        self.assertEqual(self.page.run("SELECT 1 AS one"), "done")
        self.assertEqual(self.page.error(), "")

    def test_a_stopped_server_shows_a_failed_request(self):
        with tempfile.TemporaryDirectory() as tmp:
            server = ServeProcess(TALLY, os.path.join(tmp, "data"))
            try:
                page = PlayPage(self.browser, server.port)
                page.open()
                self.assertEqual(page.run("SELECT 1"), "done")
            finally:
                self.assertEqual(server.stop(), 0, server.stderr)
            self.assertEqual(page.run("SELECT 2"), "error")
            self.assertIn("The request failed", page.error())

    def test_an_error_after_the_result_began_streaming_is_shown(self):
        # The server's answer to a query that fails once its result is streaming (docs/server.md,
        # Responses): a chunk with the error text appended, then the connection closed before
        # the last chunk. tally's query path rarely gets there, so a stand-in answers so, and
        # serves tally's page from the same origin.
        _, _, html = http_get(self.server.port, "GET", "/play")
        error = "Code: 159. DB::Exception: Timeout exceeded: elapsed 1.0 seconds, maximum: 1. (TIMEOUT_EXCEEDED)"

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            linger_s = 0  # between the last chunk and the close

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=UTF-8")
                self.send_header("Content-Length", str(len(html)))
                self.end_headers()
                self.wfile.write(html)

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("X-ClickHouse-Format", "JSONCompact")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                data = f'{{"meta": [{{"name": "n", "type": "UInt64"}}], "data": [["1"], ["2"],\n{error}\n'.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                time.sleep(self.linger_s)
                self.close_connection = True

            def log_message(self, *args):
                pass

        stand_in = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=stand_in.serve_forever, daemon=True).start()
        try:
            page = PlayPage(self.browser, stand_in.server_address[1])
            page.open()
            # Chromium may drop the bytes that arrive with the connection's end (it depends on
            # timing): then the page says the answer broke off. Either way the rows before the
            # error are not shown as a result.
            self.assertEqual(page.run("SELECT n FROM somewhere"), "error")
            self.assertRegex(page.error(), r"^(The answer broke off after \d+ characters \(the query failed after "
                                           r"its result began, or the connection dropped\): |Code: 159\. )")
            self.assertEqual(self.browser.find("#output").text, "")
            # When the error text reaches the browser before the end, the page shows it.
            Handler.linger_s = 1
            self.assertEqual(page.run("SELECT n FROM somewhere"), "error")
            self.assertEqual(page.error(), error)
            self.assertEqual(self.browser.find("#output").text, "")
        finally:
            stand_in.shutdown()
            stand_in.server_close()

    def test_a_time_series_draws_a_chart(self):
        self.page.run("SELECT toDate('2026-01-01') + number AS d, number * 2 AS v, number * number AS sq "
                      "FROM numbers(10)")
        paths = self.browser.execute(
            "return [...document.querySelectorAll('#output svg path.series')]"
            ".map((p) => [p.dataset.column, p.getAttribute('d')]);")
        self.assertEqual([name for name, _ in paths], ["v", "sq"])
        for _, d in paths:
            self.assertEqual(len(re.findall(r"[ML]", d)), 10, d)
            self.assertTrue(d.startswith("M"), d)
        labels = self.browser.execute("return [...document.querySelectorAll('#output svg text')]"
                                      ".map((t) => t.textContent);")
        self.assertIn("2026-01-01", labels)
        self.assertIn("2026-01-10", labels)
        self.assertIn("0", labels)
        self.assertEqual(self.browser.find("#output .legend").text.split(), ["v", "sq"])
        # The table is there too.
        self.assertEqual(len(self.page.table()[1]), 10)
        # Hours of a table's events, the way a dashboard asks; a NULL breaks the line.
        self.page.run("CREATE TABLE hits (t DateTime, n UInt32) ENGINE = MergeTree ORDER BY t")
        self.page.run("INSERT INTO hits SELECT toDateTime('2026-03-01 00:00:00') + number * 600, number "
                      "FROM numbers(36)")
        self.page.run("SELECT toStartOfHour(t) AS h, count() AS c, sum(n) AS s FROM hits GROUP BY h ORDER BY h")
        self.assertEqual(len(self.browser.find_all("#output svg path.series")), 2)
        self.page.run("SELECT toDate('2026-01-01') + number AS d, if(number = 2, NULL, number) AS v FROM numbers(5)")
        d = self.browser.find("#output svg path.series").prop("outerHTML")
        self.assertEqual(d.count("M"), 2, d)
        # No time first, or no number beside it: no chart.
        for sql in ("SELECT number AS n, number * 2 AS v FROM numbers(3)",
                    "SELECT toDate('2026-01-01') AS d, 'x' AS s"):
            self.page.run(sql)
            self.assertEqual(self.browser.find_all("#output svg"), [], sql)

    def test_the_query_is_in_the_link_and_a_link_fills_the_editor(self):
        sql = "SELECT 'a b#ü' AS x, 1 + 1 AS two"
        self.page.run(sql)
        fragment = self.browser.execute("return location.hash;")
        self.assertEqual(urllib.parse.unquote(fragment[1:]), sql)
        # Opening the link fills the editor and does not run it.
        self.page.open("#" + urllib.parse.quote("SELECT 7 AS seven"))
        self.assertEqual(self.browser.find("#query").prop("value"), "SELECT 7 AS seven")
        self.assertEqual(self.browser.find("#output").text, "")
        self.assertEqual(self.page.status(), "")
        # A link followed from the page itself fills the editor too.
        self.browser.execute("location.hash = arguments[0];", "#" + urllib.parse.quote("SELECT 9 AS nine"))
        self.browser.wait_for("return document.getElementById('query').value === 'SELECT 9 AS nine';")
        self.page.open("#" + urllib.parse.quote("SELECT 7 AS seven"))
        # Back goes to the query before.
        self.page.run("SELECT 8 AS eight")
        self.browser.call("POST", "/back", {})
        self.browser.wait_for("return document.getElementById('query').value === 'SELECT 7 AS seven';")


class PlayUsersTest(unittest.TestCase):
    """The page under `--users`: credentials go in X-ClickHouse-User / X-ClickHouse-Key."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        users = os.path.join(cls.tmp.name, "users.toml")
        with open(users, "w") as f:
            f.write(textwrap.dedent(f"""\
                [users.default]
                disabled = true

                [users.analyst]
                password_sha256_hex = "{hashlib.sha256(b'right-pw').hexdigest()}"
                """))
        start(cls, "--users", users)

    def test_a_wrong_password_shows_the_error_and_the_right_one_runs(self):
        self.page.open()
        # The page itself needs no credentials; the default user is disabled.
        self.assertEqual(self.page.run("SELECT 1"), "error")
        self.assertIn("Code: 516. DB::Exception: default: Authentication failed", self.page.error())
        self.page.fill("#user", "analyst")
        self.page.fill("#password", "wrong-pw")
        self.assertEqual(self.page.run("SELECT 1"), "error")
        self.assertIn("Code: 516. DB::Exception: analyst: Authentication failed", self.page.error())
        self.assertIn("(AUTHENTICATION_FAILED)", self.page.error())
        self.assertEqual(self.page.status(), "HTTP 403")
        # Headers take Latin-1 only: the page says so rather than fail in the browser.
        self.page.fill("#password", "密码")
        self.assertEqual(self.page.run("SELECT 1"), "error")
        self.assertIn("Latin-1 characters only", self.page.error())
        # Enter in the password field runs the query with the new password.
        self.browser.execute("document.body.dataset.state = 'stale';")
        self.browser.find("#query").clear()
        self.browser.find("#query").send_keys("SELECT currentUser() AS who")
        self.browser.find("#password").clear()
        self.browser.find("#password").send_keys("right-pw" + ENTER)
        self.browser.wait_for("return document.body.dataset.state === 'done';")
        self.assertEqual(self.page.table(), [["who"], [["analyst"]]])
        # The browser remembers the credentials: a reload runs as the same user.
        self.page.open()
        self.assertEqual(self.browser.find("#user").prop("value"), "analyst")
        self.assertEqual(self.page.run("SELECT currentUser() AS who"), "done")
        self.assertEqual(self.page.table(), [["who"], [["analyst"]]])
        # The database field picks the database unqualified names refer to.
        self.page.run("CREATE DATABASE other")
        self.page.run("CREATE TABLE other.t (x UInt8) ENGINE = MergeTree ORDER BY x")
        self.page.fill("#database", "other")
        self.assertEqual(self.page.run("SELECT count() AS n FROM t"), "done")
        self.assertEqual(self.page.table(), [["n"], [["0"]]])
        self.page.fill("#database", "")


if __name__ == "__main__":
    TALLY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
