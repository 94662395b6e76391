#!/usr/bin/env python3
"""Torture, JetStream (issue 14): many instances, one PostgreSQL, kills.

    python3 bench/torture_nats.py --build-dir build [-n 100000] [--kills 20] [--seed S]

N distinct articles (corpus texts under ../shared/corpus, each made unique
by a line of its own) are published to a JetStream work-queue stream of a
nats-server started here, while 3 newsd instances (state dirs of their
own) consume it through one shared durable consumer (input_nats) and
archive into one PostgreSQL started here (archive_pg; near_dups keeps its
fingerprints there too).  During the run a random instance is SIGKILLed
--kills times, each at a random moment of its own stretch of the run, and
restarted after a random pause; nats-server is stopped and started again
once, half-way.  The publisher waits for each message's ack and, after
an outage, publishes the rest of its chunk again: Nats-Msg-Id (the file
name) keeps repeats out of the stream.

At the end it checks the invariant: every article in PostgreSQL exactly
once (the ids are the published ones, none twice, every original there),
nothing in any failed/, inbox/ or work/, the consumer with nothing pending
or unacknowledged and the work-queue stream empty.  It prints the time
from the first publish to the last article archived and acknowledged,
and articles/s.  Exit 0 when the invariant held, 1 when not, 2 when it
could not run (no nats-server, no PostgreSQL, no build, no corpus).

A figure, not a timed test: 2 shared cores, PostgreSQL without fsync.
"""
import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as core  # noqa: E402  (bench/bench.py)
import stream_rig as rig  # noqa: E402  (bench/stream_rig.py)

SHARED = os.path.join(os.path.dirname(rig.ROOT), "shared")
INSTANCES = 3
CHUNK = 1000             # messages per nats_peek call
ACK_WAIT_S = 5           # a killed instance's unacknowledged batch comes back after this

# bench.py's "c" pipeline (two keyword_taggers, tag_scorer), near_dups
# and archive_pg on the shared server; {state} is each instance's.
PIPELINE = ("\n[daemon]\nstate_dir = {state}\nplugin_dir = %(plugins)s\nlog_level = notice\n"
            + core.PIPELINES["c"].replace("%", "%%")
            + "\n[plugin.near_dups]\nso = near_dups.so\nconninfo = %(conninfo)s\n"
            "\n[plugin.archive]\nso = archive_pg.so\nconninfo = %(conninfo)s\n")


class TortureFail(Exception):
    """The run went wrong (a timeout, an instance that died by itself)."""


def corpus_texts():
    texts = []
    for sub in ("10kgnad-de", "bbc-news-en"):
        folder = os.path.join(SHARED, "corpus", sub)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(".txt"):
                with open(os.path.join(folder, name), "rb") as fh:
                    texts.append(fh.read())
    return texts


def article(texts, i):
    """Article i: a corpus text and a line that makes it unique."""
    return texts[i % len(texts)] + b"\n\nTorture JetStream, Meldung %d.\n" % i


def content_id(data):
    return hashlib.sha256(data).hexdigest()[:32]


class Publisher(threading.Thread):
    """Publishes articles 0..n-1 in chunks, again after a failure (an
    outage); the msg ids keep the repeats out of the stream."""

    def __init__(self, peek, url, texts, n, folder):
        super().__init__(daemon=True)
        self.peek, self.url, self.texts, self.n, self.folder = peek, url, texts, n, folder
        self.published = 0
        self.retries = 0
        self.error = None

    def run(self):
        try:
            for start in range(0, self.n, CHUNK):
                files = []
                for i in range(start, min(start + CHUNK, self.n)):
                    path = os.path.join(self.folder, "t%06d.txt" % i)
                    with open(path, "wb") as fh:
                        fh.write(article(self.texts, i))
                    files.append(path)
                for attempt in range(60):
                    ok, err = self.peek.publish(self.url, "articles.in", files)
                    if ok:
                        break
                    self.retries += 1
                    time.sleep(0.5)
                else:
                    raise rig.RigError("publishing failed 60 times: " + err)
                for path in files:
                    os.unlink(path)
                self.published = min(start + CHUNK, self.n)
        except Exception as e:  # reported by the main thread
            self.error = e


def run(args, workdir):
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    for so in ("input_nats.so", "archive_pg.so", "near_dups.so"):
        if not os.path.exists(os.path.join(plugins, so)):
            raise rig.RigError("%s is not built in %s (libnats-dev, libpq-dev)" % (so, plugins))
    texts = corpus_texts()
    if not texts:
        raise rig.RigError("no corpus under " + os.path.join(SHARED, "corpus"))
    peek = rig.Peek(build)
    rng = random.Random(args.seed)
    pg = rig.Postgres()
    nats = None
    insts = []
    try:
        nats = rig.Nats(workdir)
        nats.start()   # stopped in the finally even when it fails to get ready
        conf = PIPELINE % {"plugins": plugins, "conninfo": pg.conninfo}
        conf += rig.input_nats_section(nats.url, batch=64, max_ack_pending=args.max_ack_pending,
                                       ack_wait_s=ACK_WAIT_S)
        insts = [rig.Instance(newsd, workdir, "newsd-%d" % (k + 1), conf) for k in range(INSTANCES)]
        for inst in insts:
            inst.start()
        print("torture_nats: %d articles, %d instances, %d kills, seed %d; PostgreSQL %s; nats %s"
              % (args.n, INSTANCES, args.kills, args.seed, pg.conninfo, nats.url), flush=True)
        msgs = os.path.join(workdir, "msgs")
        os.makedirs(msgs)
        pub = Publisher(peek, nats.url, texts, args.n, msgs)
        t0 = time.monotonic()
        pub.start()

        # Kill k at a random count in the k-th of kills+1 stretches of the
        # run; the nats-server restart at the middle one.
        stretch = args.n / (args.kills + 1)
        goals = [int(stretch * (k + rng.uniform(0.3, 1.0))) for k in range(args.kills)]
        restart_at = int(args.n * 0.5)
        events = []
        restarted = False
        deadline = time.monotonic() + args.timeout
        last_note = 0
        for goal in goals + [None]:
            while True:
                if pub.error:
                    raise pub.error
                if time.monotonic() > deadline:
                    raise TortureFail("timed out with %d of %d archived" % (pg.count(), args.n))
                for inst in insts:
                    if not inst.alive():
                        raise TortureFail("%s died by itself; see %s" % (inst.name, inst.log_path))
                have = pg.count()
                if time.monotonic() - last_note > 15:
                    last_note = time.monotonic()
                    print("torture_nats: %6.1fs: %d published, %d archived, %d kills so far"
                          % (time.monotonic() - t0, pub.published, have, len(events)), flush=True)
                if not restarted and have >= restart_at:
                    t = time.monotonic()
                    nats.stop()
                    time.sleep(rng.uniform(0.5, 2.0))
                    nats.start()
                    restarted = True
                    events.append("nats-server restarted at %d archived (%.1fs down)" % (have, time.monotonic() - t))
                if goal is None or have >= goal:
                    break
                time.sleep(0.2)
            if goal is None:
                break
            inst = rng.choice(insts)
            backlog = inst.backlog()
            inst.kill()
            pause = rng.uniform(0, 2.0)
            time.sleep(pause)
            inst.start()
            events.append("kill %2d: %s at %d archived, %d in its inbox/work, back after %.1fs"
                          % (len([e for e in events if e.startswith("kill")]) + 1, inst.name, have, backlog, pause))

        # Everything archived, acknowledged and out of the inboxes.
        while True:
            if pub.error:
                raise pub.error
            if time.monotonic() > deadline:
                raise TortureFail("timed out at the end with %d of %d archived" % (pg.count(), args.n))
            if pub.published == args.n and pg.count() >= args.n and all(i.backlog() == 0 for i in insts):
                cons = peek.consumer(nats.url, "ARTICLES", "newsd")
                if cons and cons["pending"] == 0 and cons["ack_pending"] == 0:
                    break
            time.sleep(0.5)
        took = time.monotonic() - t0

        # The invariant.
        problems = []
        rows = pg.psql("SELECT id, count(*) FROM articles GROUP BY id")
        twice = [r[0] for r in rows if r[1] != "1"]
        if twice:
            problems.append("%d ids stored more than once, e.g. %s" % (len(twice), twice[:3]))
        want = {content_id(article(texts, i)) for i in range(args.n)}
        have = {r[0] for r in rows}
        if have != want:
            problems.append("%d published ids missing, %d ids never published"
                            % (len(want - have), len(have - want)))
        whole = pg.scalar("SELECT count(*) FROM articles a JOIN originals o ON o.id = a.id"
                          " WHERE octet_length(o.data) = a.size")
        if whole != len(have):
            problems.append("%d originals missing or of the wrong size" % (len(have) - whole))
        for inst in insts:
            if inst.failed():
                problems.append("%s: %d in failed/, e.g. %s" % (inst.name, len(inst.failed()), inst.failed()[:3]))
            if inst.backlog():
                problems.append("%s: %d in inbox/ or work/" % (inst.name, inst.backlog()))
        cons = peek.consumer(nats.url, "ARTICLES", "newsd")
        if not cons or cons["pending"] or cons["ack_pending"]:
            problems.append("consumer: %s" % cons)
        if not peek.stream_empty(nats.url, "ARTICLES"):
            problems.append("the work-queue stream still holds messages")
        dups = pg.scalar("SELECT count(*) FROM duplicates")
        fps = pg.count("newsd_near_dups")
        clean = all(inst.stop() for inst in insts)
        if not clean:
            problems.append("an instance did not exit 0 on SIGTERM")

        for e in events:
            print("torture_nats: " + e)
        print("torture_nats: %d articles published (%d publish retries) and consumed by %d instances into one "
              "PostgreSQL, %d SIGKILLs + restarts, 1 nats-server restart: %.1f s, %.0f articles/s"
              % (args.n, pub.retries, INSTANCES, len(goals), took, args.n / took))
        print("torture_nats: PostgreSQL %d articles, %d distinct; %d repeats recorded as duplicates "
              "(redeliveries); consumer %s; %d near_dups fingerprints" % (len(rows), len(have), dups, cons, fps))
        if problems:
            for p in problems:
                print("torture_nats: FAILED: " + p)
            return 1
        print("torture_nats: the invariant held: every article in PostgreSQL exactly once, nothing failed, "
              "nothing pending or unacknowledged, the stream empty (seed %d)" % args.seed)
        return 0
    finally:
        for inst in insts:
            inst.kill()
        if nats:
            nats.stop()
        pg.remove()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-ack-pending", type=int, default=1000,
                    help="input_nats max_ack_pending (64, the batch, shows the stall after a kill)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds the whole run may take")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs, state dirs)")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = time.time_ns() % 1000000
    workdir = tempfile.mkdtemp(prefix="newsd-torture-nats-")
    try:
        return run(args, workdir)
    except rig.RigError as e:
        print("torture_nats: could not run: %s (logs in %s)" % (e, workdir))
        args.keep = True
        return 2
    except TortureFail as e:
        print("torture_nats: FAILED: %s (logs in %s)" % (e, workdir))
        args.keep = True
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("torture_nats: kept " + workdir)


if __name__ == "__main__":
    sys.exit(main())
