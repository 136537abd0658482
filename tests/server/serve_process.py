"""A `tally serve` process on a free port of 127.0.0.1, for the server's tests.

ServeProcess(tally, data_dir, *args) starts it and reads the port it prints; stop() sends
SIGTERM and returns the exit code (stderr is then in .stderr); kill() sends SIGKILL.
"""
import re
import signal
import subprocess


class ServeProcess:
    def __init__(self, tally, data_dir, *args):
        self.proc = subprocess.Popen([tally, "serve", "--data", data_dir, "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"tally serve did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(m.group(1))
        self.stderr = ""

    def stop(self, timeout=30):
        """SIGTERM; the exit code (the process's stderr is left in self.stderr)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, self.stderr = self.proc.communicate(timeout=timeout)
            return self.proc.returncode
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.communicate()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
