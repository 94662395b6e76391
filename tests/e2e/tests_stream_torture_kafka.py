"""The Kafka torture of bench/torture_kafka.py, small enough for CI:
1,000 articles from the librdkafka mock cluster into one newsd with
input_kafka, 5 SIGKILLs and restarts, then broker 2 down for 10 s, with
sink_kafka publishing every archived record.  The script checks the
promises itself (each article archived once, committed offsets at the end
of every partition, distinct ids published == ids archived) and exits 0
only when all held; its figures are the note.  `make torture` runs the
full size (20,000 articles, 20 kills).

Loaded by run.py; every test here is named stream_*.
"""

import subprocess
import sys
from pathlib import Path

from __main__ import test, check
from tests_stream import need

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "torture_kafka.py"


@test(timeout=170, heavy=True)
def stream_kafka_torture(ctx):
    need(ctx.plugin_dir / "input_kafka.so", "input_kafka (librdkafka-dev)")
    need(ctx.plugin_dir / "sink_kafka.so", "sink_kafka (librdkafka-dev)")
    need(ctx.build / "tests" / "e2e" / "kafka_mock", "kafka_mock (librdkafka-dev)")
    p = subprocess.run([sys.executable, str(SCRIPT), "--build-dir", str(ctx.build), "--articles", "1000",
                        "--kills", "5", "--down-s", "10", "--timeout", "140"],
                       capture_output=True, timeout=165)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    check(p.returncode == 0, f"torture_kafka.py exited {p.returncode}:\n{out[-3000:]}")
    check("SUMMARY torture_kafka: all held" in out and "archived more than once" in out, f"no verdict:\n{out}")
    for line in out.splitlines():
        if line.startswith(("torture_kafka:", "  ")):
            print("note: " + line.strip())
