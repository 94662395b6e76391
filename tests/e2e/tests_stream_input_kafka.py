"""End-to-end test of input_kafka against librdkafka's mock cluster
(tests/e2e/kafka_mock): bad messages, a broker down and back, a SIGKILL,
and the group's committed offsets at the end.  (Beside tests_stream.py,
whose helpers it uses.)

Loaded by run.py; every test here is named stream_*.
"""

from __main__ import test, check, Fail, content_id, distinct_articles
from tests_stream import KafkaMock, input_status, kill_daemon, need
from tests_sinks import plugins_with_sinks


@test(timeout=150)
def stream_input_kafka_bad_messages_kill(ctx):
    """input_kafka consumes a topic of the mock cluster as group newsd:
    every article archived once; an empty, an oversized and a binary
    message go to failed/ under names that say topic, partition and
    offset; a broker down and a SIGKILL mid-stream lose nothing (this
    test found input_kafka committing offset + 2, which skipped a message
    per partition at a restart); at the end the group's
    committed offsets cover the whole topic."""
    need(ctx.plugin_dir / "input_kafka.so", "input_kafka (librdkafka-dev)")
    mock = KafkaMock(ctx, "articles", partitions=3)
    try:
        ctx.write_config(plugins=plugins_with_sinks(("kin", {
            "so": "input_kafka.so", "brokers": mock.bootstrap, "topic": "articles", "group": "newsd",
            "batch": "8", "max_backlog": "5",
            # A killed member holds its partitions until its session times
            # out (45 s by default): short here, so the restart takes them.
            "kafka.session.timeout.ms": "6000", "kafka.heartbeat.interval.ms": "500"})),
            max_article_bytes="16K")
        d = ctx.start()
        msgs = ctx.base / "msgs"
        msgs.mkdir()
        arts = distinct_articles(60, "kafkain")
        ids = set()
        bad = {"empty.txt": b"", "big.txt": b"Zu gross. " * 4000,
               "binary.txt": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8}
        paths = []
        for name, data in arts[:30]:
            (msgs / name).write_bytes(data)
            paths.append(msgs / name)
            ids.add(content_id(data))
        for name, data in bad.items():
            (msgs / name).write_bytes(data)
        for p in paths[:10] + [msgs / n for n in bad] + paths[10:]:
            mock.ask(f"produce {p}")
        ctx.wait_archived(ids, timeout=60)
        ctx.wait(lambda: len(ctx.failed_items()) == 3, 20, "the three bad messages in failed/")
        for item in ctx.failed_items():
            check(item.startswith("articles-p") and "-o" in item and any(item.endswith(n) for n in bad),
                  f"failed/{item}: the name does not say topic, partition, offset and the Newsd-Name")
            reason = (ctx.failed / (item + ".reason")).read_text()
            check(f"file: {item}\n" in reason, f"failed/{item}.reason does not name the message: {reason}")
        st = input_status(ctx, "kin")
        check(st["put"] == 33 and st["put_errors"] == 0 and st["running"], f"/status inputs: {st}")

        # 30 more; broker 2 down while they are consumed, newsd killed
        # mid-stream, the broker back, newsd restarted.
        for name, data in arts[30:]:
            (msgs / name).write_bytes(data)
            ids.add(content_id(data))
            mock.ask(f"produce {msgs / name}")
        ctx.wait(lambda: len(mock.messages) == 63, 30, "kafka_mock's own consumer seeing all 63 messages")
        mock.command("down 2")
        ctx.wait(lambda: len(ctx.ids()) >= 35, 30, "some of the second 30 archived")
        kill_daemon(d)
        mock.command("up 2")
        ctx.start()
        ctx.wait_archived(ids, timeout=60)
        ctx.wait(lambda: mock.ask("committed newsd")["uncommitted"] == 0, 30, "offsets committed to the end")
        check(ctx.ids() == ids, f"archive holds {len(ctx.ids())} ids, produced {len(ids)} distinct articles")
        check(len(ctx.failed_items()) == 3, f"failed/ holds {ctx.failed_items()}")
        print(f"note: 63 messages (3 bad) over 3 partitions, max_backlog 5, broker 2 down, a SIGKILL: "
              f"{len(ids)} archived once, 3 in failed/, 0 uncommitted, duplicates seen {len(ctx.duplicates())}")
    finally:
        mock.stop()


@test(timeout=240)
def stream_input_kafka_rebalance_two_instances(ctx):
    """Two newsd instances (own state dirs, own archives) in one consumer
    group share a 4-partition topic.  The group rebalances three times: B
    joins mid-stream, A is SIGKILLed (its partitions pass to B when its
    session times out), A comes back.  Every article is archived by one
    instance or the other, none is lost, and an article archived by both
    can only be one of a member's uncommitted window at a rebalance: at
    most batch messages per partition per rebalance."""
    from tests_pg import second_ctx
    need(ctx.plugin_dir / "input_kafka.so", "input_kafka (librdkafka-dev)")
    partitions, batch, rebalances = 4, 8, 3
    mock = KafkaMock(ctx, "articles", partitions=partitions)
    ctx_b = second_ctx(ctx)
    try:
        def config(c):
            c.write_config(plugins=plugins_with_sinks(("kin", {
                "so": "input_kafka.so", "brokers": mock.bootstrap, "topic": "articles", "group": "newsd",
                "batch": str(batch), "kafka.session.timeout.ms": "6000",
                "kafka.heartbeat.interval.ms": "500"})))
        config(ctx)
        config(ctx_b)
        msgs = ctx.base / "msgs"
        msgs.mkdir()
        arts = distinct_articles(400, "rebal")
        ids = set()

        def produce(part):
            for name, data in part:
                (msgs / name).write_bytes(data)
                ids.add(content_id(data))
                mock.ask(f"produce {msgs / name}")

        def union():
            return ctx.ids() | ctx_b.ids()

        a = ctx.start()
        produce(arts[:100])
        ctx.wait(lambda: len(ctx.ids()) >= 50, 60, "A taking the first articles")
        ctx_b.start()
        produce(arts[100:200])
        ctx.wait(lambda: ctx_b.ids(), 60, "B given partitions after it joined")
        kill_daemon(a)
        produce(arts[200:300])
        ctx.wait(lambda: len(union()) >= 250, 90, "B taking over A's partitions")
        ctx.start()
        produce(arts[300:])
        ctx.wait(lambda: union() == ids, 120, "every produced article archived by A or B")
        ctx.wait(lambda: mock.ask("committed newsd")["uncommitted"] == 0, 30, "offsets committed to the end")
        got_a, got_b = ctx.ids(), ctx_b.ids()
        both = got_a & got_b
        bound = batch * partitions * rebalances
        check(union() == ids, f"{len(ids - union())} produced articles archived by neither instance")
        check(len(both) <= bound, f"{len(both)} articles archived by both instances, more than "
              f"{bound} (batch {batch} x {partitions} partitions x {rebalances} rebalances)")
        check(got_b - got_a and got_a - got_b, "the group did not share the work between A and B")
        check(not ctx.failed_items() and not ctx_b.failed_items(), "an article went to failed/")
        print(f"note: 400 articles, 4 partitions, B joins, A SIGKILLed and back: A {len(got_a)}, "
              f"B {len(got_b)}, archived by both {len(both)} (bound {bound}), none lost, 0 uncommitted")
    finally:
        ctx_b.shutdown(strict=False)
        mock.stop()
