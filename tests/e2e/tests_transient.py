"""End-to-end tests of transient faults: a shortage of descriptors, a full
disk, an I/O error on newsd's own files are "try later", never "this article
is bad" (issue #12, bugs 4 and 8).

Faults come from the LD_PRELOAD shim tests/fault/inject.c (its environment
variables are documented at its top), from prlimit, and from a 2 MB tmpfs
mounted over the state dir (root only: without the right to mount, those
tests print "skipped: ..." and pass).  Most faults last while a flag file
exists; the test removes it and measures the time until every article is
archived.  Each test ends with every article archived exactly once, none in
failed/, and a log line that names the fault (errno text and file).
"""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time

from __main__ import (Daemon, DEFAULT_PLUGINS, Fail, check, content_id, distinct_articles,
                      listdir, small_article, test)
from tests_control import UnixHTTPConnection, api


# --------------------------------------------------------------------------
# helpers

class WrappedDaemon(Daemon):
    """newsd started through a prefix (prlimit, env): both exec, so the pid
    is newsd's."""

    def __init__(self, ctx, config, prefix):
        super().__init__(ctx, config)
        self.prefix = list(prefix)

    def argv(self):
        return self.prefix + super().argv()


def asan_runtime(ctx):
    """The libasan newsd links, which must come first in LD_PRELOAD."""
    out = subprocess.run(["ldd", str(ctx.newsd)], capture_output=True, text=True).stdout
    m = re.search(r"(\S*libasan\.so\S*) => (\S+)", out)
    return m.group(2) if m else None


def fault_env(ctx, calls, errno_name, path, while_file=None, skip=None):
    shim = ctx.build / "tests" / "fault" / "libnewsd_fault.so"
    check(shim.exists(), f"the fault shim is not built: {shim}")
    preload = [str(shim)]
    asan = asan_runtime(ctx)
    if asan:
        preload.insert(0, asan)
    env = {
        "LD_PRELOAD": ":".join(preload),
        "NEWSD_FAULT_CALLS": calls,
        "NEWSD_FAULT_ERRNO": errno_name,
        "NEWSD_FAULT_PATH": str(path),
        "NEWSD_FAULT_LOG": str(ctx.base / "faults.log"),
    }
    if while_file:
        env["NEWSD_FAULT_WHILE"] = str(while_file)
    if skip is not None:
        env["NEWSD_FAULT_SKIP"] = str(skip)
    return env


def start_wrapped(ctx, env=None, nofile=None):
    prefix = []
    if nofile:
        prefix += ["prlimit", f"--nofile={nofile}:{nofile}", "--"]
    if env:
        prefix += ["env"] + [f"{k}={v}" for k, v in env.items()]
    if not ctx.config_path.exists():
        ctx.write_config()
    d = WrappedDaemon(ctx, ctx.config_path, prefix)
    ctx.daemons.append(d)
    ctx.daemon = d
    return d.start()


def injected(ctx):
    """Lines the shim wrote: one per failed call."""
    try:
        return (ctx.base / "faults.log").read_text().splitlines()
    except FileNotFoundError:
        return []


def flag_file(ctx, on=True):
    """The file whose existence keeps the fault on (NEWSD_FAULT_WHILE)."""
    flag = ctx.base / "fault-on"
    if on:
        flag.touch()
    return flag


def drop_all(ctx, arts):
    for name, data in arts:
        ctx.drop(name, data)
    return {content_id(d) for _, d in arts}


def nothing_lost(ctx, n):
    """Every article still on its way: in the inbox or in work/, none in
    failed/."""
    return not ctx.failed_items() and len(listdir(ctx.inbox)) + len(ctx.work_files()) + len(ctx.ids()) >= n


def log_names(ctx, *needles, timeout=30):
    ctx.wait_log(lambda l: all(n in l for n in needles), timeout, " and ".join(map(repr, needles)))


def recovered(ctx, ids, t0, what, timeout=60):
    ctx.wait_archived(ids, timeout=timeout)
    took = time.monotonic() - t0
    print(f"note: {what}: {len(ids)} articles archived {took:.1f}s after the fault cleared")
    check(ctx.failed_items() == [], f"failed/ is not empty: {ctx.failed_items()[:5]}")
    return took


def stop(ctx):
    d = ctx.daemon
    d.signal(signal.SIGTERM)
    check(d.wait_exit(20) == 0, "SIGTERM exit code")


# ---- sqlite archive --------------------------------------------------------

def sqlite_plugins():
    return [p for p in DEFAULT_PLUGINS if p[0] != "archive"] + [("archive", {"so": "archive_sqlite.so"})]


def db_query(ctx, sql):
    con = sqlite3.connect(f"file:{ctx.archive / 'newsd.db'}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def wait_in_db(ctx, ids, t0, what, timeout=60):
    ids = set(ids)

    def done():
        return ctx.idle() and ids <= {r[0] for r in db_query(ctx, "SELECT id FROM articles")}
    ctx.wait(done, timeout, f"{len(ids)} articles in the SQLite archive", interval=0.2)
    took = time.monotonic() - t0
    print(f"note: {what}: {len(ids)} articles archived {took:.1f}s after the fault cleared")
    rows = db_query(ctx, "SELECT id, count(*) FROM articles GROUP BY id")
    check(len(rows) == len(ids) and all(n == 1 for _, n in rows) and {r[0] for r in rows} == ids,
          f"{len(rows)} distinct ids archived for {len(ids)} articles")
    # originals: a file beside the database (schema 4), else a BLOB
    blobs = dict(db_query(ctx, "SELECT id, data FROM originals"))
    for id_ in ids:
        f = ctx.archive / "originals" / id_[:2] / id_
        data = f.read_bytes() if f.exists() else blobs.get(id_)
        check(data is not None, f"the original of {id_} is missing")
        check(content_id(data) == id_, f"the original of {id_} does not hash to its id")
    check(ctx.failed_items() == [], f"failed/ is not empty: {ctx.failed_items()[:5]}")
    return took


# ---- a small tmpfs ---------------------------------------------------------

class Tmpfs:
    """A tmpfs of size over path, or a reason why not (not root, no mount)."""

    def __init__(self, path, size="2m"):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                           capture_output=True, text=True)
        self.mounted = p.returncode == 0
        self.why_not = (p.stderr or p.stdout).strip() or f"mount exit {p.returncode}"

    def unmount(self):
        if self.mounted:
            subprocess.run(["umount", str(self.path)], capture_output=True)
            self.mounted = False


def fill(path):
    """Write path until the file system is full; returns the bytes written."""
    n = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for size in (65536, 4096, 512):
            while True:
                try:
                    n += os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    return n


def enospc_backlog(ctx, plugins, n, wait_archived):
    tmpfs = Tmpfs(ctx.state)
    if not tmpfs.mounted:
        print(f"skipped: cannot mount a tmpfs over the state dir: {tmpfs.why_not}")
        print(f"note: skipped: no tmpfs ({tmpfs.why_not})")
        return
    try:
        ctx.write_config(plugins)
        ctx.start()
        arts = distinct_articles(n, "voll")
        for name, data in arts:
            (ctx.tmp / name).write_bytes(data)
        ids = {content_id(d) for _, d in arts}
        filler = ctx.state / "filler"
        filled = fill(filler)
        for name, _ in arts:
            os.rename(ctx.tmp / name, ctx.inbox / name)
        log_names(ctx, "No space left on device", str(ctx.archive), timeout=30)
        log_names(ctx, "at a time", timeout=30)
        ctx.hold(lambda: nothing_lost(ctx, n), 1.0, "an article was lost or failed on a full disk:")
        ctx.assert_alive("on a full disk")
        filler.unlink()
        t0 = time.monotonic()
        took = wait_archived(ids, t0, f"ENOSPC ({filled // 1024} KiB filler)")
        stop(ctx)
        return took
    finally:
        if ctx.daemon and ctx.daemon.alive():
            ctx.daemon.kill()
        tmpfs.unmount()


# --------------------------------------------------------------------------
# EMFILE

@test()
def transient_emfile_idle_control_connections(ctx):
    """Bug 4: with 64 descriptors and idle control connections, articles
    went to failed/ as if they were bad (or were marked failed and stayed
    in work/), and the API never accepted again.  Now the connections are
    capped below what the core needs and the API answers once they close."""
    ctx.write_config()
    start_wrapped(ctx, nofile=64)
    sock = str(ctx.state / "control.sock")
    idle = []
    for _ in range(60):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        try:
            s.connect(sock)
        except OSError:
            s.close()
            break
        idle.append(s)
    try:
        ids = drop_all(ctx, distinct_articles(40, "emfile"))
        t0 = time.monotonic()
        ctx.wait_archived(ids, timeout=60)
        print(f"note: EMFILE (64 fds, {len(idle)} idle connections): 40 archived in "
              f"{time.monotonic() - t0:.1f}s")
        ctx.verify_archive(expect_ids=ids)
        check(ctx.failed_items() == [], f"failed/ is not empty: {ctx.failed_items()[:5]}")
        log_names(ctx, "only 64 file descriptors", "control API takes at most")
        log_names(ctx, "connections open on", "answered 503")
    finally:
        for s in idle:
            s.close()
    t0 = time.monotonic()
    deadline = t0 + 10
    while True:
        try:
            st, _, body = api(ctx, "GET", "/status", timeout=5)
            if st == 200:
                break
        except OSError:
            pass
        check(time.monotonic() < deadline, "the control API does not answer after the idle clients left")
        time.sleep(0.2)
    print(f"note: control API answered {time.monotonic() - t0:.1f}s after the idle clients left")


@test()
def transient_emfile_opening_work_files(ctx):
    """EMFILE when a worker opens its work file: the article stays in work/
    and is retried; the log names the errno, the file and "will retry"."""
    flag = flag_file(ctx)
    ctx.write_config()
    start_wrapped(ctx, env=fault_env(ctx, "openat", "EMFILE", f"{ctx.work}/[!.]*", while_file=flag))
    ids = drop_all(ctx, distinct_articles(30, "emopen"))
    log_names(ctx, "Too many open files (EMFILE)", str(ctx.work), "will retry")
    ctx.hold(lambda: nothing_lost(ctx, 30) and not ctx.ids(), 1.5,
             "an article failed or was archived while its file could not be opened:")
    st, _, _ = api(ctx, "GET", "/status", timeout=10)
    check(st == 200, f"/status during the fault: HTTP {st}")
    check(injected(ctx), "the shim injected nothing")
    flag.unlink()
    recovered(ctx, ids, time.monotonic(), "EMFILE on opening work files")
    ctx.verify_archive(expect_ids=ids)


@test()
def transient_emfile_accept_listener_recovers(ctx):
    """EMFILE on accept() while a connection is open: libmicrohttpd 0.9.75
    stopped accepting until a connection closed, and after the last one
    closed never again.  Now the listener pauses and comes back."""
    flag = flag_file(ctx)
    sock = ctx.state / "control.sock"
    ctx.write_config()
    start_wrapped(ctx, env=fault_env(ctx, "accept4", "EMFILE", sock, while_file=flag, skip=1))
    # One connection accepted (the shim lets the first accept through) and
    # kept open, idle, after one answer.
    keep = UnixHTTPConnection(sock, timeout=10)
    keep.request("GET", "/status")
    r = keep.getresponse()
    r.read()
    check(r.status == 200, f"first /status: HTTP {r.status}")
    # A second client: accept() fails, so it waits in the queue.
    answer = {}

    def ask():
        try:
            answer["status"] = api(ctx, "GET", "/status", timeout=40)[0]
        except OSError as e:
            answer["error"] = str(e)
    t = threading.Thread(target=ask, daemon=True)
    t.start()
    log_names(ctx, "cannot accept a connection", str(sock), "Too many open files", "will retry")
    # The articles do not care.
    data = small_article("Trotzdem", "Die Artikel gehen weiter, während das API keine Verbindung annimmt.")
    ctx.wait_archived([ctx.drop("trotzdem.txt", data)])
    check(t.is_alive(), f"the waiting client got an answer during the fault: {answer}")
    keep.close()
    time.sleep(0.5)
    flag.unlink()
    t0 = time.monotonic()
    t.join(20)
    check(answer.get("status") == 200, f"the waiting client: {answer or 'no answer within 20 s'}")
    print(f"note: EMFILE on accept: the waiting client answered {time.monotonic() - t0:.1f}s after the "
          f"fault cleared")
    check(api(ctx, "GET", "/status", timeout=10)[0] == 200, "a new client after the fault")
    log_names(ctx, "accepting connections on", "again")


# --------------------------------------------------------------------------
# a full disk

@test()
def transient_batch_shrinks_to_fit(ctx):
    """Bug 8: a failed batch was retried whole, so a batch larger than the
    room freed never fit.  The cramped archive takes 5 articles per commit:
    the batch halves down to what fits and grows back."""
    committed = ctx.base / "committed.txt"
    plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    plugins.append(("archive", {"so": str(ctx.build / "tests" / "e2e" / "cramped.so"), "room": "5",
                                "file": str(committed)}))
    ctx.write_config(plugins, batch_size=64, batch_ms=300)
    ctx.start()
    arts = distinct_articles(40, "eng")
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = {content_id(d) for _, d in arts}

    def all_committed():
        return committed.exists() and set(committed.read_text().split()) >= ids
    ctx.wait(lambda: all_committed() and ctx.idle(), 60, "40 articles committed 5 at a time at most")
    lines = committed.read_text().split()
    check(len(lines) == len(set(lines)) == 40, f"{len(lines)} lines for {len(set(lines))} ids")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    log_names(ctx, "no room for", "room for 5")
    log_names(ctx, "at a time")
    log_names(ctx, "succeeded again after an error")


@test(timeout=150)
def transient_enospc_tmpfs_archive_fs(ctx):
    def archived(ids, t0, what):
        took = recovered(ctx, ids, t0, what + ", archive_fs")
        ctx.verify_archive(expect_ids=ids)
        return took
    enospc_backlog(ctx, None, 60, archived)


@test(timeout=150)
def transient_enospc_tmpfs_archive_sqlite(ctx):
    def archived(ids, t0, what):
        took = wait_in_db(ctx, ids, t0, what + ", archive_sqlite")
        wal = ctx.archive / "newsd.db-wal"
        db = ctx.archive / "newsd.db"
        wal_size = wal.stat().st_size if wal.exists() else 0
        print(f"note: after the full disk: database {db.stat().st_size} bytes, WAL {wal_size} bytes")
        log_names(ctx, "WAL checkpointed and truncated", "the first batch after a failure")
        return took
    enospc_backlog(ctx, sqlite_plugins(), 60, archived)


@test()
def transient_enospc_at_start(ctx):
    """A full disk at start: work/.attempts cannot be rewritten.  newsd
    used to refuse to start (and systemd to restart it in a loop); now it
    starts, keeps the crash counts in memory, and archives once there is
    room."""
    tmpfs = Tmpfs(ctx.state)
    if not tmpfs.mounted:
        print(f"skipped: cannot mount a tmpfs over the state dir: {tmpfs.why_not}")
        return
    try:
        for sub in ("inbox", "tmp", "work", "failed", "archive"):
            (ctx.state / sub).mkdir()
        arts = distinct_articles(3, "anfang")
        for name, data in arts:
            (ctx.work / name).write_bytes(data)
        # An earlier run crashed on the first of them once.
        (ctx.work / ".attempts").write_text(f"1\t{arts[0][0]}\n")
        ids = {content_id(d) for _, d in arts}
        filler = ctx.state / "filler"
        fill(filler)
        ctx.write_config()
        ctx.start()
        log_names(ctx, "cannot update", "work/.attempts", "No space left on device (ENOSPC)",
                  "kept in memory")
        log_names(ctx, "1 of 3 attempts")
        ctx.hold(lambda: nothing_lost(ctx, 3), 1.0, "an article was lost or failed on a full disk:")
        filler.unlink()
        recovered(ctx, ids, time.monotonic(), "ENOSPC at start")
        ctx.verify_archive(expect_ids=ids)
        stop(ctx)
    finally:
        if ctx.daemon and ctx.daemon.alive():
            ctx.daemon.kill()
        tmpfs.unmount()


@test()
def transient_enospc_moving_to_failed(ctx):
    """A bad article whose move to failed/ cannot happen now (ENOSPC on
    its sidecar): it stays in work/ and the move is retried, instead of
    being counted failed and stranded in work/ until a restart."""
    flag = flag_file(ctx)
    ctx.write_config()
    start_wrapped(ctx, env=fault_env(ctx, "openat", "ENOSPC", f"{ctx.failed}/*", while_file=flag))
    ctx.drop("leer.txt", b"")
    log_names(ctx, "cannot move it to", "No space left on device (ENOSPC)", "will retry")
    ctx.hold(lambda: ctx.work_files() == ["leer.txt"] and not ctx.failed_items(), 1.0,
             "the empty article left work/ while failed/ was full:")
    flag.unlink()
    reason = ctx.wait_failed("leer.txt", timeout=20)
    check(reason.get("cause"), f"the sidecar gives no cause: {reason}")
    check(ctx.work_files() == [], f"work/ still holds {ctx.work_files()}")
    ids = drop_all(ctx, distinct_articles(5, "danach"))
    ctx.wait_archived(ids)


# --------------------------------------------------------------------------
# I/O errors

@test()
def transient_eio_reading_work_files(ctx):
    flag = flag_file(ctx)
    ctx.write_config()
    start_wrapped(ctx, env=fault_env(ctx, "read", "EIO", f"{ctx.work}/[!.]*", while_file=flag))
    ids = drop_all(ctx, distinct_articles(20, "eio"))
    log_names(ctx, "cannot read", str(ctx.work), "Input/output error (EIO)", "will retry")
    ctx.hold(lambda: nothing_lost(ctx, 20) and not ctx.ids(), 1.0,
             "an article failed or was archived while its file could not be read:")
    flag.unlink()
    recovered(ctx, ids, time.monotonic(), "EIO on reading work files")
    ctx.verify_archive(expect_ids=ids)


@test()
def transient_eio_writing_the_journal(ctx):
    """The in-flight journal cannot be written: without it a crash would go
    uncounted, so the article waits rather than run unprotected."""
    flag = flag_file(ctx)
    ctx.write_config()
    start_wrapped(ctx, env=fault_env(ctx, "pwrite", "EIO", f"{ctx.work}/.inflight-*", while_file=flag))
    ids = drop_all(ctx, distinct_articles(10, "journal"))
    log_names(ctx, "cannot write the in-flight journal", str(ctx.work), "Input/output error (EIO)",
              "will retry")
    ctx.hold(lambda: nothing_lost(ctx, 10) and not ctx.ids(), 1.0, "an article went on without its journal:")
    flag.unlink()
    recovered(ctx, ids, time.monotonic(), "EIO on the in-flight journal")
    ctx.verify_archive(expect_ids=ids)


@test()
def transient_eio_fsync_archive_fs(ctx):
    flag = flag_file(ctx)
    ctx.write_config()
    start_wrapped(ctx, env=fault_env(ctx, "fsync", "EIO", ctx.archive, while_file=flag))
    ids = drop_all(ctx, distinct_articles(20, "syncfs"))
    log_names(ctx, "cannot flush", str(ctx.archive), "Input/output error")
    ctx.hold(lambda: nothing_lost(ctx, 20) and not ctx.ids(), 1.0,
             "an article failed or was archived while the archive could not be flushed:")
    flag.unlink()
    recovered(ctx, ids, time.monotonic(), "EIO on syncfs of archive_fs")
    ctx.verify_archive(expect_ids=ids)


@test()
def transient_eio_fsync_archive_sqlite(ctx):
    # The fault begins once the database is made.
    flag = flag_file(ctx, on=False)
    ctx.write_config(sqlite_plugins())
    start_wrapped(ctx, env=fault_env(ctx, "fsync", "EIO", f"{ctx.archive}/newsd.db*", while_file=flag))
    flag.touch()
    ids = drop_all(ctx, distinct_articles(20, "fsync"))
    log_names(ctx, "newsd.db", "Input/output error, EIO")
    ctx.hold(lambda: nothing_lost(ctx, 20), 1.0, "an article failed while the WAL could not be synced:")
    flag.unlink()
    wait_in_db(ctx, ids, time.monotonic(), "EIO on fsync of archive_sqlite")


@test()
def transient_reload_and_stop_while_put_off(ctx):
    """Articles put off by a fault hold nothing of the plugin set: a reload
    goes ahead at once, and a stop leaves them in work/ for the next start."""
    flag = flag_file(ctx)
    ctx.write_config()
    d = start_wrapped(ctx, env=fault_env(ctx, "read", "EIO", f"{ctx.work}/[!.]*", while_file=flag))
    ids = drop_all(ctx, distinct_articles(5, "warten"))
    log_names(ctx, "cannot read", "Input/output error (EIO)", "will retry")
    since = ctx.log_size()
    d.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: "reloaded" in l, 10, "'reloaded' while articles wait for a retry", since=since)
    d.signal(signal.SIGTERM)
    check(d.wait_exit(15) == 0, "SIGTERM exit code while articles wait for a retry")
    check(sorted(ctx.work_files()) == sorted(f"warten_{i:04d}.txt" for i in range(5)),
          f"work/ after the stop: {ctx.work_files()}")
    check(not ctx.failed_items() and not ctx.ids(), "an article failed or was archived during the fault")
    flag.unlink()
    ctx.start()
    recovered(ctx, ids, time.monotonic(), "put off, stopped, restarted")
    ctx.verify_archive(expect_ids=ids)


@test()
def transient_health_flips_while_commits_fail(ctx):
    """/health turns 503 ("stall:commit") while the archive cannot commit
    for stall_s, and 200 again once it can; the retries and the plugin
    failures are counted in /metrics and /status."""
    flag = flag_file(ctx)
    ctx.write_config(stall_s=1, health_hold_s=0)
    start_wrapped(ctx, env=fault_env(ctx, "fsync", "EIO", ctx.archive, while_file=flag))
    ids = drop_all(ctx, distinct_articles(5, "health"))

    def health():
        status, _, body = api(ctx, "GET", "/health")
        return status, json.loads(body)

    ctx.wait(lambda: health()[0] == 503 and any(p["key"] == "stall:commit" for p in health()[1]["problems"]),
             20, "/health failing with stall:commit")
    _, _, metrics = api(ctx, "GET", "/metrics")
    m = re.search(rb"^newsd_archive_commit_retries_total (\d+)", metrics, re.M)
    check(m and int(m.group(1)) >= 1, "newsd_archive_commit_retries_total did not count the failed commits")
    flag.unlink()
    recovered(ctx, ids, time.monotonic(), "EIO on syncfs, /health")
    ctx.wait(lambda: health()[0] == 200, 20, "/health back to 200 once commits work")
    status, _, body = api(ctx, "GET", "/status")
    counters = json.loads(body)["counters"]
    check(counters["commit_retries"] >= 1, f"/status counters: {counters}")
    check("plugin_failures" in counters, f"/status has no plugin_failures: {counters}")
