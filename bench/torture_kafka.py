#!/usr/bin/env python3
"""Kafka torture: figures and a verdict (exit 0: every promise held).

    python3 bench/torture_kafka.py --build-dir build [--articles 20000] [--kills 20]

One librdkafka mock cluster of three brokers (tests/e2e/kafka_mock; there
is no Kafka broker in Debian) holds topic "articles" (3 partitions), fed N
distinct articles in chunks of 500 while newsd consumes (at most --ahead
beyond what is archived: a mock partition keeps only its last ~5 MB, so a
topic produced all at once would lose its start), and topic "records".  One newsd
takes "articles" with input_kafka (group newsd) into archive_fs and
publishes every archived record to "records" with sink_kafka.  While it
works it is SIGKILLed --kills times at random points of the run and
started again at once; after the kills one broker goes down for --down-s
seconds and comes back.  At the end:

  - every article is archived, each once (one record per id in the
    archive's dated folders);
  - the group's committed offsets reach the end of every partition;
  - the sink's outbox is empty and the distinct ids published to
    "records" equal the ids archived; duplicates delivered are counted
    (a kill between a publication and the outbox's note repeats one).

It prints the time, articles/s (from the first start to the last record
published) and these counts.  tests/e2e/tests_stream_torture_kafka.py runs
it small (1,000 articles, 5 kills) in CI.
"""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import bench as core  # noqa: E402  (bench/bench.py: corpus, articles, archive counts)
from kafka_mock_client import KafkaMockProcess, MockError  # noqa: E402

PARTITIONS = 3


class Mock(KafkaMockProcess):
    """kafka_mock records 3 articles 3: what topic "records" receives, and
    answers to produce_dir, committed, down and up."""

    def __init__(self, exe, log_path):
        try:
            super().__init__([exe, "records", PARTITIONS, "articles", PARTITIONS], log_path, 30)
        except MockError as e:
            raise SystemExit(f"torture_kafka: {e}")

    def ask(self, line, timeout=60):
        try:
            return super().ask(line, timeout)
        except MockError as e:
            raise SystemExit(f"torture_kafka: {e}")

    def published(self):
        return self.received_keys()


CONFIG = """[daemon]
state_dir = {state}
plugin_dir = {plugins}
log_level = info

[plugin.archive]
so = archive_fs.so

[plugin.kin]
so = input_kafka.so
brokers = {boot}
topic = articles
group = newsd
# A killed member holds its partitions until its session times out (45 s
# by default): short here, so each restart gets them back soon.
kafka.session.timeout.ms = 6000
kafka.heartbeat.interval.ms = 500

[plugin.records]
so = sink_kafka.so
brokers = {boot}
topic = records
filter = all
retry_min_ms = 100
retry_max_ms = 1000
"""


class Newsd:
    """The one instance: started, SIGKILLed, started again; one log."""

    def __init__(self, newsd, conf, log_path):
        self.argv = [newsd, "-c", conf] + (["--allow-root"] if os.geteuid() == 0 else [])
        self.log_path = log_path
        self.proc = None
        self.starts = 0

    def start(self):
        with open(self.log_path, "ab") as log:
            since = log.tell()
            self.proc = subprocess.Popen(self.argv, stderr=log, stdout=subprocess.DEVNULL)
        self.starts += 1
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log_path, "rb") as fh:
                fh.seek(since)
                if b"ready" in fh.read():
                    return
            if self.proc.poll() is not None:
                raise SystemExit("torture_kafka: newsd exited at start %d; see %s" % (self.starts, self.log_path))
            time.sleep(0.05)
        raise SystemExit("torture_kafka: newsd not ready within 60 s; see " + self.log_path)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def archived_records(state):
    """{id: how many dated .json records} under archive/YYYY/MM/DD/ (the
    ids/ index has one per id by construction, so it cannot show a repeat)."""
    out = {}
    base = os.path.join(state, "archive")
    years = [y for y in os.listdir(base) if y.isdigit()] if os.path.isdir(base) else []
    for y in years:
        for _, _, files in os.walk(os.path.join(base, y)):
            for f in files:
                if f.endswith(".json") and len(f) == 37:
                    out[f[:-5]] = out.get(f[:-5], 0) + 1
    return out


def outbox_depth(state):
    d = os.path.join(state, "outbox", "records")
    try:
        return sum(1 for n in os.listdir(d) if n.endswith(".json"))
    except FileNotFoundError:
        return 0


def failed_items(state):
    try:
        return [n for n in os.listdir(os.path.join(state, "failed")) if not n.endswith(".reason")]
    except FileNotFoundError:
        return []


CHUNK = 500


class Feeder(threading.Thread):
    """Produces the chunk folders one by one, each once fewer than ahead
    articles wait (produced, not yet archived or failed)."""

    def __init__(self, mock, chunks, state, ahead, deadline):
        super().__init__(daemon=True)
        self.mock, self.chunks, self.state, self.ahead, self.deadline = mock, chunks, state, ahead, deadline
        self.produced = 0
        self.error = None

    def run(self):
        for folder, count in self.chunks:
            while time.time() < self.deadline and \
                    self.produced - core.count_ids(self.state) - len(failed_items(self.state)) > self.ahead - count:
                time.sleep(0.2)
            r = self.mock.ask("produce_dir articles %s" % folder, timeout=300)
            if r.get("count") != count or r.get("errors"):
                self.error = "producing %s: %s" % (folder, r)
                return
            self.produced += count


def redeliveries(log_path):
    """(held, duplicates): messages the input got again after a kill,
    acknowledged without a copy because newsd still held them, and ones
    put again and recognised by id (a duplicate, or a replay of work/)."""
    held = dups = 0
    with open(log_path, errors="replace") as fh:
        for line in fh:
            if "acknowledged without a second copy" in line:
                held += 1
            elif re.search(r" [0-9a-f]{32}: (duplicate|already archived)", line):
                dups += 1
    return held, dups


def wait_for(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.25)
    print("torture_kafka: timed out after %d s waiting for %s" % (timeout, what))
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--down-s", type=float, default=10.0, help="seconds broker 2 is down after the kills")
    ap.add_argument("--seed", type=int, default=None, help="of the kill points (default: random, printed)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds for the whole run")
    ap.add_argument("--ahead", type=int, default=1500, help="most articles produced and not yet archived")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    mock_exe = os.path.join(build, "tests", "e2e", "kafka_mock")
    for need in (newsd, os.path.join(plugins, "input_kafka.so"), os.path.join(plugins, "sink_kafka.so"), mock_exe):
        if not os.path.exists(need):
            print("torture_kafka: %s is not built (librdkafka-dev missing? see deps/debian-packages.txt)" % need)
            return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    n = args.articles
    texts = core.corpus_texts()
    workdir = tempfile.mkdtemp(prefix="newsd-torture-kafka-")
    mock = None
    d = None
    ok = False
    try:
        mock = Mock(mock_exe, os.path.join(workdir, "kafka_mock.log"))
        msgs = os.path.join(workdir, "msgs")
        core.prepare(msgs, n, texts, "tk")
        chunks = []
        for i, name in enumerate(sorted(os.listdir(msgs))):
            folder = os.path.join(msgs, "%04d" % (i // CHUNK))
            if i % CHUNK == 0:
                os.mkdir(folder)
                chunks.append([folder, 0])
            os.rename(os.path.join(msgs, name), os.path.join(folder, name))
            chunks[-1][1] += 1
        state = os.path.join(workdir, "state")
        conf = os.path.join(workdir, "newsd.ini")
        with open(conf, "w") as fh:
            fh.write(CONFIG.format(state=state, plugins=plugins, boot=mock.bootstrap))
        d = Newsd(newsd, conf, os.path.join(workdir, "newsd.log"))

        # Kill points: fractions of the articles archived, random, sorted;
        # the broker goes down after the last, while some are still to come.
        points = sorted(rng.uniform(0.03, 0.85) for _ in range(args.kills))
        t0 = time.time()
        deadline = t0 + args.timeout
        feeder = Feeder(mock, chunks, state, max(args.ahead, CHUNK), deadline)
        feeder.start()
        d.start()
        kills = 0
        for p in points:
            while time.time() < deadline and core.count_ids(state) < p * n:
                time.sleep(0.1)
            d.kill()
            kills += 1
            d.start()
        while time.time() < deadline and core.count_ids(state) < 0.9 * n and not core.is_empty(
                os.path.join(state, "inbox")):
            time.sleep(0.1)
        mock.command("down 2")
        t_down = time.time()
        time.sleep(args.down_s)
        mock.command("up 2")
        down_at = core.count_ids(state)

        left = max(10, deadline - time.time())
        ok = wait_for(lambda: core.count_ids(state) + len(failed_items(state)) >= n
                      and core.is_empty(os.path.join(state, "inbox")) and core.is_empty(os.path.join(state, "work")),
                      left, "every article archived")
        t_archived = time.time() - t0
        ok = ok and wait_for(lambda: outbox_depth(state) == 0, max(10, deadline - time.time()), "the outbox emptied")
        ids = set(archived_records(state))
        ok = ok and wait_for(lambda: set(mock.published()) >= ids, 120, "every archived record in topic records")
        feeder.join(5)
        if feeder.error:
            print("torture_kafka: " + feeder.error)
            ok = False
        t_all = time.time() - t0
        uncommitted = mock.ask("committed newsd articles")["uncommitted"]
        if uncommitted:
            wait_for(lambda: mock.ask("committed newsd articles")["uncommitted"] == 0, 30, "offsets committed")
            uncommitted = mock.ask("committed newsd articles")["uncommitted"]
        records = archived_records(state)
        twice = sum(1 for c in records.values() if c > 1)
        keys = mock.published()
        distinct = set(keys)
        failed = failed_items(state)
        dups_delivered = len(keys) - len(distinct)
        print("torture_kafka: %d articles over %d partitions (fed in chunks of %d, at most %d ahead; seed %d), "
              "%d SIGKILLs + restarts, broker 2 down %.0f s at %d archived"
              % (n, PARTITIONS, CHUNK, max(args.ahead, CHUNK), seed, kills, args.down_s, down_at))
        print("  time: %.1f s to the last archived, %.1f s to the last published; %.0f articles/s end to end"
              % (t_archived, t_all, n / t_all))
        print("  archived: %d distinct ids, %d archived more than once, %d in failed/ %s"
              % (len(records), twice, len(failed), failed[:3]))
        held, dups = redeliveries(d.log_path)
        print("  input: committed offsets == end of every partition: %s (uncommitted %d); redelivered after "
              "kills: %d held without a copy, %d taken again and deduplicated by id"
              % (uncommitted == 0, uncommitted, held, dups))
        print("  sink: %d messages published, %d distinct ids, distinct == archived: %s, duplicates delivered %d, "
              "outbox depth %d" % (len(keys), len(distinct), distinct == set(records), dups_delivered,
                                   outbox_depth(state)))
        ok = (ok and len(records) == n and twice == 0 and not failed and uncommitted == 0
              and distinct == set(records) and t_down > 0)
        print("SUMMARY torture_kafka: %s" % ("all held" if ok else "FAILED (see above; work folder %s)" % workdir))
        return 0 if ok else 1
    finally:
        if d:
            d.stop()
        if mock:
            mock.stop()
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not ok:
            print("torture_kafka: kept %s (newsd.log, kafka_mock.log, state/)" % workdir)


if __name__ == "__main__":
    sys.exit(main())
