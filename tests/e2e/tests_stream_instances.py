"""End-to-end test of many newsd instances, one archive (docs/operations.md,
"Many instances, one archive"): three daemons on state dirs of their own
(standing in for three machines) share one durable pull consumer of a
JetStream work-queue stream (input_nats) and archive into one PostgreSQL
(archive_pg), with near_dups' fingerprints in PostgreSQL too (conninfo).

A real nats-server (tests_stream.NatsServer) and a throwaway PostgreSQL
(tests_pg.Server) are started here.  Where either cannot start, the test
fails and says why: it does not skip (CI installs both, make deps).

Loaded by run.py; every test here is named stream_*.
"""

import signal
import time

from __main__ import test, check, Fail, content_id, distinct_articles, listdir
from tests_control import newsctl_json
from tests_pg import Server, pg_plugins, second_ctx
from tests_stream import NatsServer, need, nats_publish, nats_consumer, kill_daemon

STREAM, SUBJECT, DURABLE = "ARTICLES", "articles.in", "newsd"


def pg_server(ctx):
    """A throwaway PostgreSQL server, or Fail with the reason."""
    need(ctx.plugin_dir / "archive_pg.so", "archive_pg (libpq-dev)")
    srv = Server(ctx)
    if not srv.start(first=True):
        srv.remove()
        raise Fail(f"no PostgreSQL server could be started: {srv.skip_reason}")
    return srv


def conninfo(srv):
    """The server's, without GSSAPI encryption (trust auth needs none): a
    libpq that tries it initialises Kerberos, whose thread-specific data
    LeakSanitizer reports as lost once newsd has unloaded the plugins at
    exit (libkrb5support's krb5int_setspecific)."""
    return srv.conninfo + " gssencmode=disable"


def instance_plugins(ctx, srv, nats_url):
    """One instance's pipeline: the default tags and scorer, near_dups in
    PostgreSQL, archive_pg, and input_nats on the shared durable.  A few ms
    per article (tests/e2e/crashy) keep a wave in flight for the kills to
    land in, as a stream of real articles does."""
    near = ("near_dups", {"so": "near_dups.so", "conninfo": conninfo(srv)})
    slow = ctx.crashy_section(sleep_ms=8)
    bus = ("bus", {"so": "input_nats.so", "url": nats_url, "stream": STREAM, "subject": SUBJECT,
                   "durable": DURABLE, "create_stream": "true", "retention": "workqueue",
                   "batch": "16", "max_ack_pending": "256", "ack_wait_s": "2", "max_backlog": "40"})
    plugins = pg_plugins(srv, slow, near, bus)
    return plugins[:-1] + [("archive", {"so": "archive_pg.so", "conninfo": conninfo(srv)})]


def archived(ctx_name_log):
    """Articles an instance archived, from its log ('article NAME ID: archived')."""
    return sum(1 for l in ctx_name_log.read_text(errors="replace").splitlines() if ": archived" in l)


def publish(ctx, url, arts, folder):
    files, ids = [], set()
    for name, data in arts:
        (folder / name).write_bytes(data)
        files.append(folder / name)
        ids.add(content_id(data))
    nats_publish(ctx, url, SUBJECT, files)
    return ids


def nats_consumer_or_none(ctx, url):
    try:
        return nats_consumer(ctx, url, STREAM, DURABLE)
    except Fail:
        return None


def pg_count(srv):
    return srv.scalar("SELECT count(*) FROM articles")


def rewritten(data):
    """The same story under a new headline with its first paragraph dropped:
    a near duplicate, with another id."""
    lines = data.decode().split("\n")
    body = [l for l in lines[1:] if l.strip()]
    return ("Neu betitelt: " + lines[0] + "\n\n" + "\n\n".join(body[1:]) + "\n").encode()


@test(timeout=110)
def stream_nats_three_instances_one_pg(ctx):
    """Three instances, one work-queue stream, one PostgreSQL, started
    before nats-server (one stopped by SIGTERM while it is away): 600 articles
    published in three waves; each instance SIGKILLed once (and restarted)
    mid-wave, nats-server restarted once; every article in PostgreSQL
    exactly once whichever instance took it, each instance took a share,
    nothing failed, the consumer has nothing pending or unacknowledged, a
    rewrite of an article taken by any instance is tagged dup:near by the
    shared fingerprints, and no instance keeps near_dups.idx."""
    need(ctx.plugin_dir / "input_nats.so", "input_nats (libnats-dev)")
    need(ctx.build / "tests" / "e2e" / "nats_peek", "nats_peek (libnats-dev)")
    nats = NatsServer(ctx)
    srv = None
    insts = [ctx]
    try:
        srv = pg_server(ctx)
        insts += [second_ctx(ctx, "b"), second_ctx(ctx, "c")]
        # The instances come up before the broker: input_nats waits for it
        # without holding up a stop (a SIGTERM meanwhile exits at once).
        for c in insts:
            c.write_config(instance_plugins(ctx, srv, nats.url))
            c.start()
        insts[2].daemon.signal(signal.SIGTERM)
        check(insts[2].daemon.wait_exit(10) == 0, "SIGTERM with nats-server away: exit code not 0")
        insts[2].start()
        nats.start()
        ctx.wait(lambda: nats_consumer_or_none(ctx, nats.url) is not None, 20,
                 "an instance made the stream and the consumer once nats-server came", daemon=None)
        msgs = ctx.base / "msgs"
        msgs.mkdir()
        arts = distinct_articles(600, "many")
        ids = set()
        t0 = time.monotonic()

        def wait_pg(n, what):
            ctx.wait(lambda: pg_count(srv) >= n, 60, what, daemon=None, interval=0.1)

        at_kills = []

        def kill(c):
            kill_daemon(c.daemon)
            at_kills.append(f"{c.name[-1] if c is not ctx else 'a'}: {len(c.work_files())} in work/, "
                            f"{len(listdir(c.inbox))} in inbox/")

        def restart(c):
            kill(c)
            c.start()

        # Wave 1; instance a is killed once a third of it is in.
        ids |= publish(ctx, nats.url, arts[:200], msgs)
        wait_pg(70, "70 of wave 1 in PostgreSQL")
        restart(insts[0])
        # Wave 2; b is killed, and nats-server restarts while b is down.
        ids |= publish(ctx, nats.url, arts[200:400], msgs)
        wait_pg(270, "270 in PostgreSQL (wave 2)")
        kill(insts[1])
        nats.stop()
        time.sleep(0.5)
        nats.start()
        insts[1].start()
        # Wave 3; c is killed mid-wave.
        ids |= publish(ctx, nats.url, arts[400:], msgs)
        wait_pg(470, "470 in PostgreSQL (wave 3)")
        restart(insts[2])

        def settled():
            if pg_count(srv) < len(ids) or not all(c.idle() for c in insts):
                return False
            cons = nats_consumer(ctx, nats.url, STREAM, DURABLE)
            return cons["pending"] == 0 and cons["ack_pending"] == 0
        ctx.wait(settled, 60, f"all {len(ids)} in PostgreSQL, every inbox empty, nothing pending",
                 daemon=None, interval=0.2)
        took = time.monotonic() - t0

        rows = srv.psql("SELECT id, count(*) FROM articles GROUP BY id")
        twice = [r[0] for r in rows if r[1] != "1"]
        check(not twice, f"ids stored more than once: {twice[:5]}")
        have = {r[0] for r in rows}
        check(have == ids, f"PostgreSQL holds {len(have - ids)} unexpected ids and misses {len(ids - have)}")
        check(srv.scalar("SELECT count(*) FROM articles a JOIN originals o ON o.id = a.id"
                         " WHERE octet_length(o.data) = a.size") == len(ids), "an original is missing")
        for c in insts:
            check(not c.failed_items(), f"{c.name}: failed/ holds {c.failed_items()[:5]}")
            check(not (c.state / "near_dups.idx").exists(), f"{c.name}: near_dups.idx in its state dir")
            c.assert_alive("at the end")
        shares = [archived(c.log_path) for c in insts]
        check(all(n > 0 for n in shares), f"an instance took no article: archived per instance {shares}")
        cons = nats_consumer(ctx, nats.url, STREAM, DURABLE)
        dups = srv.scalar("SELECT count(*) FROM duplicates")

        # Near-duplicate state is shared: a rewrite of a wave-1 article is
        # recognised whichever instance takes it.
        orig_name, orig = arts[5]
        copy_id = publish(ctx, nats.url, [("rewrite_" + orig_name, rewritten(orig))], msgs).pop()
        ctx.wait(lambda: srv.scalar(f"SELECT count(*) FROM articles WHERE id = '{copy_id}'") == 1, 20,
                 "the rewrite archived", daemon=None)
        rec = newsctl_json(insts[0], "show", copy_id)
        tags = {t["name"] for t in rec["tags"]}
        check(f"dup:near/{content_id(orig)}" in tags, f"the rewrite is not tagged dup:near/ORIG: {sorted(tags)}")
        # (an article under min_words has none)
        fps = srv.scalar("SELECT count(*) FROM newsd_near_dups")
        check(fps >= 0.9 * len(ids), f"newsd_near_dups holds {fps} fingerprints for {len(ids)} articles")
        stray = srv.scalar("SELECT count(*) FROM newsd_near_dups WHERE id NOT IN (SELECT id FROM articles)")
        check(stray == 0, f"{stray} fingerprints of ids never archived")
        print(f"note: 3 instances, {len(ids)} articles, 3 SIGKILLs + restarts, a nats-server restart: "
              f"all in PostgreSQL exactly once after {took:.1f}s; archived per instance (log lines, "
              f"repeats included) {shares}; {dups} repeats recorded as duplicates; consumer pending "
              f"{cons['pending']}, ack_pending {cons['ack_pending']}, redelivered {cons['redelivered']}; "
              f"{fps} fingerprints in PostgreSQL, the rewrite tagged")
        print(f"note: at the kills: {'; '.join(at_kills)}")
        for c in insts[1:]:
            c.shutdown(strict=True)
        ctx.shutdown(strict=True)
    finally:
        for c in insts:
            c.shutdown(strict=False)
        nats.stop()
        if srv:
            srv.remove()


@test(timeout=60)
def stream_nats_consumer_updated_to_config(ctx):
    """A durable made with other settings (0.4.0 made max_ack_pending equal
    to batch, which throttles several instances to one batch in flight in
    all) is updated to the config's max_ack_pending and ack wait, logged,
    and consumed from as before."""
    need(ctx.plugin_dir / "input_nats.so", "input_nats (libnats-dev)")
    nats = NatsServer(ctx).start()
    try:
        def plugins(**keys):
            bus = {"so": "input_nats.so", "url": nats.url, "stream": STREAM, "subject": SUBJECT,
                   "durable": DURABLE, "create_stream": "true", "batch": "8"}
            bus.update(keys)
            return ctx.plugins_with(("bus", bus))
        ctx.write_config(plugins(max_ack_pending="8", ack_wait_s="30"))
        d = ctx.start()
        ctx.wait(lambda: nats_consumer_or_none(ctx, nats.url) is not None, 15, "the consumer made")
        d.signal(signal.SIGTERM)
        check(d.wait_exit(15) == 0, "SIGTERM: exit code not 0")
        ctx.write_config(plugins(max_ack_pending="300", ack_wait_s="5"))
        since = ctx.log_size()
        ctx.start()
        ctx.wait_log(lambda l: "updated to the config: max_ack_pending 300 (was 8), ack wait 5 s (was 30 s)" in l,
                     15, "the consumer's update logged", since=since)
        msgs = ctx.base / "msgs"
        msgs.mkdir()
        ids = publish(ctx, nats.url, distinct_articles(20, "upd"), msgs)
        ctx.wait_archived(ids, timeout=30)
        ctx.wait(lambda: nats_consumer(ctx, nats.url, STREAM, DURABLE)["ack_pending"] == 0, 15, "all acknowledged")
    finally:
        nats.stop()
