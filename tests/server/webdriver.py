"""A W3C WebDriver client for Debian's headless Chromium, over HTTP with urllib alone.

Chromedriver(binary) starts chromedriver on a free port of 127.0.0.1; .session(chromium)
opens a headless browser and returns a Session: navigate, find elements by CSS, type,
click, read text and properties, run a script, wait for a condition. Only what the
server's tests need; no selenium.
"""
import base64
import json
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

# The key a W3C element reference is stored under, and two keys of its "Keys" table.
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CONTROL = "\ue009"
ENTER = "\ue007"


class WebDriverError(Exception):
    pass


def _call(base, method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"{}").get("value")
    except urllib.error.HTTPError as e:
        try:
            value = json.loads(e.read()).get("value", {})
            message = f"{value.get('error')}: {value.get('message', '').splitlines()[0]}"
        except (ValueError, AttributeError, IndexError):
            message = str(e)
        raise WebDriverError(f"{method} {path}: {message}") from None


class Element:
    def __init__(self, session, element_id):
        self.session = session
        self.id = element_id

    def _call(self, method, path, body=None):
        return self.session.call(method, f"/element/{self.id}{path}", body)

    def click(self):
        self._call("POST", "/click", {})

    def clear(self):
        self._call("POST", "/clear", {})

    def send_keys(self, text):
        self._call("POST", "/value", {"text": text})

    @property
    def text(self):
        return self._call("GET", "/text")

    def prop(self, name):
        return self._call("GET", f"/property/{name}")

    def css(self, name):
        return self._call("GET", f"/css/{name}")


class Session:
    def __init__(self, base, session_id):
        self.base = base
        self.id = session_id

    def call(self, method, path, body=None):
        return _call(self.base, method, f"/session/{self.id}{path}", body)

    def get(self, url):
        self.call("POST", "/url", {"url": url})

    def find(self, css):
        return Element(self, self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        found = self.call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT]) for e in found]

    def execute(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script, *args, timeout=30):
        """Polls `script` (a function body that returns a value) until the value is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.execute(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for: {script}")
            time.sleep(0.05)

    def console(self):
        """The browser's console and network messages since the last call (chromedriver's log)."""
        return self.call("POST", "/se/log", {"type": "browser"})

    def screenshot_png(self):
        return base64.b64decode(self.call("GET", "/screenshot"))

    def quit(self):
        try:
            _call(self.base, "DELETE", f"/session/{self.id}")
        except (WebDriverError, OSError):
            pass


class Chromedriver:
    """chromedriver on a free port of 127.0.0.1 (it prints the port it took)."""

    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "--port=0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait()
                raise RuntimeError(f"chromedriver did not start: {''.join(lines)}")
            lines.append(line)
            m = re.search(r"started successfully on port (\d+)", line)
            if m:
                break
        self.base = f"http://127.0.0.1:{m.group(1)}"
        # Its later output would fill the pipe: drain it in the background.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.profile = tempfile.TemporaryDirectory()

    def session(self, chromium):
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--user-data-dir={self.profile.name}", "--window-size=1280,900"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:loggingPrefs": {"browser": "ALL"},
                                                 "goog:chromeOptions": {"binary": chromium, "args": args}}}}
        value = _call(self.base, "POST", "/session", caps, timeout=120)
        return Session(self.base, value["sessionId"])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.profile.cleanup()
