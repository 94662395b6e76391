#!/usr/bin/env python3
"""HTML benchmark (issue 9): figures, not a pass/fail test.

  python3 bench/bench_html.py [--build-dir build-release] [-n 3000] [--memory 10000]

1. burst:  N HTML pages renamed into a running daemon's inbox at once (the
           default C pipeline, archive_fs keeping each original): pages/s
           from the first drop to the last archived, latency p50/p99, and
           the daemon's CPU time per page (what idle cores would do: the
           wall clock of a machine shared with other work says little).
2. memory: M pages fed in batches of 1,000; the daemon's resident memory
           (VmRSS) after each batch.  It must stay flat: no page may leave
           anything behind.

Pages are the HTML of ../shared/corpus (scrapinghub-aeb-html and
trafilatura-eval-de-html, about 150 KB on average) with a comment appended
so that each copy has its own content hash.  Target: >= 300 pages/s on a
2-core machine.
"""
import argparse
import glob
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the daemon helpers of bench.py)


def pages():
    files = sorted(glob.glob(os.path.join(bench.SHARED, "corpus", "scrapinghub-aeb-html", "*.html")))
    files += sorted(glob.glob(os.path.join(bench.SHARED, "corpus", "trafilatura-eval-de-html",
                                           "*.html")))
    out = []
    for f in files:
        with open(f, "rb") as fh:
            out.append(fh.read())
    if not out:
        sys.exit("bench_html: no HTML pages under " + bench.SHARED)
    return out


def prepare(dirpath, start, n, texts):
    os.makedirs(dirpath, exist_ok=True)
    total = 0
    for i in range(start, start + n):
        data = texts[i % len(texts)] + b"\n<!-- bench %d -->\n" % i
        total += len(data)
        with open(os.path.join(dirpath, "p%07d.html" % i), "wb") as fh:
            fh.write(data)
    return total


def rss_kib(pid, key="VmRSS:"):
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drop_all(state):
    tmp = os.path.join(state, "tmp")
    names = sorted(os.listdir(tmp))
    dropped = {}
    for name in names:
        os.rename(os.path.join(tmp, name), os.path.join(state, "inbox", name))
        dropped[name] = time.time()
    return dropped


def burst(newsd, plugins, texts, n, workdir):
    state = os.path.join(workdir, "burst")
    conf = bench.write_config(workdir, state, plugins, "info")
    proc, log = bench.start_daemon(newsd, conf, os.path.join(workdir, "burst.log"))
    total = prepare(os.path.join(state, "tmp"), 0, n, texts)
    t0 = time.time()
    dropped = drop_all(state)
    ok = bench.wait_archived(state, n, 1200, proc)
    rss = bench.peak_rss_kib(proc.pid)
    cpu = cpu_seconds(proc.pid)
    bench.stop(proc, log)
    done = bench.parse_times(os.path.join(workdir, "burst.log"))
    lat = sorted((done[k] - dropped[k]) * 1000 for k in dropped if k in done)
    if not ok or len(lat) < n:
        print("burst:  only %d of %d archived (see %s)" % (len(lat), n, workdir))
    last = max(done.values()) if done else time.time()
    rate = len(lat) / max(last - t0, 1e-9)
    print("burst:  %d HTML pages (avg %.0f KB), C plugins + archive_fs" % (n, total / n / 1024))
    print("burst:  %.0f pages/s end to end (first drop -> last archived; target >= 300)" % rate)
    if lat:
        print("burst:  latency drop -> archived p50 %.0f ms, p99 %.0f ms"
              % (lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]))
    print("burst:  peak RSS %.1f MiB" % (rss / 1024))
    # On a machine shared with other work the wall clock says little; the
    # daemon's own CPU time says what the cores it had could do.
    print("burst:  newsd CPU %.2f ms per page: %.0f pages/s on %d idle cores"
          % (1000 * cpu / max(n, 1), os.cpu_count() * n / max(cpu, 1e-9), os.cpu_count()))


def memory(newsd, plugins, texts, n, workdir, batch=1000):
    state = os.path.join(workdir, "memory")
    conf = bench.write_config(workdir, state, plugins, "notice")
    proc, log = bench.start_daemon(newsd, conf, os.path.join(workdir, "memory.log"))
    series = []
    done = 0
    t0 = time.time()
    while done < n:
        k = min(batch, n - done)
        prepare(os.path.join(state, "tmp"), done, k, texts)
        drop_all(state)
        done += k
        if not bench.wait_archived(state, done, 1200, proc):
            print("memory: stuck after %d pages (see %s)" % (done, workdir))
            break
        series.append((done, rss_kib(proc.pid)))
    hwm = rss_kib(proc.pid, "VmHWM:")
    bench.stop(proc, log)
    elapsed = time.time() - t0
    print("memory: %d pages in batches of %d, %.0f pages/s" % (done, batch, done / elapsed))
    print("memory: VmRSS after each batch (MiB): "
          + ", ".join("%d:%.1f" % (d, r / 1024) for d, r in series))
    if len(series) >= 2:
        first, last = series[0][1], series[-1][1]
        print("memory: first batch %.1f MiB, last %.1f MiB (%+.1f MiB), peak %.1f MiB"
              % (first / 1024, last / 1024, (last - first) / 1024, hwm / 1024))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(bench.ROOT, "build-release"))
    ap.add_argument("-n", type=int, default=3000, help="burst size")
    ap.add_argument("--memory", type=int, default=10000, help="pages for the memory run (0: skip)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    if not os.access(newsd, os.X_OK):
        sys.exit("bench_html: %s not built" % newsd)
    texts = pages()
    workdir = tempfile.mkdtemp(prefix="newsd-bench-html-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    print("newsd HTML bench: %s, %d CPUs, state under %s" % (newsd, os.cpu_count(), workdir))
    try:
        burst(newsd, plugins, texts, args.n, workdir)
        if args.memory:
            memory(newsd, plugins, texts, args.memory, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
