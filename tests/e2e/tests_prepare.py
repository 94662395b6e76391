"""End-to-end tests of an archive's prepare() (ABI 1.5) with archive_fs:
the record and the original's link are made on the workers, and the
archive's thread only decides and commits (docs/plugins.md, "prepare").

Loaded by run.py; every test here is named prepare_*.
"""

import json
import os
import signal
import time

from __main__ import check, content_id, distinct_articles, small_article, test


def archive_among_others(ctx, name, data, others, prefix):
    """Start newsd with two workers, drop data as name among `others`
    distinct articles (so that it meets prepare() on a busy worker), wait
    until all are archived; their ids."""
    ctx.write_config(workers=2)
    ctx.start()
    fresh = distinct_articles(others, prefix)
    ctx.drop(name, data)
    for fname, body in fresh:
        ctx.drop(fname, body)
    ids = {content_id(data)} | {content_id(body) for _, body in fresh}
    ctx.wait_archived(ids, timeout=60)
    return ids


@test(timeout=120)
def prepare_fs_same_bytes_twice_at_once(ctx):
    """Two copies of one article in flight at once are prepared side by
    side on two workers: one is archived, the other is a duplicate, and
    neither leaves a file of its own behind."""
    ctx.write_config(workers=2)
    ctx.start()
    arts = distinct_articles(40, "twice")
    for name, data in arts:
        ctx.drop("a_" + name, data)
        ctx.drop("b_" + name, data)
    ids = {content_id(d) for _, d in arts}
    ctx.wait_archived(ids, timeout=60)
    ctx.wait(lambda: len(ctx.duplicates()) == len(arts), 10, f"{len(arts)} lines in duplicates.jsonl")
    check({d["id"] for d in ctx.duplicates()} == ids, "the duplicates are not the articles dropped twice")
    ctx.verify_archive(expect_ids=ids)
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp files left in archive/")


@test(timeout=120)
def prepare_fs_stop_mid_burst_leaves_nothing(ctx):
    """A stop while articles are prepared but not yet in a batch: what
    prepare() wrote for them goes (fini), they stay in work/, and the next
    start archives each once."""
    ctx.write_config(workers=2)
    d = ctx.start()
    arts = distinct_articles(300, "stop")
    for name, data in arts:
        ctx.drop(name, data)
    d.signal(signal.SIGTERM)
    d.wait_exit(60)
    check(not ctx.stray_tmp(), f"*.tmp files left in archive/ after the stop: {ctx.stray_tmp()[:3]}")
    ctx.start()
    ids = {content_id(data) for _, data in arts}
    ctx.wait_archived(ids, timeout=90)
    ctx.verify_archive(expect_ids=ids)
    check(ctx.duplicates() == [], "duplicates.jsonl has entries")
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp files left in archive/")


@test(timeout=120)
def prepare_crash_counts_as_poison(ctx):
    """prepare() runs on the worker inside the in-flight journal: an article
    that makes it crash is counted like a crash in a stage and goes to
    failed/ after max_attempts, instead of crashing every start."""
    import os
    from __main__ import small_article
    max_attempts = 2
    slow = ("prep_crash", {"so": str(ctx.build / "tests" / "e2e" / "slow_archive.so"),
                           "crash_on": "PREPGIFT-E2E"})
    ctx.write_config(ctx.plugins_with(slow), max_attempts=max_attempts)
    ctx.start()
    poison = small_article("Vergiftet beim Vorbereiten", "Dieser Text enthält PREPGIFT-E2E.")
    ctx.drop("poison.txt", poison)
    crashes = 0
    for _ in range(max_attempts + 3):
        d = ctx.daemon
        ctx.wait(lambda: not d.alive() or (os.path.lexists(ctx.failed / "poison.txt") and ctx.idle()),
                 30, "a crash or the poison article in failed/", daemon=None)
        if d.alive():
            break
        d.expect_alive = False
        crashes += 1
        ctx.start(wait_ready=False)      # resuming work/ may crash before 'ready'
    reason = ctx.wait_failed("poison.txt", timeout=5)
    check("crash" in reason.get("cause", "").lower(),
          f"poison sidecar cause {reason.get('cause')!r} does not mention the crash")
    check(crashes == max_attempts, f"newsd crashed {crashes} times, expected max_attempts = {max_attempts}")
    check(content_id(poison) not in ctx.ids(), "the poison article was archived")
    ctx.assert_alive("after moving the poison article")


@test(timeout=120)
def prepare_stuck_names_the_plugin(ctx):
    """A prepare() that never returns is a plugin's stuck call like a
    stage's: the watchdog gives up on it after twice the plugin's budget
    (not twice the article's, as newsd's own work), newsd exits 75, and the
    restart moves the article to failed/ naming the plugin."""
    import time
    from __main__ import small_article
    slow = ("prep_hang", {"so": str(ctx.build / "tests" / "e2e" / "slow_archive.so"),
                          "hang_on": "PREPHAENGT-E2E"})
    ctx.write_config(ctx.plugins_with(slow), max_plugin_ms=500, max_article_ms=10000)
    d = ctx.start()
    ctx.drop("hang.txt", small_article("Hängt beim Vorbereiten", "Dieser Text PREPHAENGT-E2E für immer."))
    t0 = time.monotonic()
    ctx.wait(lambda: not d.alive(), 60, "newsd to give up on the stuck prepare() and exit", daemon=None)
    d.expect_alive = False
    took = time.monotonic() - t0
    check(d.proc.returncode == 75, f"exit code {d.proc.returncode}, expected 75 (stuck plugin call)")
    check(took < 10, f"given up after {took:.1f}s: by the article's budget, not prepare_hang's")
    ctx.start()
    reason = ctx.wait_failed("hang.txt", timeout=10)
    check("in plugin prep_hang" in reason.get("cause", ""), f"the reason does not name the plugin: {reason!r}")
    check(reason.get("plugin") == "prep_hang", f"sidecar plugin {reason.get('plugin')!r}")


@test(timeout=120)
def prepare_fs_taken_original_name_not_trusted(ctx):
    """prepare() links the work file straight to its final name ID.orig
    when that name is free.  A name that is taken already (here by wrong
    bytes, as a crash or a torn write could leave them, without a record
    or ids/ entry) is never trusted nor written through: the article's own
    bytes replace it at the commit, and no tmp file is left."""
    data = small_article("Vergebener Name", "Unter dem endgültigen Namen liegt schon etwas.")
    id_ = content_id(data)
    day = ctx.archive / time.strftime("%Y/%m/%d", time.gmtime())
    day.mkdir(parents=True)
    stale = day / f"{id_}.orig"
    stale.write_bytes(b"not these bytes\n")
    other = ctx.state.parent / "stale-link"
    os.link(stale, other)   # the stale inode must come through unchanged
    ids = archive_among_others(ctx, "taken.txt", data, 20, "fresh")
    check(stale.read_bytes() == data, "ID.orig does not hold the article's bytes")
    check(other.read_bytes() == b"not these bytes\n", "the stale file was written through")
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp files left in archive/")
    ctx.verify_archive(expect_ids=ids)


@test(timeout=120)
def prepare_fs_duplicate_of_earlier_day_leaves_no_original(ctx):
    """An article archived on an earlier day and received again today is a
    duplicate.  prepare() already linked today's ID.orig (the name was
    free in today's folder); archive() finds the ids/ entry, which is the
    earlier day's record, and must remove that link, not keep it as if it
    were the archived original: else every such duplicate leaks a hard
    link of its whole work file and the id has two .orig files."""
    data = small_article("Schon gestern", "Diese Meldung kam schon an einem früheren Tag.")
    id_ = content_id(data)
    old = ctx.archive / "2020" / "01" / "01"
    old.mkdir(parents=True)
    (old / f"{id_}.orig").write_bytes(data)
    (old / f"{id_}.json").write_text(json.dumps({"id": id_, "size": len(data)}) + "\n")
    (ctx.archive / "ids" / id_[:2]).mkdir(parents=True)
    os.link(old / f"{id_}.json", ctx.archive / "ids" / id_[:2] / f"{id_}.json")
    ids = archive_among_others(ctx, "again.txt", data, 10, "later")
    ctx.wait(lambda: any(d.get("id") == id_ for d in ctx.duplicates()), 10, "the duplicate noted")
    today = ctx.archive / time.strftime("%Y/%m/%d", time.gmtime())
    check(not (today / f"{id_}.orig").exists(), f"{today}/{id_}.orig left behind by the duplicate")
    ctx.verify_archive(expect_ids=ids)


@test(timeout=120)
def prepare_fs_crash_left_record_is_replaced(ctx):
    """archive_fs creates the record under its final name ID.json when
    that is free, and only the ids/ entry (made after the flush) says
    "archived".  A crash before the commit leaves ID.json without an ids/
    entry, maybe cut short, and the article in work/.  The resumed article
    finds the name taken, writes its record under a tmp name, and the
    commit's rename replaces the stale one (never written through)."""
    for sub in ("inbox", "tmp", "work", "failed", "archive"):
        (ctx.state / sub).mkdir(parents=True)
    data = small_article("Abgebrochen", "Der Datensatz lag schon unter seinem Namen, halb geschrieben.")
    id_ = content_id(data)
    (ctx.work / "cut.txt").write_bytes(data)
    day = ctx.archive / time.strftime("%Y/%m/%d", time.gmtime())
    day.mkdir(parents=True)
    stale = day / f"{id_}.json"
    stale.write_bytes(b'{\n  "id": "' + id_.encode())
    other = ctx.state.parent / "stale-record"
    os.link(stale, other)   # the stale inode must come through unchanged
    ctx.start()
    ctx.wait_archived([id_])
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp file left in archive/")
    ctx.verify_archive(expect_ids=[id_])
    check(other.read_bytes() == b'{\n  "id": "' + id_.encode(), "the stale record was written through")
    check(not os.path.samefile(stale, other), "the stale record is still the dated record")
