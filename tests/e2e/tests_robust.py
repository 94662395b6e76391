"""End-to-end tests of faults that must be survived or refused clearly
(issue 12, bugs 6, 7 and 9): a write-protected SQLite archive, slow and
greedy clients of the control API, crash replays, resumed archive_fs
batches, poison file names with a line break, the modes of the state
folder, a writer paused across a restart, and the archive check.

Loaded by run.py; every test here is named robust_*.  Tests that need
something the machine may not offer (chattr on the test's file system,
archive_sqlite) print "skipped: ..." with the reason and pass.  The control
API tests run children as other uids (the runner is root).
"""

import json
import os
import select
import socket
import shutil
import stat
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

from __main__ import (DEFAULT_PLUGINS, SAMPLE, check, content_id, small_article, test)
from tests_sqlite import db_ids
from tests_control import api, status


# --------------------------------------------------------------------------
# helpers

def sqlite_plugins():
    plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    return plugins + [("archive", {"so": "archive_sqlite.so"})]


def have_sqlite(ctx):
    path = ctx.plugin_dir / "archive_sqlite.so"
    if path.exists():
        return True
    print(f"skipped: {path} is not built")
    return False


def db_path(ctx):
    return ctx.archive / "newsd.db"


def chattr(flag, *paths):
    p = subprocess.run(["chattr", flag] + [str(x) for x in paths], capture_output=True, text=True)
    return p.returncode == 0, p.stderr.strip()


def can_make_immutable(ctx):
    """Tests run as root, for whom a file mode does not stop a write; the
    immutable attribute does.  It needs root (CAP_LINUX_IMMUTABLE) and a
    file system that has it (ext4, xfs, btrfs; not tmpfs or overlayfs)."""
    probe = ctx.base / "chattr-probe"
    probe.write_bytes(b"x")
    ok, err = chattr("+i", probe)
    if ok:
        chattr("-i", probe)
    probe.unlink()
    if not ok:
        print(f"skipped: cannot make a file immutable here (chattr +i: {err or 'failed'}), "
              f"and as root a file mode does not stop a write")
    return ok


@contextmanager
def immutable(*paths):
    """The files cannot be written, renamed or removed, by root either,
    until the block ends (also when it fails: the runner must be able to
    remove the test's folder)."""
    ok, err = chattr("+i", *paths)
    check(ok, f"chattr +i {' '.join(map(str, paths))}: {err}")
    try:
        yield
    finally:
        chattr("-i", *paths)


def log_lines(ctx):
    return ctx.log_text().splitlines()


# --------------------------------------------------------------------------
# bug 6: a write-protected SQLite archive

@test()
def robust_sqlite_read_only_refused_at_start(ctx):
    """SQLite opens a database it may not write read-only without a word;
    newsd then failed every batch ("attempt to write a readonly database").
    It must refuse to start instead, naming the file."""
    if not have_sqlite(ctx) or not can_make_immutable(ctx):
        return
    ctx.write_config(sqlite_plugins())
    d = ctx.start()
    first = ctx.drop("before.txt", small_article("Vorher", "Ein Artikel vor dem Schreibschutz."))
    ctx.wait(lambda: ctx.idle(), 20, "the first article archived")
    d.signal(signal.SIGTERM)
    d.wait_exit(15)

    db = db_path(ctx)
    with immutable(db):
        d = ctx.start(wait_ready=False)
        rc = d.wait_exit(15)
        check(rc != 0, f"newsd started on a read-only database (exit {rc})")
        lines = [l for l in d.log_lines() if str(db) in l and "is read-only" in l]
        check(lines, f"no log line names {db} and says 'is read-only'")

    # The -wal of a killed newsd, write-protected while the database file
    # is not: SQLite opens it read-only too, and only a write tells.
    d = ctx.start()
    d.signal(signal.SIGKILL)
    d.wait_exit(10)
    wal = ctx.archive / "newsd.db-wal"
    check(wal.exists(), "no newsd.db-wal left by the killed newsd")
    with immutable(wal):
        d = ctx.start(wait_ready=False)
        rc = d.wait_exit(15)
        check(rc != 0, f"newsd started with a read-only newsd.db-wal (exit {rc})")
        check(any(str(db) in l and "is read-only" in l for l in d.log_lines()),
              f"no log line names {db} and says 'is read-only'")

    ctx.start()
    second = ctx.drop("after.txt", small_article("Nachher", "Ein Artikel nach dem Schreibschutz."))
    ctx.wait(lambda: ctx.idle(), 20, "the second article archived")
    check(set(db_ids(ctx)) == {first, second}, f"archived: {db_ids(ctx)}")


@test()
def robust_sqlite_write_fault_recovers_without_restart(ctx):
    """The archive becomes unwritable while newsd runs: batches fail and
    are retried, nothing is lost, and once it is writable again the next
    retry stores them, without a restart."""
    if not have_sqlite(ctx) or not can_make_immutable(ctx):
        return
    ctx.write_config(sqlite_plugins())
    ctx.start()
    first = ctx.drop("first.txt", small_article("Erster", "Vor der Störung: Huawei."))
    ctx.wait(lambda: first in db_ids(ctx) and ctx.idle(), 20, "the first article archived")

    db, wal = db_path(ctx), ctx.archive / "newsd.db-wal"
    since = ctx.log_size()
    # Not newsd.db-shm: SQLite maps it, and a write to an immutable
    # mapping is a SIGBUS.
    with immutable(db, wal):
        second = ctx.drop("second.txt", small_article("Zweiter", "Während der Störung: Nvidia."))
        ctx.wait_log(lambda l: "cannot" in l and "retried" in l, 20, "a failed batch", since=since)
        # The retry opens the database again, which is refused while it
        # is still read-only (and tried again at the next retry).
        ctx.wait_log(lambda l: "is read-only" in l, 20, "a refused reopen", since=since)
        check("second.txt" in ctx.work_files(), f"second.txt is not waiting in work/ {ctx.summary()}")
        check(not ctx.failed_items(), f"failed/: {ctx.failed_items()}")
    ctx.wait(lambda: second in db_ids(ctx) and ctx.idle(), 40,
             "the second article archived once the archive is writable again")
    ctx.assert_alive("after the archive was writable again")
    check(sorted(db_ids(ctx)) == sorted([first, second]), f"archived: {db_ids(ctx)}")
    check(not ctx.failed_items(), f"failed/: {ctx.failed_items()}")


# --------------------------------------------------------------------------
# bug 9b: a crash replay is not a duplicate

@test()
def robust_replay_counted_apart_from_duplicates(ctx):
    """newsd committed a batch and stopped before removing its work files:
    at the next start the files are resumed and the archive already holds
    them.  That is a replay, not a producer sending an article twice."""
    data = small_article("Wiederholung", "Dieser Artikel wird nach einem Absturz erneut gelesen.")
    ctx.start()
    id_ = ctx.drop("replay.txt", data)
    ctx.wait_archived([id_])
    ctx.daemon.signal(signal.SIGTERM)
    ctx.daemon.wait_exit(15)
    # What a SIGKILL between the commit and the unlink leaves behind.
    (ctx.work / "replay.txt").write_bytes(data)
    ctx.start()
    ctx.wait(lambda: not ctx.work_files(), 20, "the resumed work file taken")
    ctx.wait_log(lambda l: "replay.txt" in l and "already archived before a restart (replay)" in l,
                 10, "'already archived before a restart (replay)'")
    # A producer really sending it again is still a duplicate.
    ctx.drop("again.txt", data)
    ctx.wait(lambda: ctx.idle(), 20, "the second copy taken")
    counters = status(ctx)["counters"]
    check(counters.get("replayed") == 1 and counters.get("duplicates") == 1,
          f"expected 1 replayed and 1 duplicate: {counters}")
    metrics = api(ctx, "GET", "/metrics")[2].decode()
    check("\nnewsd_articles_replayed_total 1\n" in metrics, "no newsd_articles_replayed_total 1 in /metrics")
    check("\nnewsd_articles_duplicates_total 1\n" in metrics, "no newsd_articles_duplicates_total 1 in /metrics")


# --------------------------------------------------------------------------
# bug 9a: archive_fs and a resumed batch

@test()
def robust_fs_resumed_batch_leaves_no_tmp(ctx):
    """archive_fs links the original to the work file.  A commit that
    renamed ID.orig.tmp to ID.orig and stopped before the ids/ entry leaves
    ID.orig as a link of the work file; the resumed batch links ID.orig.tmp
    to the same inode, and rename() between two links of one inode does
    nothing: the tmp name stayed behind."""
    for sub in ("inbox", "tmp", "work", "failed", "archive"):
        (ctx.state / sub).mkdir(parents=True)
    data = small_article("Halb veröffentlicht", "Der Commit hielt nach dem Umbenennen an.")
    id_ = content_id(data)
    work = ctx.work / "half.txt"
    work.write_bytes(data)
    day = ctx.archive / time.strftime("%Y/%m/%d", time.gmtime())
    day.mkdir(parents=True)
    os.link(work, day / f"{id_}.orig")
    ctx.start()
    ctx.wait_archived([id_])
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp file left in archive/")
    ctx.verify_archive(expect_ids=[id_])


# --------------------------------------------------------------------------
# bug 9c: a poison file whose name has a line break

@test()
def robust_poison_name_with_newline_set_aside(ctx):
    """work/.attempts was one name per line, so a crashing file named
    "a\\nb" was never counted and crash-looped the daemon for good."""
    name = "a\nb"
    max_attempts = 2
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(crash_on="GIFTPILLE-E2E")),
                     max_attempts=max_attempts)
    ctx.start()
    ctx.drop(name, small_article("Vergiftet", "Dieser Text enthält die GIFTPILLE-E2E."))
    crashes = 0
    for _ in range(max_attempts + 3):
        d = ctx.daemon
        ctx.wait(lambda: not d.alive() or os.path.lexists(ctx.failed / name), 30,
                 "a crash or the poison file in failed/", daemon=None)
        if d.alive():
            break
        d.expect_alive = False
        crashes += 1
        ctx.start(wait_ready=False)
    check(os.path.lexists(ctx.failed / name), f"the poison file is not in failed/ after {crashes} crashes")
    check(crashes == max_attempts, f"newsd crashed {crashes} times, expected max_attempts = {max_attempts}")
    reason = (ctx.failed / f"{name}.reason").read_text(encoding="utf-8")
    check("file: a\\nb\n" in reason, f"the sidecar does not name the file on one line: {reason!r}")
    check("crash" in reason, f"the sidecar does not mention the crash: {reason!r}")


# --------------------------------------------------------------------------
# bug 9e: the archive is not for every local user

def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def check_private(ctx, path, want):
    got = mode_of(path)
    check(got == want, f"{os.path.relpath(path, ctx.state)} has mode {got:04o}, expected {want:04o}")


@test()
def robust_state_modes_private_by_default(ctx):
    """The state folder was 0755 and the records 0644: any local user could
    read the whole archive.  By default (umask 027) newsd creates 0750
    folders and 0640 files; inbox/ and tmp/ are 2770, so producers in
    newsd's group can drop files there and nobody else can."""
    check(not ctx.state.exists(), "test bug: the state folder exists before the start")
    ctx.start()
    data = small_article("Vertraulich", "Nur für die Gruppe newsd: Huawei.")
    id_ = ctx.drop("private.txt", data)
    ctx.wait_archived([id_])
    ctx.drop("dup.txt", data)
    ctx.wait(lambda: ctx.duplicates() and ctx.idle(), 20, "the duplicate noted")
    ctx.drop("empty.txt", b"")
    ctx.wait_failed("empty.txt")

    check_private(ctx, ctx.state, 0o750)
    for sub in ("inbox", "tmp"):
        check_private(ctx, ctx.state / sub, 0o2770)
    for sub in ("work", "failed", "archive"):
        check_private(ctx, ctx.state / sub, 0o750)
    rec = ctx.record_path(id_)
    check_private(ctx, rec, 0o640)
    check_private(ctx, rec.parent, 0o750)
    check_private(ctx, ctx.archive / "duplicates.jsonl", 0o640)
    check_private(ctx, ctx.failed / "empty.txt.reason", 0o640)
    check_private(ctx, ctx.work / ".attempts", 0o640)
    check_private(ctx, ctx.state / "control.sock", 0o660)


@test()
def robust_state_modes_sqlite_and_existing_folders(ctx):
    """archive_sqlite's database follows the umask too; a folder that
    exists keeps the mode its operator gave it; umask = 022 is honoured."""
    if not have_sqlite(ctx):
        return
    ctx.inbox.mkdir(parents=True)
    os.chmod(ctx.state, 0o711)
    os.chmod(ctx.inbox, 0o1733)
    ctx.write_config(sqlite_plugins())
    ctx.start()
    id_ = ctx.drop("one.txt", small_article("Datenbank", "Die Datenbank ist privat."))
    ctx.wait(lambda: id_ in db_ids(ctx) and ctx.idle(), 20, "the article archived")
    check_private(ctx, ctx.archive, 0o750)
    for name in ("newsd.db", "newsd.db-wal", "newsd.db-shm"):
        check_private(ctx, ctx.archive / name, 0o640)
    check_private(ctx, ctx.state, 0o711)
    check_private(ctx, ctx.inbox, 0o1733)
    check_private(ctx, ctx.tmp, 0o2770)

    ctx.daemon.signal(signal.SIGTERM)
    ctx.daemon.wait_exit(15)
    shutil.rmtree(ctx.state)
    ctx.write_config(umask="022")
    ctx.start()
    id_ = ctx.drop("two.txt", small_article("Offen", "Mit umask 022 für alle lesbar."))
    ctx.wait_archived([id_])
    check_private(ctx, ctx.state, 0o755)
    check_private(ctx, ctx.work, 0o755)
    check_private(ctx, ctx.inbox, 0o2770)
    check_private(ctx, ctx.record_path(id_), 0o644)


# --------------------------------------------------------------------------
# bug 9f: a file written in place while newsd restarts

@test()
def robust_writer_paused_across_restart(ctx):
    """A writer holds its file in the inbox open across a restart of newsd
    and pauses: the file's mtime is older than settle_ms, and no close was
    seen.  It was taken at start, truncated; now it waits for the close."""
    ctx.start()
    path = ctx.inbox / "paused.txt"
    first = "Pausierter Schreiber\n\nTEIL-1 Der Anfang wurde vor dem Neustart geschrieben. "
    second = "TEIL-2 Das Ende kam nach dem Neustart.\n"
    with open(path, "wb") as f:
        f.write(first.encode())
        f.flush()
        ctx.daemon.signal(signal.SIGTERM)
        ctx.daemon.wait_exit(15)
        time.sleep(0.6)                     # the writer's pause: longer than settle_ms
        ctx.start()
        ctx.hold(lambda: path.exists() and not ctx.ids(), 1.0,
                 "the file held open across the restart was taken:")
        f.write(second.encode())
    id_ = content_id((first + second).encode())
    ctx.wait_archived([id_], timeout=20)
    check(ctx.ids() == {id_}, f"archived {len(ctx.ids())} articles, expected the whole one only")


# --------------------------------------------------------------------------
# bug 9d: checking an archive_sqlite database

def sqlite_rw(ctx, sql, args=()):
    import sqlite3
    con = sqlite3.connect(str(db_path(ctx)), timeout=10, isolation_level=None)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


@test()
def robust_sqlite_check_with_sharp_s(ctx):
    """FTS5's check against the content ('integrity-check', rank 1) called
    a healthy archive with "ß" in it malformed, since the index holds the
    folded "ss"; newsctl check runs the right checks."""
    if not have_sqlite(ctx):
        return
    from tests_control import newsctl
    from tests_sqlite import wait_indexed
    ctx.write_config(sqlite_plugins())
    ctx.start()
    ids = [ctx.drop(SAMPLE.name, SAMPLE.read_bytes()),
           ctx.drop("strasse.txt", small_article("Die große Straße", "Eine Straße für Fußgänger."))]
    ctx.wait(lambda: set(ids) <= set(db_ids(ctx)) and ctx.idle(), 20, "both articles archived")
    wait_indexed(ctx)
    rc, out, err = newsctl(ctx, "check")
    check(rc == 0 and "ok: 2 articles" in out, f"newsctl check: exit {rc}: {out!r} {err!r}")
    # What the plain SQLite shell says (and why newsctl check exists).
    try:
        sqlite_rw(ctx, "INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
        print("note: this SQLite's own content check passes too")
    except Exception as e:
        check("malformed" in str(e), f"unexpected error from the plain check: {e}")

    ctx.daemon.signal(signal.SIGTERM)
    ctx.daemon.wait_exit(15)
    # An article archived but not indexed yet (newsd stopped before its
    # indexer got to it) is checked as it will be indexed, and stays pending.
    sqlite_rw(ctx, "INSERT INTO articles (id, source, size, format, encoding, received, processed, title,"
                   " body, lang, url, author, published, score_total) VALUES ('0123456789abcdef0123456789abcdef',"
                   " 'x.txt', 1, 'text', 'utf-8', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',"
                   " 'Noch nicht', 'Heißer Sommer', 'de', '', '', '', 0)")
    rc, out, err = newsctl(ctx, "--json", "check")
    check(rc == 0, f"newsctl check with a pending article: exit {rc}: {out!r} {err!r}")
    verdict = json.loads(out)
    check(verdict.get("ok") is True and verdict.get("articles") == 3 and verdict.get("pending") == 1,
          f"newsctl --json check: {verdict}")
    (pending,) = sqlite_rw(ctx, "SELECT count(*) FROM articles WHERE seq > (SELECT seq FROM fts_mark)")[0]
    check(pending == 1, f"the check changed the database: {pending} pending afterwards")

    # The lookup by tag name out of step with the tags (schema 7) is found:
    # an entry missing, and one that is no article's tag.
    (name, seq) = sqlite_rw(ctx, "SELECT name, seq FROM tag_index LIMIT 1")[0]
    sqlite_rw(ctx, "DELETE FROM tag_index WHERE name = ? AND seq = ?", (name, seq))
    sqlite_rw(ctx, "INSERT INTO tag_index (name, seq) VALUES ('topic:nirgends', ?)", (seq,))
    rc, out, err = newsctl(ctx, "check")
    check(rc == 1 and "tag_index" in err and "missing from it: 1; entries that are no article's tag: 1" in err,
          f"newsctl check on a broken tag_index: exit {rc}: {out!r} {err!r}")
    sqlite_rw(ctx, "DELETE FROM tag_index WHERE name = 'topic:nirgends'")
    sqlite_rw(ctx, "INSERT INTO tag_index (name, seq) VALUES (?, ?)", (name, seq))
    rc, out, err = newsctl(ctx, "check")
    check(rc == 0, f"newsctl check with tag_index mended: exit {rc}: {out!r} {err!r}")

    # A broken index is found.
    sqlite_rw(ctx, "INSERT INTO articles_fts(articles_fts, rowid, title, body)"
                   " SELECT 'delete', seq, 'falsch', 'ganz falsch' FROM articles WHERE id = ?", (ids[1],))
    rc, out, err = newsctl(ctx, "check")
    check(rc == 1 and "does not match" in err, f"newsctl check on a broken index: exit {rc}: {out!r} {err!r}")
    rc, out, err = newsctl(ctx, "check", "--db", str(ctx.base / "nothing.db"))
    check(rc == 3 and "cannot open" in err, f"newsctl check on a missing file: exit {rc}: {err!r}")
    check(not (ctx.base / "nothing.db").exists(), "newsctl check created a database")


# --------------------------------------------------------------------------
# bug 7: slow clients must not hold the control API

def control_sock(ctx):
    return str(ctx.state / "control.sock")


def open_to_others(ctx):
    """Let users other than root reach the control socket (newsd makes it
    0660 in a 0750 state folder), as an operator may choose to."""
    os.chmod(ctx.base, 0o711)
    os.chmod(ctx.state, 0o751)
    os.chmod(control_sock(ctx), 0o666)


_HOLDING = []      # write ends that keep earlier children waiting


def connections_as(ctx, uid, n, settle=2.0):
    """A child process running as uid opens n connections to the control
    socket and keeps them open, idle.  Returns (answers, release): the
    first bytes each connection got within settle seconds (b"" for none),
    and a function that makes the child close them and exit."""
    path = control_sock(ctx)
    r_out, w_out = os.pipe()
    r_hold, w_hold = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r_out)
            os.close(w_hold)
            for fd in _HOLDING:         # or an earlier child never sees its end
                os.close(fd)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            socks = []
            for _ in range(n):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                socks.append(s)
            got = {s: b"" for s in socks}
            deadline = time.monotonic() + settle
            while time.monotonic() < deadline:
                ready, _, _ = select.select([s for s in socks if not got[s]], [], [],
                                            max(0.0, deadline - time.monotonic()))
                for s in ready:
                    got[s] = s.recv(4096) or b"(closed)"
            os.write(w_out, json.dumps([got[s].decode("utf-8", "replace") for s in socks]).encode())
            os.close(w_out)
            os.read(r_hold, 1)          # until the test lets go
        except BaseException as e:     # report, never return into the runner
            try:
                os.write(w_out, json.dumps({"error": repr(e)}).encode())
            except OSError:
                pass
            code = 1
        os._exit(code)
    os.close(w_out)
    os.close(r_hold)
    _HOLDING.append(w_hold)
    data = b""
    while True:
        chunk = os.read(r_out, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r_out)
    answers = json.loads(data or b"{}")
    check(isinstance(answers, list), f"child as uid {uid}: {answers}")

    def release():
        _HOLDING.remove(w_hold)
        os.close(w_hold)
        os.waitpid(pid, 0)
    return answers, release


def refused(answers, word):
    return [a for a in answers if a.startswith("HTTP/1.1 503") and word in a and "Retry-After" in a]


@test()
def robust_control_deadline_for_slow_clients(ctx):
    """A client that sends a byte every half second never was idle for
    libmicrohttpd's 60 s, so it kept its connection for ever.  Now the
    request must be complete (and its answer taken) within
    control_timeout_s."""
    from tests_control import newsctl
    ctx.write_config(control_timeout_s=2)
    ctx.start()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(control_sock(ctx))
    s.sendall(b"GET /status HTTP/1.1\r\nHost: newsd\r\nX-Slow: ")
    s.settimeout(0.5)
    t0 = time.monotonic()
    closed = False
    while not closed and time.monotonic() - t0 < 15:
        try:
            s.send(b"a")
            closed = s.recv(4096) == b""
        except socket.timeout:
            pass
        except OSError:
            closed = True
    s.close()
    check(closed, "a client sending a byte every 0.5 s kept its connection for 15 s (control_timeout_s = 2)")
    ctx.wait_log(lambda l: "closed 1 connection" in l and "within 2 s" in l, 5, "the deadline's log line")
    rc, out, err = newsctl(ctx, "status", timeout=10)
    check(rc == 0, f"newsctl status after the slow client: exit {rc}: {err}")


@test()
def robust_control_per_user_limit(ctx):
    """One user may hold 16 connections; more are refused at once with a
    503 that says why, and root's newsctl status still gets through."""
    from tests_control import newsctl
    ctx.write_config(control_timeout_s=60)
    ctx.start()
    open_to_others(ctx)
    answers, release = connections_as(ctx, 65534, 24)
    try:
        over = refused(answers, "16 at most per user")
        check(len(over) == 8, f"{len(over)} of 24 connections of one user refused, expected 8: {answers[:3]}")
        check(answers.count("") == 16, f"{answers.count('')} connections kept, expected 16")
        rc, out, err = newsctl(ctx, "status", timeout=10)
        check(rc == 0, f"newsctl status beside the user's 16 connections: exit {rc}: {err}")
    finally:
        release()
    ctx.wait_log(lambda l: "refused 8 connections of users over 16" in l, 5, "the refusal's log line")


@test()
def robust_control_reserve_for_root(ctx):
    """Four users fill every general slot (60) and ask for more: they are
    refused, and root's newsctl status takes a reserved slot."""
    from tests_control import newsctl
    ctx.write_config(control_timeout_s=60)
    ctx.start()
    open_to_others(ctx)
    releases = []
    try:
        kept = 0
        full = []
        for uid in (65531, 65532, 65533, 65534):
            answers, release = connections_as(ctx, uid, 16, settle=1.0)
            releases.append(release)
            kept += answers.count("")
            full += refused(answers, "limit of 60")
        check(kept == 60 and len(full) == 4, f"{kept} connections kept (expected 60), {len(full)} refused "
                                             f"as the pool is full (expected 4)")
        rc, out, err = newsctl(ctx, "status", timeout=10)
        check(rc == 0 and "running" in out, f"newsctl status with the pool full: exit {rc}: {err}")
        answers, release = connections_as(ctx, 65530, 1, settle=1.0)
        releases.append(release)
        check(refused(answers, "limit of 60"), f"a fifth user got a slot: {answers}")
    finally:
        for release in releases:
            release()


@test()
def robust_control_query_line_bounded(ctx):
    """Archive queries beyond control_queries running and control_query_queue
    waiting are answered 503 with Retry-After at once; one that waited
    past control_timeout_s is answered 503 too; the running one is not cut."""
    from tests_control import api
    ctx.write_config(DEFAULT_PLUGINS[:-1] + [("archive", {"so": str(ctx.build / "tests" / "e2e" /
                                                                    "slow_archive.so"),
                                                          "answer_ms": "5000"})],
                     control_queries=1, control_query_queue=2, control_timeout_s=2)
    ctx.start()
    results = []
    lock = threading.Lock()

    def one(i):
        t0 = time.monotonic()
        st, hdrs, body = api(ctx, "GET", f"/search?q=x{i}", timeout=30)
        with lock:
            results.append((time.monotonic() - t0, st, hdrs.get("retry-after"), body))

    threads = []
    for i in range(6):
        t = threading.Thread(target=one, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.1)                 # in this order: 1 runs, 2 wait, 3 find the line full
    for t in threads:
        t.join(30)
    results.sort()
    statuses = [r[1] for r in results]
    check(statuses.count(200) == 1 and statuses.count(503) == 5, f"statuses {statuses}")
    check(all(r[2] == "1" for r in results if r[1] == 503), f"a 503 without Retry-After: {results}")
    check(results[-1][1] == 200, f"the running query did not finish last: {results}")
    bodies = [r[3] for r in results if r[1] == 503]
    full = [b for b in bodies if b"1 queries running and 2 waiting" in b]
    waited = [b for b in bodies if b"waited 2 s for its turn" in b]
    check(len(full) == 3 and len(waited) == 2, f"503 bodies: {bodies}")
