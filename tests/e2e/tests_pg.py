"""End-to-end tests of the archive_pg plugin against a real PostgreSQL
server (docs/archive.md, "archive_pg").

Loaded by run.py; every test here is named pg_*.  Each test starts a
throwaway server of its own on 127.0.0.1 with tests/pg/start.sh (initdb +
pg_ctl from Debian's postgresql package, ~1 s) and stops it at the end; a
watchdog stops it too if the test is killed.  The results are read with
psql and through newsctl.  Where no server can be started (no initdb or
pg_ctl, or the server does not come up) or archive_pg.so is not built (no
libpq), the tests print "skipped: ..." with the reason and pass, except
under CI=true (as .ci/run sets): there the packages are installed by
make test, so a server that cannot start is a failure, with the reason.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from __main__ import (DEFAULT_PLUGINS, SAMPLE, SOURCE_ROOT, Ctx, Fail, check, content_id,
                      distinct_articles, small_article, test)
from tests_control import newsctl, newsctl_json

PG_DIR = SOURCE_ROOT / "tests" / "pg"


class Server:
    """One throwaway PostgreSQL server (tests/pg/start.sh)."""

    def __init__(self, ctx):
        self.ctx = ctx
        # Not under the test's own folder: mkdtemp makes that mode 700, and
        # as root the server runs as nobody, who must reach its data.
        self.top = Path(tempfile.mkdtemp(prefix="newsd-pg-", dir="/tmp"))
        os.chmod(self.top, 0o711)
        self.dir = self.top / "srv"
        self.conninfo = None
        self.skip_reason = None

    def _script(self, name, *args, timeout=90):
        p = subprocess.run([str(PG_DIR / name), str(self.dir), *map(str, args)],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout)
        with open(self.ctx.log_path, "a", encoding="utf-8") as f:
            f.write(f"----- e2e: tests/pg/{name} {' '.join(map(str, args))} -> exit "
                    f"{p.returncode}\n{p.stdout}{p.stderr}")
        return p

    def start(self, first=False):
        p = self._script("start.sh", *(["--owner", os.getpid()] if first else []))
        if p.returncode != 0:
            reason = (p.stderr.strip().splitlines() or ["start.sh failed"])[-1]
            if first:
                self.skip_reason = reason
                return False
            check(False, f"the PostgreSQL server did not start again: {reason}")
        self.conninfo = p.stdout.strip().splitlines()[-1]
        return True

    def stop(self, mode="fast"):
        p = self._script("stop.sh", mode)
        check(p.returncode == 0, f"tests/pg/stop.sh: {p.stderr.strip()}")

    def remove(self):
        try:
            self._script("stop.sh", "immediate", timeout=60)
        except Exception:
            pass
        shutil.rmtree(self.top, ignore_errors=True)

    def psql(self, sql):
        """Rows of sql as lists of strings."""
        bindir = (self.dir / "bindir").read_text().strip()
        p = subprocess.run([f"{bindir}/psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v",
                            "ON_ERROR_STOP=1", "-d", self.conninfo, "-c", sql],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, f"psql {sql!r}: {p.stderr.strip()}")
        return [line.split("\t") for line in p.stdout.splitlines() if line]

    def scalar(self, sql):
        return int(self.psql(sql)[0][0])


def skip(reason):
    """Say why a test cannot run; a failure under CI=true, where make test
    installed everything it needs."""
    if os.environ.get("CI") == "true":
        raise Fail(f"cannot run under CI: {reason}")
    print(f"skipped: {reason}")
    print(f"note: skipped: {reason}")


def with_server(fn):
    """Run fn(ctx, server) with a fresh server, or skip saying why."""
    def wrapper(ctx):
        so = ctx.plugin_dir / "archive_pg.so"
        if not so.exists():
            skip(f"{so} is not built (meson found no libpq; install libpq-dev)")
            return
        srv = Server(ctx)
        try:
            if not srv.start(first=True):
                skip(f"no PostgreSQL server could be started: {srv.skip_reason}")
                return
            fn(ctx, srv)
            # The daemons stop before the server (which they would see go
            # away), and strictly: SIGTERM must make each exit 0.
            for other in getattr(ctx, "pg_others", []):
                other.shutdown(strict=True)
            ctx.shutdown(strict=True)
        finally:
            for other in getattr(ctx, "pg_others", []):
                other.shutdown(strict=False)
            ctx.shutdown(strict=False)
            srv.remove()
    wrapper.__name__ = fn.__name__
    return wrapper


def pg_plugins(srv, *extra):
    plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    plugins += list(extra)
    plugins.append(("archive", {"so": "archive_pg.so", "conninfo": srv.conninfo}))
    return plugins


def second_ctx(ctx, name="b"):
    """Another state dir (inbox, work, control socket) and log, for a second
    daemon on the same machine."""
    base = ctx.base / f"daemon-{name}"
    base.mkdir()
    other = Ctx(f"{ctx.name}-{name}", base, ctx.build)
    ctx.pg_others = getattr(ctx, "pg_others", []) + [other]
    return other


def db_ids(srv):
    return [r[0] for r in srv.psql("SELECT id FROM articles")]


@test(timeout=120)
@with_server
def pg_two_daemons_same_article_stored_once(ctx, srv):
    ctx_b = second_ctx(ctx)
    ctx.write_config(pg_plugins(srv))
    ctx_b.write_config(pg_plugins(srv))
    a = ctx.start()
    b = ctx_b.start()
    check(srv.scalar("SELECT max(version) FROM newsd_schema") == 2, "schema version not recorded")

    same = small_article("Dieselbe Meldung auf zwei Rechnern",
                         "Huawei und Shanghai Biren bauen KI-Chips; der Chiphersteller wächst.")
    only_a = small_article("Nur auf Rechner A", "Nvidia liefert weniger Halbleiter nach China.")
    only_b = small_article("Only on machine B", "The chipmaker Intel ships a new AI accelerator.")
    id_same = content_id(same)
    # The same bytes into both inboxes at once: both daemons race to insert.
    ctx.drop("same_a.txt", same)
    ctx_b.drop("same_b.txt", same)
    id_a = ctx.drop("only_a.txt", only_a)
    id_b = ctx_b.drop("only_b.txt", only_b)
    want = {id_same, id_a, id_b}
    ctx.wait(lambda: ctx.idle() and ctx_b.idle() and want <= set(db_ids(srv))
             and srv.scalar("SELECT count(*) FROM duplicates") >= 1, 30,
             "3 articles in PostgreSQL, one duplicate, both inboxes empty", interval=0.2)
    ids = db_ids(srv)
    check(sorted(ids) == sorted(want), f"articles: {ids}")
    dups = srv.psql("SELECT id, source FROM duplicates")
    check(len(dups) == 1 and dups[0][0] == id_same and dups[0][1] in ("same_a.txt", "same_b.txt"),
          f"duplicates: {dups}")
    (src,) = srv.psql(f"SELECT source FROM articles WHERE id = '{id_same}'")[0]
    check({src, dups[0][1]} == {"same_a.txt", "same_b.txt"}, f"stored {src}, duplicate {dups}")
    check(not ctx.failed_items() and not ctx_b.failed_items(), "articles went to failed/")
    check(srv.scalar("SELECT count(*) FROM originals") == 3, "originals are not 3")
    # Languages chose the text search configuration.
    conf = dict((r[0], r[1]) for r in srv.psql("SELECT id, tsconfig FROM articles"))
    check(conf[id_same] == "german" and conf[id_b] == "english", f"tsconfig: {conf}")

    # Each daemon searches what the other archived: one archive for both.
    hits = newsctl_json(ctx_b, "search", "Chiphersteller")
    check([h["id"] for h in hits["hits"]] == [id_same] and "[" in hits["hits"][0]["snippet"],
          f"B: search Chiphersteller: {hits}")
    hits = newsctl_json(ctx, "search", "chipmakers")        # English stemming
    check([h["id"] for h in hits["hits"]] == [id_b], f"A: search chipmakers: {hits}")
    # Since ABI 1.4 a search applies list's filters (a tag, the score range, dates).
    hits = newsctl_json(ctx, "search", "Huawei OR Intel")
    check(sorted(h["id"] for h in hits["hits"]) == sorted([id_same, id_b]), f"search Huawei OR Intel: {hits}")
    for org, want_id in (("Huawei", id_same), ("Intel", id_b)):
        hits = newsctl_json(ctx, "search", "Huawei OR Intel", "--tag", f"entity:org/{org}")
        check([h["id"] for h in hits["hits"]] == [want_id] and hits["total"] == 1,
              f"search Huawei OR Intel --tag entity:org/{org}: {hits}")
    hits = newsctl_json(ctx, "search", "Huawei OR Intel", "--max-score", "-1")
    check(hits["total"] == 0 and hits["hits"] == [], f"search --max-score -1: {hits}")
    hits = newsctl_json(ctx, "search", "Huawei OR Intel", "--tag", "entity:org/Intel", "--min-score", "-100",
                        "--max-score", "100", "--since", "2000-01-01", "--until", "2999-01-01")
    check([h["id"] for h in hits["hits"]] == [id_b], f"search with every filter: {hits}")
    check(newsctl_json(ctx, "search", "Huawei OR Intel", "--until", "2000-01-01")["total"] == 0,
          "search --until 2000-01-01 finds articles")
    check(newsctl_json(ctx, "list")["total"] == 3, "list total is not 3")
    st = newsctl_json(ctx, "status")
    check(a.alive() and b.alive(), "a daemon died")
    print(f"note: stored {src}, duplicate {dups[0][1]}; status archive: {st.get('archive')}")


@test(timeout=120)
@with_server
def pg_queries_like_sqlite(ctx, srv):
    ctx.write_config(pg_plugins(srv))
    ctx.start()
    data = SAMPLE.read_bytes()
    sample_id = ctx.drop(SAMPLE.name, data)
    other = ctx.drop("other.txt", small_article("Wetterbericht", "Morgen regnet es in Hamburg."))
    ctx.wait(lambda: ctx.idle() and {sample_id, other} <= set(db_ids(srv)), 20, "2 articles archived")

    res = newsctl_json(ctx, "search", "Huawei Chips")
    check([h["id"] for h in res["hits"]] == [sample_id] and res["total"] == 1, f"search: {res}")
    h = res["hits"][0]
    check(h["rank"] < 0 and "[Huawei]" in h["snippet"], f"hit: {h}")
    for q in ("Kluft", "schließen", "schliessen", '"technologische Kluft"', "Huawei -Wetter",
              "Huawei OR Hamburg"):
        res = newsctl_json(ctx, "search", q)
        check(sample_id in [x["id"] for x in res["hits"]], f"search {q!r}: {res}")
    res = newsctl_json(ctx, "search", "Huawei -Biren")
    check(res["total"] == 0, f"search 'Huawei -Biren': {res}")
    # Nothing is bad syntax for websearch_to_tsquery; odd input must not break anything.
    for q in ('AND AND', '"unclosed', 'x:', '(((', "'", "\\", "Ä" * 300, "x" * 3000):
        rc, out, err = newsctl(ctx, "--json", "search", q)
        check(rc in (0, 1), f"search {q[:20]!r}: exit {rc}: {err}")
        check(rc == 0 or "bad request" in err or "HTTP 400" in err, f"search {q[:20]!r}: {err}")
    ctx.assert_alive("after odd searches")

    lst = newsctl_json(ctx, "list", "--tag", "topic:ai-chips", "--min-score", "1")
    check([i["id"] for i in lst["items"]] == [sample_id], f"list --tag: {lst}")
    lst = newsctl_json(ctx, "list", "--since", "2999-01-01")
    check(lst["total"] == 0, f"list --since 2999: {lst}")
    # the action (ABI 1.3): 3 + 3 points reach the default alert threshold 6
    lst = newsctl_json(ctx, "list", "--action", "alert")
    check([i["id"] for i in lst["items"]] == [sample_id] and lst["items"][0]["action"] == "alert",
          f"list --action alert: {lst}")
    lst = newsctl_json(ctx, "list", "--action", "archive")
    check([i["id"] for i in lst["items"]] == [other], f"list --action archive: {lst}")
    check(newsctl_json(ctx, "list", "--action", "discard")["total"] == 0, "list --action discard")
    rec = newsctl_json(ctx, "show", sample_id)
    check(rec.get("action") == "alert", f"show: action {rec.get('action')!r}")
    check(rec["id"] == sample_id and rec["size"] == len(data) and "Huawei" in rec["body"]
          and "topic:ai-chips" in {t["name"] for t in rec["tags"]}
          and "AI_CHIPS" in {r["rule"] for r in rec["score"]["rules"]}, f"show: {str(rec)[:400]}")
    rc, _, err = newsctl(ctx, "show", "0" * 32)
    check(rc == 1 and "not found" in err, f"show unknown: exit {rc}: {err}")
    rc, out, err = newsctl(ctx, "export")
    check(rc == 0 and len([l for l in out.splitlines() if l.strip()]) == 2, f"export: {rc} {err}")

    # reprocess: the record is replaced in place with the new tag
    ctx.write_config(pg_plugins(srv, ("zebra", {"so": "keyword_tagger.so", "tag": "topic:zebra",
                                                "words": "Shanghai Biren"})))
    rc, _, err = newsctl(ctx, "reload")
    check(rc == 0, f"reload: {err}")
    seq_before = srv.psql(f"SELECT seq FROM articles WHERE id = '{sample_id}'")
    rc, out, err = newsctl(ctx, "reprocess", sample_id)
    check(rc == 0, f"reprocess: {out} {err}")
    ctx.wait(lambda: "topic:zebra" in {t["name"] for t in newsctl_json(ctx, "show", sample_id)["tags"]},
             20, "the reprocessed sample to carry topic:zebra")
    check(srv.psql(f"SELECT seq FROM articles WHERE id = '{sample_id}'") == seq_before,
          "reprocessing moved the row")
    check(srv.scalar("SELECT count(*) FROM articles") == 2, "reprocessing added a row")
    check(srv.scalar("SELECT count(*) FROM duplicates") == 0, "reprocessing recorded a duplicate")
    check(newsctl_json(ctx, "search", "Kluft")["total"] == 1, "the tsvector lost the sample")
    ctx.assert_alive("after the queries")


@test(timeout=240, heavy=True)
@with_server
def pg_server_stopped_during_burst_nothing_lost(ctx, srv):
    # A slow plugin stretches the burst so that the outage lands in it.
    ctx.write_config(pg_plugins(srv, ctx.crashy_section(sleep_ms=10)))
    d = ctx.start()
    arts = distinct_articles(300, "pg")
    ids = {content_id(data): name for name, data in arts}
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)

    ctx.wait(lambda: srv.scalar("SELECT count(*) FROM articles") >= 40 or ctx.idle(), 60,
             "40 articles archived before the outage", interval=0.05)
    before = srv.scalar("SELECT count(*) FROM articles")
    newsctl_json(ctx, "list")      # opens the query connection, which the outage breaks too
    check(before < 300, "the burst was over before the server could be stopped")
    srv.stop("fast")
    t_stop = time.monotonic()
    # While the server is away the daemon keeps going and fails nothing.
    time.sleep(3)
    check(d.alive(), "newsd died while the server was away")
    check(not ctx.failed_items(), f"articles went to failed/ during the outage: {ctx.failed_items()[:5]}")
    waiting = len(ctx.work_files()) + len(os.listdir(ctx.inbox))
    check(waiting > 0, "nothing waits in work/ or inbox/ during the outage")
    srv.start()
    ctx.wait(lambda: ctx.idle() and srv.scalar("SELECT count(DISTINCT id) FROM articles") == 300,
             120, "all 300 articles in PostgreSQL and inbox/work empty", interval=0.3)
    took = time.monotonic() - t_stop

    rows = srv.psql("SELECT id, count(*) FROM articles GROUP BY id")
    check(len(rows) == 300 and all(r[1] == "1" for r in rows), "an id is stored twice")
    check({r[0] for r in rows} == set(ids), "the archived ids are not the dropped ones")
    check(srv.scalar("SELECT count(*) FROM originals") == 300, "originals are not 300")
    check(srv.scalar("SELECT count(*) FROM articles a JOIN originals o ON o.id = a.id"
                     " WHERE octet_length(o.data) = a.size") == 300, "an original's size differs")
    check(not ctx.failed_items(), f"failed/: {ctx.failed_items()[:5]}")
    check(not ctx.work_files() and not os.listdir(ctx.inbox), "inbox/ or work/ not empty")
    bad = srv.psql("SELECT id FROM duplicates WHERE id NOT IN (SELECT id FROM articles)")
    check(not bad, f"duplicates of ids never archived: {bad[:5]}")

    # The query connection was broken by the outage too and reconnects.
    st = newsctl_json(ctx, "list", "--limit", "1")
    check(st["total"] == 300, f"newsctl list after the outage: {st}")

    log = d.log_lines()
    lost = [l for l in log if "connection to PostgreSQL" in l and "is lost" in l]
    back = [l for l in log if "reconnected to PostgreSQL" in l]
    check(len(lost) == 1, f"the outage is logged {len(lost)} times, not once: {lost[:3]}")
    check(len(back) == 1, f"the reconnection is logged {len(back)} times, not once: {back[:3]}")
    per_article = [l for l in log if "cannot insert the article" in l]
    check(len(per_article) <= 1, f"{len(per_article)} per-article errors logged during the outage")
    dups = srv.scalar("SELECT count(*) FROM duplicates")
    print(f"note: {before} archived at the stop, {waiting} waiting during it; all 300 in "
          f"{took:.1f}s after the stop; {dups} duplicates (commits cut by the stop)")
    print(f"note: logged: {lost[0][:300]}")
    print(f"note: logged: {back[0][:300]}")


@test(timeout=120)
@with_server
def pg_query_statuses(ctx, srv):
    """bad request 400, unknown id 404, server down 503 (and back), through
    archive_pg; the answers have the shapes archive_sqlite's have."""
    from tests_control import expect_status
    ctx.write_config(pg_plugins(srv))
    ctx.start()
    data = SAMPLE.read_bytes()
    sample_id = ctx.drop(SAMPLE.name, data)
    ctx.wait(lambda: ctx.idle() and sample_id in db_ids(srv), 20, "the sample archived")

    for path in ("/list?limit=0", "/list?limit=1001", "/search?q=x&limit=0", "/export?limit=1001",
                 "/show/" + sample_id.upper(), "/search?q=" + "x" * 5000):
        expect_status(ctx, "GET", path, 400)
    expect_status(ctx, "GET", "/show/" + "0" * 32, 404, word="not found")
    expect_status(ctx, "POST", "/reprocess", 404, body='{"id": "%s"}' % ("f" * 32), word="not found")

    res = expect_status(ctx, "GET", "/search?q=Huawei", 200)
    check(list(res) == ["q", "total", "limit", "offset", "hits"] and res["hits"][0]["id"] == sample_id,
          f"search answer: {str(res)[:300]}")
    check(set(res["hits"][0]) == {"id", "title", "score_total", "received", "snippet", "rank"},
          f"search hit: {res['hits'][0]}")
    # web-search syntax excludes -Biren; plain words require it (the sample has it)
    check(expect_status(ctx, "GET", "/search?q=Huawei%20-Biren", 200)["total"] == 0, "search Huawei -Biren")
    res = expect_status(ctx, "GET", "/search?q=Huawei%20-Biren&mode=words", 200)
    check(res["total"] == 1, f"words mode: {res}")
    rec = expect_status(ctx, "GET", "/show/" + sample_id, 200)
    check(list(rec) == ["id", "source", "size", "format", "encoding", "received", "processed", "title", "body",
                        "lang", "url", "author", "published", "tags", "score", "action", "meta"],
          f"record keys: {list(rec)}")
    check(rec["size"] == len(data) and rec["score"]["total"] > 0 and rec["tags"], f"record: {str(rec)[:300]}")
    exp = expect_status(ctx, "GET", "/export", 200)
    check(exp["records"] == [rec] and exp["count"] == 1 and exp["next_cursor"] is None, f"export: {str(exp)[:300]}")

    srv.stop("fast")
    for path in ("/list", "/show/" + sample_id, "/search?q=Huawei", "/export"):
        expect_status(ctx, "GET", path, 503, word="PostgreSQL")
    expect_status(ctx, "POST", "/reprocess", 503, body='{"id": "%s"}' % sample_id)
    rc, _, err = newsctl(ctx, "show", sample_id)
    check(rc == 1 and "HTTP 503" in err, f"newsctl show with the server down: exit {rc}: {err!r}")
    srv.start()
    check(expect_status(ctx, "GET", "/show/" + sample_id, 200) == rec, "show after the server came back")
    ctx.assert_alive("after the outage")
