"""NOT LOADED by run.py (the name does not start with tests_): the e2e
test of input_kafka, unfinished.  It fails on librdkafka 2.0.2's mock
cluster: after a SIGKILL and restart the group re-consumes messages whose
offsets were committed (bad messages show up twice in failed/), and
kafka_mock's "committed newsd" counts -3 uncommitted messages after the
first 33 (committed offsets past the high watermarks it queries).  Next
session: find out whether input_kafka's commits or kafka_mock's read-back
are wrong, then rename this to tests_stream_kafka_input.py.
"""

import json  # noqa: F401

from __main__ import test, check, Fail, content_id, distinct_articles
from tests_stream import KafkaMock, input_status, kill_daemon, need
from tests_sinks import plugins_with_sinks

@test(timeout=150)
def stream_input_kafka_bad_messages_kill(ctx):
    """input_kafka consumes a topic of the mock cluster as group newsd:
    every article archived once; an empty, an oversized and a binary
    message go to failed/ under names that say topic, partition and
    offset; a SIGKILL mid-stream loses nothing; at the end the group's
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
        st = input_status(ctx, "kin")
        check(st["put"] == 33 and st["put_errors"] == 0 and st["running"], f"/status inputs: {st}")

        # 30 more, newsd killed mid-stream and restarted.  (A broker down
        # and back is not here yet: librdkafka 2.0.2's mock cluster then
        # answers "offset out of range" and the consumer starts the
        # partitions again from the beginning: duplicates, no loss.)
        for name, data in arts[30:]:
            (msgs / name).write_bytes(data)
            ids.add(content_id(data))
            mock.ask(f"produce {msgs / name}")
        ctx.wait(lambda: len(mock.messages) == 63, 30, "kafka_mock's own consumer seeing all 63 messages")
        ctx.wait(lambda: len(ctx.ids()) >= 35, 30, "some of the second 30 archived")
        kill_daemon(d)
        ctx.start()
        ctx.wait_archived(ids, timeout=60)
        ctx.wait(lambda: mock.ask("committed newsd")["uncommitted"] == 0, 30, "offsets committed to the end")
        check(ctx.ids() == ids, f"archive holds {len(ctx.ids())} ids, produced {len(ids)} distinct articles")
        check(len(ctx.failed_items()) == 3, f"failed/ holds {ctx.failed_items()}")
        print(f"note: 63 messages (3 bad) over 3 partitions, max_backlog 5, a SIGKILL: "
              f"{len(ids)} archived once, 3 in failed/, 0 uncommitted, duplicates seen {len(ctx.duplicates())}")
    finally:
        mock.stop()
