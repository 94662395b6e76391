"""A client of tests/e2e/kafka_mock: librdkafka's mock cluster behind a line
protocol on stdin/stdout.  The program prints "bootstrap HOST:PORT,..." once,
then one JSON object per line: a message its consumer received, or the
answer to a command ("produced", "uncommitted").  Answers are not labelled,
so one question is asked at a time.

Shared by the e2e tests (tests_stream.py's KafkaMock) and
bench/torture_kafka.py, which turn MockError into their own failures.
"""

import json
import queue
import subprocess
import threading


class MockError(Exception):
    pass


class KafkaMockProcess:
    def __init__(self, argv, log_path, start_timeout):
        self.err = open(log_path, "wb")
        self.proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err)
        first = queue.Queue()
        self.replies = queue.Queue()
        self.messages = []          # what the consumer received, in order
        self.lock = threading.Lock()
        self.asking = threading.Lock()

        def read():
            for line in self.proc.stdout:
                line = line.decode()
                if line.startswith("bootstrap "):
                    first.put(line.split()[1])
                    continue
                o = json.loads(line)
                if "produced" in o or "uncommitted" in o:
                    self.replies.put(o)
                    continue
                with self.lock:
                    self.messages.append(o)
        threading.Thread(target=read, daemon=True).start()
        try:
            self.bootstrap = first.get(timeout=start_timeout)
        except queue.Empty:
            self.stop()
            raise MockError(f"kafka_mock printed no bootstrap servers within {start_timeout} s")

    def command(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def ask(self, line, timeout):
        with self.asking:
            self.command(line)
            try:
                return self.replies.get(timeout=timeout)
            except queue.Empty:
                raise MockError(f"kafka_mock did not answer {line!r} within {timeout} s")

    def received_keys(self):
        with self.lock:
            return [m["key"] for m in self.messages]

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.err.close()
