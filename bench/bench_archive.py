#!/usr/bin/env python3
"""archive_sqlite benchmark: figures, not a pass/fail test.

    python3 bench/bench_archive.py --build-dir build-release [-n 20000] [--search-n 100000]

1. throughput: N articles renamed into a running daemon whose archive is
   archive_sqlite (WAL, synchronous=FULL, one transaction per batch);
   articles/s from the first drop to the last "archived" log line.  The
   full-text index is built behind the commits (indexer.c), so two more
   figures: when the burst is fully indexed, and the index lag of single
   articles dropped one at a time afterwards (archived -> searchable).
2. size: database bytes per article after that run (the daemon checkpoints
   the WAL when it stops), split by table and index (dbstat).
3. search: the database is grown to --search-n articles by copying the
   archived rows under new ids through SQL and indexing them with the SQL
   the plugin's indexer runs (the plugin is not involved in the copy), then
   two-word queries are timed with exactly the SQL that answer()'s search
   op runs (count + ranked page of 20 with snippets), p50/p99; then the
   same queries with a tag and a minimum score as filters (since ABI 1.4).

Targets (issue 4): >= 5,000 articles/s; search p99 < 20 ms over 100,000
articles.  Uses bench/bench.py's helpers and the same corpus.
"""
import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as core  # noqa: E402  (bench/bench.py)

# The SQL of query.c's op_search, with ß folded the same way.
COUNT_SQL = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1"
HITS_SQL = ("SELECT a.id, a.title, a.score_total, a.received,"
            " snippet(articles_fts, -1, '[', ']', '…', 16), rank"
            " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
            " WHERE articles_fts MATCH ?1 AND rank MATCH 'bm25(5.0, 1.0)'"
            " ORDER BY rank LIMIT 20 OFFSET 0")

# The same with filters (since plugin ABI 1.4 a search applies list's
# filters): query.c joins the article row and adds where_clause()'s
# conditions, here a tag and a minimum score.
# Since schema 7 the lookup by tag name is tag_index (indexed rows) and
# tags by seq (rows above the mark).
FILTERS = (" AND a.seq IN (SELECT seq FROM tag_index WHERE name = ?2 UNION ALL SELECT seq FROM tags"
           " WHERE seq > (SELECT seq FROM fts_mark) AND name = ?2) AND a.score_total >= ?3")
FILTERED_COUNT_SQL = ("SELECT count(*) FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
                      " WHERE articles_fts MATCH ?1" + FILTERS)
FILTERED_HITS_SQL = HITS_SQL.replace(" ORDER BY rank", FILTERS + " ORDER BY rank")

QUERIES = ["Huawei Chips", "Regierung Wien", "Polizei Festnahme", "Bundesliga Trainer",
           "Prime Minister", "Euro Milliarden", "football club", "Chiphersteller Nvidia",
           "Österreich Wahl", "Google Apple", "Schule Kinder", "election Labour",
           "Lücke schließen", "film award", "Mobilfunk Netz", "Bank Zinsen"]


# The C pipeline of bench.py, archiving with archive_sqlite.
CONFIG = core.CONFIG.replace("so = archive_fs.so", "so = archive_sqlite.so")


def sqlite_config(workdir, state, plugins):
    conf = os.path.join(workdir, "newsd.ini")
    text = CONFIG.format(state=state, plugins=plugins, log_level="info", extra="",
                         pipeline=core.PIPELINES["c"])
    with open(conf, "w") as fh:
        fh.write(text)
    return conf


def db_count(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


FOLD = "replace(replace(%s, 'ß', 'ss'), 'ẞ', 'SS')"


def pending(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM articles WHERE seq > (SELECT seq FROM fts_mark)").fetchone()[0]
    finally:
        con.close()


def index_lag(db, state, probes=20):
    """Drop articles one at a time into the idle daemon; per article, the
    time from its row being committed to its word being found by search."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    lags, totals = [], []
    try:
        for i in range(probes):
            last = con.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
            word = "zzlagprobe%dq" % i
            w = word.encode()
            tmp = os.path.join(state, "tmp", "lag%d.txt" % i)
            with open(tmp, "wb") as fh:
                # A short article of its own: appended to a corpus text the
                # word could fall into a trailer the parser cuts off.
                fh.write(b"Lag probe %s\n\nThe index follows the commits: %s.\n" % (w, w))
            t0 = time.perf_counter()
            os.rename(tmp, os.path.join(state, "inbox", "lag%d.txt" % i))
            t_arch = t_idx = None
            deadline = t0 + 30
            while time.perf_counter() < deadline and t_idx is None:
                if t_arch is None and con.execute("SELECT max(seq) FROM articles").fetchone()[0] > last:
                    t_arch = time.perf_counter()
                if t_arch is not None and con.execute(
                        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (word,)).fetchone()[0]:
                    t_idx = time.perf_counter()
                else:
                    time.sleep(0.002)
            if t_idx is None:
                print("index lag: probe %d not searchable within 30 s" % i)
                continue
            lags.append((t_idx - t_arch) * 1000)
            totals.append((t_idx - t0) * 1000)
            time.sleep(0.2)
    finally:
        con.close()
    if lags:
        lags.sort()
        totals.sort()
        print("index lag: %d single articles: committed -> searchable p50 %.0f ms, max %.0f ms;"
              " dropped -> searchable p50 %.0f ms, max %.0f ms (2 ms polling)" %
              (len(lags), statistics.median(lags), lags[-1], statistics.median(totals), totals[-1]))


def throughput(newsd, plugins, texts, n, workdir):
    state = os.path.join(workdir, "state")
    db = os.path.join(state, "archive", "newsd.db")
    conf = sqlite_config(workdir, state, plugins)
    log_path = os.path.join(workdir, "daemon.log")
    proc, log = core.start_daemon(newsd, conf, log_path)
    tmp = os.path.join(state, "tmp")
    avg = core.prepare(tmp, n, texts, "s")
    names = sorted(os.listdir(tmp))
    t0 = time.time()
    for name in names:
        os.rename(os.path.join(tmp, name), os.path.join(state, "inbox", name))
    t_drop = time.time() - t0
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        if core.is_empty(os.path.join(state, "inbox")) and core.is_empty(os.path.join(state, "work")):
            break
        time.sleep(0.05)
    while time.time() < deadline and proc.poll() is None and pending(db) > 0:
        time.sleep(0.05)
    t_indexed = time.time()
    left = pending(db)
    index_lag(db, state)
    rss = core.peak_rss_kib(proc.pid)
    core.stop(proc, log)
    # The lag probes (lag*.txt) came after the burst: not part of the rate.
    done = {k: v for k, v in core.parse_times(log_path).items() if not k.startswith("lag")}
    stored = db_count(db) - sum(1 for k in core.parse_times(log_path) if k.startswith("lag"))
    last = max(done.values()) if done else time.time()
    rate = len(done) / max(last - t0, 1e-9)
    print("throughput: %d articles (avg %.0f bytes), dropped in %.2f s%s" %
          (n, avg, t_drop, "" if stored == n else " -- ONLY %d IN THE DATABASE" % stored))
    print("throughput: %.0f articles/s end to end with archive_sqlite (target >= 5000)" % rate)
    print("throughput: peak RSS %.1f MiB" % (rss / 1024))
    print("index: the burst fully searchable %.1f s after the first drop, %.1f s after the last"
          " article was archived (%.0f articles/s archived and indexed)%s" %
          (t_indexed - t0, t_indexed - last, len(done) / max(t_indexed - t0, 1e-9),
           "" if left == 0 else " -- %d STILL PENDING" % left))
    return db, avg


def size(db, avg):
    n = db_count(db)
    total = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0)
    print("size: %.0f bytes per article in the database (%d articles, %.1f MiB; originals avg %.0f"
          " bytes are included)" % (total / n, n, total / 2**20, avg))
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        rows = con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except sqlite3.Error:
        rows = []
    finally:
        con.close()
    groups = {}
    for name, b in rows:
        key = ("fts index" if name.startswith("articles_fts") else
               "originals" if name.startswith("originals") or name == "sqlite_autoindex_originals_1" else
               "tags/rules/meta" if name.split("_")[0] in ("tags", "score", "meta") else
               "articles (text)" if name.startswith("articles") or "articles" in name else name)
        groups[key] = groups.get(key, 0) + b
    if groups:
        print("size: per article: " + ", ".join("%s %.0f" % (k, v / n) for k, v in
                                               sorted(groups.items(), key=lambda kv: -kv[1])))


def grow(db, target):
    """Copy the archived rows under new ids until there are target."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    t0 = time.time()
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    base = n
    round_ = 0
    while n < target:
        round_ += 1
        take = min(base, target - n)
        with con:
            con.execute("DROP TABLE IF EXISTS temp.m")
            con.execute("CREATE TEMP TABLE m AS SELECT id AS old, lower(hex(randomblob(16))) AS new"
                        " FROM articles ORDER BY seq LIMIT ?", (take,))
            con.execute("INSERT INTO articles (id, source, size, format, encoding, received, processed,"
                        " title, body, lang, url, author, published, score_total)"
                        " SELECT m.new, a.source, a.size, a.format, a.encoding, a.received, a.processed,"
                        " a.title, a.body || ' copy' || ?1, a.lang, a.url, a.author, a.published,"
                        " a.score_total FROM m JOIN articles a ON a.id = m.old", (round_,))
            # tags are keyed by the article's seq (schema 6)
            con.execute("INSERT INTO tags SELECT n.seq, t.pos, t.name, t.weight, t.plugin"
                        " FROM m JOIN articles o ON o.id = m.old JOIN articles n ON n.id = m.new"
                        " JOIN tags t ON t.seq = o.seq")
        n += take
    # What indexer.c does, in one go: index the rows above the mark.
    with con:
        con.execute("INSERT INTO articles_fts (rowid, title, body) SELECT seq, %s, %s FROM articles"
                    " WHERE seq > (SELECT seq FROM fts_mark) ORDER BY seq" % (FOLD % "title", FOLD % "body"))
        con.execute("INSERT OR IGNORE INTO tag_index (name, seq) SELECT name, seq FROM tags"
                    " WHERE seq > (SELECT seq FROM fts_mark) ORDER BY name, seq")
        con.execute("UPDATE fts_mark SET seq = (SELECT max(seq) FROM articles)")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print("search: grew the database to %d articles in %.1f s (SQL copies of the archived rows)" %
          (n, time.time() - t0))


def search(db, rounds, count_sql=COUNT_SQL, hits_sql=HITS_SQL, extra=(), what="two-word queries"):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rng = random.Random(4)
    for q in QUERIES:            # warm the page cache once, as a running daemon would be
        con.execute(count_sql, (q,) + extra).fetchone()
        con.execute(hits_sql, (q,) + extra).fetchall()
    lat, totals = [], {}
    for _ in range(rounds):
        q = rng.choice(QUERIES).replace("ß", "ss")
        t0 = time.perf_counter()
        total = con.execute(count_sql, (q,) + extra).fetchone()[0]
        con.execute(hits_sql, (q,) + extra).fetchall()
        lat.append((time.perf_counter() - t0) * 1000)
        totals[q] = total
    con.close()
    lat.sort()
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print("search: %d %s over %d articles: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
          " (target p99 < 20 ms)" % (rounds, what, db_count(db), p50, p99, lat[-1]))
    print("search: hits per query: " + ", ".join("%s=%d" % kv for kv in sorted(totals.items())))


def search_filtered(db, rounds):
    """The same queries with a tag filter (the most common tag) and a minimum score."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    row = con.execute("SELECT name, count(*) FROM tags GROUP BY name ORDER BY 2 DESC LIMIT 1").fetchone()
    con.close()
    if not row:
        print("search: no tags in the database: no filtered figures")
        return
    search(db, rounds, FILTERED_COUNT_SQL, FILTERED_HITS_SQL, (row[0], 1.0),
           "queries with tag=%s (%d articles) and min_score=1" % row)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(core.ROOT, "build-release"))
    ap.add_argument("-n", type=int, default=20000, help="articles for the throughput run")
    ap.add_argument("--search-n", type=int, default=100000, help="articles for the search run")
    ap.add_argument("--rounds", type=int, default=500, help="timed search queries")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()

    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    if not os.access(newsd, os.X_OK) or not os.path.exists(os.path.join(plugins, "archive_sqlite.so")):
        sys.exit("bench_archive: %s or archive_sqlite.so not built" % newsd)
    texts = core.corpus_texts()
    workdir = tempfile.mkdtemp(prefix="newsd-bench-sqlite-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    print("newsd archive bench: %s, %d CPUs, SQLite %s, state under %s" %
          (newsd, os.cpu_count(), sqlite3.sqlite_version, workdir))
    try:
        db, avg = throughput(newsd, plugins, texts, args.n, workdir)
        size(db, avg)
        grow(db, args.search_n)
        search(db, args.rounds)
        search_filtered(db, args.rounds)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
