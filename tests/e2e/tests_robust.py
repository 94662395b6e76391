"""End-to-end tests of faults that must be survived or refused clearly
(issue 12): a read-only archive, ...

Loaded by run.py.  Tests that need something the machine may not offer
(chattr on the test's file system, root) print "skipped: ..." with the
reason and pass.
"""

import json
import os
import shutil
import stat
import signal
import subprocess
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

    # A broken index is found.
    sqlite_rw(ctx, "INSERT INTO articles_fts(articles_fts, rowid, title, body)"
                   " SELECT 'delete', seq, 'falsch', 'ganz falsch' FROM articles WHERE id = ?", (ids[1],))
    rc, out, err = newsctl(ctx, "check")
    check(rc == 1 and "does not match" in err, f"newsctl check on a broken index: exit {rc}: {out!r} {err!r}")
    rc, out, err = newsctl(ctx, "check", "--db", str(ctx.base / "nothing.db"))
    check(rc == 3 and "cannot open" in err, f"newsctl check on a missing file: exit {rc}: {err!r}")
    check(not (ctx.base / "nothing.db").exists(), "newsctl check created a database")
