"""End-to-end tests of the bundled near_dups plugin (issue 10): loaded by
run.py.  Rewrites of one story, dropped one by one into a running daemon,
read back through newsctl; across a restart; a damaged index file; and two
daemons sharing their fingerprints in PostgreSQL (skipped without a
server, as tests_pg.py's are)."""

import json
import signal

from __main__ import DEFAULT_PLUGINS, check, content_id, corpus_files, small_article, test
from tests_control import newsctl, newsctl_json
from tests_pg import second_ctx, skip, with_server

# Written for these tests (not a corpus text): one wire story and the ways
# outlets rewrite it.
TITLE = "Hafenbetreiber erwarten Rekordumschlag"
PARAS = [
    "Die großen Containerhäfen an der Nordsee rechnen für das laufende Jahr mit einem Rekordumschlag. "
    "Nach Angaben des Branchenverbands stieg die Zahl der abgefertigten Container im ersten Halbjahr "
    "um acht Prozent. Vor allem der Handel mit Asien habe kräftig zugelegt.",
    "Die Betreiber investieren deshalb in neue Kräne und längere Liegeplätze. In Hamburg sollen bis "
    "2028 rund 400 Millionen Euro in den Ausbau fließen. Die Stadt unterstützt das Vorhaben, "
    "Umweltverbände kritisieren dagegen die geplante Vertiefung der Fahrrinne.",
    "Engpässe gebe es weiterhin bei den Fachkräften, sagte ein Sprecher des Verbands. Viele Hafenarbeiter "
    "gehen in den kommenden Jahren in Rente, und der Nachwuchs fehlt. Die Gewerkschaft fordert "
    "höhere Löhne und bessere Arbeitszeiten für die Beschäftigten im Schichtdienst.",
]
FOOTER = ("Hinterlasse eine Antwort. Deine E-Mail-Adresse wird nicht veröffentlicht. Folgen Sie uns "
          "auf Twitter und abonnieren Sie unseren Newsletter.")


def original():
    return small_article(TITLE, "\n\n".join(PARAS))


def rewrite_headline_footer():
    """Another outlet: a new headline, the last sentence dropped, a footer."""
    last = PARAS[2].rsplit(". ", 1)[0] + "."
    return small_article("Nordseehäfen vor Rekordjahr: Milliardeninvestitionen geplant",
                         "\n\n".join(PARAS[:2] + [last, FOOTER]))


def rewrite_cp1252_reordered():
    """A third: windows-1252, the paragraphs in another order."""
    return small_article("Rekord in den Häfen", "\n\n".join([PARAS[1], PARAS[0], PARAS[2]])).decode(
        "utf-8").encode("cp1252")


UNRELATED = small_article("Neue Bahnstrecke eröffnet", (
    "Zwischen den beiden Städten fahren seit Sonntag Züge auf der neuen Schnellfahrstrecke. Die Fahrzeit "
    "verkürzt sich um eine halbe Stunde, teilte die Bahn mit. Der Bau hatte zwölf Jahre gedauert und "
    "deutlich mehr gekostet als geplant. Fahrgastverbände begrüßen die Verbindung, fordern aber mehr "
    "Halte in kleineren Orten entlang der Strecke."))


def plugins(**keys):
    section = {"so": "near_dups.so"}
    section.update({k: str(v) for k, v in keys.items()})
    out = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    return [("lang", {"so": "lang.so"})] + out + [("near_dups", section), ("archive", {"so": "archive_sqlite.so"})]


def near_tags(rec):
    return {t["name"]: t["weight"] for t in rec.get("tags") or [] if t["name"].startswith("dup:near/")}


def show(ctx, id_):
    return newsctl_json(ctx, "show", id_)


@test(timeout=120)
def near_dups_across_restart(ctx):
    ctx.write_config(plugins())
    ctx.start()
    first = original()
    id1 = ctx.drop("wire.txt", first)
    id_other = ctx.drop("other.txt", UNRELATED)
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == 2, 20, "2 articles archived")
    check(near_tags(show(ctx, id1)) == {}, f"the first copy is tagged: {show(ctx, id1)['tags']}")
    check(near_tags(show(ctx, id_other)) == {}, "an unrelated article is tagged")

    # Restart: the index comes back from the state dir.
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "SIGTERM did not make newsd exit 0")
    check((ctx.state / "near_dups.idx").exists(), "no index file in the state dir")
    ctx.start()
    # A reload that changes the bounds hands the index over (a file has one
    # writer: the new instance must not find it locked by the old one).
    ctx.write_config(plugins(max_entries=5000, max_age_days=7))
    mark = ctx.log_size()
    ctx.daemon.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: "reloaded" in l, 15, "the reload", since=mark)
    check("another process writes" not in ctx.log_text()[mark:], "the reload found its own index locked")
    id2 = ctx.drop("outlet-b.txt", rewrite_headline_footer())
    id3 = ctx.drop("outlet-c.txt", rewrite_cp1252_reordered())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == 4, 20, "4 articles archived")
    for id_, what in ((id2, "new headline, a sentence dropped, a footer"), (id3, "cp1252, paragraphs reordered")):
        rec = show(ctx, id_)
        tags = near_tags(rec)
        check(list(tags) == [f"dup:near/{id1}"], f"{what}: dup:near tags {tags}, want dup:near/{id1}")
        w = tags[f"dup:near/{id1}"]
        check(0.5 <= w <= 1.0, f"{what}: weight {w}")
        check([t["plugin"] for t in rec["tags"] if t["name"].startswith("dup:near/")] == ["near_dups"],
              f"{what}: set by {rec['tags']}")
    check(show(ctx, id3)["encoding"].lower() in ("windows-1252", "cp1252", "iso-8859-1"),
          f"the third copy was not read as windows-1252: {show(ctx, id3)['encoding']}")
    # Listed by tag, as a scorer or an operator finds them.
    listed = newsctl_json(ctx, "list", "--tag", f"dup:near/{id1}")
    check(sorted(i["id"] for i in listed["items"]) == sorted([id2, id3]), f"list --tag: {listed}")
    # The same bytes again are the archive's duplicate, not a near one.
    ctx.drop("wire-again.txt", first)
    ctx.wait(lambda: ctx.idle(), 20, "the exact copy handled")
    check(near_tags(show(ctx, id1)) == {}, "the first copy was tagged on its second arrival")
    rc, out, _ = newsctl(ctx, "show", id2)
    check(rc == 0 and f"dup:near/{id1}" in out, f"newsctl show (table) lacks the tag:\n{out}")
    ctx.assert_alive()
    # One record per fingerprinted article, the exact copy not twice: the
    # header (32 bytes) and four records of 176.
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "SIGTERM did not make newsd exit 0")
    size = (ctx.state / "near_dups.idx").stat().st_size
    check(size == 32 + 4 * 176, f"near_dups.idx has {size} bytes, not 32 + 4 * 176")


@test(timeout=120)
def near_dups_file_compacted_while_running(ctx):
    """With max_entries = 3 the file is rewritten (by a thread beside the
    workers) once it holds more than 2 * 3 + 3 records: it stays small, the
    index keeps working, and a restart reads the compacted file."""
    ctx.write_config(plugins(max_entries=3))
    ctx.start()
    files = [f for f in corpus_files() if f.name.startswith("bbc_")][:60]
    for f in files:
        ctx.drop(f.name, f.read_bytes())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == len(files), 30,
             f"{len(files)} articles archived")
    idx = ctx.state / "near_dups.idx"
    # A compaction may still be under way for the last appends.
    ctx.wait(lambda: not (ctx.state / "near_dups.idx.tmp").exists() and idx.stat().st_size <= 32 + 9 * 176, 10,
             f"near_dups.idx compacted to at most 9 records after {len(files)} articles")
    size = idx.stat().st_size
    check((size - 32) % 176 == 0, f"near_dups.idx has {size} bytes: not whole records")
    # The newest three count: a rewrite of the last is found, of the first not.
    last = files[-1].read_text(encoding="utf-8")
    id_last = content_id(files[-1].read_bytes())
    id_r = ctx.drop("rewrite-last.txt", ("Another headline" + last[last.index("\n"):]).encode())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == len(files) + 1, 20, "the rewrite")
    check(list(near_tags(show(ctx, id_r))) == [f"dup:near/{id_last}"], f"rewrite: {show(ctx, id_r)['tags']}")
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "SIGTERM did not make newsd exit 0")
    ctx.start()
    first = files[0].read_text(encoding="utf-8")
    id_f = ctx.drop("rewrite-first.txt", ("Yet another headline" + first[first.index("\n"):]).encode())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == len(files) + 2, 20, "the old rewrite")
    check(near_tags(show(ctx, id_f)) == {}, f"a rewrite of a forgotten article: {show(ctx, id_f)['tags']}")
    check("cannot compact" not in ctx.log_text(), "a compaction error was logged")


@test(timeout=60)
def near_dups_damaged_index_refused(ctx):
    cfg = ctx.write_config(plugins())
    ctx.state.mkdir(parents=True, exist_ok=True)
    (ctx.state / "near_dups.idx").write_bytes(b"NEWSDND\0" + b"\x07" * 100)
    p = ctx.run_newsd(["--check-config", "-c", cfg, "--state-dir", ctx.state])
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 1, f"--check-config exit {p.returncode}: {err[-400:]}")
    check(str(ctx.state / "near_dups.idx") in err and "damaged" in err and "move the file away" in err,
          f"the refusal does not name the file and the cause: {err[-600:]}")
    # The file was not touched.
    check((ctx.state / "near_dups.idx").read_bytes() == b"NEWSDND\0" + b"\x07" * 100, "the index was changed")
    # A file and PostgreSQL at once: refused.
    cfg = ctx.write_config(plugins(path="x.idx", conninfo="host=127.0.0.1"))
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    check(p.returncode == 1 and b"not both" in p.stderr, f"path and conninfo: {p.stderr[-400:]!r}")
    # A mistyped key is refused by name (config_keys).
    cfg = ctx.write_config(plugins(min_similarty=0.6))
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    check(p.returncode == 1 and b"min_similarity" in p.stderr, f"mistyped key: {p.stderr[-400:]!r}")


@test(timeout=120)
def near_dups_try_reads_the_index_and_writes_nothing(ctx):
    """newsd --try compares the tried files with the index and with each
    other, and adds nothing to it: with no index yet, beside a running
    daemon, and after it."""
    cfg = ctx.write_config(plugins())
    idx = ctx.state / "near_dups.idx"
    orig = ctx.base / "orig.txt"
    orig.write_bytes(original())
    rewrite = ctx.base / "rewrite.txt"
    rewrite.write_bytes(rewrite_headline_footer())
    ctx.state.mkdir(parents=True, exist_ok=True)

    def try_files(*paths):
        p = ctx.run_newsd(["--try", *paths, "-c", cfg, "--state-dir", ctx.state, "--log-level", "notice"])
        check(p.returncode == 0, f"--try exit {p.returncode}: {p.stderr[-400:]!r}")
        check(b"read only (newsd --try)" in p.stderr, f"--try did not say it reads only: {p.stderr[-400:]!r}")
        if len(paths) == 1:  # one file: one record, pretty-printed
            return [json.loads(p.stdout)]
        return [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]

    recs = try_files(orig, rewrite)
    check(near_tags(recs[1]) and list(near_tags(recs[1])) == [f"dup:near/{recs[0]['id']}"],
          f"--try of two copies: {recs[1]['tags']}")
    check(not idx.exists(), "newsd --try created the index file")

    ctx.start()
    id1 = ctx.drop("wire.txt", original())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == 1, 20, "the article archived")
    size = idx.stat().st_size
    (rec,) = try_files(rewrite)
    check(list(near_tags(rec)) == [f"dup:near/{id1}"], f"--try beside the daemon: {rec['tags']}")
    check(idx.stat().st_size == size, "newsd --try wrote to the daemon's index")
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "SIGTERM did not make newsd exit 0")
    (rec,) = try_files(rewrite)
    check(list(near_tags(rec)) == [f"dup:near/{id1}"], f"--try after the daemon: {rec['tags']}")
    check(idx.stat().st_size == size, "newsd --try wrote to the index")
    # A check reads it too, and changes nothing.
    p = ctx.run_newsd(["--check-config", "-c", cfg, "--state-dir", ctx.state])
    check(p.returncode == 0 and idx.stat().st_size == size, f"--check-config: {p.stderr[-300:]!r}")


@test(timeout=150)
@with_server
def near_dups_pg_two_instances(ctx, srv):
    """Two daemons with their own state dirs share the fingerprints in
    PostgreSQL: a rewrite dropped into B is tagged near A's first copy,
    and a third rewrite into A after A's restart too."""
    if not (ctx.plugin_dir / "near_dups.so").exists():
        skip("near_dups.so is not built")
        return
    ctx_b = second_ctx(ctx)
    conf = plugins(conninfo=srv.conninfo)
    ctx.write_config(conf)
    ctx_b.write_config(conf)
    ctx.start()
    ctx_b.start()
    id1 = ctx.drop("wire.txt", original())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == 1, 20, "A archived the first copy")
    check(srv.scalar("SELECT count(*) FROM newsd_near_dups") == 1, "no fingerprint row in PostgreSQL")
    id2 = ctx_b.drop("outlet-b.txt", rewrite_headline_footer())
    ctx_b.wait(lambda: ctx_b.idle() and newsctl_json(ctx_b, "list")["total"] == 1, 20, "B archived the rewrite")
    tags = near_tags(show(ctx_b, id2))
    check(list(tags) == [f"dup:near/{id1}"], f"B's rewrite: {tags}")
    # A restarts; the fingerprints are not in its state dir.
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "SIGTERM did not make A exit 0")
    check(not (ctx.state / "near_dups.idx").exists(), "an index file beside PostgreSQL")
    ctx.start()
    id3 = ctx.drop("outlet-c.txt", rewrite_cp1252_reordered())
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list")["total"] == 2, 20, "A archived the third copy")
    tags = near_tags(show(ctx, id3))
    check(list(tags) == [f"dup:near/{id1}"], f"A's third copy after a restart: {tags}")
    rows = srv.psql("SELECT id, coalesce(root, '') FROM newsd_near_dups ORDER BY seq")
    check(rows == [[id1, ""], [id2, id1], [id3, id1]], f"rows: {rows}")
    # Each fingerprint's band hashes (16, fewer only if two coincide) go
    # with it.
    per = srv.psql("SELECT seq, count(*) FROM newsd_near_dup_bands GROUP BY seq ORDER BY seq")
    check(len(per) == 3 and all(14 <= int(n) <= 16 for _, n in per), f"band rows per fingerprint: {per}")
    srv.psql(f"DELETE FROM newsd_near_dups WHERE id = '{id2}'")
    check(srv.scalar("SELECT count(DISTINCT seq) FROM newsd_near_dup_bands") == 2, "band rows outlived their row")
    check(content_id(original()) == id1, "ids")
