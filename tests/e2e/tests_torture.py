"""Crash torture (issue #12): rounds of a burst of articles, a SIGKILL at a
random moment, a restart, and the invariant check, for each archive.

    NEWSD_TORTURE_ROUNDS   rounds per archive (default 10; `make torture`: 100)
    NEWSD_TORTURE_SEED     the random seed (default: from the clock; every
                           test prints the one it used, so a failing run
                           can be repeated)

A round drops a burst of distinct articles (and a few copies of articles of
earlier rounds, under new names) and kills newsd with SIGKILL at a moment
drawn at random, in one of three ways:

    burst     the burst dropped, the kill some time into its processing
    dropping  the kill half-way through dropping; the rest is dropped while
              newsd is down, as producers do not wait for it
    restart   a kill in the burst, then a second one right after the
              restart, while newsd resumes what the first left in work/

After the restart the round waits for the daemon to settle and checks the
invariant over everything dropped so far: every article archived exactly
once (one record, one original that hashes to its id), nothing lost,
nothing in failed/, inbox/ and work/ empty.  The archives are archive_fs,
archive_sqlite and archive_pg; archive_pg only where tests/pg/start.sh can
start a server (else the test says why it skipped, as tests_pg does).

max_attempts is raised: an article that happens to be in flight at three
kills in a row is what the poison rule is for, but here the kills are ours,
not the article's, and the invariant says nothing goes to failed/.
"""

import os
import random
import signal
import time

from __main__ import check, content_id, distinct_articles, listdir, test
import tests_pg
import tests_sqlite

ROUNDS = int(os.environ.get("NEWSD_TORTURE_ROUNDS", "10"))
SEED = os.environ.get("NEWSD_TORTURE_SEED")
BURST = (20, 60)          # distinct articles per round, drawn in this range
COPIES = 3                # copies of earlier articles per round, under new names
SETTLE = 60               # seconds a round may take to be fully archived after its kills
MODES = (("burst", 0.6), ("dropping", 0.2), ("restart", 0.2))
# A round takes a few seconds, ten under the sanitizers.
TIMEOUT = 90 + 12 * ROUNDS


def slow(ctx):
    """A plugin that takes a few ms per article, with small batches (see
    torture()), so that a burst spans many commits for the kills to land
    between, as a burst of real articles does."""
    return ctx.crashy_section(sleep_ms=3)


class FsArchive:
    name = "archive_fs"

    def plugins(self, ctx):
        return ctx.plugins_with(slow(ctx))

    def count(self, ctx):
        return len(ctx.ids())

    def settled(self, ctx, ids):
        return ctx.idle() and ids <= ctx.ids()

    def verify(self, ctx, ids):
        # one record and one .orig per id, each hashing to its id
        ctx.verify_archive(expect_ids=ids)
        for dup in ctx.duplicates():
            check(dup.get("id") in ids, f"duplicates.jsonl names an id never archived: {dup}")
        return f"stray .tmp files: {len(ctx.stray_tmp())}"


class SqliteArchive:
    name = "archive_sqlite"

    def plugins(self, ctx):
        return tests_sqlite.sqlite_plugins(ctx, slow(ctx))

    def count(self, ctx):
        return len(tests_sqlite.db_ids(ctx))

    def settled(self, ctx, ids):
        return ctx.idle() and ids <= set(tests_sqlite.db_ids(ctx))

    def verify(self, ctx, ids):
        # ids unique, originals hash to them, full-text index complete
        tests_sqlite.verify_db(ctx, ids)
        bad = tests_sqlite.query(ctx, "SELECT id FROM duplicates WHERE id NOT IN (SELECT id FROM articles)")
        check(not bad, f"duplicates of ids never archived: {bad[:5]}")
        (dups,) = tests_sqlite.query(ctx, "SELECT count(*) FROM duplicates")[0]
        return f"duplicates recorded: {dups}"


class PgArchive:
    name = "archive_pg"

    def __init__(self, srv):
        self.srv = srv

    def plugins(self, ctx):
        return tests_pg.pg_plugins(self.srv, slow(ctx))

    def count(self, ctx):
        return self.srv.scalar("SELECT count(*) FROM articles")

    def settled(self, ctx, ids):
        return ctx.idle() and ids <= set(tests_pg.db_ids(self.srv))

    def verify(self, ctx, ids):
        rows = self.srv.psql("SELECT id, count(*) FROM articles GROUP BY id")
        twice = [r[0] for r in rows if r[1] != "1"]
        check(not twice, f"ids stored more than once: {twice[:5]}")
        have = {r[0] for r in rows}
        check(have == ids, f"archived ids differ: {len(have - ids)} unexpected, {len(ids - have)} missing")
        n = self.srv.scalar("SELECT count(*) FROM articles a JOIN originals o ON o.id = a.id"
                            " WHERE octet_length(o.data) = a.size")
        check(n == len(ids), f"{len(ids) - n} originals missing or of the wrong size")
        bad = self.srv.psql("SELECT id FROM duplicates WHERE id NOT IN (SELECT id FROM articles)")
        check(not bad, f"duplicates of ids never archived: {bad[:5]}")
        return f"duplicates recorded: {self.srv.scalar('SELECT count(*) FROM duplicates')}"


def drop_all(ctx, arts):
    """The safe producer protocol (write to tmp/, rename into inbox/)."""
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)


def kill(ctx):
    d = ctx.daemon
    if d.alive():
        d.proc.send_signal(signal.SIGKILL)
    d.wait_exit(10)


def wait_for_moment(ctx, archive, rng, base, n):
    """A random moment in the burst: half the time some way into it by
    the clock (claims, parsing, the first batch), half the time once a
    random share of it is archived, plus a little (between the commits)."""
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0, 0.15))
        return
    goal = base + rng.randint(0, n - 1)
    deadline = time.monotonic() + 10
    while archive.count(ctx) < goal and not ctx.idle() and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.02))


def torture(ctx, archive):
    seed = int(SEED) if SEED else time.time_ns() % 1000000
    rng = random.Random(seed)
    print(f"note: {archive.name}: {ROUNDS} rounds, NEWSD_TORTURE_SEED={seed}")
    ctx.write_config(archive.plugins(ctx), max_attempts=100, batch_size=8)
    ctx.start()
    dropped = {}              # id -> bytes, everything dropped so far
    results = []
    in_flight = 0             # kills that found articles in work/
    for r in range(1, ROUNDS + 1):
        mode = rng.choices([m for m, _ in MODES], [w for _, w in MODES])[0]
        arts = distinct_articles(rng.randint(*BURST), f"r{r:03d}")
        earlier = list(dropped.values())
        for i in range(min(COPIES, len(earlier))):
            arts.append((f"r{r:03d}_copy_{i}.txt", rng.choice(earlier)))
        rng.shuffle(arts)
        for _, data in arts:
            dropped[content_id(data)] = data
        ids = set(dropped)

        t0 = time.monotonic()
        base = archive.count(ctx)
        if mode == "dropping":
            half = len(arts) // 2
            drop_all(ctx, arts[:half])
            time.sleep(rng.uniform(0, 0.1))
            at = time.monotonic() - t0
            kill(ctx)
            drop_all(ctx, arts[half:])
        else:
            drop_all(ctx, arts)
            wait_for_moment(ctx, archive, rng, base, len(arts))
            at = time.monotonic() - t0
            kill(ctx)
        in_work = len(ctx.work_files())
        in_flight += in_work > 0
        archived_at_kill = archive.count(ctx)
        kills = 1
        if mode == "restart":
            # resuming work/ may crash before 'ready': do not wait for it
            ctx.start(wait_ready=False)
            time.sleep(rng.uniform(0, 0.3))
            kill(ctx)
            kills = 2
        t_restart = time.monotonic()
        ctx.start()
        ctx.wait(lambda: archive.settled(ctx, ids), SETTLE,
                 f"round {r}: all {len(ids)} articles archived after the kill", interval=0.1)
        recovered = time.monotonic() - t_restart

        # the invariant, over everything dropped so far
        check(not ctx.failed_items(), f"round {r}: articles in failed/: {ctx.failed_items()[:5]}")
        check(not ctx.work_files(), f"round {r}: work/ not empty: {ctx.work_files()[:5]}")
        check(not listdir(ctx.inbox), f"round {r}: inbox/ not empty: {listdir(ctx.inbox)[:5]}")
        extra = archive.verify(ctx, ids)
        results.append(f"round {r:3d} {mode:8s} {kills} kill(s) at {at:5.2f}s: "
                       f"{archived_at_kill} archived and {in_work} in work/ at the kill; "
                       f"{len(ids)} archived exactly once {recovered:5.2f}s after the restart; "
                       f"failed/ 0, work/ 0; {extra}")
    for line in results:
        print(f"note: {line}")
    print(f"note: {archive.name}: {ROUNDS} rounds, {len(dropped)} distinct articles, {in_flight} kills "
          f"with articles in work/; the invariant held after every round (seed {seed})")


@test(timeout=TIMEOUT, heavy=True)
def torture_archive_fs(ctx):
    torture(ctx, FsArchive())


@test(timeout=TIMEOUT, heavy=True)
def torture_archive_sqlite(ctx):
    torture(ctx, SqliteArchive())


@test(timeout=TIMEOUT + 30, heavy=True)
@tests_pg.with_server
def torture_archive_pg(ctx, srv):
    torture(ctx, PgArchive(srv))
