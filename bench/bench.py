#!/usr/bin/env python3
"""newsd benchmark: figures, not a pass/fail test.

By default (make bench): the I/O floor (bench/floor.c) and newsd with the
default, core-only, tagging (issue 11's own workload) and full configs side
by side on the same files, in backlog and stream mode, a steady 1,000 articles/s, 1 and 2 workers, and a
summary table (bench/compare.py says how each figure is taken); before it
the in-process Lua and entities figures, and build/bench/analysis_bench's
microseconds per article for the core-only config, issue 8's analysis set
(text layer, lang, entities with 10,000 names, keywords; its sum against
the 250 us target) and the full default config.  --million: the scale run
(bench/scale.py, make bench-scale).

--classic runs the earlier figures, each in a fresh state dir:
  1. burst:   N articles renamed into a running daemon's inbox at once;
              articles/s from first drop to last archived, p50/p99 latency
              drop -> archived (from the daemon's log timestamps), peak RSS.
  2. backlog: B articles already in the inbox when the daemon starts;
              articles/s and peak RSS (memory must not grow with B).
  3. lua:     the burst again with the bundled Lua plugins doing the same
              work as the C ones (keywords.lua, scorer.lua), its articles/s
              as a share of the C pipeline's, and the in-process cost of a
              no-op Lua plugin per article (build/bench/lua_noop_bench).

  4. analysis (also --only-analysis): the "core-only" config (one tagger, archive_fs) and the
              "full default" config (config/newsd.ini as shipped: every
              bundled analysis plugin, its archive), and the full analysis
              with archive_fs, as bursts side by side; articles/s and the
              ratio full/core.  Then build/bench/analysis_bench: the
              microseconds per ~5 KB article of the parser, the text layer
              and each plugin on one thread, for the full default config
              with a synthetic gazetteer of 10,000 names for the entities
              plugin (when the config has one).

Run it on a quiet file system.  On ext4 without a journal (as on the CI
machines) creating a file is much slower for 60-300 s after many files were
deleted (the inode allocator skips recently deleted inodes one by one), so
a run right after `make test` or another bench measures that, not newsd:
seen here 2,500-4,600 articles/s right after deletions, 6,500 on a quiet
file system, 7,300 on tmpfs, for the same binary.

Articles are corpus texts (../shared/corpus, sizes like the sample) with a
counter line appended so that each has its own content hash.
"""
import argparse
import datetime as dt
import glob
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")

CONFIG = """
[daemon]
state_dir = {state}
plugin_dir = {plugins}
log_level = {log_level}
{extra}
{pipeline}
[plugin.archive]
so = archive_fs.so
"""

# The same work twice: tag orgs (whole words) and topics, score the tags.
PIPELINES = {"core": """
[plugin.orgs]
so = keyword_tagger.so
prefix = entity:org/
match = word
words = SenseTime, Huawei, Shanghai Biren, Nvidia, Moore Threads, Baidu, Naura, Intel, AMD, TSMC, Samsung
""", "c": """
[plugin.orgs]
so = keyword_tagger.so
prefix = entity:org/
match = word
words = SenseTime, Huawei, Shanghai Biren, Nvidia, Moore Threads, Baidu, Naura, Intel, AMD, TSMC, Samsung

[plugin.topics]
so = keyword_tagger.so
tag = topic:ai-chips
words = KI-Chip, AI chip, Chiphersteller, chipmaker, Halbleiter, semiconductor, KI-Beschleuniger, AI accelerator

[plugin.scorer]
so = tag_scorer.so
rule.AI_CHIPS = topic:ai-chips, 3.0
rule.CHIP_MAKERS = entity:org/*, 0.5, 3.0
""", "lua": """
[plugin.orgs]
lua = keywords.lua
prefix = entity:org/
match = word
words = SenseTime, Huawei, Shanghai Biren, Nvidia, Moore Threads, Baidu, Naura, Intel, AMD, TSMC, Samsung

[plugin.topics]
lua = keywords.lua
tag = topic:ai-chips
words = KI-Chip, AI chip, Chiphersteller, chipmaker, Halbleiter, semiconductor, KI-Beschleuniger, AI accelerator

[plugin.scorer]
lua = scorer.lua
rule.AI_CHIPS = topic:ai-chips, 3.0
rule.CHIP_MAKERS = entity:org/*, 0.5, 3.0
"""}

LINE = re.compile(r"^(\S+Z) info: article (\S+) [0-9a-f]{32}: (archived|duplicate)")


def corpus_texts():
    files = sorted(glob.glob(os.path.join(SHARED, "samples", "*.txt")))
    files += sorted(glob.glob(os.path.join(SHARED, "corpus", "10kgnad-de", "*.txt")))
    files += sorted(glob.glob(os.path.join(SHARED, "corpus", "bbc-news-en", "*.txt")))
    texts = []
    for f in files:
        with open(f, "rb") as fh:
            texts.append(fh.read())
    if not texts:
        sys.exit("bench: no corpus found under " + SHARED)
    return texts


def prepare(dirpath, n, texts, prefix, backdate=False):
    """backdate: mtimes a minute back, as a backlog's are (newsd takes a
    file it finds at start only once its mtime is 10 s old)."""
    os.makedirs(dirpath, exist_ok=True)
    total = 0
    past = time.time() - 60
    for i in range(n):
        data = texts[i % len(texts)] + b"\n\nbench %s %d\n" % (prefix.encode(), i)
        total += len(data)
        with open(os.path.join(dirpath, "%s%06d.txt" % (prefix, i)), "wb") as fh:
            fh.write(data)
            if backdate:
                os.utime(fh.fileno(), (past, past))
    return total / max(n, 1)


def peak_rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def count_ids(state):
    n = 0
    for _, _, files in os.walk(os.path.join(state, "archive", "ids")):
        n += len(files)
    return n


def start_daemon(newsd, conf, log_path):
    log = open(log_path, "w")
    # newsd refuses root without --allow-root; the bench often runs as root.
    root = ["--allow-root"] if os.geteuid() == 0 else []
    proc = subprocess.Popen([newsd, "-c", conf] + root, stderr=log, stdout=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        with open(log_path, errors="replace") as fh:
            if "ready" in fh.read():
                return proc, log
        if proc.poll() is not None:
            sys.exit("bench: newsd exited at start; see " + log_path)
        time.sleep(0.02)
    sys.exit("bench: newsd did not become ready")


def is_empty(folder):
    """No entry but dot-names: cheap, stops at the first name."""
    with os.scandir(folder) as it:
        return not any(not e.name.startswith(".") for e in it)


def wait_archived(state, n, timeout, proc, count=count_ids):
    """Wait until inbox/ and work/ are empty, then check the archive once:
    polling the archive itself would cost as much CPU as newsd.  count is
    None for an archive other than archive_fs: the log lines tell then."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if is_empty(os.path.join(state, "inbox")) and is_empty(os.path.join(state, "work")):
            return count is None or count(state) >= n
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def parse_times(log_path):
    out = {}
    with open(log_path, errors="replace") as fh:
        for line in fh:
            m = LINE.match(line)
            if m:
                t = dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
                out[m.group(2)] = t.timestamp()
    return out


def stop(proc, log):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def write_config(base, state, plugins, log_level, extra="", pipeline="c"):
    conf = os.path.join(base, "newsd.ini")
    with open(conf, "w") as fh:
        fh.write(CONFIG.format(state=state, plugins=plugins, log_level=log_level, extra=extra,
                               pipeline=PIPELINES[pipeline]))
    return conf


def burst(newsd, plugins, texts, n, workdir, pipeline="c", sections=None, label=None):
    """sections: a whole config as ini_sections() gives (pipeline unused)."""
    state = os.path.join(workdir, "burst" if pipeline == "c" else "burst-" + pipeline)
    if sections is not None:
        conf = write_sections(os.path.join(workdir, pipeline + ".ini"), sections, state, plugins, "info")
        fs_archive = any(dict(kv).get("so", "").startswith("archive_fs") for _, kv in sections)
    else:
        conf = write_config(workdir, state, plugins, "info", pipeline=pipeline)
        fs_archive = True
    proc, log = start_daemon(newsd, conf, os.path.join(workdir, "burst.log"))
    tmp = os.path.join(state, "tmp")
    avg = prepare(tmp, n, texts, "b")
    names = sorted(os.listdir(tmp))
    dropped = {}
    t0 = time.time()
    for name in names:
        os.rename(os.path.join(tmp, name), os.path.join(state, "inbox", name))
        dropped[name] = time.time()
    t_drop = time.time() - t0
    ok = wait_archived(state, n, 600, proc, count_ids if fs_archive else None)
    rss = peak_rss_kib(proc.pid)
    stop(proc, log)
    done = parse_times(os.path.join(workdir, "burst.log"))
    lat = sorted((done[k] - dropped[k]) * 1000 for k in dropped if k in done)
    if not ok or len(lat) < n:
        print("burst: only %d of %d archived" % (len(lat), n))
    last = max(done.values()) if done else time.time()
    rate = len(lat) / max(last - t0, 1e-9)
    p50 = lat[len(lat) // 2] if lat else float("nan")
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
    what = label or ("burst:  " if pipeline == "c" else "lua:    ")
    print("%s %d articles (avg %.0f bytes), %s plugins, dropped in %.2f s" % (what, n, avg, pipeline, t_drop))
    print("%s %.0f articles/s end to end (first drop -> last archived)" % (what, rate))
    print("%s latency drop -> archived p50 %.1f ms, p99 %.1f ms" % (what, p50, p99))
    print("%s peak RSS %.1f MiB" % (what, rss / 1024))
    return rate


def backlog(newsd, plugins, texts, n, workdir):
    state = os.path.join(workdir, "backlog%d" % n)
    conf = write_config(workdir, state, plugins, "notice")
    avg = prepare(os.path.join(state, "inbox"), n, texts, "k", backdate=True)
    t0 = time.time()
    proc, log = start_daemon(newsd, conf, os.path.join(workdir, "backlog.log"))
    ok = wait_archived(state, n, 1200, proc)
    elapsed = time.time() - t0
    rss = peak_rss_kib(proc.pid)
    stop(proc, log)
    print("backlog: %d articles present at start (avg %.0f bytes)%s" % (n, avg, "" if ok else " NOT ALL ARCHIVED"))
    print("backlog: %.0f articles/s, peak RSS %.1f MiB" % (n / elapsed, rss / 1024))
    return rss


def lua_bench(build, plugins, workdir):
    """The in-process figures (no I/O): a no-op Lua plugin's cost per
    article, and the C and Lua plugin stages over corpus articles."""
    exe = os.path.join(build, "bench", "lua_bench")
    if not os.access(exe, os.X_OK):
        print("lua:     %s not built" % exe)
        return
    confs = []
    for name in ("c", "lua"):
        folder = os.path.join(workdir, "inproc-" + name)
        os.makedirs(folder, exist_ok=True)
        confs.append(write_config(folder, os.path.join(folder, "state"), plugins, "notice", pipeline=name))
    files = sorted(glob.glob(os.path.join(SHARED, "samples", "*.txt")))
    files += sorted(glob.glob(os.path.join(SHARED, "corpus", "10kgnad-de", "*.txt")))[:200]
    files += sorted(glob.glob(os.path.join(SHARED, "corpus", "bbc-news-en", "*.txt")))[:200]
    out = subprocess.run([exe, "2000000"] + confs + files, capture_output=True, text=True)
    for line in (out.stdout.strip() or out.stderr.strip()).splitlines():
        print("lua:     " + line)


# ---- analysis: core-only vs the full default config ---------------------

def ini_sections(path):
    """An INI file as [(section, [(key, value)])]: inline comments dropped,
    indented lines kept with the value above (newsd limits a line's
    length), a value that names a file
    beside it made absolute, so that a copy written elsewhere reads the
    same files."""
    base = os.path.dirname(os.path.abspath(path))
    sections, cur = [], None
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line[0] in ";#":
                continue
            if raw[0] in " \t" and cur and cur[1]:
                # An indented line goes on with the value above it.
                key, value = cur[1][-1]
                more = re.split(r"\s;", line, maxsplit=1)[0].strip()
                cur[1][-1] = (key, value + "\n  " + more)
                continue
            if line.startswith("["):
                cur = (line[1:line.index("]")], [])
                sections.append(cur)
                continue
            key, _, value = line.partition("=")
            value = re.split(r"\s;", value, maxsplit=1)[0].strip()
            if value and not os.path.isabs(value) and os.path.exists(os.path.join(base, value)):
                value = os.path.join(base, value)
            cur[1].append((key.strip(), value))
    return sections


def write_sections(path, sections, state, plugins, log_level):
    with open(path, "w", encoding="utf-8") as fh:
        for name, kv in sections:
            fh.write("[%s]\n" % name)
            if name == "daemon":
                kv = [(k, v) for k, v in kv if k not in ("state_dir", "plugin_dir", "log_level")]
                kv += [("state_dir", state), ("plugin_dir", plugins), ("log_level", log_level)]
            for k, v in kv:
                fh.write("%s = %s\n" % (k, v))
            fh.write("\n")
    return path


def with_fs_archive(sections):
    """Every archive plugin of sections replaced by one archive_fs."""
    def is_archive(kv):
        return dict(kv).get("so", "").startswith("archive_")
    out = [(n, kv) for n, kv in sections if not is_archive(kv)]
    return out + [("plugin.archive", [("so", "archive_fs.so")])]


def core_sections():
    orgs = [tuple(p.strip() for p in line.split("=", 1))
            for line in PIPELINES["core"].strip().splitlines()[1:]]
    return [("daemon", []), ("plugin.orgs", orgs), ("plugin.archive", [("so", "archive_fs.so")])]


def tagging_sections(default):
    """The workload issue 11 was measured on before the analysis plugins
    joined the default config: PIPELINES["c"] (a company tagger, a topic
    tagger, tag_scorer) with the default config's [daemon], [actions] and
    archive sections (archive_sqlite with search)."""
    sections, cur = [], None
    for line in PIPELINES["c"].strip().splitlines():
        line = line.strip()
        if line.startswith("["):
            cur = (line[1:-1], [])
            sections.append(cur)
        elif line and cur:
            cur[1].append(tuple(p.strip() for p in line.split("=", 1)))
    keep = [s for s in default if s[0] in ("daemon", "actions", "plugin.archive")]
    return keep[:1] + sections + keep[1:]


SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vel", "dra", "sen", "qui", "bar", "nov", "tek",
             "ul", "zan", "mer", "phi", "gro", "lin", "sta", "vex"]
SUFFIXES = ["Systems", "Group", "AG", "Holdings", "Technologies", "Bank", "Motors", "Labs"]


def synthetic_gazetteer(path, n=10000):
    """n made-up names in the entities plugin's TSV (TYPE, NAME, aliases):
    orgs, people and places, so that matching costs what a real list of
    that size costs, without shipping one."""
    import random
    rnd = random.Random(7)

    def word():
        return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()
    seen = set()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# synthetic gazetteer written by bench/bench.py\n")
        while len(seen) < n:
            kind = rnd.choice(["org", "org", "person", "place"])
            if kind == "org":
                name = word() + " " + rnd.choice(SUFFIXES)
                line = "org\t%s\t%s" % (name, name.split(" ")[0])
            elif kind == "person":
                name = word() + " " + word()
                line = "person\t%s" % name
            else:
                name = word()
                line = "place\t%s" % name
            if name in seen:
                continue
            seen.add(name)
            fh.write(line + "\n")
    return path


def with_gazetteer(sections, tsv, key):
    """The entities section reads tsv as well (key = tsv); a config without
    one gets an [plugin.entities] before its first tag plugin but lang."""
    out, done = [], False
    for n, kv in sections:
        if n == "plugin.entities":
            kv = [(k, v) for k, v in kv if k != key] + [(key, tsv)]
            done = True
        out.append((n, kv))
    if not done:
        at = next((i for i, (n, _) in enumerate(out) if n.startswith("plugin.") and n != "plugin.lang"),
                  len(out))
        out.insert(at, ("plugin.entities", [("so", "entities.so"), (key, tsv)]))
    return out


def analysis(newsd, build, plugins, texts, n, workdir, gazetteer_key):
    default = ini_sections(os.path.join(ROOT, "config", "newsd.ini"))
    core = burst(newsd, plugins, texts, n, workdir, pipeline="core", sections=core_sections(),
                 label="core:   ")
    full = burst(newsd, plugins, texts, n, workdir, pipeline="full", sections=default,
                 label="full:   ")
    full_fs = burst(newsd, plugins, texts, n, workdir, pipeline="full-fs",
                    sections=with_fs_archive(default), label="full-fs:")
    print("analysis: core-only %.0f articles/s, full default %.0f articles/s (%.0f%% of core; "
          "target >= 5000), full analysis with archive_fs %.0f articles/s"
          % (core, full, 100.0 * full / max(core, 1e-9), full_fs))

    analysis_inprocess(newsd, build, plugins, workdir, gazetteer_key)


# Issue 8's measure of "the whole analysis": the text layer, lang, entities
# (with 10,000 names) and keywords, nothing else of the default config.
ANALYSIS_SET = ("plugin.lang", "plugin.entities", "plugin.keywords")
ANALYSIS_PARTS = ("text layer", "lang (parse)", "entities (tag)", "keywords (tag)")
ANALYSIS_TARGET_US = 250


def analysis_inprocess(newsd, build, plugins, workdir, gazetteer_key):
    """build/bench/analysis_bench (microseconds per ~5 KB article on one
    thread, CPU time, the best of 5 or 9 rounds) for the core-only config,
    issue 8's analysis set and the full default config, each with archive_fs; the
    entities plugin also reads a synthetic gazetteer of 10,000 names.  Ends
    with the set's sum against its target."""
    import compare
    exe = os.path.join(build, "bench", "analysis_bench")
    if not os.access(exe, os.X_OK):
        print("analysis: %s not built" % exe)
        return
    default = ini_sections(os.path.join(ROOT, "config", "newsd.ini"))
    if os.path.exists(os.path.join(plugins, "entities.so")):
        tsv = synthetic_gazetteer(os.path.join(workdir, "gazetteer.tsv"))
        default = with_gazetteer(default, tsv, gazetteer_key)
        print("analysis: entities also read a synthetic gazetteer of 10,000 names (%s = %s)"
              % (gazetteer_key, tsv))
    only_set = [(n, kv) for n, kv in default if n == "daemon" or n in ANALYSIS_SET]
    dirs = [os.path.join(SHARED, "corpus", "10kgnad-de"), os.path.join(SHARED, "corpus", "bbc-news-en")]
    set_parts = {}
    # The core config's tagger does not read the text layer: -x leaves it
    # to the plugins, as the daemon does.
    # The set's figure is held against a target: more rounds, whose best
    # is less at the mercy of a busy neighbour.
    for name, sections, flags in (("core", core_sections(), ["-x", "-r", "5"]),
                                  ("issue-8-set", with_fs_archive(only_set), ["-r", "9"]),
                                  ("full", with_fs_archive(default), ["-r", "5"])):
        conf = write_sections(os.path.join(workdir, "inproc-%s.ini" % name), sections,
                              os.path.join(workdir, "inproc-state"), plugins, "warning")
        # The topics plugin tags nothing, at almost no cost, until it has
        # its model: trained first, as the side-by-side runs do (compare.py).
        compare.train_topics(newsd, sections, conf, workdir)
        out = subprocess.run([exe, "-n", "2000"] + flags + [conf] + dirs,
                             capture_output=True, text=True)
        for line in (out.stdout.strip() or out.stderr.strip()).splitlines():
            print(line)
            m = re.match(r"^analysis:\s+(.*?)\s+([0-9.]+) us/article$", line)
            if name == "issue-8-set" and m and m.group(1) in ANALYSIS_PARTS:
                set_parts[m.group(1)] = float(m.group(2))
    if len(set_parts) == len(ANALYSIS_PARTS):
        print("analysis: issue 8's set (%s) %.1f us/article (target <= %d)"
              % (" + ".join(ANALYSIS_PARTS), sum(set_parts.values()), ANALYSIS_TARGET_US))
    else:
        print("analysis: issue 8's set: %s missing from analysis_bench's output"
              % ", ".join(p for p in ANALYSIS_PARTS if p not in set_parts))


def entities_bench(build):
    """The entities plugin's share per article with 10, 10,000 and all
    bundled names (bench/entities_bench.c)."""
    exe = os.path.join(build, "bench", "entities_bench")
    if not os.access(exe, os.X_OK):
        print("entities: %s not built" % exe)
        return
    runs = [("de", sorted(glob.glob(os.path.join(SHARED, "samples", "*.txt")))),
            ("en", sorted(glob.glob(os.path.join(SHARED, "corpus", "bbc-news-en", "*.txt")))[:50])]
    for lang, files in runs:
        out = subprocess.run([exe, "--rounds", "20", lang] + files, capture_output=True, text=True)
        for line in (out.stdout.strip() or out.stderr.strip()).splitlines():
            print("entities: " + line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    ap.add_argument("-n", type=int, default=None,
                    help="articles per run (default: 10000 side by side, 20000 for the bursts)")
    ap.add_argument("--rounds", type=int, default=2, help="side by side: rounds, interleaved")
    ap.add_argument("--steady-rate", type=int, default=1000, help="side by side: the steady run's articles/s")
    ap.add_argument("--backlog", type=int, nargs="*", default=[10000, 100000],
                    help="--classic: backlog sizes (peak RSS should stay flat)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--no-lua", action="store_true", help="--classic: skip the Lua pipeline run")
    ap.add_argument("--only-analysis", action="store_true",
                    help="only the core-only vs full default comparison and analysis_bench")
    ap.add_argument("--classic", action="store_true",
                    help="the earlier figures: analysis, C and Lua bursts, entities, backlogs")
    ap.add_argument("--million", action="store_true",
                    help="only the scale run: peak RSS and time to the first archived article "
                         "for backlogs of 10,000 and 1,000,000 files (bench/scale.py)")
    ap.add_argument("--scale-seconds", type=float, default=60,
                    help="--million: how long the daemon runs on each backlog at most")
    ap.add_argument("--scale-sizes", type=int, nargs=2, default=[10000, 1000000],
                    help="--million: the two backlog sizes compared")
    ap.add_argument("--versus", metavar="BUILD_DIR", nargs="+", default=None,
                    help="only the default config, --build-dir against these builds (say, main's "
                         "release build), side by side in one run: before/after of a change")
    ap.add_argument("--modes", nargs="+", default=["backlog", "stream", "steady"],
                    choices=["backlog", "stream", "steady"], help="--versus: which runs")
    ap.add_argument("--configs", nargs="+", default=["default"], choices=["default", "core", "tagging"],
                    help="--versus: which configurations")
    ap.add_argument("--workers", nargs="+", type=int, default=[0],
                    help="--versus: the [daemon] workers of each run (0: the config's)")
    ap.add_argument("--gazetteer-key", default="user_gazetteer",
                    help="the entities plugin's key for its TSV files")
    args = ap.parse_args()

    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    if not os.access(newsd, os.X_OK):
        sys.exit("bench: %s not built" % newsd)
    texts = corpus_texts()
    workdir = tempfile.mkdtemp(prefix="newsd-bench-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    print("newsd bench: %s, %d CPUs, state under %s" % (newsd, os.cpu_count(), workdir))
    try:
        if args.million:
            import scale
            scale.run(newsd, plugins, texts, workdir, args.scale_seconds, args.scale_sizes)
            return
        if args.versus:
            import compare
            builds = [(os.path.basename(build.rstrip("/")), build)]
            builds += [(os.path.basename(os.path.abspath(b).rstrip("/")), os.path.abspath(b))
                       for b in args.versus]
            if len({label for label, _ in builds}) < len(builds):
                # Both build-release: name them by their source trees.
                builds = [(os.path.basename(os.path.dirname(b.rstrip("/"))) + "/" + label, b)
                          for label, b in builds]
            if len({label for label, _ in builds}) < len(builds):
                builds = [("%s#%d" % (label, i), b) for i, (label, b) in enumerate(builds)]
            compare.versus(builds, texts, args.n or 10000, args.rounds, workdir, args.modes,
                           steady_rate=args.steady_rate, configs=args.configs,
                           workers=[w or None for w in args.workers])
            return
        if args.only_analysis or args.classic:
            classic(args, newsd, build, plugins, texts, workdir)
            return
        # The in-process figures first (what stages cost without the I/O),
        # so that the side-by-side summary table ends the output.
        lua_bench(build, plugins, workdir)
        entities_bench(build)
        analysis_inprocess(newsd, build, plugins, workdir, args.gazetteer_key)
        import compare
        compare.compare(newsd, build, plugins, texts, args.n or 10000, args.rounds, workdir,
                        steady_rate=args.steady_rate)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def classic(args, newsd, build, plugins, texts, workdir):
    n = args.n or 20000
    analysis(newsd, build, plugins, texts, n, workdir, args.gazetteer_key)
    if args.only_analysis:
        return
    c_rate = burst(newsd, plugins, texts, n, workdir)
    if not args.no_lua:
        lua_rate = burst(newsd, plugins, texts, n, workdir, pipeline="lua")
        print("lua:     %.0f%% of the C pipeline's articles/s (target >= 75%%)"
              % (100.0 * lua_rate / max(c_rate, 1e-9)))
        lua_bench(build, plugins, workdir)
    entities_bench(build)
    for b in args.backlog:
        backlog(newsd, plugins, texts, b, workdir)


if __name__ == "__main__":
    main()
