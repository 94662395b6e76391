"""End-to-end tests of faults injected under a running newsd (issue 12):
state folders deleted or replaced, and a producer's file named like the
daemon's own reprocess files.

Loaded by run.py; every test here is named faults_*.  Each one ends with
every article archived exactly once, a log line that names the fault, and
GET /health going 503 while the fault is reported and back to 200.  The
daemons run with a short health_hold_s, so that a repaired fault is
reported for a few seconds instead of five minutes, and a short stall_s.
"""

import json
import os
import shutil
import signal
import time

from __main__ import (test, check, Fail, content_id, distinct_articles, small_article)
from tests_control import api, status, newsctl, newsctl_json, sqlite_plugins, have_sqlite, drop_burst

HOLD_S = 6        # health_hold_s of these tests
STALL_S = 3       # stall_s of these tests


def start(ctx, plugins=None, **keys):
    keys.setdefault("health_hold_s", HOLD_S)
    keys.setdefault("stall_s", STALL_S)
    ctx.write_config(plugins, **keys)
    return ctx.start()


def health(ctx):
    st, hdrs, body = api(ctx, "GET", "/health")
    check(st in (200, 503), f"/health: HTTP {st}: {body[:300]!r}")
    check(hdrs.get("content-type", "").startswith("application/json"),
          f"/health: content-type {hdrs.get('content-type')!r}")
    try:
        h = json.loads(body)
    except ValueError as e:
        raise Fail(f"/health: not JSON ({e}): {body[:300]!r}")
    check((st == 200) == (h.get("status") == "ok") and (st == 200) == (not h.get("problems")),
          f"/health: HTTP {st} does not match its body {h}")
    return st, h


def wait_unhealthy(ctx, key, timeout=15):
    """/health answers 503 with a problem under key; returns that problem."""
    found = {}

    def bad():
        st, h = health(ctx)
        for p in h["problems"]:
            if p["key"] == key:
                found.update(p)
        return st == 503 and found
    ctx.wait(bad, timeout, f"/health 503 with a problem {key!r}")
    rc, out, _ = newsctl(ctx, "health")
    check(rc == 1 and found["problem"] in out,
          f"newsctl health while {key} is reported: exit {rc}, output {out!r}")
    summary = status(ctx)["health"]
    check(summary["status"] == "failing", f"/status health summary while unhealthy: {summary}")
    return found


def wait_healthy(ctx, timeout=HOLD_S + 20):
    ctx.wait(lambda: health(ctx)[0] == 200, timeout, "/health 200 again")
    rc, out, _ = newsctl(ctx, "health")
    check(rc == 0 and out.startswith("ok"), f"newsctl health once healthy: exit {rc}, output {out!r}")
    check(status(ctx)["health"] == {"status": "ok", "problems": []},
          f"/status health summary once healthy: {status(ctx)['health']}")


def error_logged(ctx, *words, since=0, timeout=15):
    ctx.wait_log(lambda l: " error: " in l and all(w in l for w in words), timeout,
                 f"an error naming {words}", since=since)


def archived_exactly_once(ctx, ids, timeout=90):
    ctx.wait_archived(ids, timeout=timeout)
    ctx.verify_archive(expect_ids=ids)
    check(ctx.duplicates() == [], f"duplicates.jsonl: {ctx.duplicates()[:3]}")


# --------------------------------------------------------------------------
# deleted folders (bug 3)

@test(timeout=180)
def faults_work_deleted(ctx):
    """rm -rf work/: the ENOENT of the next claim is not "someone else took
    it"; work/ is made again and the 300 files in the inbox are taken."""
    start(ctx)
    first = drop_burst(ctx, distinct_articles(20, "before"))
    archived_exactly_once(ctx, first)
    check(health(ctx)[0] == 200, f"/health before the fault: {health(ctx)}")
    mark = ctx.log_size()

    shutil.rmtree(ctx.work)
    later = drop_burst(ctx, distinct_articles(300, "after"))
    p = wait_unhealthy(ctx, "folder:work")
    check("work/ was deleted" in p["problem"] and "made again" in p["problem"], f"problem: {p}")
    archived_exactly_once(ctx, first | later)
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    error_logged(ctx, str(ctx.work), "deleted", "made a new one", since=mark)
    # the workers' poison journals are in the new work/ too
    check(any(n.startswith(".inflight-") for n in os.listdir(ctx.work)),
          f"no in-flight journal in the new work/: {os.listdir(ctx.work)}")
    wait_healthy(ctx)
    c = status(ctx)["counters"]
    check(c["archived"] == 320 and c["duplicates"] == 0 and c["failed"] == 0, f"counters: {c}")


@test(timeout=180)
def faults_inbox_deleted_then_recreated(ctx):
    """rm -rf inbox/, then a producer makes it again and renames files in:
    the new inbox is watched (before, it never was)."""
    start(ctx)
    first = drop_burst(ctx, distinct_articles(10, "before"))
    archived_exactly_once(ctx, first)
    mark = ctx.log_size()

    shutil.rmtree(ctx.inbox)
    ctx.inbox.mkdir(exist_ok=True)        # the producer's mkdir -p; newsd may have made it first
    later = drop_burst(ctx, distinct_articles(50, "after"))
    p = wait_unhealthy(ctx, "folder:inbox")
    check("inbox/ was deleted" in p["problem"], f"problem: {p}")
    archived_exactly_once(ctx, first | later)
    error_logged(ctx, str(ctx.inbox), "deleted", since=mark)
    # inotify, not only the rescan: a file renamed in now is taken at once
    # (rescan_s is 30 s, longer than this wait)
    one = small_article("Nach dem neuen Eingang", "Dieser Artikel kommt über inotify an.")
    id_ = ctx.drop("inotify_after.txt", one)
    archived_exactly_once(ctx, first | later | {id_}, timeout=20)
    wait_healthy(ctx)


@test(timeout=180)
def faults_inbox_moved_away(ctx):
    """mv inbox inbox.old: the watch follows the old folder (IN_MOVE_SELF);
    newsd makes a new inbox/ and watches that one, not the old."""
    start(ctx)
    mark = ctx.log_size()
    os.rename(ctx.inbox, ctx.state / "inbox.old")
    p = wait_unhealthy(ctx, "folder:inbox")
    check("moved away or replaced" in p["problem"], f"problem: {p}")
    check(ctx.inbox.is_dir(), "newsd did not make a new inbox/")
    arts = distinct_articles(30, "moved")
    ids = drop_burst(ctx, arts)
    # a file in the old folder is not an article of the inbox any more
    (ctx.state / "inbox.old" / "stray.txt").write_bytes(small_article("Alt", "Im alten Eingang."))
    archived_exactly_once(ctx, ids)
    check((ctx.state / "inbox.old" / "stray.txt").exists(), "newsd took a file from the moved-away inbox")
    error_logged(ctx, str(ctx.inbox), "moved away", since=mark)
    wait_healthy(ctx)


@test(timeout=180)
def faults_failed_and_tmp_deleted(ctx):
    """rm -rf failed/ tmp/: a bad file still lands in failed/ with its
    reason (before, it stayed in work/ until a restart), and tmp/ is made
    again for the producers."""
    start(ctx)
    mark = ctx.log_size()
    shutil.rmtree(ctx.failed)
    shutil.rmtree(ctx.tmp)
    ctx.wait(lambda: ctx.tmp.is_dir() and ctx.failed.is_dir(), 10, "tmp/ and failed/ made again")
    p = wait_unhealthy(ctx, "folder:failed")
    check("failed/ was deleted" in p["problem"], f"problem: {p}")
    wait_unhealthy(ctx, "folder:tmp")

    ids = drop_burst(ctx, distinct_articles(20, "good"))
    ctx.drop("empty.txt", b"")
    reason = ctx.wait_failed("empty.txt")
    check("empty" in reason.get("cause", ""), f"reason: {reason}")
    archived_exactly_once(ctx, ids)
    check(ctx.failed_items() == ["empty.txt"], f"failed/: {ctx.failed_items()}")
    error_logged(ctx, str(ctx.failed), "deleted", since=mark)
    error_logged(ctx, str(ctx.tmp), "deleted", since=mark)
    wait_healthy(ctx)


@test(timeout=180)
def faults_work_replaced_by_file(ctx):
    """work/ deleted and a file put at its place: it cannot be made again.
    /health says so (and that claiming fails and stalls) until the file
    goes; then newsd makes work/ and takes the backlog."""
    start(ctx)
    mark = ctx.log_size()
    shutil.rmtree(ctx.work)
    ctx.work.write_bytes(b"not a folder\n")
    ids = drop_burst(ctx, distinct_articles(40, "blocked"))
    p = wait_unhealthy(ctx, "folder:work")
    check("work/ unusable" in p["problem"] and "Not a directory" in p["problem"], f"problem: {p}")
    wait_unhealthy(ctx, "claim")
    wait_unhealthy(ctx, "stall:claim", timeout=STALL_S + 15)
    ctx.wait(lambda: any("40 files in inbox/" in p["problem"] for p in health(ctx)[1]["problems"]),
             STALL_S + 10, "the stall problem to count the 40 files")
    error_logged(ctx, str(ctx.work), "cannot be made again", "Not a directory", since=mark)
    error_logged(ctx, "claiming stalled", since=mark)
    # said once, not once per file and check
    n = sum(1 for l in ctx.log_text()[mark:].splitlines() if " error: " in l and "cannot be made again" in l)
    check(n == 1, f"{n} log lines about work/ that cannot be made again")
    check(len(ctx.ids()) == 0 and len(os.listdir(ctx.inbox)) == 40,
          f"{len(ctx.ids())} archived, {len(os.listdir(ctx.inbox))} in the inbox while work/ is a file")

    ctx.work.unlink()
    archived_exactly_once(ctx, ids)
    ctx.wait_log(lambda l: "claiming works again" in l, 10, "'claiming works again'", since=mark)
    wait_healthy(ctx, timeout=HOLD_S + STALL_S + 20)


@test(timeout=180)
def faults_archive_folder_deleted(ctx):
    """rm -rf archive/ (archive_fs) with articles arriving: the plugins are
    reloaded so the archive opens a new folder, and the batch that failed
    in the deleted one is retried with them (the reload does not wait for
    it); before, every commit failed until a restart."""
    start(ctx)
    first = drop_burst(ctx, distinct_articles(10, "old"))
    ctx.wait_archived(first)
    mark = ctx.log_size()
    shutil.rmtree(ctx.archive)
    later = drop_burst(ctx, distinct_articles(30, "new"))
    p = wait_unhealthy(ctx, "folder:archive")
    check("archive/ was deleted" in p["problem"], f"problem: {p}")
    error_logged(ctx, str(ctx.archive), "deleted", "reloading the plugins", since=mark)
    ctx.wait_log(lambda l: "reloaded" in l, 15, "the reload", since=mark)
    # the old articles went with the folder; the new ones, whose commits
    # failed in the deleted folder, are all in the new one
    archived_exactly_once(ctx, later)
    more = drop_burst(ctx, distinct_articles(20, "more"))
    archived_exactly_once(ctx, later | more)
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    wait_healthy(ctx)


# --------------------------------------------------------------------------
# reprocess names (bug 5)

@test(timeout=240)
def faults_producer_reprocess_name(ctx):
    """A producer's file named reprocess-<id> with the bytes of an archived
    article is an ordinary article, a duplicate of it: it does not replace
    the record.  newsctl reprocess still works, also across a SIGKILL."""
    if not have_sqlite(ctx):
        return
    plugins = sqlite_plugins()
    start(ctx, plugins)
    data = small_article("Ein archivierter Artikel", "Huawei und Baidu bauen KI-Chips.")
    id_ = ctx.drop("original.txt", data)
    ctx.wait(lambda: status(ctx)["counters"]["archived"] == 1 and ctx.idle(), 20, "the article archived")
    rec = newsctl_json(ctx, "show", id_)
    check(rec["source"] == "original.txt", f"source: {rec['source']!r}")

    ctx.drop(f"reprocess-{id_}", data)
    ctx.wait(lambda: status(ctx)["counters"]["duplicates"] == 1 and ctx.idle(), 20,
             "the producer's reprocess-<id> file counted as a duplicate")
    c = status(ctx)["counters"]
    check(c["reprocessed"] == 0 and c["archived"] == 1 and c["received"] == 2, f"counters: {c}")
    rec = newsctl_json(ctx, "show", id_)
    check(rec["source"] == "original.txt", f"the producer's file replaced the record: source {rec['source']!r}")
    check(newsctl_json(ctx, "list")["total"] == 1, "the archive holds more than one article")
    ctx.wait_log(lambda l: f"reprocess-{id_}" in l and "duplicate" in l, 10,
                 "the duplicate logged under the producer's name")

    # newsctl reprocess: marked, replaces the record in place
    rc, out, err = newsctl(ctx, "reprocess", id_)
    check(rc == 0 and "queued 1" in out, f"newsctl reprocess: exit {rc}: {out} {err}")
    ctx.wait(lambda: status(ctx)["counters"]["reprocessed"] == 1 and ctx.idle(), 20, "reprocessed 1")
    c = status(ctx)["counters"]
    check(c["duplicates"] == 1 and c["archived"] == 1 and c["received"] == 2, f"counters: {c}")

    # a crash leaves reprocess files in work/: resumed at the next start,
    # still marked (replaced, not duplicates)
    ids = drop_burst(ctx, distinct_articles(150, "many")) | {id_}
    ctx.wait(lambda: status(ctx)["counters"]["archived"] == 151 and ctx.idle(), 90, "151 archived")
    rc, out, err = newsctl(ctx, "reprocess", "--all")
    check(rc == 0 and "queued 151" in out, f"newsctl reprocess --all: exit {rc}: {out} {err}")
    ctx.daemon.signal(signal.SIGKILL)
    ctx.daemon.wait_exit(10)
    # one more, as a crash leaves it (the name is the mark)
    leftover = ctx.work / f".reprocess-{id_}"
    if not leftover.exists():
        (ctx.work / f".reprocess-{id_}.tmp").write_bytes(data)
        os.rename(ctx.work / f".reprocess-{id_}.tmp", leftover)
    left = len([n for n in ctx.work_files() if n.startswith(".reprocess-")])
    print(f"note: {left} reprocess files in work/ after the SIGKILL")
    ctx.start()
    ctx.wait(lambda: ctx.idle() and status(ctx)["counters"]["reprocessed"] >= left, 90,
             f"the {left} reprocess files resumed")
    c = status(ctx)["counters"]
    check(c["reprocessed"] == left and c["duplicates"] == 0 and c["archived"] == 0 and c["failed"] == 0,
          f"after the restart, {left} reprocess files left by the kill: counters {c}")
    check(newsctl_json(ctx, "list")["total"] == len(ids), "reprocessing changed the number of articles")
    check({i["id"] for i in newsctl_json(ctx, "list", "--limit", "1000")["items"]} == ids,
          "the archive's ids differ after the resumed reprocessing")
    check(newsctl_json(ctx, "show", id_)["source"] in ("original.txt", f".reprocess-{id_}"),
          "the record's source is the producer's file")
    check(health(ctx)[0] == 200, f"/health: {health(ctx)}")
