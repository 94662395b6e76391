#!/usr/bin/env python3
"""Streaming benchmark: figures, not a pass/fail test.

    python3 bench/bench_stream.py --build-dir build-release [-n 2000] [--archives fs,sqlite,pg]

For each archive (archive_fs, archive_sqlite, archive_pg), on the bench
pipeline (bench/bench.py's "c": two keyword_taggers and tag_scorer):

1. inbox:     N articles renamed into a running daemon's inbox: articles/s
              from the first drop to the last archived.
2. jetstream: the same number of articles published beforehand to a
              JetStream stream of a nats-server started here (loopback, a
              store dir of its own), then a daemon with input_nats instead
              of the folder: articles/s from its start to the last
              archived, and the ratio to the inbox path of the same run
              and archive.  With the default max_backlog (1000) and batch
              (64).

archive_pg writes to a throwaway PostgreSQL started here (tests/pg/start.sh,
fsync off), a database of its own per run.  "Last archived" is the newest
"article ... archived" log line (written after the commit); completion is
read from the archive itself.

Needs nats-server and the build's tests/e2e/nats_peek (the publisher);
archive_pg needs PostgreSQL's server package (else it is left out, with
the reason).  Uses bench/bench.py's helpers and the same corpus.
"""
import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as core  # noqa: E402  (bench/bench.py)
import stream_rig as rig  # noqa: E402  (bench/stream_rig.py)


class Fs:
    name = "archive_fs"

    def section(self, label):
        return "so = archive_fs.so"

    def count(self, state, label):
        return core.count_ids(state)


class Sqlite:
    name = "archive_sqlite"

    def section(self, label):
        return "so = archive_sqlite.so"

    def count(self, state, label):
        db = os.path.join(state, "archive", "newsd.db")
        if not os.path.exists(db):
            return 0
        try:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
            try:
                return con.execute("SELECT count(*) FROM articles").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            return 0   # the table is not made yet


class Pg:
    """A database of its own per run on one server."""
    name = "archive_pg"

    def __init__(self):
        self.server = rig.Postgres()
        self.made = set()

    def conninfo(self, label):
        db = "bench_" + label
        if db not in self.made:
            self.server.psql("CREATE DATABASE %s" % db)
            self.made.add(db)
        return self.server.conninfo.replace("dbname=newsd", "dbname=" + db)

    def section(self, label):
        return "so = archive_pg.so\nconninfo = %s" % self.conninfo(label)

    def count(self, state, label):
        try:
            return self.server.scalar_in(self.conninfo(label), "SELECT count(*) FROM articles")
        except rig.RigError:
            return 0


def config(workdir, label, state, plugins, archive, extra):
    conf = os.path.join(workdir, label + ".ini")
    text = core.CONFIG.format(state=state, plugins=plugins, log_level="info", extra="",
                              pipeline=core.PIPELINES["c"])
    text = text.replace("so = archive_fs.so", archive.section(label))
    with open(conf, "w") as fh:
        fh.write(text + extra)
    return conf


def last_archived(log_path, t0):
    times = core.parse_times(log_path)
    return (max(times.values()) if times else time.time()) - t0


def wait_count(archive, state, label, n, proc, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if archive.count(state, label) >= n:
            return True
        time.sleep(0.2)
    return False


def inbox_run(newsd, plugins, archive, texts, n, workdir):
    label = archive.name.split("_")[1] + "_inbox"
    state = os.path.join(workdir, label)
    log_path = os.path.join(workdir, label + ".log")
    proc, log = core.start_daemon(newsd, config(workdir, label, state, plugins, archive, ""), log_path)
    tmp = os.path.join(state, "tmp")
    core.prepare(tmp, n, texts, label)
    t0 = time.time()
    for name in sorted(os.listdir(tmp)):
        os.rename(os.path.join(tmp, name), os.path.join(state, "inbox", name))
    ok = wait_count(archive, state, label, n, proc)
    core.stop(proc, log)
    return ok, last_archived(log_path, t0)


def jetstream_run(newsd, plugins, peek, archive, texts, n, workdir):
    label = archive.name.split("_")[1] + "_js"
    nats = rig.Nats(os.path.join(workdir, label + "-nats"))
    os.makedirs(os.path.dirname(nats.log), exist_ok=True)
    try:
        nats.start()
        state = os.path.join(workdir, label)
        section = ("\n[plugin.bus]\nso = input_nats.so\nurl = %s\nstream = ARTICLES\nsubject = articles.in\n"
                   "durable = newsd\ncreate_stream = true\n" % nats.url)
        log_path = os.path.join(workdir, label + ".log")
        conf = config(workdir, label, state, plugins, archive, section)
        # The daemon creates the stream; stop it, publish, start it again.
        proc, log = core.start_daemon(newsd, conf, log_path + ".first")
        deadline = time.time() + 15
        while time.time() < deadline and peek.consumer(nats.url, "ARTICLES", "newsd") is None:
            time.sleep(0.1)
        core.stop(proc, log)
        msgs = os.path.join(workdir, label + "-msgs")
        core.prepare(msgs, n, texts, label)
        files = [os.path.join(msgs, f) for f in sorted(os.listdir(msgs))]
        tp = time.time()
        ok, err = peek.publish(nats.url, "articles.in", files, with_ids=False)
        if not ok:
            print("jetstream: publishing failed: %s" % err)
            return False, 0, 0
        t_pub = time.time() - tp
        t0 = time.time()
        proc, log = core.start_daemon(newsd, conf, log_path)
        ok = wait_count(archive, state, label, n, proc)
        core.stop(proc, log)
        return ok, last_archived(log_path, t0), t_pub
    finally:
        nats.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build-release")
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--archives", default="fs,sqlite,pg", help="comma-separated: fs, sqlite, pg")
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    try:
        peek = rig.Peek(build)
    except rig.RigError as e:
        print("stream: %s" % e)
        return 2
    if not os.path.exists(os.path.join(plugins, "input_nats.so")):
        print("stream: input_nats.so not built (libnats-dev missing?)")
        return 2
    texts = core.corpus_texts()
    workdir = tempfile.mkdtemp(prefix="newsd-bench-stream-")
    archives, pg = [], None
    try:
        for a in args.archives.split(","):
            if a == "fs":
                archives.append(Fs())
            elif a == "sqlite":
                archives.append(Sqlite())
            elif a == "pg":
                if not os.path.exists(os.path.join(plugins, "archive_pg.so")):
                    print("stream: archive_pg left out: archive_pg.so not built (libpq-dev missing?)")
                    continue
                try:
                    pg = Pg()
                except rig.RigError as e:
                    print("stream: archive_pg left out: %s" % e)
                    continue
                archives.append(pg)
            else:
                print("stream: unknown archive %r (fs, sqlite, pg)" % a)
                return 2
        status = 0
        for archive in archives:
            ok_in, t_in = inbox_run(newsd, plugins, archive, texts, args.n, workdir)
            ok_js, t_js, t_pub = jetstream_run(newsd, plugins, peek, archive, texts, args.n, workdir)
            if not (ok_in and ok_js):
                print("stream: %s: not all archived (inbox %s, jetstream %s)" % (archive.name, ok_in, ok_js))
                status = 1
                continue
            print("stream: %d articles into %s: inbox %.0f articles/s; JetStream -> input_nats %.0f articles/s "
                  "(%.2f of the inbox path; published beforehand in %.1f s)"
                  % (args.n, archive.name, args.n / t_in, args.n / t_js, t_in / t_js, t_pub), flush=True)
        return status
    finally:
        if pg:
            pg.server.remove()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
