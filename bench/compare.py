"""The side-by-side benchmark of issue 11, run by bench/bench.py.

In one run, on the same files, interleaved round by round (the floor first
and last in each round and mode; the faster of the two is the floor):
  floor       bench/floor.c: read, hash, JSON record, rename into the
              archive, one syncfs at the end (the issue's I/O floor)
  floor-b256  the same with a syncfs per 256 articles and whenever nothing
              waits: the daemon's group commit (batch_size 256), for scale
  default     newsd on config/newsd.ini as shipped (archive_sqlite)
  core        newsd with one keyword_tagger and archive_fs
  tagging     the workload the issue was filed with: a company and a topic
              keyword_tagger and tag_scorer, with the default config's
              [daemon], [actions] and archive_sqlite (no analysis plugins)
  full        newsd with every bundled plugin that runs without a server
each in backlog mode (files present before the start) and stream mode
(files renamed from tmp/ into inbox/ as fast as one producer can, after
newsd logged "ready" or the floor printed it).  Then the default config at a
steady 1,000 articles/s, and the default config's backlog at 1 and 2 workers.

How each figure is taken:
  articles/s  backlog: articles / (last archived - start of work): newsd's
              "ready" log line (it logs it before it claims the first file),
              the floor's own clock; stream: articles / (last archived -
              first drop).  "Archived" is newsd's "article NAME ID: archived"
              log line, written on the loop after the batch's commit
              returned (so after its fsync), with millisecond timestamps;
              for the floor, the moment its syncfs returned.
  CPU         utime + stime of all threads from /proc/PID/stat, read once
              everything is archived and before SIGTERM (start-up included,
              shutdown not); the floor's getrusage through wait4.
  peak RSS    VmHWM from /proc/PID/status at the same moment; the floor's
              ru_maxrss.
  latency     stream mode only: per file, archived time - the producer's
              time.time() right after its rename(2).  In backlog mode every
              file waits for those before it, so there is none to report;
              the end-sync floor has none either (all durable at its end).
  indexed     archive_sqlite: the share of the articles full-text indexed
              when newsd stopped.  Its indexer works behind the commits,
              while the writer is quiet (docs/archive.md): a run that ends
              with the index behind leaves that CPU out of the figures.
The topics plugin of the default config gets its model first, as a user
following the README would (`newsd learn --model news` on the labelled
corpus articles, German and English): without one it tags nothing and its
cost would be missing from the figures.
newsd logs at info level in every configuration (the shipped default):
the per-article line is the archived time, and it costs newsd one write(2)
per article that the floor does not pay.
"""
import datetime as dt
import os
import re
import subprocess
import sys
import time

import bench as base

ARCHIVED = re.compile(r"^(\S+Z) info: article (\S+) [0-9a-f]{32}: archived")
READY = re.compile(r"^(\S+Z) notice: newsd \S+ ready")
STOPPED = re.compile(r"notice: stopped: (\d+) received, (\d+) archived, (\d+) duplicates, "
                     r"(\d+) replayed, (\d+) failed")
TICK = os.sysconf("SC_CLK_TCK")

# Bundled plugins that a full run leaves out: noop.lua is the bench's own
# measure of a Lua call, not a feature.
NOT_FEATURES = {"noop.lua"}

# Settings for bundled plugins that the default config does not list and
# that need keys to start (the company tagger).
EXTRA_SETTINGS = {
    "keyword_tagger.so": [("prefix", "entity:org/"), ("match", "word"),
                          ("words", "SenseTime, Huawei, Shanghai Biren, Nvidia, Moore Threads, "
                                    "Baidu, Naura, Intel, AMD, TSMC, Samsung")],
}


class Result:
    def __init__(self, config, mode, n):
        self.config, self.mode, self.n = config, mode, n
        self.archived = 0
        self.rate = 0.0
        self.cpu_ms = float("nan")      # per article
        self.rss_kib = 0
        self.write_kb = None            # per article: /proc/PID/io write_bytes, wchar
        self.wchar_kb = None
        self.p50 = self.p99 = None      # ms, stream mode
        self.startup_s = None           # spawn -> ready (newsd)
        self.indexed = None             # archive_sqlite: share full-text indexed at the stop
        self.note = ""


def ts(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=dt.timezone.utc).timestamp()


def read_log(path):
    """(ready time or None, {name: archived time}, the counters of the
    "stopped:" line or None) from a newsd log."""
    ready, done, counters = None, {}, None
    with open(path, errors="replace") as fh:
        for line in fh:
            m = ARCHIVED.match(line)
            if m:
                done[m.group(2)] = ts(m.group(1))
                continue
            r = READY.match(line) if ready is None else None
            if r:
                ready = ts(r.group(1))
            c = STOPPED.search(line)
            if c:
                counters = dict(zip(("received", "archived", "duplicates", "replayed", "failed"),
                                    map(int, c.groups())))
    return ready, done, counters


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as fh:
        data = fh.read()
    rest = data[data.rindex(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / TICK


def io_bytes(pid):
    """(write_bytes, wchar) of /proc/PID/io: what the process had the
    storage layer write (dirtied pages, whoever flushes them) and what it
    passed to write calls; (None, None) where the kernel does not say."""
    try:
        with open("/proc/%d/io" % pid) as fh:
            io = dict(line.split(": ") for line in fh.read().splitlines())
        return int(io["write_bytes"]), int(io["wchar"])
    except (OSError, KeyError, ValueError):
        return None, None


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def write_files(folder, texts, n, backlog=False):
    """n unique articles (corpus text + a counter line), the same bytes in
    every run so that every configuration reads the same files.  A backlog
    is dated a minute back: newsd takes a file found in the inbox at start
    only once its mtime is 10 s old (a writer may still hold it), and a
    real backlog waited longer than that."""
    os.makedirs(folder, exist_ok=True)
    past = time.time() - 60
    for i in range(n):
        fd = os.open(os.path.join(folder, "s%06d.txt" % i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, texts[i % len(texts)] + b"\n\nbench %d\n" % i)
            if backlog:
                os.utime(fd, (past, past))
        finally:
            os.close(fd)


def settle_disk():
    """Flush the freshly written articles before a run starts: otherwise the
    first syncfs or journal commit of the run pays for writing them (and the
    floor, which syncs once, would pay it all at once)."""
    os.sync()


def produce(src, dst, rate=None):
    """Renames every file of src into dst, in name order, as fast as it can
    or at rate files/s; returns {name: time right after its rename}."""
    names = sorted(os.listdir(src))
    dropped = {}
    t0 = time.time()
    for i, name in enumerate(names):
        if rate:
            wait = t0 + i / rate - time.time()
            if wait > 0:
                time.sleep(wait)
        os.rename(os.path.join(src, name), os.path.join(dst, name))
        dropped[name] = time.time()
    return dropped


def latencies(res, dropped, done):
    lat = sorted((done[k] - t) * 1000 for k, t in dropped.items() if k in done)
    res.p50, res.p99 = percentile(lat, 0.50), percentile(lat, 0.99)


# ---- the floor --------------------------------------------------------------

def run_floor(floor, texts, n, folder, mode, batch=0):
    res = Result("floor-b%d" % batch if batch else "floor", mode, n)
    src, tmp, out = (os.path.join(folder, d) for d in ("inbox", "tmp", "archive"))
    os.makedirs(src)
    write_files(src if mode == "backlog" else tmp, texts, n, mode == "backlog")
    settle_disk()
    argv = [floor] + (["-b", str(batch)] if batch else [])
    times = os.path.join(folder, "times.txt")
    if mode == "stream":
        argv += ["-n", str(n), "-t", times]
    proc = subprocess.Popen(argv + [src, out], stdout=subprocess.PIPE, text=True)
    dropped = None
    if mode == "stream":
        if proc.stdout.readline().strip() != "ready":
            sys.exit("bench: the floor did not start; see its message above")
        dropped = produce(tmp, src)
    summary = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit("bench: the floor failed (exit %d): %s" % (proc.returncode, summary.strip()))
    m = re.search(r"(\d+) articles in ([\d.]+) s", summary)
    res.archived = int(m.group(1))
    kept = [len(os.listdir(os.path.join(out, d))) for d in ("records", "originals")]
    if kept != [n, n] or not base.is_empty(src):
        res.note = "the floor kept %d records and %d originals of %d" % (kept[0], kept[1], n)
    res.cpu_ms = (ru.ru_utime + ru.ru_stime) * 1000 / max(res.archived, 1)
    # Its own VmHWM: ru_maxrss would count the Python process it was forked from.
    res.rss_kib = int(float(re.search(r"peak RSS ([\d.]+) MiB", summary).group(1)) * 1024)
    if mode == "backlog":
        res.rate = res.archived / max(float(m.group(2)), 1e-9)
    else:
        done = {}
        with open(times) as fh:
            for line in fh:
                name, at = line.split()
                done[name] = float(at)
        res.rate = len(done) / max(max(done.values()) - min(dropped.values()), 1e-9)
        if batch:
            latencies(res, dropped, done)
    return res


# ---- newsd ------------------------------------------------------------------

def spawn(newsd, conf, log_path):
    """newsd in the foreground; returns (proc, log file, spawn time) once
    its log says ready."""
    log = open(log_path, "w")
    root = ["--allow-root"] if os.geteuid() == 0 else []
    t0 = time.time()
    proc = subprocess.Popen([newsd, "-c", conf] + root, stderr=log, stdout=subprocess.DEVNULL)
    deadline = t0 + 60
    while time.time() < deadline:
        with open(log_path, errors="replace") as fh:
            if any(READY.match(line) for line in fh):
                return proc, log, t0
        if proc.poll() is not None:
            log.close()
            sys.exit("bench: newsd exited at start; see " + log_path)
        time.sleep(0.02)
    proc.kill()
    log.close()
    sys.exit("bench: newsd did not become ready in 60 s; see " + log_path)


def wait_drained(state, proc, timeout):
    """inbox/ and work/ empty: every file claimed and its batch committed
    (a work file is unlinked only after its commit)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if base.is_empty(os.path.join(state, "inbox")) and base.is_empty(os.path.join(state, "work")):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def train_topics(newsd, sections, conf, folder):
    """The model each topics section names, trained on the corpus's labels
    (files given by absolute path, so one TSV holds both corpora)."""
    models = {dict(kv).get("model", "") for _, kv in sections if os.path.basename(plugin_file(kv)) == "topics.so"}
    models.discard("")
    if not models:
        return
    tsv = os.path.join(folder, "labels.tsv")
    with open(tsv, "w", encoding="utf-8") as out:
        for corpus in ("10kgnad-de", "bbc-news-en"):
            d = os.path.join(base.SHARED, "corpus", corpus)
            with open(os.path.join(d, "labels.tsv"), encoding="utf-8") as f:
                for line in f:
                    if "\t" in line:
                        name, label = line.rstrip("\n").split("\t", 1)
                        out.write("%s\t%s\n" % (os.path.join(d, name), label))
    root = ["--allow-root"] if os.geteuid() == 0 else []
    for m in sorted(models):
        out = subprocess.run([newsd, "learn", "--model", m, "--labels", tsv, "-c", conf] + root,
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("bench: newsd learn --model %s failed: %s" % (m, out.stderr.strip()[-500:]))


def indexed_share(state):
    """archive_sqlite: the share of the archived articles that its
    full-text indexer had indexed when newsd stopped, or None.  The indexer
    works behind the commits while the writer is quiet (docs/archive.md):
    in a run that ends while it is behind, its CPU is not in the figures."""
    path = os.path.join(state, "archive", "newsd.db")
    if not os.path.exists(path):
        return None
    import sqlite3
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            total, done = db.execute("SELECT count(*), count(*) FILTER (WHERE seq <= (SELECT seq FROM fts_mark))"
                                     " FROM articles").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return done / total if total else None


def run_newsd(newsd, plugins, sections, name, texts, n, folder, mode, rate=None, extra=()):
    res = Result(name, mode, n)
    state = os.path.join(folder, "state")
    if extra:
        sections = [(s, kv + list(extra) if s == "daemon" else kv) for s, kv in sections]
    conf = base.write_sections(os.path.join(folder, "newsd.ini"), sections, state, plugins, "info")
    train_topics(newsd, sections, conf, folder)
    log_path = os.path.join(folder, "newsd.log")
    write_files(os.path.join(state, "inbox" if mode == "backlog" else "tmp"), texts, n, mode == "backlog")
    settle_disk()
    proc, log, t_spawn = spawn(newsd, conf, log_path)
    dropped = None
    if mode != "backlog":
        dropped = produce(os.path.join(state, "tmp"), os.path.join(state, "inbox"), rate)
    ok = wait_drained(state, proc, 900)
    if ok:
        res.cpu_ms = cpu_seconds(proc.pid) * 1000 / n
        res.rss_kib = base.peak_rss_kib(proc.pid)
        wb, wc = io_bytes(proc.pid)
        if wb is not None:
            res.write_kb, res.wchar_kb = wb / 1000 / n, wc / 1000 / n
    base.stop(proc, log)
    res.indexed = indexed_share(state)
    ready, done, counters = read_log(log_path)
    res.archived = len(done)
    if not ok or res.archived < n:
        res.note = "only %d of %d archived (see %s)" % (res.archived, n, log_path)
    elif not counters or counters["archived"] != n or counters["duplicates"] or counters["failed"]:
        # Each file exactly once: no duplicates, no failures, no more.
        res.note = "newsd counted %s (see %s)" % (counters, log_path)
    if not done:
        return res
    res.startup_s = ready - t_spawn if ready else None
    if mode == "backlog":
        start = ready if ready else t_spawn
    else:
        start = min(dropped.values())
        latencies(res, dropped, done)
    res.rate = res.archived / max(max(done.values()) - start, 1e-9)
    return res


# ---- the configurations -------------------------------------------------------

def plugin_file(kv):
    d = dict(kv)
    return d.get("so") or d.get("lua") or ""


def check_config(newsd, plugins, sections, folder):
    os.makedirs(folder, exist_ok=True)
    conf = base.write_sections(os.path.join(folder, "check.ini"), sections,
                               os.path.join(folder, "state"), plugins, "warning")
    root = ["--allow-root"] if os.geteuid() == 0 else []
    out = subprocess.run([newsd, "--check-config", "-c", conf] + root, capture_output=True, text=True)
    lines = (out.stderr.strip() or out.stdout.strip()).splitlines()
    return out.returncode == 0, (lines[-1] if lines else "exit %d" % out.returncode)


def full_sections(newsd, plugins, default, folder):
    """The default config plus every bundled plugin it does not list (found
    in the plugin folder, so the set grows with the plugins), each added only
    if newsd --check-config accepts it; returns (sections, notes)."""
    have = {os.path.basename(plugin_file(kv)) for _, kv in default}
    found = sorted(f for f in os.listdir(plugins)
                   if (f.endswith(".so") or f.endswith(".lua")) and f not in have and f not in NOT_FEATURES)
    sections, notes = list(default), []
    for f in found:
        key = "lua" if f.endswith(".lua") else "so"
        name = "plugin.full_" + re.sub(r"\W", "_", f.rsplit(".", 1)[0])
        trial = sections + [(name, [(key, f)] + EXTRA_SETTINGS.get(f, []))]
        ok, why = check_config(newsd, plugins, trial, os.path.join(folder, "check-" + f))
        if ok:
            sections = trial
            notes.append("added " + f)
        else:
            # The cause, without the plugin's path and the config's line.
            notes.append("left out %s (%s)" % (f, why.rsplit("): ", 1)[-1]))
    return sections, notes


# ---- the report -----------------------------------------------------------------

def fmt_ms(v):
    return "%.1f" % v if v is not None else "-"


def print_result(r, floor_rate, of="of floor"):
    ratio = "%5.2f" % (r.rate / floor_rate) if floor_rate else "    -"
    print("  %-10s %-7s %6d/%-6d %8.0f/s  %s %s  CPU %6.3f ms/article  RSS %6.1f MiB  "
          "p50 %7s ms  p99 %7s ms%s%s%s%s"
          % (r.config, r.mode, r.archived, r.n, r.rate, ratio, of, r.cpu_ms, r.rss_kib / 1024,
             fmt_ms(r.p50), fmt_ms(r.p99),
             "  start %.2f s" % r.startup_s if r.startup_s is not None else "",
             "  indexed %.0f %% at the stop" % (100 * r.indexed) if r.indexed is not None else "",
             "  wrote %.1f kB/article (write calls %.1f)" % (r.write_kb, r.wchar_kb)
             if r.write_kb is not None else "",
             "  " + r.note if r.note else ""), flush=True)


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def compare(newsd, build, plugins, texts, n, rounds, workdir, steady_rate=1000, steady_n=10000):
    floor = os.path.join(build, "bench", "floor")
    if not os.access(floor, os.X_OK):
        sys.exit("bench: %s not built" % floor)
    default = base.ini_sections(os.path.join(base.ROOT, "config", "newsd.ini"))
    full, notes = full_sections(newsd, plugins, default, os.path.join(workdir, "full-check"))
    configs = [("floor", None), ("floor-b256", None), ("default", default),
               ("core", base.core_sections()), ("tagging", base.tagging_sections(default)),
               ("full", full)]
    print("compare: %d articles per run (corpus texts, each made unique), %d rounds, "
          "configurations interleaved; full = the default config, %s"
          % (n, rounds, "; ".join(notes) if notes else "nothing to add"), flush=True)
    results = []
    for rnd in range(1, rounds + 1):
        print("round %d:" % rnd, flush=True)
        for mode in ("backlog", "stream"):
            # The floor first and last: creating files is slow for a while
            # after many were deleted (each newsd run unlinks its work
            # files), so one floor run can understate the file system; the
            # faster of the two is the floor of this round and mode.  The
            # others run in a turned order each round, so that none always
            # follows the same one.
            k = (rnd - 1) % (len(configs) - 1)
            order = configs[:1] + configs[1 + k:] + configs[1:1 + k] + configs[:1]
            batch = []
            for i, (name, sections) in enumerate(order):
                folder = os.path.join(workdir, "r%d-%s-%s-%d" % (rnd, name, mode, i))
                os.makedirs(folder)
                if name.startswith("floor"):
                    r = run_floor(floor, texts, n, folder, mode, 256 if name == "floor-b256" else 0)
                else:
                    r = run_newsd(newsd, plugins, sections, name, texts, n, folder, mode)
                r.round = rnd
                batch.append(r)
            best = max(r.rate for r in batch if r.config == "floor")
            for r in batch:
                r.floor_rate = best
                print_result(r, best)
            results.extend(batch)

    print("steady: default config, %d articles at %d articles/s (stream)" % (steady_n, steady_rate), flush=True)
    folder = os.path.join(workdir, "steady")
    os.makedirs(folder)
    steady = run_newsd(newsd, plugins, default, "default", texts, steady_n, folder, "steady", rate=steady_rate)
    if steady.rate < 0.95 * steady_rate:
        steady.note = ("did not keep up with %d articles/s: its latency is the queue's"
                       % steady_rate + ("; " + steady.note if steady.note else ""))
    print_result(steady, 0)

    print("workers: default config, backlog of %d articles" % n, flush=True)
    by_workers = []
    for w in (1, 2):
        folder = os.path.join(workdir, "workers%d" % w)
        os.makedirs(folder)
        r = run_newsd(newsd, plugins, default, "default-w%d" % w, texts, n, folder, "backlog",
                      extra=[("workers", str(w))])
        print_result(r, 0)
        by_workers.append(r)

    summary(results, steady, by_workers, rounds)
    return results


def summary(results, steady, by_workers, rounds):
    print()
    print("summary (mean of %d rounds; ratio = articles/s over the floor's in the same round and mode, "
          "the faster of its two runs)" % rounds)
    print("  %-10s %-7s %10s %14s %10s %9s %9s %9s"
          % ("config", "mode", "articles/s", "ratio to floor", "CPU ms/art", "RSS MiB", "p50 ms", "p99 ms"))
    keys = []
    for r in results:
        if (r.config, r.mode) not in keys:
            keys.append((r.config, r.mode))
    for config, mode in keys:
        rs = [r for r in results if r.config == config and r.mode == mode]
        if config == "floor":
            # The floor of each round: the faster of its two runs.
            rs = [max((r for r in rs if r.round == rnd), key=lambda r: r.rate)
                  for rnd in sorted({r.round for r in rs})]
        ratios = [r.rate / r.floor_rate for r in rs if r.floor_rate]
        p50 = [r.p50 for r in rs if r.p50 is not None]
        p99 = [r.p99 for r in rs if r.p99 is not None]
        short = [r for r in rs if r.archived < r.n]
        print("  %-10s %-7s %10.0f %14s %10.3f %9.1f %9s %9s%s"
              % (config, mode, mean([r.rate for r in rs]),
                 " / ".join("%.2f" % x for x in ratios), mean([r.cpu_ms for r in rs]),
                 max(r.rss_kib for r in rs) / 1024, fmt_ms(mean(p50) if p50 else None),
                 fmt_ms(mean(p99) if p99 else None),
                 "  NOT ALL ARCHIVED in %d run(s)" % len(short) if short else ""))
    print("  %-10s %-7s %10.0f %14s %10.3f %9.1f %9s %9s  (target p99 <= 50 ms%s)"
          % ("default", "steady", steady.rate, "-", steady.cpu_ms, steady.rss_kib / 1024,
             fmt_ms(steady.p50), fmt_ms(steady.p99), "; " + steady.note if steady.note else ""))
    for r in by_workers:
        print("  %-10s %-7s %10.0f %14s %10.3f %9.1f %9s %9s"
              % (r.config, r.mode, r.rate, "-", r.cpu_ms, r.rss_kib / 1024, "-", "-"))
    # What CPU alone allows: all cores busy at the measured CPU per article.
    cpus = os.cpu_count() or 1
    ceiling = []
    for config in ("default", "core", "tagging", "full"):
        cpu = mean([r.cpu_ms for r in results if r.config == config and r.mode == "backlog"])
        floor = mean(sorted({r.floor_rate for r in results if r.mode == "backlog"}))
        if cpu == cpu and cpu > 0:
            ceiling.append("%s %.0f/s (%.2f of the floor)" % (config, cpus * 1000 / cpu, cpus * 1000 / cpu / floor))
    print("  CPU ceiling on %d cores (backlog CPU per article, every core busy): %s" % (cpus, ", ".join(ceiling)))
    print("  targets: default >= 0.5 of the floor (backlog and stream), core >= 0.6, "
          "default peak RSS <= 30 MiB")


# ---- one build against another ----------------------------------------------------

def versus(builds, texts, n, rounds, workdir, modes, steady_rate=1000, configs=("default",),
           workers=(None,)):
    """Two (or more) builds of newsd side by side on the same files: per
    round, config (default, core), workers and mode each build once, in a
    turned order (so that neither always runs first on a file system that
    just saw deletions), and the floor (bench/floor of the first build)
    before and after them in backlog and stream mode.  For a change's
    before/after in one run; the figures are those of print_result, the
    ratio is to the first build's articles/s in the same round and run,
    "floor" to the faster floor run of that round and mode."""
    default = base.ini_sections(os.path.join(base.ROOT, "config", "newsd.ini"))
    sections = {"default": default, "core": base.core_sections(),
                "tagging": base.tagging_sections(default)}
    floor = os.path.join(builds[0][1], "bench", "floor")
    results, floors = [], {}
    runs = [(c, w, m) for c in configs for w in workers for m in modes]

    def run_name(c, w, m):
        return "%s/%s%s" % (c, m, "/w%s" % w if w else "")
    print("versus: configs %s, workers %s, %d articles per run, %d rounds, modes %s; builds %s"
          % (", ".join(configs), ", ".join(str(w or "default") for w in workers), n, rounds,
             ", ".join(modes), ", ".join(label for label, _ in builds)), flush=True)
    for rnd in range(1, rounds + 1):
        print("round %d:" % rnd, flush=True)
        floor_runs = {}
        for i, (config, w, mode) in enumerate(runs):
            if mode != "steady" and mode not in floor_runs and os.access(floor, os.X_OK):
                folder = os.path.join(workdir, "v%d-floor-%s-a" % (rnd, mode))
                os.makedirs(folder)
                floor_runs[mode] = [run_floor(floor, texts, n, folder, mode)]
            k = (rnd - 1 + i) % len(builds)
            order = builds[k:] + builds[:k]
            batch = []
            name = run_name(config, w, mode)
            for label, build in order:
                newsd = os.path.join(build, "daemon", "newsd")
                plugins = os.path.join(build, "plugins")
                folder = os.path.join(workdir, "v%d-%s-%s" % (rnd, label, name.replace("/", "-")))
                os.makedirs(folder)
                r = run_newsd(newsd, plugins, sections[config], label, texts, n, folder,
                              "stream" if mode == "steady" else mode,
                              rate=steady_rate if mode == "steady" else None,
                              extra=[("workers", str(w))] if w else ())
                r.mode = name
                r.round = rnd
                if mode == "steady" and r.rate < 0.95 * steady_rate:
                    r.note = "did not keep up with %d articles/s" % steady_rate + (
                        "; " + r.note if r.note else "")
                batch.append(r)
            first = next(r.rate for r in batch if r.config == builds[0][0])
            for r in sorted(batch, key=lambda r: [b[0] for b in builds].index(r.config)):
                print_result(r, first, "of " + builds[0][0])
            results.extend(batch)
        for mode, rs in floor_runs.items():
            folder = os.path.join(workdir, "v%d-floor-%s-b" % (rnd, mode))
            os.makedirs(folder)
            rs.append(run_floor(floor, texts, n, folder, mode))
            floors[(rnd, mode)] = max(r.rate for r in rs)
            print("  floor      %-7s %8.0f/s (the faster of %s)"
                  % (mode, floors[(rnd, mode)], " and ".join("%.0f" % r.rate for r in rs)), flush=True)
    print()
    print("versus summary (mean of %d rounds; ratio = articles/s over %s's in the same round and run; "
          "floor = over the floor's in the same round and mode)" % (rounds, builds[0][0]))
    print("  %-10s %-20s %10s %10s %7s %10s %9s %9s %9s"
          % ("build", "run", "articles/s", "ratio", "floor", "CPU ms/art", "RSS MiB", "p50 ms", "p99 ms"))
    for config, w, mode in runs:
        name = run_name(config, w, mode)
        firsts = {r.round: r.rate for r in results if r.mode == name and r.config == builds[0][0]}
        for label, _ in builds:
            rs = [r for r in results if r.mode == name and r.config == label]
            p50 = [r.p50 for r in rs if r.p50 is not None]
            p99 = [r.p99 for r in rs if r.p99 is not None]
            of_floor = [r.rate / floors[(r.round, mode)] for r in rs if floors.get((r.round, mode))]
            print("  %-10s %-20s %10.0f %10.2f %7s %10.3f %9.1f %9s %9s"
                  % (label, name, mean([r.rate for r in rs]),
                     mean([r.rate / firsts[r.round] for r in rs if firsts.get(r.round)]),
                     "%.2f" % mean(of_floor) if of_floor else "-",
                     mean([r.cpu_ms for r in rs]), max(r.rss_kib for r in rs) / 1024,
                     fmt_ms(mean(p50) if p50 else None), fmt_ms(mean(p99) if p99 else None)))
    return results
