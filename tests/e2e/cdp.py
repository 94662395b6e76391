"""A small Chrome DevTools Protocol client over --remote-debugging-pipe:
Chromium reads commands on fd 3 and writes answers and events on fd 4, each
a JSON message ending in a NUL byte.  No websocket, no extra package.

Used by tests_web.py to drive headless Chromium (Debian's `chromium`)."""

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time


class BrowserError(Exception):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium with one page (a flat session on it)."""

    def __init__(self, log_path):
        exe = find_chromium()
        if not exe:
            raise BrowserError("no chromium on PATH: install Debian's chromium (make deps-test)")
        self.profile = tempfile.mkdtemp(prefix="newsd-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Chromium wants its pipe ends exactly on fds 3 and 4 (kept open
        # through pass_fds); moved up first so neither end is overwritten.
        def fds():
            r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.close(r)
            os.close(w)
        args = [exe, "--headless=new", "--remote-debugging-pipe", "--no-first-run",
                "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--mute-audio",
                f"--user-data-dir={self.profile}", "--window-size=1280,900"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")   # Chromium refuses root with its sandbox
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(args + ["about:blank"], stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, preexec_fn=fds, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next = 0
        self.events = []
        self.session = None
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"}, session=False, timeout=30)
            self.session = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                                     session=False)["sessionId"]
        except BrowserError as e:
            self.close()
            raise BrowserError(f"chromium ({exe}) did not start or answer: {e}; its output is in {log_path}")

    # -- the pipe ------------------------------------------------------------

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("no answer from chromium in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium closed its pipe (exit code {self.proc.poll()})")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def _send(self, method, params, session):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._to_child, data)
            data = data[n:]
        return self._next

    def _event(self, m):
        self.events.append(m)
        # A dialog (alert) blocks the page until answered: recorded, then
        # dismissed, so that the page goes on loading.
        if m["method"] == "Page.javascriptDialogOpening":
            self._send("Page.handleJavaScriptDialog", {"accept": True}, True)

    def call(self, method, params=None, session=True, timeout=20):
        want = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == want:
                if "error" in m:
                    raise BrowserError(f"{method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self._event(m)

    def pump(self, seconds):
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                m = self._read_message(deadline)
            except BrowserError as e:
                if "in time" in str(e):
                    return
                raise
            if "method" in m:
                self._event(m)

    def wait_event(self, method, timeout=20):
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self.events):
            if e["method"] == method:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if "method" in m:
                self._event(m)
            if m.get("method") == method:
                return self.events.pop()

    # -- a page --------------------------------------------------------------

    def start_page(self):
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        # Dialogs (alert) must not block: each one is recorded as an event.
        self.call("Page.setLifecycleEventsEnabled", {"enabled": True})

    def navigate(self, url, timeout=20):
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        r = self.call("Page.navigate", {"url": url})
        if r.get("errorText"):
            raise BrowserError(f"navigate {url}: {r['errorText']}")
        self.wait_event("Page.loadEventFired", timeout)
        self.pump(0.3)   # late console messages and CSP reports

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise BrowserError(f"evaluate {expr!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, path):
        r = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def problems(self):
        """Console errors, exceptions, CSP violations and dialogs seen so far
        (and forgotten)."""
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')} "
                           f"{p['exceptionDetails'].get('exception', {}).get('description', '')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console.error: " + " ".join(str(a.get("value", a.get("description")))
                                                         for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append(f"log {p['entry']['level']} ({p['entry'].get('source')}): {p['entry'].get('text')} "
                           f"{p['entry'].get('url', '')}")
            elif m == "Page.javascriptDialogOpening":
                out.append(f"dialog {p.get('type')}: {p.get('message')!r}")
        self.events = [e for e in self.events if e["method"] not in (
            "Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded",
            "Page.javascriptDialogOpening")]
        return out

    def close(self):
        if self.proc.poll() is None:
            try:
                self.call("Browser.close", session=False, timeout=5)
            except (BrowserError, OSError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
