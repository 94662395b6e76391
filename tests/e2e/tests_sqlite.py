"""End-to-end tests of the archive_sqlite plugin: the real daemon archives
into SQLite, and the tests read the database with Python's sqlite3 module
(read-only, beside the running daemon: WAL lets them)."""

import os
import signal
import sqlite3
import time

from __main__ import (DEFAULT_PLUGINS, SAMPLE, check, content_id, distinct_articles,
                      small_article, test)


def sqlite_plugins(ctx, *extra):
    """The default plugins, extra sections, then archive_sqlite."""
    plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    plugins += list(extra)
    plugins.append(("archive", {"so": "archive_sqlite.so"}))
    return plugins


def db_path(ctx):
    return ctx.state / "archive" / "newsd.db"


def query(ctx, sql, args=()):
    """Rows of sql, on a fresh read-only connection; [] before the database
    exists."""
    path = db_path(ctx)
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def db_ids(ctx):
    return [r[0] for r in query(ctx, "SELECT id FROM articles")]


def originals(ctx, ids):
    """id -> original bytes: the file beside the database (schema 4,
    STATE_DIR/archive/originals/ab/ID, a hard link of the work file), else
    the BLOB of the originals table (older archives, or a work file that
    could not be linked); ids without either are left out."""
    out = {}
    folder = db_path(ctx).parent / "originals"
    for id_ in ids:
        f = folder / id_[:2] / id_
        if f.exists():
            out[id_] = f.read_bytes()
    for id_, data in query(ctx, "SELECT id, data FROM originals"):
        if id_ in ids and id_ not in out:
            out[id_] = data
    return out


def wait_in_db(ctx, ids, timeout=60):
    ids = set(ids)
    ctx.wait(lambda: ctx.idle() and ids <= set(db_ids(ctx)), timeout,
             f"{len(ids)} article(s) in the SQLite archive and inbox/work empty", interval=0.2)


def wait_indexed(ctx, timeout=30):
    """The full-text index is built behind the commits (indexer.c): wait
    until the high-water mark has reached the newest article."""
    def indexed():
        rows = query(ctx, "SELECT (SELECT count(*) FROM articles"
                     " WHERE seq > (SELECT seq FROM fts_mark))")
        return bool(rows) and rows[0][0] == 0
    ctx.wait(indexed, timeout, "every archived article in the full-text index", interval=0.1)


def verify_db(ctx, expect_ids):
    """Every id once, its original hashes to it, the size matches, every
    article is in the full-text index (once the indexer has caught up),
    nothing else is there."""
    ids = db_ids(ctx)
    check(len(ids) == len(set(ids)), "an id is stored twice")
    check(set(ids) == set(expect_ids),
          f"archived ids differ: {len(set(ids) - set(expect_ids))} unexpected, "
          f"{len(set(expect_ids) - set(ids))} missing")
    orig = originals(ctx, set(ids))
    rows = [(id_, size, orig[id_]) for id_, size in query(ctx, "SELECT id, size FROM articles") if id_ in orig]
    check(len(rows) == len(ids), f"{len(ids)} articles but {len(rows)} originals")
    for id_, size, data in rows:
        check(content_id(data) == id_, f"the original of {id_} does not hash to its id")
        check(size == len(data), f"{id_}: size {size} but the original has {len(data)} bytes")
    wait_indexed(ctx)
    # articles_fts_docsize has one row per indexed document (counting
    # articles_fts itself would count the external content, i.e. articles).
    (fts,) = query(ctx, "SELECT count(*) FROM articles_fts_docsize")[0]
    check(fts == len(ids), f"{fts} rows in the full-text index for {len(ids)} articles")
    (ok,) = query(ctx, "PRAGMA integrity_check")[0]
    check(ok == "ok", f"integrity_check: {ok}")


@test()
def sqlite_sample_archived_and_searchable(ctx):
    ctx.write_config(sqlite_plugins(ctx))
    ctx.start()
    data = SAMPLE.read_bytes()
    id_ = ctx.drop(SAMPLE.name, data)
    wait_in_db(ctx, [id_], timeout=15)
    verify_db(ctx, [id_])
    (mode,) = query(ctx, "PRAGMA journal_mode")[0]
    check(mode == "wal", f"journal_mode is {mode}, expected wal")
    (version,) = query(ctx, "PRAGMA user_version")[0]
    check(version >= 3, f"user_version {version}")
    tags = {r[0] for r in query(ctx, "SELECT name FROM tags WHERE seq = (SELECT seq FROM articles WHERE id = ?)", (id_,))}
    for t in ("entity:org/Huawei", "topic:ai-chips"):
        check(t in tags, f"tag {t} missing: {sorted(tags)}")
    rules = {r[0] for r in query(ctx, "SELECT rule FROM score_rules WHERE seq = (SELECT seq FROM articles WHERE id = ?)", (id_,))}
    check("AI_CHIPS" in rules, f"rule AI_CHIPS missing: {rules}")
    (total,) = query(ctx, "SELECT score_total FROM articles WHERE id = ?", (id_,))[0]
    check(total > 0, f"score_total {total}")
    for q in ("Huawei Biren", "Kluft", "schliessen", "Chiphersteller*"):
        hits = query(ctx, "SELECT a.id FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
                     " WHERE articles_fts MATCH ?", (q,))
        check([h[0] for h in hits] == [id_], f"search {q!r} found {hits}")
    check(not ctx.failed_items(), f"failed/: {ctx.failed_items()}")
    check(not (ctx.archive / "ids").exists(), "archive_fs's ids/ folder exists: wrong plugin ran")


@test(timeout=240, heavy=True)
def sqlite_500_articles_once(ctx):
    arts = distinct_articles(500, "sq")
    ctx.write_config(sqlite_plugins(ctx))
    ctx.start()
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    t0 = time.monotonic()
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = [content_id(data) for _, data in arts]
    wait_in_db(ctx, ids, timeout=120)
    took = time.monotonic() - t0
    verify_db(ctx, ids)
    check(not ctx.failed_items(), f"failed/: {ctx.failed_items()[:5]}")
    check(not ctx.work_files() and not os.listdir(ctx.inbox), "inbox/ or work/ not empty")
    (dups,) = query(ctx, "SELECT count(*) FROM duplicates")[0]
    check(dups == 0, f"{dups} duplicates recorded for 500 distinct articles")
    print(f"note: 500 articles in {took:.2f}s ({500 / took:.0f}/s)")


@test()
def sqlite_same_article_twice_one_row(ctx):
    ctx.write_config(sqlite_plugins(ctx))
    ctx.start()
    data = small_article("Doppelt gemoppelt", "Derselbe Text zweimal: Huawei und Nvidia.")
    id_ = ctx.drop("first.txt", data)
    wait_in_db(ctx, [id_])
    ctx.drop("second.txt", data)
    ctx.wait(lambda: ctx.idle() and query(ctx, "SELECT count(*) FROM duplicates")[0][0] == 1, 20,
             "the second copy recorded as a duplicate")
    rows = query(ctx, "SELECT id, source FROM articles")
    check(rows == [(id_, "first.txt")], f"articles: {rows}")
    dups = query(ctx, "SELECT id, source FROM duplicates")
    check(dups == [(id_, "second.txt")], f"duplicates: {dups}")
    check(not ctx.failed_items(), f"failed/: {ctx.failed_items()}")


@test(timeout=240, heavy=True)
def sqlite_sigkill_during_burst_nothing_lost(ctx):
    # A slow plugin stretches the burst so that the kills land in it.
    ctx.write_config(sqlite_plugins(ctx, ctx.crashy_section(sleep_ms=10)))
    arts = distinct_articles(500, "kill")
    d = ctx.start()
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = {content_id(data): name for name, data in arts}
    at_kill = []
    for k in range(3):
        goal = len(db_ids(ctx)) + 25
        ctx.wait(lambda: len(db_ids(ctx)) >= goal or ctx.idle(), 60,
                 f"{goal} articles archived before kill #{k + 1}", interval=0.1)
        if k > 0 and ctx.idle():
            break
        d.signal(signal.SIGKILL)
        d.wait_exit(10)
        at_kill.append(f"{len(db_ids(ctx))} archived/{len(ctx.work_files())} in work")
        check(len(db_ids(ctx)) < 500 or k > 0, "test too slow to catch the burst in flight")
        d = ctx.start()

    def accounted():
        have = set(db_ids(ctx))
        return ctx.idle() and all(i in have or os.path.lexists(ctx.failed / n)
                                  for i, n in ids.items())
    ctx.wait(accounted, 120, "every dropped article archived or in failed/", interval=0.2)
    failed = ctx.failed_items()
    check(not failed, f"articles went to failed/: {failed[:5]}")
    verify_db(ctx, set(ids))
    (dups,) = query(ctx, "SELECT count(*) FROM duplicates")[0]
    bad = query(ctx, "SELECT id FROM duplicates WHERE id NOT IN (SELECT id FROM articles)")
    check(not bad, f"duplicates of ids never archived: {bad[:5]}")
    print(f"note: at each kill: {', '.join(at_kill)}; {dups} duplicates recorded (articles "
          f"committed but not yet unlinked when killed)")
