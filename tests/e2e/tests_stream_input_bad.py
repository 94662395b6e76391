"""End-to-end: the inputs' bad messages that tests_stream.py and
tests_stream_input_kafka.py do not cover, against the real brokers
(nats-server with JetStream; librdkafka's mock cluster): a message that is
not valid UTF-8 (Windows-1252 text: archived decoded, as the same file
dropped into the inbox is; and non-UTF-8 bytes that are no text: failed/),
a poison message that crashes a plugin (tests/e2e/crashy.so) each time it
is processed, and one on which the plugin hangs.  newsd is restarted after
each crash or exit on a stuck call; the core's poison accounting sets the
poison message aside in failed/ after max_attempts crashes, the watchdog's
mark the hanging one at the next start.
Each refused message's .reason names where it came from (topic, partition
and offset; stream and sequence), and the input has acknowledged it all
the same: at the end nothing is uncommitted or unacknowledged, and the
articles around the bad ones are archived once.  (The unit side of the
same cases: tests/unit/test_input_bad.c.)

Loaded by run.py; every test here is named stream_*.
"""

import os
import re

from __main__ import test, check, content_id, distinct_articles, small_article, parse_reason
from tests_stream import KafkaMock, NatsServer, need, nats_publish, nats_consumer, nats_messages
from tests_sinks import plugins_with_sinks

MAX_ATTEMPTS = 2
POISON_MARK = "GIFTPILLE-E2E"
HANG_MARK = "HAENGT-E2E"

LATIN = "Preisschock im Café\n\nDer Kaffee kostet jetzt 5 € – „teurer“ als gestern, sagt die Bäckerei.\n"


def bad_messages():
    """{file name: bytes} of the bad cases."""
    latin = LATIN.encode("windows-1252")
    assert b"\x80" in latin   # not UTF-8
    noise = bytes([0x01, 0x02, 0x80, 0xff, 0x9c, 0x03, 0x04, 0xfe, 0x05, 0x06]) * 40
    poison = small_article("Vergifteter Artikel", f"Dieser Text enthält die {POISON_MARK}.")
    hang = small_article("Hängender Artikel", f"Dieser Text {HANG_MARK} für immer.")
    return {"latin.txt": latin, "noise.txt": noise, "poison.txt": poison, "hang.txt": hang}


def message_files(ctx, tag):
    """12 good articles with the bad ones in the middle, as files (the
    publishers' input): (paths in publishing order, good ids, bad)."""
    msgs = ctx.base / "msgs"
    msgs.mkdir()
    good = distinct_articles(12, tag)
    bad = bad_messages()
    for name, data in good + list(bad.items()):
        (msgs / name).write_bytes(data)
    order = [n for n, _ in good[:6]] + list(bad) + [n for n, _ in good[6:]]
    return [msgs / n for n in order], {content_id(data) for _, data in good}, bad


def through_crashes_to_the_end(ctx, origin_re, ids, bad):
    """Run until every good message is archived and the poison and the
    hanging message are in failed/, starting newsd again after each crash
    (the poison message's) and each exit on a stuck call (the hanging one's:
    the next start sets it aside); check the outcome.  With one worker
    each exit is one message's: max_attempts crashes and one stuck call.
    The ack of the poison message (or of its batch) may be lost in each
    crash: its redelivery is held (inputs.c), not crashed on again (this
    test found input_kafka crashing on it for ever, one
    failed/...poison.txt.N after another).  Returns failed/'s poison items
    and the crashes."""
    want = ids | {content_id(bad["latin.txt"])}

    def done():
        failed = ctx.failed_items()
        return (want <= ctx.ids() and ctx.idle() and any(n.endswith("poison.txt") for n in failed)
                and any(n.endswith("hang.txt") for n in failed))
    crashes = run_through_crashes(ctx, done, "every good message archived, the poison and hanging ones in failed/")
    items = check_bad_outcome(ctx, origin_re, bad, ids)
    check(crashes == MAX_ATTEMPTS + 1,
          f"newsd stopped {crashes} times, expected max_attempts = {MAX_ATTEMPTS} crashes + 1 stuck call")
    check(len(items) == 1, f"the poison message is in failed/ {len(items)} times: {items}")
    hang, reason = failed_reason(ctx, "hang.txt")
    check(len(hang) == 1, f"the hanging message is in failed/ {len(hang)} times: {hang}")
    check(re.fullmatch(origin_re + "-hang.txt", reason.get("file", "")),
          f"failed/{hang[0]}.reason: file {reason.get('file')!r} does not name the origin ({origin_re})")
    cause = reason.get("cause", "")
    check("took longer than" in cause and "crashy" in cause, f"hanging message's cause: {cause!r}")
    return items, crashes


def run_through_crashes(ctx, done, what):
    """Wait for done() while newsd crashes (or exits on a stuck call),
    starting it again each time; returns the number of such stops."""
    crashes = 0
    for _ in range(MAX_ATTEMPTS + 6):
        d = ctx.daemon
        ctx.wait(lambda: not d.alive() or done(), 60, f"a crash or {what}", daemon=None)
        if d.alive():
            return crashes
        d.expect_alive = False
        crashes += 1
        check(d.proc.returncode != 0, "newsd exited 0 instead of crashing")
        ctx.start(wait_ready=False)   # resuming work/ may crash before 'ready'
    ctx.wait(done, 60, what)
    return crashes


def failed_reason(ctx, suffix):
    items = [n for n in ctx.failed_items() if suffix in n]   # with any .N copies
    check(items, f"no failed/*{suffix}: failed/ holds {ctx.failed_items()}")
    return items, parse_reason(ctx.failed / f"{items[0]}.reason")


def check_bad_outcome(ctx, origin_re, bad, ids):
    """The three bad messages' fates; origin_re matches the name's origin."""
    latin_id = content_id(bad["latin.txt"])
    rec = ctx.record(latin_id)
    check(str(rec.get("encoding")).lower() == "windows-1252", f"latin message: encoding {rec.get('encoding')!r}")
    text = f"{rec.get('title')}\n{rec.get('body')}"
    for want in ("Preisschock im Café", "5 € – „teurer“ als gestern"):
        check(want in text, f"latin message: {want!r} not in title/body: {text!r}")

    items, reason = failed_reason(ctx, "noise.txt")
    check(re.fullmatch(origin_re + "-noise.txt", reason.get("file", "")),
          f"failed/{items[0]}.reason: file {reason.get('file')!r} does not name the origin ({origin_re})")
    check("binary data" in reason.get("cause", ""), f"noise message's cause: {reason.get('cause')!r}")

    items, reason = failed_reason(ctx, "poison.txt")
    check(re.fullmatch(origin_re + "-poison.txt", reason.get("file", "")),
          f"failed/{items[0]}.reason: file {reason.get('file')!r} does not name the origin ({origin_re})")
    cause = reason.get("cause", "")
    check("crashed" in cause and f"max_attempts = {MAX_ATTEMPTS}" in cause, f"poison message's cause: {cause!r}")
    check(content_id(bad["poison.txt"]) not in ctx.ids(), "the poison message was archived")
    check(ids <= ctx.ids(), f"{len(ids - ctx.ids())} good articles not archived")
    return items


def config(ctx, section):
    ctx.write_config(plugins=plugins_with_sinks(section, ctx.crashy_section(crash_on=POISON_MARK,
                                                                            hang_on=HANG_MARK)),
                     max_attempts=MAX_ATTEMPTS, max_article_bytes="16K", max_plugin_ms="500", workers="1")


@test(timeout=170)
def stream_input_kafka_not_utf8_poison(ctx):
    """input_kafka: a Windows-1252 message archived decoded, non-UTF-8
    noise and a crashing poison message in failed/ with reasons naming
    topic, partition and offset; every offset committed at the end."""
    need(ctx.plugin_dir / "input_kafka.so", "input_kafka (librdkafka-dev)")
    mock = KafkaMock(ctx, "articles", partitions=3)
    try:
        config(ctx, ("kin", {
            "so": "input_kafka.so", "brokers": mock.bootstrap, "topic": "articles", "group": "newsd",
            "batch": "4", "kafka.session.timeout.ms": "6000", "kafka.heartbeat.interval.ms": "500"}))
        paths, ids, bad = message_files(ctx, "kafkabad")
        for path in paths:
            mock.ask(f"produce {path}")
        ctx.start(wait_ready=False)   # the poison message may crash it before 'ready'
        items, crashes = through_crashes_to_the_end(ctx, r"articles-p[0-2]-o\d+", ids, bad)
        held = ctx.log_text().count("acknowledged without a second copy")
        ctx.wait(lambda: mock.ask("committed newsd")["uncommitted"] == 0, 30,
                 "every offset committed, the bad messages' too")
        print(f"note: 12 good + 4 bad messages: latin archived as windows-1252, noise, poison and hang in failed/ "
              f"({items[0]}), {crashes} stops (max_attempts {MAX_ATTEMPTS} crashes + 1 stuck call), {held} redeliveries held, 0 uncommitted")
    finally:
        mock.stop()


@test(timeout=170)
def stream_input_nats_not_utf8_poison(ctx):
    """input_nats: the same with a JetStream stream; reasons name the
    stream and sequence; nothing pending or unacknowledged at the end."""
    need(ctx.plugin_dir / "input_nats.so", "input_nats (libnats-dev)")
    need(ctx.build / "tests" / "e2e" / "nats_peek", "nats_peek (libnats-dev)")
    srv = NatsServer(ctx).start()
    try:
        config(ctx, ("bus", {
            "so": "input_nats.so", "url": srv.url, "stream": "ARTICLES", "subject": "articles.in",
            "durable": "newsd", "create_stream": "true", "batch": "4", "ack_wait_s": "3"}))
        ctx.start()
        ctx.wait(lambda: nats_messages(ctx, srv.url, "ARTICLES") is not None, 15, "input_nats created stream ARTICLES")
        paths, ids, bad = message_files(ctx, "natsbad")
        nats_publish(ctx, srv.url, "articles.in", paths)
        items, crashes = through_crashes_to_the_end(ctx, r"ARTICLES-\d+", ids, bad)
        ctx.wait(lambda: nats_consumer(ctx, srv.url, "ARTICLES", "newsd")["ack_pending"] == 0, 30,
                 "every message acknowledged, the bad ones too")
        c = nats_consumer(ctx, srv.url, "ARTICLES", "newsd")
        check(c["pending"] == 0, f"consumer still has {c['pending']} pending")
        print(f"note: 12 good + 4 bad messages: latin archived as windows-1252, noise, poison and hang in failed/ "
              f"({items[0]}), {crashes} stops (max_attempts {MAX_ATTEMPTS} crashes + 1 stuck call), pending 0, ack_pending 0, "
              f"redelivered {c['redelivered']}")
    finally:
        srv.stop()
