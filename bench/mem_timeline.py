#!/usr/bin/env python3
"""When newsd's peak RSS happens: newsd on a config (the default one unless
--config) over a backlog of N articles, VmRSS and VmHWM read from
/proc/PID/status every --interval seconds from the spawn on (start-up
included: compare.spawn() would return only once newsd is ready); prints
when newsd was ready, when the backlog was drained, when VmHWM first reached
its final value, the largest VmRSS before ready, and the timeline.  Cheap
enough (one small file a sample) not to slow newsd the way smaps sampling
(mem_breakdown.py) does.  Figures, not a test.

  python3 bench/mem_timeline.py --build-dir build-release [-n 10000]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as base  # noqa: E402
import compare  # noqa: E402


def status_kib(pid):
    """(VmRSS, VmHWM) in KiB."""
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def log_says_ready(path):
    with open(path, errors="replace") as fh:
        return any(compare.READY.match(line) for line in fh)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(base.ROOT, "build-release"))
    ap.add_argument("--config", default=os.path.join(base.ROOT, "config", "newsd.ini"))
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--lines", type=int, default=40, help="timeline lines printed")
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    texts = base.corpus_texts()
    folder = tempfile.mkdtemp(prefix="newsd-memtl-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    try:
        state = os.path.join(folder, "state")
        log_path = os.path.join(folder, "newsd.log")
        sections = base.ini_sections(args.config)
        conf = base.write_sections(os.path.join(folder, "newsd.ini"), sections, state, plugins, "notice")
        compare.train_topics(newsd, sections, conf, folder)
        compare.write_files(os.path.join(state, "inbox"), texts, args.n, True)
        compare.settle_disk()
        root = ["--allow-root"] if os.geteuid() == 0 else []
        with open(log_path, "w") as log:
            t0 = time.time()
            proc = subprocess.Popen([newsd, "-c", conf] + root, stderr=log, stdout=subprocess.DEVNULL)
            samples, ready = [], None
            while proc.poll() is None:
                try:
                    rss, hwm = status_kib(proc.pid)
                except OSError:
                    break
                t = time.time() - t0
                samples.append((t, rss, hwm))
                if ready is None and log_says_ready(log_path):
                    ready = t
                if ready is not None and base.is_empty(os.path.join(state, "inbox")) \
                        and base.is_empty(os.path.join(state, "work")):
                    break
                time.sleep(args.interval)
            if proc.poll() is not None:
                sys.exit("mem_timeline: newsd exited; see " + log_path)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        hwm = samples[-1][2]
        first = next(s for s in samples if s[2] >= hwm)
        before = [s for s in samples if ready is None or s[0] < ready] or samples[:1]
        print("%d articles: ready at %.2f s, drained at %.2f s; VmHWM %.1f MiB, first reached at %.2f s;"
              " largest VmRSS before ready %.1f MiB"
              % (args.n, ready if ready is not None else -1, samples[-1][0], hwm / 1024, first[0],
                 max(s[1] for s in before) / 1024))
        step = max(1, len(samples) // max(1, args.lines))
        for t, rss, peak in samples[::step]:
            print("  %6.2f s  VmRSS %5.1f MiB  VmHWM %5.1f MiB" % (t, rss / 1024, peak / 1024))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
