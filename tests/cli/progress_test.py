#!/usr/bin/env python3
"""`tally local`'s live progress line: with stderr on a terminal (a pty here), a statement
that runs over half a second shows `Progress: N rows, B (R rows/s., S/s.) P%, T s`,
redrawn in place and erased before the statement's output and when it ends; an INSERT of
data shows the rows written; a short statement shows nothing; with stderr piped, nothing
at all. Standard library only.

Usage: progress_test.py TALLY
"""
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest

TALLY = None
# About 3 s on one core of a 2024 laptop: hashing keeps it slow on faster machines too.
LONG_SELECT = "SELECT count() FROM numbers(150000000) WHERE sipHash64(number) != 0 SETTINGS max_threads = 1"
LONG_ANSWER = "150000000"
QUANTITY = r"\d+(\.\d\d (thousand|million|billion|trillion))?"
BYTES = r"\d+(\.\d\d [KMGTPE])? ?B"
LINE = re.compile(rf"Progress: {QUANTITY} rows( written)?, {BYTES} \({QUANTITY} rows/s\., {BYTES}/s\.\) "
                  rf"(\d+%, )?\d+\.\d s")
ERASE = "\r\x1b[K"


def run(args, on_pty, feed=None, stdout_on_pty=False):
    """Runs tally with stderr on a pty (or a pipe); its stdout and stderr (with
    stdout_on_pty, both are on the pty, and what it shows comes back as stderr). `feed`: a
    function given the process's stdin to write to (then closed), on a thread."""
    master = slave = None
    if on_pty:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))  # room for the line
    p = subprocess.Popen([TALLY, "local", *args], stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                         stdout=slave if stdout_on_pty else subprocess.PIPE,
                         stderr=slave if on_pty else subprocess.PIPE)
    feeder = None
    if feed:
        feeder = threading.Thread(target=lambda: (feed(p.stdin), p.stdin.close()))
        feeder.start()
    if not on_pty:
        out, err = p.communicate(timeout=120)
        if feeder:
            feeder.join()
        return out.decode(), err.decode()
    os.close(slave)
    err = b""
    out_chunks = []
    reader = threading.Thread(target=lambda: out_chunks.append(p.stdout.read() if p.stdout else b""))
    reader.start()
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            p.kill()
            raise AssertionError(f"no output for 120 s: {err!r}")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the last holder of the pty's other end is gone
            break
        if not data:
            break
        err += data
    os.close(master)
    p.wait(timeout=60)
    reader.join()
    if p.stdout:
        p.stdout.close()
    if feeder:
        feeder.join()
    return out_chunks[0].decode(), err.decode()


class LocalProgressTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.data = os.path.join(self.tmp.name, "data")

    def local(self, sql, on_pty, feed=None, stdout_on_pty=False):
        return run(["--data", self.data, "--query", sql, "--format", "TabSeparated"], on_pty, feed, stdout_on_pty)

    def check_drawn_and_erased(self, err):
        lines = [l for l in err.split(ERASE) if l]
        self.assertTrue(lines, f"no progress line: {err!r}")
        for line in lines:
            self.assertRegex(line, LINE)
            self.assertRegex(line, rf"^{LINE.pattern}$")  # one line each, nothing else on it
        self.assertTrue(err.endswith(ERASE), f"the last line was not erased: {err[-200:]!r}")
        return lines

    def test_a_long_select_shows_a_line_and_erases_it(self):
        out, err = self.local(LONG_SELECT, on_pty=True)
        self.assertEqual(out, LONG_ANSWER + "\n")
        lines = self.check_drawn_and_erased(err)
        self.assertRegex(lines[0], r"\d+%")  # the rows to read are known
        self.assertIn("rows/s.", lines[0])

    def test_nothing_when_stderr_is_piped(self):
        out, err = self.local(LONG_SELECT, on_pty=False)
        self.assertEqual((out, err), (LONG_ANSWER + "\n", ""))

    def test_nothing_for_a_short_statement(self):
        out, err = self.local("SELECT 1; SELECT count() FROM numbers(1000)", on_pty=True)
        self.assertEqual((out, err), ("1\n1000\n", ""))

    def test_an_insert_of_data_shows_rows_written(self):
        self.local("CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id", on_pty=False)

        def feed(stdin):
            for i in range(10):
                stdin.write("".join(f"{i * 5000 + j}\n" for j in range(5000)).encode())
                stdin.flush()
                time.sleep(0.2)

        out, err = self.local("INSERT INTO t SETTINGS min_insert_block_size_rows = 1000, "
                              "max_read_buffer_size = 8192 FORMAT TabSeparated", on_pty=True, feed=feed)
        self.assertEqual(out, "")
        lines = self.check_drawn_and_erased(err)
        self.assertTrue(any(" rows written, " in l for l in lines), lines)
        self.assertEqual(self.local("SELECT count() FROM t", on_pty=False), ("50000\n", ""))

    def test_output_comes_after_the_line_is_erased(self):
        # Both streams on one terminal, as a user sees them.
        _, screen = self.local(f"{LONG_SELECT}; SELECT 2", on_pty=True, stdout_on_pty=True)
        before, _, after = screen.rpartition(ERASE)
        self.assertEqual(after, LONG_ANSWER + "\r\n2\r\n")
        self.check_drawn_and_erased(before + ERASE)


if __name__ == "__main__":
    TALLY = sys.argv.pop(1)
    unittest.main()
