"""End-to-end test of the systemd readiness protocol (issue 13): a fake
NOTIFY_SOCKET receiver sees READY=1, RELOADING=1 with MONOTONIC_USEC, READY=1
again, STATUS= counters, WATCHDOG=1 while WATCHDOG_USEC is set, and
STOPPING=1, in that order.  Loaded by run.py; named systemd_*."""

import os
import signal
import socket
import subprocess
import time

from __main__ import ROOT_FLAG, SAMPLE, check, shipped_config, small_article, test


class Receiver:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages = []   # (monotonic time, [lines])

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            self.messages.append((time.monotonic(), data.decode().split("\n")))

    def wait_for(self, key, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.index(key) is not None:
                return
            self.drain(0.2)
        raise AssertionError(f"no {key} within {timeout}s; got {self.keys()}")

    def index(self, key, after=-1):
        for i, (_, lines) in enumerate(self.messages):
            if i > after and any(l == key or l.startswith(key + "=") or l.startswith(key) for l in lines):
                return i
        return None

    def keys(self):
        return [l for _, lines in self.messages for l in lines if l]


@test(timeout=60)
def systemd_notify_sequence(ctx):
    cfg = ctx.write_config()
    rx = Receiver(ctx.base / "notify.sock")
    env = dict(os.environ, NOTIFY_SOCKET=str(ctx.base / "notify.sock"), WATCHDOG_USEC="3000000")
    log = open(ctx.log_path, "ab")
    proc = subprocess.Popen([str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)] + ROOT_FLAG,
                            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        rx.wait_for("READY=1", 15)
        ready = rx.index("READY=1")
        ctx.drop("one.txt", small_article("Systemd", "Ein Artikel, damit STATUS etwas zählt."))
        rx.drain(2.5)
        check(rx.index("WATCHDOG=1") is not None, f"no WATCHDOG=1 with WATCHDOG_USEC set: {rx.keys()}")
        check(any(k.startswith("STATUS=") and "archived" in k for k in rx.keys()),
              f"no STATUS= counters: {rx.keys()}")
        proc.send_signal(signal.SIGHUP)
        rx.wait_for("RELOADING=1", 10)
        reloading = rx.index("RELOADING=1")
        lines = rx.messages[reloading][1]
        check(any(l.startswith("MONOTONIC_USEC=") for l in lines),
              f"RELOADING=1 without MONOTONIC_USEC: {lines}")
        end = time.monotonic() + 10
        while rx.index("READY=1", after=reloading) is None and time.monotonic() < end:
            rx.drain(0.2)
        check(rx.index("READY=1", after=reloading) is not None, f"no READY=1 after the reload: {rx.keys()}")
        check(ready < reloading, "RELOADING=1 came before the first READY=1")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        rx.drain(0.3)
        stopping = rx.index("STOPPING=1")
        check(stopping is not None and stopping > reloading, f"no STOPPING=1 at the end: {rx.keys()}")
        check(proc.returncode == 0, f"exit code {proc.returncode} after SIGTERM")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


@test(timeout=60)
def systemd_no_watchdog_without_usec(ctx):
    """Without WATCHDOG_USEC (no WatchdogSec=) newsd sends no WATCHDOG=1."""
    cfg = ctx.write_config()
    rx = Receiver(ctx.base / "notify.sock")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHDOG_")}
    env["NOTIFY_SOCKET"] = str(ctx.base / "notify.sock")
    log = open(ctx.log_path, "ab")
    proc = subprocess.Popen([str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)] + ROOT_FLAG,
                            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        rx.wait_for("READY=1", 15)
        rx.drain(2.5)
        check(rx.index("WATCHDOG=1") is None, f"WATCHDOG=1 sent without WATCHDOG_USEC: {rx.keys()}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()


@test(timeout=60)
def systemd_hup_during_reload_is_queued(ctx):
    """A SIGHUP that arrives while a reload waits for in-flight articles is
    not dropped: another reload follows, and the newest file wins."""
    slow = ctx.crashy_section("slow", sleep_ms=3000)
    ctx.write_config(ctx.plugins_with(slow))
    d = ctx.start()
    ctx.drop("slow.txt", small_article("Langsam", "Dieser Artikel hält das Neuladen drei Sekunden auf."))
    ctx.wait(lambda: ctx.work_files(), 10, "the article claimed")
    time.sleep(0.3)
    d.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: "reloading" in l, 10, "the first reload to start")
    # The newest configuration: a tagger that the first reload never saw.
    newest = ("newest", {"so": "keyword_tagger.so", "tag": "cfg:newest", "words": "Neuladen"})
    ctx.write_config(ctx.plugins_with(slow, newest))
    d.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: "another follows" in l, 10, "the second SIGHUP queued")
    ctx.wait_log(lambda l: "queued during the last reload" in l, 20, "the queued reload")
    ctx.wait(lambda: sum("notice: reloaded " in l for l in ctx.log_text().splitlines()) >= 2, 20,
             "two reloads applied")
    id_ = ctx.drop("after.txt", small_article("Danach", "Nach dem Neuladen zählt die neueste Datei."))
    ctx.wait_archived([id_], timeout=30)
    tags = [t["name"] for t in ctx.record(id_)["tags"]]
    check("cfg:newest" in tags, f"the newest configuration is not in force: tags {tags}")


PR_SET_MDWE = 65
PR_GET_MDWE = 66
PR_MDWE_REFUSE_EXEC_GAIN = 1


@test(timeout=60)
def systemd_memory_deny_write_execute(ctx):
    """The unit sets MemoryDenyWriteExecute=yes: nothing in newsd, its
    libraries or the bundled plugins (Lua, CLD2's C++, SQLite ...) may map
    memory writable and executable.  The kernel's own form of that rule
    (prctl PR_SET_MDWE, Linux 6.3+, kept across exec) runs the shipped
    configuration here, so a library that needs W+X fails this test rather
    than a production start."""
    import ctypes
    from tests_lang import show
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) < 0:
        print(f"skipped: this kernel has no PR_SET_MDWE (Linux 6.3+): errno {ctypes.get_errno()}")
        return

    def deny_wx():
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_MDWE)")

    # The rule holds in the child: a W+X mapping is refused there.
    wx = ("import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)")
    control = subprocess.run(["python3", "-c", wx], preexec_fn=deny_wx, capture_output=True, text=True)
    check(control.returncode != 0 and "Permission denied" in control.stderr,
          f"PR_SET_MDWE did not refuse a W+X mapping in the child: {control.stderr[-300:]!r}")

    cfg = shipped_config(ctx)
    log = open(ctx.log_path, "ab")
    proc = subprocess.Popen([str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)] + ROOT_FLAG,
                            stdout=log, stderr=log, stdin=subprocess.DEVNULL, preexec_fn=deny_wx)
    try:
        ctx.wait(lambda: "ready" in ctx.log_text() or proc.poll() is not None, 20, "newsd ready")
        check(proc.poll() is None, f"newsd exited under MDWE (code {proc.returncode}); see the log")
        check(libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) == 0, "the test itself is under MDWE")
        id_ = ctx.drop("sample.txt", open(SAMPLE, "rb").read())
        ctx.wait(lambda: (not os.listdir(ctx.inbox) and not ctx.work_files()) or proc.poll() is not None,
                 30, "the sample processed")
        check(proc.poll() is None, f"newsd died under MDWE while processing (code {proc.returncode})")
        rec = show(ctx, id_)
        check(rec.get("lang") == "de", f"the sample's record under MDWE: lang {rec.get('lang')!r}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        log.close()


@test(timeout=60)
def systemd_abstract_socket_and_foreign_watchdog_pid(ctx):
    """NOTIFY_SOCKET="@name" is the abstract namespace (what systemd itself
    hands out): READY=1, STATUS= and STOPPING=1 arrive there, also when the
    name fills all 108 bytes of sun_path (no NUL in an abstract name).  A
    WATCHDOG_PID that is not newsd's (the watchdog of a parent that
    started it) means no WATCHDOG=1 from newsd."""
    cfg = ctx.write_config()
    name = f"newsd-e2e-{os.getpid()}-{time.monotonic_ns()}-"
    name += "x" * (107 - len(name))
    rx = Receiver("\0" + name)
    env = dict(os.environ, NOTIFY_SOCKET="@" + name, WATCHDOG_USEC="1000000", WATCHDOG_PID=str(os.getpid()))
    log = open(ctx.log_path, "ab")
    proc = subprocess.Popen([str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)] + ROOT_FLAG,
                            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        rx.wait_for("READY=1", 15)
        ctx.drop("one.txt", small_article("Abstrakt", "Ein Artikel, damit STATUS etwas zählt."))
        rx.drain(2.5)
        check(any(k.startswith("STATUS=") for k in rx.keys()), f"no STATUS= on the abstract socket: {rx.keys()}")
        check(rx.index("WATCHDOG=1") is None, f"WATCHDOG=1 sent for another process's WATCHDOG_PID: {rx.keys()}")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        rx.drain(0.3)
        check(rx.index("STOPPING=1") is not None, f"no STOPPING=1 on the abstract socket: {rx.keys()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
