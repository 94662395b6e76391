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
