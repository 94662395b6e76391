"""End-to-end tests of the streaming sinks (docs/operations.md, "Sinks")
and of input_nats (docs/operations.md, "Inputs"; input_kafka's test is in
tests_stream_input_kafka.py):
sink_nats against a real nats-server with JetStream, started here on a
free loopback port with a store dir of its own; sink_kafka against
librdkafka's mock cluster (tests/e2e/kafka_mock, there is no Kafka broker
in Debian) with injected Produce errors and a broker down.  Both with a
SIGKILL of the daemon while the broker is away.  What was published is
read back with tests/e2e/nats_peek and kafka_mock's own consumer.

A missing nats-server, plugin or helper fails the test and says why: CI
installs them through make deps-test (deps/debian-test-packages.txt).

Loaded by run.py; every test here is named stream_*.
"""

import json
import os
import shutil
import signal
import subprocess
import time

from __main__ import test, check, Fail, content_id, distinct_articles
from tests_control import free_port
from tests_sinks import plugins_with_sinks, sink_status
from kafka_mock_client import KafkaMockProcess, MockError


def need(path, what):
    if not path.exists():
        raise Fail(f"{path} is not built: {what} (meson finds no client library? see deps/debian-packages.txt)")


class NatsServer:
    """nats-server -js on a loopback port; stop() and start() again keep
    the port and the store (a restart, as an outage)."""

    def __init__(self, ctx):
        self.exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not os.path.exists(self.exe):
            raise Fail("nats-server is not installed (Debian package nats-server, in deps/debian-test-packages.txt: make deps-test)")
        self.port = free_port()
        self.store = ctx.base / "nats-store"
        self.log = ctx.base / "nats-server.log"
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        # The log is appended to: only what this start writes counts.
        since = len(self.log_tail(10 ** 9))
        self.proc = subprocess.Popen([self.exe, "-a", "127.0.0.1", "-p", str(self.port), "-js",
                                      "-sd", str(self.store), "-l", str(self.log)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fail(f"nats-server exited with {self.proc.returncode}: {self.log_tail()}")
            if "Server is ready" in self.log_tail(10 ** 9)[since:]:
                return self
            time.sleep(0.05)
        raise Fail(f"nats-server not ready within 10 s: {self.log_tail()}")

    def log_tail(self, n=600):
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def nats_messages(ctx, url, stream):
    peek = ctx.build / "tests" / "e2e" / "nats_peek"
    p = subprocess.run([str(peek), url, stream], capture_output=True, timeout=30)
    if p.returncode != 0:
        return None
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


class KafkaMock(KafkaMockProcess):
    """tests/e2e/kafka_mock: a mock cluster of three brokers and a consumer
    that collects what the topic receives."""

    def __init__(self, ctx, topic, partitions=3):
        exe = ctx.build / "tests" / "e2e" / "kafka_mock"
        need(exe, "kafka_mock (librdkafka-dev)")
        try:
            super().__init__([exe, topic, partitions], ctx.base / "kafka_mock.log", 15)
        except MockError as e:
            raise Fail(str(e))

    def ask(self, line, timeout=30):
        try:
            return super().ask(line, timeout)
        except MockError as e:
            raise Fail(str(e))

    def keys(self):
        return [k for k in self.received_keys() if k is not None]


def kill_daemon(d):
    d.proc.send_signal(signal.SIGKILL)
    d.wait_exit(10)


# --------------------------------------------------------------------------
# NATS JetStream

@test(timeout=120)
def stream_nats_publish_kill_restart(ctx):
    """sink_nats creates its stream, publishes each record once with the
    article id as Nats-Msg-Id; with nats-server down, a SIGKILL of newsd
    and a restart of the server in between, every archived record arrives,
    and JetStream's duplicate window keeps the repeats out."""
    need(ctx.plugin_dir / "sink_nats.so", "sink_nats (libnats-dev)")
    need(ctx.build / "tests" / "e2e" / "nats_peek", "nats_peek (libnats-dev)")
    srv = NatsServer(ctx).start()
    try:
        ctx.write_config(plugins=plugins_with_sinks(("js", {
            "so": "sink_nats.so", "url": srv.url, "subject": "newsd.records", "stream": "NEWSD",
            "filter": "all", "timeout_ms": "1000", "retry_min_ms": "100", "retry_max_ms": "500"})))
        d = ctx.start()
        arts = distinct_articles(40, "natsdown")
        ids = set()
        for name, data in arts[:20]:
            ids.add(ctx.drop(name, data))
        ctx.wait_archived(ids)
        ctx.wait(lambda: sink_status(ctx, "js")["depth"] == 0, 20, "the first 20 published")
        msgs = nats_messages(ctx, srv.url, "NEWSD")
        check(msgs is not None, "nats_peek cannot read stream NEWSD")
        check({m["msg_id"] for m in msgs} == ids, f"{len(msgs)} messages, not the 20 ids")
        for m in msgs:
            rec = json.loads(m["data"])
            check(rec["id"] == m["msg_id"] and m["subject"] == "newsd.records",
                  f"message {m['seq']}: Nats-Msg-Id {m['msg_id']}, record id {rec['id']}, subject {m['subject']}")
            check(rec == ctx.record(rec["id"]),
                  f"record {rec['id']} differs from the archive's")

        # The server goes away; 20 more are archived and wait in the outbox.
        srv.stop()
        for name, data in arts[20:]:
            ids.add(ctx.drop(name, data))
        ctx.wait_archived(ids, timeout=30)
        ctx.wait(lambda: sink_status(ctx, "js")["retries"] >= 20, 15, "attempts against a server that is down")
        check(sink_status(ctx, "js")["depth"] == 20, f"outbox depth {sink_status(ctx, 'js')['depth']}, not 20")
        kill_daemon(d)
        srv.start()
        ctx.start()
        ctx.wait(lambda: sink_status(ctx, "js")["depth"] == 0, 30, "the outbox emptied after the server came back")
        msgs = nats_messages(ctx, srv.url, "NEWSD")
        got = [m["msg_id"] for m in msgs]
        check(set(got) == ids, f"stream holds {len(set(got))} distinct ids, archived {len(ids)}")
        check(len(got) == len(set(got)), f"{len(got) - len(set(got))} duplicates stored in the stream")
        check(sink_status(ctx, "js")["dead"] == 0, "dead letters")
        print(f"note: {len(ids)} archived, server down + SIGKILL + server restart: {len(got)} messages stored, "
              f"{len(set(got))} distinct ids, 0 duplicates")
    finally:
        srv.stop()


@test()
def stream_config_errors(ctx):
    cases = [
        ({"so": "sink_nats.so", "subject": "a.b"}, "url: missing"),
        ({"so": "sink_nats.so", "url": "nats://127.0.0.1:1", "subject": "a.*"}, "wildcards"),
        ({"so": "sink_nats.so", "url": "nats://127.0.0.1:1", "subject": "a", "stream": "x.y"}, "stream"),
        ({"so": "sink_kafka.so", "topic": "t"}, "brokers: missing"),
        ({"so": "sink_kafka.so", "brokers": "127.0.0.1:1", "topic": "a b"}, "topic"),
        ({"so": "sink_kafka.so", "brokers": "127.0.0.1:1", "topic": "t", "kafka.no.such.thing": "1"},
         "kafka.no.such.thing"),
        ({"so": "sink_kafka.so", "brokers": "127.0.0.1:1", "topc": "t"}, "did you mean 'topic'"),
        ({"so": "input_nats.so", "url": "nats://127.0.0.1:1", "stream": "S", "subject": "a"}, "durable: missing"),
        ({"so": "input_nats.so", "url": "nats://127.0.0.1:1", "stream": "S", "subject": "a", "durable": "d",
          "max_backlog": "0"}, "max_backlog"),
        ({"so": "input_nats.so", "url": "nats://127.0.0.1:1", "stream": "S", "subject": "a", "durable": "d",
          "filter": "all"}, "unknown key 'filter'"),
        ({"so": "input_nats.so", "url": "nats://127.0.0.1:1", "stream": "S", "subject": "a", "durable": "d",
          "retention": "interest"}, "expected limits or workqueue"),
        ({"so": "input_nats.so", "url": "nats://127.0.0.1:1", "stream": "S", "subject": "a", "durable": "d",
          "batch": "64", "max_ack_pending": "32"}, "below batch"),
        ({"so": "input_kafka.so", "brokers": "127.0.0.1:1", "topic": "t"}, "group: missing"),
        ({"so": "input_kafka.so", "brokers": "127.0.0.1:1", "topic": "t", "group": "g", "kafka.bogus": "1"},
         "kafka.bogus"),
    ]
    for keys, want in cases:
        need(ctx.plugin_dir / keys["so"], keys["so"])
        path = ctx.write_config(plugins=plugins_with_sinks(("bad", keys)))
        p = ctx.run_newsd(["--check-config", "-c", path])
        out = (p.stdout + p.stderr).decode("utf-8", "replace")
        check(p.returncode == 1, f"--check-config with {keys}: exit {p.returncode}, expected 1: {out}")
        check(want in out and "bad" in out, f"--check-config with {keys}: {want!r} not said: {out}")


# --------------------------------------------------------------------------
# Kafka (librdkafka's mock cluster)

@test(timeout=150)
def stream_kafka_errors_broker_down_kill(ctx):
    """sink_kafka publishes each record keyed by its id; injected Produce
    errors are retried by the idempotent producer, a broker down and a
    SIGKILL of newsd delay records but lose none."""
    need(ctx.plugin_dir / "sink_kafka.so", "sink_kafka (librdkafka-dev)")
    mock = KafkaMock(ctx, "newsd-records")
    try:
        ctx.write_config(plugins=plugins_with_sinks(("kafka", {
            "so": "sink_kafka.so", "brokers": mock.bootstrap, "topic": "newsd-records", "filter": "all",
            "timeout_ms": "3000", "retry_min_ms": "100", "retry_max_ms": "500"})))
        d = ctx.start()
        arts = distinct_articles(60, "kafkadown")
        ids = set()
        mock.command("errors 5")
        for name, data in arts[:20]:
            ids.add(ctx.drop(name, data))
        ctx.wait_archived(ids)
        ctx.wait(lambda: set(mock.keys()) >= ids, 30, "the first 20 consumed (after 5 Produce errors)")
        for m in list(mock.messages):
            check(json.loads(m["value"])["id"] == m["key"], f"message key {m['key']} is not its record's id")

        # Broker 1 down, 20 more, newsd killed while they go out; broker back.
        mock.command("down 1")
        for name, data in arts[20:40]:
            ids.add(ctx.drop(name, data))
        ctx.wait_archived(ids, timeout=30)
        kill_daemon(d)
        ctx.start()
        for name, data in arts[40:]:
            ids.add(ctx.drop(name, data))
        ctx.wait_archived(ids, timeout=30)
        time.sleep(2)
        mock.command("up 1")
        ctx.wait(lambda: sink_status(ctx, "kafka")["depth"] == 0, 60, "the outbox emptied")
        ctx.wait(lambda: set(mock.keys()) >= ids, 30, "every archived record consumed")
        keys = mock.keys()
        check(set(keys) == ids, f"consumed ids that were never archived: {sorted(set(keys) - ids)[:3]}")
        check(sink_status(ctx, "kafka")["dead"] == 0, "dead letters")
        print(f"note: {len(ids)} archived; 5 Produce errors, broker 1 down, a SIGKILL: {len(keys)} messages, "
              f"{len(set(keys))} distinct ids, {len(keys) - len(set(keys))} duplicates delivered")
    finally:
        mock.stop()


# --------------------------------------------------------------------------
# input_nats

def nats_publish(ctx, url, subject, files):
    peek = ctx.build / "tests" / "e2e" / "nats_peek"
    p = subprocess.run([str(peek), "--pub", url, subject] + [str(f) for f in files], capture_output=True,
                       timeout=60)
    check(p.returncode == 0, f"nats_peek --pub: {p.stderr.decode(errors='replace')}")


def nats_consumer(ctx, url, stream, durable):
    peek = ctx.build / "tests" / "e2e" / "nats_peek"
    p = subprocess.run([str(peek), "--consumer", url, stream, durable], capture_output=True, timeout=30)
    check(p.returncode == 0, f"nats_peek --consumer: {p.stderr.decode(errors='replace')}")
    return json.loads(p.stdout)


def input_status(ctx, name):
    from tests_sinks import get_json
    for s in get_json(ctx, "/status").get("inputs", []):
        if s["name"] == name:
            return s
    raise Fail(f"/status lists no input {name}")


@test(timeout=150)
def stream_input_nats_bad_messages_kill(ctx):
    """input_nats takes a JetStream stream into the inbox with a small
    max_backlog: every article is archived once; an empty, an oversized
    and a binary message go to failed/ under names that say the stream and
    sequence, and are acknowledged; a SIGKILL of newsd mid-stream loses and
    doubles nothing, nor do a reload and a restart of nats-server; at the
    end nothing is pending or unacknowledged."""
    need(ctx.plugin_dir / "input_nats.so", "input_nats (libnats-dev)")
    need(ctx.build / "tests" / "e2e" / "nats_peek", "nats_peek (libnats-dev)")
    srv = NatsServer(ctx).start()
    try:
        plugins = plugins_with_sinks(("bus", {
            "so": "input_nats.so", "url": srv.url, "stream": "ARTICLES", "subject": "articles.in",
            "durable": "newsd", "create_stream": "true", "batch": "8", "max_backlog": "5", "ack_wait_s": "3"}))
        ctx.write_config(plugins=plugins, max_article_bytes="16K")
        d = ctx.start()
        ctx.wait(lambda: nats_messages(ctx, srv.url, "ARTICLES") is not None, 15,
                 "input_nats created stream ARTICLES")
        msgs = ctx.base / "msgs"
        msgs.mkdir()
        arts = distinct_articles(60, "natsin")
        files, ids = [], set()
        for name, data in arts[:30]:
            (msgs / name).write_bytes(data)
            files.append(msgs / name)
            ids.add(content_id(data))
        bad = {"empty.txt": b"", "big.txt": b"Zu gross. " * 4000,
               "binary.txt": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8}
        for name, data in bad.items():
            (msgs / name).write_bytes(data)
        nats_publish(ctx, srv.url, "articles.in", files[:10] + [msgs / n for n in bad] + files[10:])
        ctx.wait_archived(ids, timeout=60)
        ctx.wait(lambda: len(ctx.failed_items()) == 3, 20, "the three bad messages in failed/")
        for item in ctx.failed_items():
            check(item.startswith("ARTICLES-") and any(item.endswith(n) for n in bad),
                  f"failed/{item}: the name does not say stream, sequence and the Newsd-Name")
            reason = (ctx.failed / (item + ".reason")).read_text()
            check("ARTICLES-" in reason, f"failed/{item}.reason does not name the stream: {reason}")
        st = input_status(ctx, "bus")
        check(st["put"] == 33 and st["put_errors"] == 0 and st["running"], f"/status inputs: {st}")
        check("lag" in st and "in_flight" in st, f"/status inputs lacks the plugin's lag and in_flight: {st}")
        waits = st["full_waits"]

        # 30 more; SIGKILL once some are in, restart.
        files2 = []
        for name, data in arts[30:]:
            (msgs / name).write_bytes(data)
            files2.append(msgs / name)
            ids.add(content_id(data))
        nats_publish(ctx, srv.url, "articles.in", files2)
        ctx.wait(lambda: len(ctx.ids()) >= 35, 30, "some of the second 30 archived")
        kill_daemon(d)
        d = ctx.start()
        ctx.wait_archived(ids, timeout=60)
        # A reload stops the input's run() and starts a new one; it goes on.
        since = ctx.log_size()
        d.signal(signal.SIGHUP)
        ctx.wait_log(lambda l: "reloaded" in l, 15, "the reload", since=since)
        extra = distinct_articles(65, "natsin")[60:]
        for name, data in extra:
            (msgs / name).write_bytes(data)
            ids.add(content_id(data))
        nats_publish(ctx, srv.url, "articles.in", [msgs / n for n, _ in extra])
        ctx.wait_archived(ids, timeout=30)
        # nats-server restarts (same store): the input backs off, reconnects
        # and takes what comes after.
        srv.stop()
        time.sleep(1.0)
        srv.start()
        extra = distinct_articles(70, "natsin")[65:]
        for name, data in extra:
            (msgs / name).write_bytes(data)
            ids.add(content_id(data))
        nats_publish(ctx, srv.url, "articles.in", [msgs / n for n, _ in extra])
        ctx.wait_archived(ids, timeout=40)
        ctx.wait(lambda: nats_consumer(ctx, srv.url, "ARTICLES", "newsd")["ack_pending"] == 0, 20,
                 "every message acknowledged")
        c = nats_consumer(ctx, srv.url, "ARTICLES", "newsd")
        check(c["pending"] == 0, f"consumer still has {c['pending']} pending")
        check(ctx.ids() == ids, f"archive holds {len(ctx.ids())} ids, published {len(ids)} distinct articles")
        check(len(ctx.failed_items()) == 3, f"failed/ holds {ctx.failed_items()}")
        print(f"note: 73 messages (3 bad), max_backlog 5, a SIGKILL, a reload, a server restart: {len(ids)} archived once, 3 in failed/, "
              f"consumer pending 0, ack_pending 0, redelivered {c['redelivered']}, {waits} waits on a full backlog, "
              f"duplicates seen {len(ctx.duplicates())}")
    finally:
        srv.stop()

