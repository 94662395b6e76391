#!/usr/bin/env python3
"""End-to-end tests of newsd: the real binary, real files, real signals.

    python3 tests/e2e/run.py --build-dir build [-k NAME_SUBSTRING] [-j N]

Each test runs in its own process (a new session, so a hard timeout can kill
it together with every newsd it started) with its own temp folder under /tmp:

    /tmp/newsd-e2e-NAME-XXXX/
        state/        the daemon's state dir (inbox/ tmp/ work/ failed/ archive/)
        newsd.ini     the test's config (absolute plugin paths)
        daemon.log    stderr+stdout of every newsd started by the test
        result.json   the verdict the test process hands to the runner

The folder is removed when the test passes and kept (path printed) when it
fails.  Standard library only.  Corpus and sample files are read from
the shared/ folder beside the repository (override with NEWSD_E2E_SHARED); nothing is copied into the repo.
"""

import argparse
import concurrent.futures
import ctypes
import hashlib
import importlib
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NEWSD_E2E_SHARED", str(SOURCE_ROOT.parent / "shared")))
SAMPLE = SHARED / "samples" / "000_115dcddbce64b551.txt"
GNAD_DIR = SHARED / "corpus" / "10kgnad-de"
BBC_DIR = SHARED / "corpus" / "bbc-news-en"

SAMPLE_TITLE = ("Chinas KI-Fortschritte: 6 Milliarden US-Dollar investieren, "
                "um die technologische Kluft zu schließen")
NOT_A_PLUGIN_SO = "/usr/lib/x86_64-linux-gnu/libjansson.so.4"

DEFAULT_TIMEOUT = 120.0   # hard limit per test, seconds
POLL = 0.05               # polling interval, seconds
LOG_TAIL = 40             # daemon log lines shown on failure

LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [a-z]+: ")
ID_RE = re.compile(r"^[0-9a-f]{32}$")
REPROCESS_RE = re.compile(r"^\.reprocess-[0-9a-f]{32}$")
MARK = "----- e2e: "      # prefix of the runner's own lines in daemon.log

DEFAULT_PLUGINS = [
    ("orgs", {
        "so": "keyword_tagger.so",
        "prefix": "entity:org/",
        "words": "SenseTime, Huawei, Shanghai Biren, Nvidia, Moore Threads, "
                 "Baidu, Naura, Intel, AMD, TSMC, Samsung",
    }),
    ("topics", {
        "so": "keyword_tagger.so",
        "tag": "topic:ai-chips",
        "words": "KI-Chip, AI chip, Chiphersteller, chipmaker, Halbleiter, "
                 "semiconductor, KI-Beschleuniger, AI accelerator",
    }),
    ("scorer", {
        "so": "tag_scorer.so",
        "rule.AI_CHIPS": "topic:ai-chips, 3.0",
        "rule.CHIP_MAKERS": "entity:org/*, 0.5, 3.0",
    }),
    ("archive", {"so": "archive_fs.so"}),
]


# --------------------------------------------------------------------------
# small helpers

class Fail(Exception):
    """A test's expectation did not hold; the message says which."""


def sanitized_build(ctx):
    """True when newsd was built with AddressSanitizer or ThreadSanitizer
    (it links libasan or libtsan)."""
    out = subprocess.run(["ldd", str(ctx.newsd)], capture_output=True, text=True).stdout
    return "libasan" in out or "libtsan" in out


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def content_id(data):
    return hashlib.sha256(data).hexdigest()[:32]


def read_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def listdir(path):
    try:
        return sorted(os.listdir(path))
    except (FileNotFoundError, NotADirectoryError):
        return []


def corpus_files():
    files = sorted(GNAD_DIR.glob("gnad_*.txt")) + sorted(BBC_DIR.glob("bbc_*.txt"))
    check(files, f"no corpus files under {GNAD_DIR} / {BBC_DIR}")
    return files


def distinct_articles(n, tag):
    """n (name, bytes) pairs, each a corpus text plus a counter: all distinct."""
    files = corpus_files()
    out = []
    for i in range(n):
        text = files[i % len(files)].read_bytes()
        extra = f"\n\nE2E {tag} Nummer {i}.\n".encode()
        out.append((f"{tag}_{i:04d}.txt", text + extra))
    return out


def small_article(title, body):
    return f"{title}\n\n{body}\n".encode()


def tag_names(rec):
    return {t.get("name") for t in rec.get("tags") or []}


def rule_names(rec):
    score = rec.get("score") or {}
    return {r.get("rule") for r in score.get("rules") or []}


def parse_reason(path):
    out = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and key.strip() not in out:
            out[key.strip()] = value.strip()
    return out


# --------------------------------------------------------------------------
# one running newsd

# newsd refuses to run as root without --allow-root; the tests run as root.
ROOT_FLAG = ["--allow-root"] if os.geteuid() == 0 else []


class Daemon:
    def __init__(self, ctx, config, args=()):
        self.ctx = ctx
        self.config = Path(config)
        self.args = list(args)
        self.proc = None
        self.log_offset = 0
        self.expect_alive = True

    def start(self, wait_ready=True):
        ctx = self.ctx
        ctx.run_count += 1
        with open(ctx.log_path, "ab") as f:
            f.write(f"{MARK}start #{ctx.run_count}: {' '.join(self.argv())}\n".encode())
            self.log_offset = f.tell()
        logf = open(ctx.log_path, "ab")
        try:
            self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL,
                                         stdout=logf, stderr=logf, cwd=ctx.base)
        finally:
            logf.close()
        if wait_ready:
            self.wait_ready()
        return self

    def argv(self):
        return [str(self.ctx.newsd), "-c", str(self.config),
                "--state-dir", str(self.ctx.state)] + ROOT_FLAG + self.args

    def log(self):
        with open(self.ctx.log_path, "rb") as f:
            f.seek(self.log_offset)
            return f.read().decode("utf-8", errors="replace")

    def log_lines(self):
        return [l for l in self.log().splitlines() if not l.startswith(MARK)]

    def wait_ready(self, timeout=15):
        def ready():
            return any("ready" in l for l in self.log_lines())
        self.ctx.wait(ready, timeout, "the 'ready' log line", daemon=self)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid

    def signal(self, sig):
        check(self.alive(), f"newsd is not running (exit code {self.proc.returncode})")
        self.proc.send_signal(sig)

    def wait_exit(self, timeout):
        self.expect_alive = False
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"newsd (pid {self.proc.pid}) did not exit within {timeout}s")

    def kill(self):
        self.expect_alive = False
        if self.alive():
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()


# --------------------------------------------------------------------------
# the per-test context

class Ctx:
    def __init__(self, name, base, build):
        self.name = name
        self.base = Path(os.path.realpath(base))
        self.build = Path(build).resolve()
        self.state = self.base / "state"
        self.newsd = self.build / "daemon" / "newsd"
        self.plugin_dir = self.build / "plugins"
        self.crashy = self.build / "tests" / "e2e" / "crashy.so"
        self.log_path = self.base / "daemon.log"
        self.config_path = self.base / "newsd.ini"
        self.daemons = []
        self.daemon = None
        self.run_count = 0
        self.log_path.touch()

    # state dir layout
    @property
    def inbox(self):
        return self.state / "inbox"

    @property
    def tmp(self):
        return self.state / "tmp"

    @property
    def work(self):
        return self.state / "work"

    @property
    def failed(self):
        return self.state / "failed"

    @property
    def archive(self):
        return self.state / "archive"

    # configs
    def config_text(self, plugins=None, **daemon_keys):
        keys = {
            "state_dir": str(self.state),
            "plugin_dir": str(self.plugin_dir),
            "workers": "2",
            "log_level": "info",
        }
        keys.update({k: str(v) for k, v in daemon_keys.items() if v is not None})
        lines = ["; written by tests/e2e/run.py", "", "[daemon]"]
        lines += [f"{k} = {v}" for k, v in keys.items()]
        for section, values in (DEFAULT_PLUGINS if plugins is None else plugins):
            lines += ["", f"[plugin.{section}]"]
            lines += [f"{k} = {v}" for k, v in values.items()]
        return "\n".join(lines) + "\n"

    def write_config(self, plugins=None, path=None, **daemon_keys):
        # Written beside and renamed in, as an operator's editor or
        # deployment should: a SIGHUP that comes while the file is being
        # written would otherwise read half of it.
        path = Path(path) if path else self.config_path
        tmp = path.with_name(path.name + ".writing")
        tmp.write_text(self.config_text(plugins, **daemon_keys), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def plugins_with(self, *extra):
        """The default plugins with extra sections inserted before the archive."""
        plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
        plugins += list(extra)
        plugins += [p for p in DEFAULT_PLUGINS if p[0] == "archive"]
        return plugins

    def crashy_section(self, name="crashy", **keys):
        values = {"so": str(self.crashy)}
        values.update({k: str(v) for k, v in keys.items()})
        return (name, values)

    # daemons
    def start(self, config=None, args=(), wait_ready=True):
        if config is None and not self.config_path.exists():
            self.write_config()
        d = Daemon(self, config or self.config_path, args)
        self.daemons.append(d)
        self.daemon = d
        return d.start(wait_ready=wait_ready)

    def run_newsd(self, args, timeout=30):
        """Run newsd in the foreground (--check-config, --try, ...)."""
        try:
            # --allow-root is harmless in every mode, and some tests run the daemon here.
            p = subprocess.run([str(self.newsd)] + [str(a) for a in args] + ROOT_FLAG,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               cwd=self.base, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"newsd {' '.join(map(str, args))} did not finish within {timeout}s")
        with open(self.log_path, "ab") as f:
            f.write(f"{MARK}ran: newsd {' '.join(map(str, args))} -> exit {p.returncode}\n".encode())
            f.write(b"[stdout]\n" + p.stdout[-4000:] + b"\n[stderr]\n" + p.stderr[-4000:] + b"\n")
        return p

    def assert_alive(self, what=""):
        d = self.daemon
        check(d is not None and d.alive(),
              f"newsd is not running{(' ' + what) if what else ''} "
              f"(exit code {d.proc.returncode if d and d.proc else None})")

    # waiting
    def summary(self):
        failed = [n for n in listdir(self.failed) if not n.endswith(".reason")]
        return (f"[inbox={len(listdir(self.inbox))} work={len(self.work_files())} "
                f"archived={len(self.ids())} failed={failed[:8]}]")

    def wait(self, cond, timeout, what, daemon="current", interval=POLL):
        """Poll cond() every POLL s until true; fail on timeout or if the
        daemon that should be running exits."""
        d = self.daemon if daemon == "current" else daemon
        deadline = time.monotonic() + timeout
        while True:
            if cond():
                return
            if d is not None and d.expect_alive and not d.alive():
                if cond():
                    return
                raise Fail(f"newsd exited (code {d.proc.returncode}) while waiting for "
                           f"{what} {self.summary()}")
            if time.monotonic() > deadline:
                raise Fail(f"timed out after {timeout}s waiting for {what} {self.summary()}")
            time.sleep(interval)

    def hold(self, cond, duration, what):
        """cond() must stay true for duration seconds (polled)."""
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            check(cond(), f"{what} {self.summary()}")
            time.sleep(POLL)
        check(cond(), f"{what} {self.summary()}")

    # files in and out
    def drop(self, name, data, how="rename"):
        """Put an article in the inbox; returns its id (content hash)."""
        if how == "rename":
            self.tmp.mkdir(parents=True, exist_ok=True)
            src = self.tmp / f"{name}.e2e-{os.getpid()}"
            src.write_bytes(data)
            os.rename(src, self.inbox / name)
        elif how == "inplace":
            self.inbox.mkdir(parents=True, exist_ok=True)
            with open(self.inbox / name, "wb") as f:
                f.write(data)
        else:
            raise ValueError(how)
        return content_id(data)

    def ids(self):
        out = set()
        for sub in listdir(self.archive / "ids"):
            for n in listdir(self.archive / "ids" / sub):
                if n.endswith(".json") and ID_RE.match(n[:-5]):
                    out.add(n[:-5])
        return out

    def record_path(self, id_):
        return self.archive / "ids" / id_[:2] / f"{id_}.json"

    def record(self, id_):
        return read_json(self.record_path(id_))

    def dated_files(self):
        """{id: {'json': [paths], 'orig': [paths]}} from archive/YYYY/MM/DD/."""
        out = {}
        for y in listdir(self.archive):
            if not re.fullmatch(r"\d{4}", y):
                continue
            for m in listdir(self.archive / y):
                for d in listdir(self.archive / y / m):
                    day = self.archive / y / m / d
                    for n in listdir(day):
                        stem, _, ext = n.rpartition(".")
                        if ID_RE.match(stem) and ext in ("json", "orig"):
                            out.setdefault(stem, {"json": [], "orig": []})[ext].append(day / n)
        return out

    def duplicates(self):
        path = self.archive / "duplicates.jsonl"
        if not path.exists():
            return []
        out = []
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as e:
                    raise Fail(f"duplicates.jsonl line {i + 1} is not JSON ({e}): {line!r}")
        return out

    def failed_items(self):
        return [n for n in listdir(self.failed) if not n.endswith(".reason")]

    def work_files(self):
        """Articles in work/: the daemon's own dot-files, such as its
        attempt journals, are not articles; its reprocess files
        (.reprocess-ID) are."""
        return [n for n in listdir(self.work)
                if not n.startswith(".") or REPROCESS_RE.match(n)]

    def idle(self, ignore=()):
        inbox = [n for n in listdir(self.inbox) if n not in ignore]
        return not inbox and not self.work_files()

    def wait_archived(self, ids, timeout=20, ignore=(), interval=POLL):
        ids = set(ids)
        self.wait(lambda: self.idle(ignore) and ids <= self.ids(), timeout,
                  f"{len(ids)} article(s) archived and inbox/work empty", interval=interval)

    def wait_failed(self, name, timeout=20):
        self.wait(lambda: os.path.lexists(self.failed / name)
                  and (self.failed / f"{name}.reason").exists()
                  and not os.path.lexists(self.inbox / name),
                  timeout, f"failed/{name} and its .reason sidecar")
        return parse_reason(self.failed / f"{name}.reason")

    def verify_archive(self, expect_ids=None):
        """Every archived article is whole: record parses, carries its id,
        is hard-linked from ids/, and its .orig hashes to the id."""
        ids = self.ids()
        dated = self.dated_files()
        if expect_ids is not None:
            check(ids == set(expect_ids),
                  f"archived ids differ: {len(ids - set(expect_ids))} unexpected, "
                  f"{len(set(expect_ids) - ids)} missing")
        for id_ in ids:
            rec_path = self.record_path(id_)
            try:
                rec = read_json(rec_path)
            except ValueError as e:
                raise Fail(f"{rec_path} is not valid JSON: {e}")
            check(rec.get("id") == id_, f"{rec_path}: id field is {rec.get('id')!r}")
            entry = dated.get(id_, {"json": [], "orig": []})
            check(len(entry["json"]) == 1,
                  f"id {id_} has {len(entry['json'])} dated records: {entry['json']}")
            check(os.path.samefile(entry["json"][0], rec_path),
                  f"{rec_path} is not a hard link of {entry['json'][0]}")
            check(len(entry["orig"]) == 1,
                  f"id {id_} has {len(entry['orig'])} .orig files: {entry['orig']}")
            orig = entry["orig"][0].read_bytes()
            check(content_id(orig) == id_, f"{entry['orig'][0]} does not hash to its id")
            check(rec.get("size") == len(orig),
                  f"{rec_path}: size {rec.get('size')} but .orig has {len(orig)} bytes")
        orphans = set(dated) - ids
        check(not orphans, f"dated archive files without ids/ link: {sorted(orphans)[:5]}")
        return ids

    def stray_tmp(self):
        out = []
        for root, _dirs, files in os.walk(self.archive):
            out += [os.path.join(root, f) for f in files if f.endswith(".tmp")]
        return out

    def log_text(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, pred, timeout, what, since=0):
        def found():
            return any(pred(l) for l in self.log_text()[since:].splitlines()
                       if not l.startswith(MARK))
        self.wait(found, timeout, f"a log line with {what}")

    def log_size(self):
        return len(self.log_text())

    # teardown
    def shutdown(self, strict):
        """Stop every daemon still running.  strict: SIGTERM must make it
        exit 0 within 15 s (the spec), else this raises Fail."""
        problem = None
        for d in self.daemons:
            if not d.alive():
                if strict and d.expect_alive and problem is None:
                    problem = f"newsd exited unexpectedly (code {d.proc.returncode})"
                continue
            if not strict:
                d.kill()
                continue
            d.proc.send_signal(signal.SIGTERM)
            try:
                rc = d.proc.wait(timeout=15)
                if rc != 0 and problem is None:
                    problem = f"at teardown, SIGTERM made newsd exit with code {rc}, not 0"
            except subprocess.TimeoutExpired:
                d.kill()
                problem = problem or "at teardown, newsd did not exit within 15s of SIGTERM"
            d.expect_alive = False
        if problem:
            raise Fail(problem)


# --------------------------------------------------------------------------
# the tests

TESTS = {}


def test(timeout=DEFAULT_TIMEOUT, heavy=False):
    def deco(fn):
        TESTS[fn.__name__] = {"fn": fn, "timeout": timeout, "heavy": heavy}
        return fn
    return deco


def normal_article_after(ctx, tag="after"):
    """Drop one good article and wait for it: the daemon still works."""
    data = small_article(f"Kontrollartikel {tag}",
                         f"Dieser Text ({tag}) prüft, dass newsd weiterarbeitet: Huawei.")
    id_ = ctx.drop(f"control_{tag}.txt", data)
    ctx.wait_archived([id_])
    ctx.assert_alive("after the control article")
    return id_


@test()
def sample_article_archived(ctx):
    data = SAMPLE.read_bytes()
    d = ctx.start()
    ready = [l for l in d.log_lines() if "ready" in l]
    check(any(str(ctx.inbox) in l for l in ready),
          f"the 'ready' line does not name the inbox {ctx.inbox}: {ready}")
    for sub in ("inbox", "tmp", "work", "failed", "archive"):
        check((ctx.state / sub).is_dir(), f"state dir has no {sub}/ after start")

    name = SAMPLE.name
    shutil.copyfile(SAMPLE, ctx.inbox / name)       # like `cp sample inbox/`
    id_ = content_id(data)
    ctx.wait_archived([id_], timeout=10)

    rec = ctx.record(id_)
    check(rec.get("id") == id_, f"record id {rec.get('id')!r}, expected {id_}")
    check(rec.get("title") == SAMPLE_TITLE, f"title is {rec.get('title')!r}")
    body = rec.get("body") or ""
    check("Hinterlasse" not in body, "body still contains the comment form ('Hinterlasse')")
    check("Shanghai Biren" in body, "body lacks 'Shanghai Biren'")
    tags = tag_names(rec)
    for t in ("entity:org/Huawei", "topic:ai-chips"):
        check(t in tags, f"tag {t} missing; tags: {sorted(tags)}")
    check("AI_CHIPS" in rule_names(rec), f"score rule AI_CHIPS missing; rules: {rule_names(rec)}")
    for field in ("id", "source", "size", "format", "encoding", "received", "processed",
                  "title", "body", "lang", "url", "author", "published", "tags", "score",
                  "action", "meta"):
        check(field in rec, f"record has no '{field}' field")
    check(name in str(rec.get("source")), f"source {rec.get('source')!r} does not name {name}")
    check(rec.get("size") == len(data), f"size {rec.get('size')}, file has {len(data)}")
    check(rec.get("format") == "text", f"format {rec.get('format')!r}")
    check(str(rec.get("encoding")).lower() == "utf-8", f"encoding {rec.get('encoding')!r}")
    score = rec.get("score") or {}
    check(isinstance(score.get("total"), (int, float)) and score["total"] > 0,
          f"score total {score.get('total')!r}")
    for t in rec["tags"]:
        check(set(t) >= {"name", "weight", "plugin"}, f"tag entry {t} lacks a key")
    for r in score.get("rules") or []:
        check(set(r) >= {"rule", "points", "reason", "plugin"}, f"score rule {r} lacks a key")

    dated = ctx.dated_files().get(id_)
    check(dated and len(dated["json"]) == 1 and len(dated["orig"]) == 1,
          f"archive/YYYY/MM/DD/{id_}.json/.orig not found: {dated}")
    check(dated["orig"][0].read_bytes() == data, ".orig differs from the original bytes")
    check(os.path.samefile(dated["json"][0], ctx.record_path(id_)),
          "ids/ record is not a hard link of the dated record")
    check(ctx.failed_items() == [], f"failed/ is not empty: {ctx.failed_items()}")
    check(ctx.duplicates() == [], "duplicates.jsonl has entries")

    ctx.wait_log(lambda l: "archived" in l and name in l and id_ in l, 5,
                 f"'archived', {name} and {id_}")
    bad = [l for l in d.log_lines() if not LOG_LINE_RE.match(l)]
    check(not bad, f"log lines not in 'YYYY-MM-DDTHH:MM:SS.mmmZ level: msg' form: {bad[:3]}")
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp files left in archive/")


@test(timeout=180, heavy=True)
def burst_1000_renamed_from_tmp(ctx):
    arts = distinct_articles(1000, "burst")
    ctx.start()
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    t0 = time.monotonic()
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = {content_id(d) for _, d in arts}
    check(len(ids) == 1000, "test bug: articles not distinct")
    ctx.wait_archived(ids, timeout=120)
    took = time.monotonic() - t0
    ctx.verify_archive(expect_ids=ids)
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    check(ctx.duplicates() == [], "duplicates.jsonl has entries")
    ctx.wait(lambda: not ctx.stray_tmp(), 5, "no *.tmp files left in archive/")
    print(f"note: 1000 articles archived in {took:.1f}s")


@test()
def files_present_before_start(ctx):
    ctx.inbox.mkdir(parents=True)
    arts = distinct_articles(5, "early")
    for name, data in arts:
        (ctx.inbox / name).write_bytes(data)
    ctx.start()
    ctx.wait_archived({content_id(d) for _, d in arts})


@test()
def work_leftovers_resumed_at_start(ctx):
    for sub in ("inbox", "tmp", "work", "failed", "archive"):
        (ctx.state / sub).mkdir(parents=True)
    data = small_article("Übrig gebliebener Artikel", "Er lag nach einem Absturz in work/.")
    (ctx.work / "leftover.txt").write_bytes(data)
    ctx.start()
    ctx.wait_archived([content_id(data)])


SLOW_PIECES = [
    "Langsamer Schreiber testet newsd\n\nTEIL-1 Der Anfang des Artikels wird zuerst geschrieben. ",
    "TEIL-2 Danach kommt ein zweiter Absatz über Halbleiter und Huawei. ",
    "TEIL-3 Der dritte Teil erzählt von Geduld beim Warten. ",
    "TEIL-4 Der vierte Teil ist fast das Ende. ",
    "TEIL-5 Und hier endet der Artikel vollständig.\n",
]


def _check_slow_result(ctx, name):
    data = "".join(SLOW_PIECES).encode()
    id_ = content_id(data)
    ctx.wait_archived([id_], timeout=10)
    body = ctx.record(id_).get("body") or ""
    for i in range(1, 6):
        check(f"TEIL-{i}" in body, f"record body lacks TEIL-{i}: {body[:200]!r}")
    # nothing else shows up afterwards (e.g. a second, partial take)
    ctx.hold(lambda: ctx.ids() == {id_}, 1.0,
             "archived more than the complete article:")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")
    check(ctx.duplicates() == [], f"duplicates.jsonl: {ctx.duplicates()}")
    ctx.wait_log(lambda l: "archived" in l and name in l, 5, f"'archived' and {name}")
    n = sum(1 for l in ctx.daemon.log_lines() if "archived" in l and name in l)
    check(n == 1, f"{n} 'archived' log lines for {name}")


@test()
def slow_writer_kept_open(ctx):
    ctx.start()
    name = "slow_open.txt"
    path = ctx.inbox / name
    with open(path, "wb") as f:
        for i, piece in enumerate(SLOW_PIECES):
            f.write(piece.encode())
            f.flush()
            if i < len(SLOW_PIECES) - 1:
                time.sleep(0.2)             # the writer's pace, not a wait
                check(path.exists() and not ctx.ids(),
                      f"file taken while still open after piece {i + 1} {ctx.summary()}")
    _check_slow_result(ctx, name)


@test()
def slow_writer_append_reopen(ctx):
    ctx.start()
    name = "slow_append.txt"
    path = ctx.inbox / name
    for i, piece in enumerate(SLOW_PIECES):
        with open(path, "ab") as f:
            f.write(piece.encode())
        if i < len(SLOW_PIECES) - 1:
            time.sleep(0.2)                 # the writer's pace, not a wait
            check(path.exists() and not ctx.ids(),
                  f"file taken between appends, after piece {i + 1} {ctx.summary()}")
    _check_slow_result(ctx, name)


@test()
def in_place_file_waits_for_settle(ctx):
    ctx.write_config(settle_ms=1500)
    ctx.start()
    data = small_article("Geduld", "Ein an Ort und Stelle geschriebener Artikel.")
    ctx.drop("settle.txt", data, how="inplace")
    ctx.hold(lambda: (ctx.inbox / "settle.txt").exists() and not ctx.ids(), 0.9,
             "file written in place was taken before settle_ms (1500) passed:")
    ctx.wait_archived([content_id(data)], timeout=10)


@test()
def renamed_file_taken_at_once(ctx):
    ctx.write_config(settle_ms=10000)     # only files written in place wait
    ctx.start()
    data = small_article("Umbenannt", "Ein Artikel, der per rename() in die Inbox kommt.")
    ctx.drop("renamed.txt", data, how="rename")
    ctx.wait_archived([content_id(data)], timeout=5)


@test()
def ignored_names_until_renamed(ctx):
    ctx.start()
    ignored = {
        ".hidden.txt": "hidden.txt",
        "draft.part": "draft.txt",
        "upload.tmp": "upload.txt",
    }
    datas = {}
    for name in ignored:
        data = small_article(f"Ignoriert {name}", f"Die Datei {name} ist noch nicht fertig.")
        datas[name] = data
        ctx.drop(name, data, how="inplace")
    normal = small_article("Normal", "Ein normaler Artikel neben den ignorierten Dateien.")
    nid = ctx.drop("normal.txt", normal)
    ctx.wait_archived([nid], ignore=set(ignored))
    ctx.hold(lambda: all((ctx.inbox / n).exists() for n in ignored) and ctx.ids() == {nid},
             2.0, "an ignored file (dot/.part/.tmp) was taken:")
    for old, new in ignored.items():
        os.rename(ctx.inbox / old, ctx.inbox / new)
    ctx.wait_archived({nid} | {content_id(d) for d in datas.values()})
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")


def _bad_input(ctx, name, make, keyword, **daemon_keys):
    """make(path) creates something bad at inbox/name; it must end in
    failed/name with a sidecar whose cause contains keyword."""
    if daemon_keys:
        ctx.write_config(**daemon_keys)
    ctx.start()
    make(ctx.inbox / name)
    reason = ctx.wait_failed(name)
    cause = reason.get("cause", "")
    check(keyword in cause.lower(), f"sidecar cause {cause!r} does not say {keyword!r}")
    check(name in reason.get("file", ""), f"sidecar file: {reason.get('file')!r} lacks {name}")
    check("time" in reason, f"sidecar has no 'time:' line: {reason}")
    ctx.wait_log(lambda l: name in l and "failed:" in l, 5, f"{name} and 'failed:'")
    ctx.assert_alive(f"after {name}")
    normal_article_after(ctx)
    return reason


@test()
def empty_file_fails(ctx):
    _bad_input(ctx, "empty.txt", lambda p: p.write_bytes(b""), "empty")


@test()
def binary_file_fails(ctx):
    data = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8
    _bad_input(ctx, "binary.txt", lambda p: p.write_bytes(data), "binary")


@test()
def oversize_file_fails(ctx):
    data = ("Zu groß. " + "Dieser Satz macht den Artikel länger als ein Kilobyte. " * 40).encode()
    check(len(data) > 1024, "test bug")
    _bad_input(ctx, "big.txt", lambda p: p.write_bytes(data), "size limit",
               max_article_bytes="1K")
    exact = small_article("Genau ein Kilobyte", "x" * 1000)
    exact += b"y" * (1024 - len(exact))
    check(len(exact) == 1024, "test bug")
    ctx.wait_archived([ctx.drop("exact_1k.txt", exact)])


@test()
def invalid_utf8_decoded_as_windows_1252(ctx):
    ctx.start()
    text = "Preisschock im Café\n\nDer Kaffee kostet jetzt 5 € – „teurer“ als gestern.\n"
    data = text.encode("windows-1252")
    check(content_id(data) and b"\x80" in data, "test bug")
    id_ = ctx.drop("cp1252.txt", data)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(str(rec.get("encoding")).lower() == "windows-1252",
          f"encoding {rec.get('encoding')!r}, expected windows-1252")
    text = f"{rec.get('title')}\n{rec.get('body')}"
    for want in ("Preisschock im Café", "5 € – „teurer“ als gestern"):
        check(want in text, f"{want!r} not in title/body: {text!r}")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")


@test()
def latin1_german_text(ctx):
    ctx.start()
    title = "Größere Übungen für Bäcker in München"
    body = "Die Straße vor der Bäckerei bleibt gesperrt, weil Öfen geprüft werden."
    data = f"{title}\n\n{body}\n".encode("iso-8859-1")
    id_ = ctx.drop("latin1.txt", data)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(str(rec.get("encoding")).lower() in ("windows-1252", "iso-8859-1"),
          f"encoding {rec.get('encoding')!r}")
    text = f"{rec.get('title')}\n{rec.get('body')}"
    for want in (title, body):
        check(want in text, f"{want!r} not in title/body: {text!r}")
    check("\ufffd" not in text and "Ã" not in text, f"mis-decoded: {text!r}")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")


@test()
def symlink_fails_target_untouched(ctx):
    target = ctx.base / "target.txt"
    data = small_article("Ziel eines Links", "Dieser Artikel darf nicht angefasst werden.")
    target.write_bytes(data)
    before = os.stat(target)
    _bad_input(ctx, "link.txt", lambda p: os.symlink(target, p), "symbolic link")
    moved = ctx.failed / "link.txt"
    check(os.path.islink(moved), "failed/link.txt is not a symbolic link")
    check(os.readlink(moved) == str(target), f"link now points to {os.readlink(moved)}")
    after = os.stat(target)
    check(target.read_bytes() == data, "the link's target changed")
    check((after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns),
          "the link's target was replaced or modified")
    check(content_id(data) not in ctx.ids(), "the link's target was archived")


@test()
def directory_fails(ctx):
    _bad_input(ctx, "folder", lambda p: p.mkdir(), "directory")
    check((ctx.failed / "folder").is_dir(), "failed/folder is not a directory")
    # a directory with content, moved in whole: nothing of it may be lost
    src = ctx.tmp / "moved_folder"
    src.mkdir()
    (src / "inner.txt").write_bytes(b"Inhalt\n\nin einem Ordner.\n")
    os.rename(src, ctx.inbox / "moved_folder")
    reason = ctx.wait_failed("moved_folder")
    check("directory" in reason.get("cause", "").lower(), f"cause {reason.get('cause')!r}")
    check((ctx.failed / "moved_folder" / "inner.txt").read_bytes() == b"Inhalt\n\nin einem Ordner.\n",
          "the directory's content was lost or changed")
    ctx.assert_alive()


@test()
def fifo_fails(ctx):
    _bad_input(ctx, "pipe", lambda p: os.mkfifo(p), "not a regular file")
    check(stat.S_ISFIFO(os.lstat(ctx.failed / "pipe").st_mode), "failed/pipe is not a FIFO")


@test()
def failed_name_clash_gets_suffix(ctx):
    ctx.start()
    ctx.drop("clash.txt", b"", how="inplace")
    ctx.wait_failed("clash.txt")
    ctx.drop("clash.txt", b"", how="rename")
    ctx.wait(lambda: len([n for n in ctx.failed_items() if n.startswith("clash.txt")]) == 2
             and ctx.idle(), 15, "a second failed/clash.txt.N")
    items = sorted(n for n in ctx.failed_items() if n.startswith("clash.txt"))
    other = [n for n in items if n != "clash.txt"]
    check(len(other) == 1 and re.fullmatch(r"clash\.txt\.\d+", other[0]),
          f"failed/ names after a clash: {items}")
    reason = ctx.failed / f"{other[0]}.reason"
    check(reason.exists(), f"no sidecar {reason.name}; failed/: {listdir(ctx.failed)}")
    check("empty" in parse_reason(reason).get("cause", "").lower(), "clash sidecar cause")
    normal_article_after(ctx)


@test()
def duplicate_dropped_twice(ctx):
    ctx.start()
    data = SAMPLE.read_bytes()
    id_ = ctx.drop("first.txt", data)
    ctx.wait_archived([id_])
    ctx.drop("second.txt", data)
    ctx.wait(lambda: len(ctx.duplicates()) >= 1 and ctx.idle(), 15,
             "a duplicates.jsonl line and an empty inbox")
    ctx.hold(lambda: len(ctx.duplicates()) == 1 and ctx.ids() == {id_}, 0.5,
             "more than one duplicate line or archived id:")
    dup = ctx.duplicates()[0]
    check(dup.get("id") == id_, f"duplicate line id {dup.get('id')!r}, expected {id_}")
    check("second.txt" in str(dup.get("source")), f"duplicate line source {dup.get('source')!r}")
    check("received" in dup, f"duplicate line has no 'received': {dup}")
    check("first.txt" in str(ctx.record(id_).get("source")), "the record's source changed")
    ctx.wait_log(lambda l: f"duplicate of {id_}" in l and "second.txt" in l, 5,
                 f"'duplicate of {id_}' and second.txt")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")
    ctx.verify_archive(expect_ids={id_})


@test()
def duplicate_pair_in_one_burst(ctx):
    ctx.start()
    data = small_article("Zwillinge", "Zwei Dateien mit denselben Bytes, gleichzeitig.")
    ctx.tmp.mkdir(exist_ok=True)
    for n in ("twin_a.txt", "twin_b.txt"):
        (ctx.tmp / n).write_bytes(data)
    for n in ("twin_a.txt", "twin_b.txt"):
        os.rename(ctx.tmp / n, ctx.inbox / n)
    id_ = content_id(data)
    ctx.wait(lambda: id_ in ctx.ids() and len(ctx.duplicates()) >= 1 and ctx.idle(), 15,
             "one archived twin and one duplicates.jsonl line")
    ctx.hold(lambda: len(ctx.duplicates()) == 1 and ctx.ids() == {id_}, 0.5,
             "more than one duplicate line or archived id:")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")
    ctx.verify_archive(expect_ids={id_})


def _zebra(i):
    return small_article(f"Zebrafant Nummer {i}",
                         f"Der Zebrafant {i} wohnt bei Huawei und mag Halbleiter.")


@test()
def sighup_good_config_adds_tagger(ctx):
    d = ctx.start()
    id0 = ctx.drop("zebra_before.txt", _zebra("vorher"))
    ctx.wait_archived([id0])
    check("topic:zebra" not in tag_names(ctx.record(id0)), "topic:zebra before the reload")
    ctx.write_config(ctx.plugins_with(("zebra", {"so": "keyword_tagger.so",
                                                 "tag": "topic:zebra",
                                                 "words": "Zebrafant"})))
    d.signal(signal.SIGHUP)
    # the reload is asynchronous: probe until an article carries the new tag
    deadline = time.monotonic() + 10
    i = 0
    while True:
        i += 1
        id_ = ctx.drop(f"zebra_probe_{i}.txt", _zebra(f"probe {i}"))
        ctx.wait_archived([id_])
        if "topic:zebra" in tag_names(ctx.record(id_)):
            break
        check(time.monotonic() < deadline,
              "10s after SIGHUP with a new config, articles still lack topic:zebra")
    id_ = ctx.drop("zebra_after.txt", _zebra("nachher"))
    ctx.wait_archived([id_])
    tags = tag_names(ctx.record(id_))
    check({"topic:zebra", "entity:org/Huawei", "topic:ai-chips"} <= tags,
          f"after reload, tags are {sorted(tags)}")
    ctx.assert_alive("after SIGHUP")


@test()
def sighup_broken_config_refused(ctx):
    d = ctx.start()
    id0 = ctx.drop("before.txt", _zebra("vorher"))
    ctx.wait_archived([id0])
    ctx.write_config(ctx.plugins_with(
        ("zebra", {"so": "keyword_tagger.so", "tag": "topic:zebra", "words": "Zebrafant"}),
        ("broken", {"so": "/nonexistent/e2e/absent_plugin.so"})))
    since = ctx.log_size()
    d.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: "absent_plugin.so" in l, 10,
                 "the refused reload's cause (absent_plugin.so)", since=since)
    ctx.assert_alive("after a SIGHUP with a broken config")
    id_ = ctx.drop("after.txt", _zebra("nachher"))
    ctx.wait_archived([id_])
    tags = tag_names(ctx.record(id_))
    check("entity:org/Huawei" in tags and "topic:ai-chips" in tags,
          f"old tagging lost after a refused reload: {sorted(tags)}")
    check("topic:zebra" not in tags, "the refused config was applied in part (topic:zebra)")


def _burst_then_stop(ctx, sig, kills=1):
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(sleep_ms=10)))
    arts = distinct_articles(500, "stop")
    d = ctx.start()
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = {content_id(data): name for name, data in arts}
    at_stop = []
    for k in range(kills):
        goal = len(ctx.ids()) + 25
        ctx.wait(lambda: len(ctx.ids()) >= goal or ctx.idle(), 60,
                 f"{goal} articles archived before signal #{k + 1}")
        if k > 0 and ctx.idle():
            break                   # the burst is done; no more to interrupt
        d.signal(sig)
        if sig == signal.SIGKILL:
            d.wait_exit(10)
        else:
            rc = d.wait_exit(30)
            check(rc == 0, f"exit code {rc} after SIGTERM, expected 0")
        at_stop.append(f"{len(ctx.ids())} archived/{len(ctx.work_files())} in work")
        check(len(ctx.ids()) < 500 or k > 0,
              "test too slow to catch the burst in flight (all archived)")
        d = ctx.start()

    def accounted():
        have = ctx.ids()
        return ctx.idle() and all(i in have or os.path.lexists(ctx.failed / n)
                                  for i, n in ids.items())
    ctx.wait(accounted, 90, "every dropped article archived or in failed/")
    ctx.verify_archive()
    failed = ctx.failed_items()
    extra = ctx.ids() - set(ids)
    check(not extra, f"archived ids that were never dropped: {sorted(extra)[:5]}")
    for dup in ctx.duplicates():
        check(dup.get("id") in ctx.ids(), f"duplicate line for an id not archived: {dup}")
    print(f"note: at each signal: {', '.join(at_stop)}; {len(ctx.ids())} archived in the end, "
          f"{len(failed)} failed, {len(ctx.duplicates())} duplicate lines")
    return failed


@test(timeout=180, heavy=True)
def sigterm_during_burst_500(ctx):
    _burst_then_stop(ctx, signal.SIGTERM)


@test(timeout=180, heavy=True)
def sigkill_during_burst_500(ctx):
    _burst_then_stop(ctx, signal.SIGKILL, kills=3)


@test()
def sigint_exits_cleanly(ctx):
    d = ctx.start()
    normal_article_after(ctx, "sigint")
    d.signal(signal.SIGINT)
    rc = d.wait_exit(15)
    check(rc == 0, f"exit code {rc} after SIGINT, expected 0")


@test()
def poison_article_crash_on(ctx):
    max_attempts = 2
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(crash_on="GIFTPILLE-E2E")),
                     max_attempts=max_attempts)
    ctx.start()
    early = distinct_articles(2, "early")
    ids = {ctx.drop(n, d) for n, d in early}
    ctx.wait_archived(ids)
    poison = small_article("Vergifteter Artikel", "Dieser Text enthält die GIFTPILLE-E2E.")
    ctx.drop("poison.txt", poison)
    for n, d in distinct_articles(5, "beside"):
        ids.add(ctx.drop(n, d))
    crashes = 0
    for _ in range(max_attempts + 3):
        d = ctx.daemon
        ctx.wait(lambda: not d.alive() or (os.path.lexists(ctx.failed / "poison.txt")
                                           and ids <= ctx.ids() and ctx.idle()),
                 30, "a crash or the poison article in failed/", daemon=None)
        if d.alive():
            break
        d.expect_alive = False
        crashes += 1
        check(d.proc.returncode != 0, "newsd exited 0 instead of crashing")
        ctx.start(wait_ready=False)      # resuming work/ may crash before 'ready'
    reason = ctx.wait_failed("poison.txt", timeout=5)
    check("crash" in reason.get("cause", "").lower(),
          f"poison sidecar cause {reason.get('cause')!r} does not mention the crash")
    # Each crash left its line: the plugin, the article and the signal
    # (crash_report.c), before the process ended.
    crash_lines = [line for line in ctx.log_text().splitlines()
                   if re.search(r"error: plugin crashy: article poison\.txt [0-9a-f]{32}: crashed: SIGABRT", line)]
    check(len(crash_lines) == max_attempts,
          f"{len(crash_lines)} crash lines naming crashy and poison.txt, expected {max_attempts}")
    check(crashes == max_attempts,
          f"newsd crashed {crashes} times, expected max_attempts = {max_attempts}")
    check(content_id(poison) not in ctx.ids(), "the poison article was archived")
    ctx.wait_archived(ids)
    ctx.assert_alive("after moving the poison article")
    normal_article_after(ctx)


@test()
def plugin_stack_overflow_is_reported(ctx):
    """A plugin that recurses until its worker's stack runs out: the
    process ends, but its last line names the plugin and the article
    (crash_report.c's handler runs on a stack of its own)."""
    if sanitized_build(ctx):
        return    # the sanitizers report faults themselves (crash_report.h)
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(overflow_on="TIEFSEE-E2E")))
    d = ctx.start()
    ctx.drop("deep.txt", small_article("Tiefer Artikel", "Dieser Text geht zur TIEFSEE-E2E hinab."))
    ctx.wait(lambda: not d.alive(), 30, "newsd ending on the stack overflow", daemon=None)
    d.expect_alive = False
    check(d.proc.returncode == -signal.SIGSEGV, f"exit {d.proc.returncode}, expected death by SIGSEGV")
    check(re.search(r"error: plugin crashy: article deep\.txt [0-9a-f]{32}: crashed: SIGSEGV .*"
                    r"tried again at the next start", ctx.log_text()),
          "no crash line naming crashy and deep.txt")
    check((ctx.work / "deep.txt").exists(), "deep.txt is not left in work/")


@test()
def required_plugin_failure_fails_article(ctx):
    ctx.write_config(ctx.plugins_with(
        ctx.crashy_section(fail_on="DURCHFALLEN-E2E", required="true")))
    ctx.start()
    bad = small_article("Muss scheitern", "Dieser Text enthält DURCHFALLEN-E2E.")
    good = small_article("Darf durch", "Dieser Text ist in Ordnung.")
    ctx.drop("must_fail.txt", bad)
    gid = ctx.drop("fine.txt", good)
    reason = ctx.wait_failed("must_fail.txt")
    check("crashy" in reason.get("plugin", ""), f"sidecar plugin: {reason.get('plugin')!r}")
    check("DURCHFALLEN-E2E" in reason.get("cause", ""),
          f"sidecar cause {reason.get('cause')!r} lacks the plugin's reason")
    ctx.wait_archived([gid])
    check(content_id(bad) not in ctx.ids(), "the failed article was archived")
    ctx.assert_alive()


@test()
def optional_plugin_failure_still_archives(ctx):
    ctx.write_config(ctx.plugins_with(
        ctx.crashy_section(fail_on="DURCHFALLEN-E2E", required="false")))
    d = ctx.start()
    bad = small_article("Darf scheitern", "Dieser Text enthält DURCHFALLEN-E2E, bei Huawei.")
    id_ = ctx.drop("may_fail.txt", bad)
    ctx.wait_archived([id_])
    check("entity:org/Huawei" in tag_names(ctx.record(id_)), "other plugins' tags missing")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")
    ctx.wait_log(lambda l: re.search(r"Z warn(ing)?: ", l) and "crashy" in l, 5,
                 "'warning:' naming the plugin crashy")


@test()
def check_config_ok(ctx):
    cfg = ctx.write_config()
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.stderr.decode()[-500:]}")
    check(b"OK" in p.stdout, f"stdout lacks OK: {p.stdout[-300:]!r}")


def shipped_config(ctx, archive_fs=False):
    """config/newsd.ini as shipped, with the files it names beside itself
    (the entities plugin's example gazetteer), written into the test's
    folder: only state_dir and plugin_dir changed, workers pinned to 2 (the
    machine's CPUs are shared), and with archive_fs=True archive_fs for the
    archive, which the runner reads back directly."""
    text = (SOURCE_ROOT / "config" / "newsd.ini").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^state_dir\s*=.*$",
                      f"state_dir = {ctx.state}\nplugin_dir = {ctx.plugin_dir}", text)
    check(n == 1, "config/newsd.ini has no state_dir line to replace")
    text = re.sub(r"(?m)^workers\s*=.*$", "workers = 2", text)
    if archive_fs:
        text, n = re.subn(r"(?m)^so = archive_sqlite\.so.*$", "so = archive_fs.so", text)
        check(n == 1, "config/newsd.ini has no archive_sqlite line to replace")
    ctx.config_path.write_text(text, encoding="utf-8")
    shutil.copy(SOURCE_ROOT / "config" / "gazetteer.tsv", ctx.config_path.parent / "gazetteer.tsv")
    return ctx.config_path


@test()
def check_config_shipped_newsd_ini(ctx):
    """config/newsd.ini as shipped passes --check-config."""
    shipped_config(ctx)
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.stderr.decode()[-500:]}")
    check(b"OK" in p.stdout, f"stdout lacks OK: {p.stdout[-300:]!r}")


def _check_config_fails(ctx, plugins, *needles):
    cfg = ctx.write_config(plugins)
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1, f"exit {p.returncode}, expected 1; stderr: {err[-500:]}")
    for needle in needles:
        check(re.search(needle, err, re.I | re.M), f"stderr does not match {needle!r}: {err[-500:]}")
    return err


@test()
def check_config_lua_init_error_one_line(ctx):
    """A Lua init that raises, with a message of two lines: --check-config
    says it on one line, the script's file and line, without the loader's
    traceback."""
    script = ctx.base / "initfail.lua"
    script.write_text('local P = {}\n'
                      'function P.init(conf)\n'
                      '  error("words: none given\\n\\tgive a comma-separated list")\n'
                      'end\n'
                      'function P.tag(a) end\n'
                      'return P\n', encoding="utf-8")
    err = _check_config_fails(ctx, ctx.plugins_with(("initfail", {"lua": str(script)})),
                              r"plugin initfail: \S*initfail\.lua: init failed: Lua error: initfail\.lua:3: "
                              r"words: none given give a comma-separated list$")
    lines = [line for line in err.splitlines() if line.startswith("newsd:")]
    check(len(lines) == 1 and "traceback" not in err, f"expected one line, no traceback: {err[-500:]}")


@test()
def check_config_missing_plugin_file(ctx):
    err = _check_config_fails(ctx, ctx.plugins_with(
        ("ghost", {"so": "/nonexistent/e2e/absent_plugin.so"})), r"absent_plugin\.so")
    check(re.search(r"no such file|not found|does not exist|cannot open|can't open", err, re.I),
          f"stderr does not say the file is missing: {err[-500:]}")


@test()
def check_config_not_a_plugin(ctx):
    check(os.path.exists(NOT_A_PLUGIN_SO), f"{NOT_A_PLUGIN_SO} missing on this machine")
    _check_config_fails(ctx, ctx.plugins_with(("jansson", {"so": NOT_A_PLUGIN_SO})),
                        r"no (newsd_plugin_)?descriptor", "libjansson", "jansson")


@test()
def check_config_no_archive_plugin(ctx):
    _check_config_fails(ctx, [p for p in DEFAULT_PLUGINS if p[0] != "archive"], "archive")


@test()
def start_refuses_broken_config(ctx):
    ctx.write_config(ctx.plugins_with(("ghost", {"so": "/nonexistent/e2e/absent_plugin.so"})))
    d = ctx.start(wait_ready=False)
    rc = d.wait_exit(15)
    check(rc != 0, "newsd started with a config naming a missing plugin")
    check(any("absent_plugin.so" in l for l in d.log_lines()),
          "the start-up error does not name absent_plugin.so")


@test()
def try_prints_sample_json(ctx):
    cfg = ctx.write_config()
    p = ctx.run_newsd(["--try", SAMPLE, "-c", cfg])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.stderr.decode()[-500:]}")
    try:
        rec = json.loads(p.stdout.decode("utf-8"))
    except ValueError as e:
        raise Fail(f"--try stdout is not one JSON document ({e}): {p.stdout[:300]!r}")
    check(rec.get("title") == SAMPLE_TITLE, f"title {rec.get('title')!r}")
    check("topic:ai-chips" in tag_names(rec), f"tags {sorted(tag_names(rec))}")
    check("AI_CHIPS" in rule_names(rec), f"rules {rule_names(rec)}")
    check(not (ctx.archive.exists() and ctx.ids()), "--try archived the article")


@test()
def try_unparseable_file(ctx):
    cfg = ctx.write_config()
    bad = ctx.base / "garbage.bin"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    p = ctx.run_newsd(["--try", bad, "-c", cfg])
    err = (p.stderr + p.stdout).decode("utf-8", errors="replace")
    check(p.returncode == 1, f"exit {p.returncode}, expected 1: {err[-300:]}")
    check("garbage.bin" in err, f"message does not name the file: {err[-300:]}")
    check("binary" in err.lower(), f"message does not give the cause: {err[-300:]}")


@test()
def json_article_with_url(ctx):
    ctx.start()
    art = {
        "title": "Huawei stellt neuen KI-Chip vor",
        "body": "Der Konzern Huawei zeigte am Montag einen KI-Chip für Rechenzentren.",
        "url": "https://example.org/news/huawei-ki-chip",
        "author": "E2E Redaktion",
    }
    data = json.dumps(art, ensure_ascii=False).encode()
    id_ = ctx.drop("article.json", data)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(rec.get("format") == "json", f"format {rec.get('format')!r}")
    check(rec.get("url") == art["url"], f"url {rec.get('url')!r}")
    check(rec.get("title") == art["title"], f"title {rec.get('title')!r}")
    check(art["body"] in (rec.get("body") or ""), f"body {rec.get('body')!r}")
    check(rec.get("author") == art["author"], f"author {rec.get('author')!r}")
    check("entity:org/Huawei" in tag_names(rec), f"tags {sorted(tag_names(rec))}")


@test()
def gnad_corpus_titles(ctx):
    ctx.start()
    files = [GNAD_DIR / f"gnad_000{i}.txt" for i in range(1, 6)]
    ids = {ctx.drop(f.name, f.read_bytes()): f.name for f in files}
    ctx.wait_archived(ids)
    for id_, name in ids.items():
        rec = ctx.record(id_)
        check((rec.get("title") or "").strip(), f"{name}: empty title")
        check((rec.get("body") or "").strip(), f"{name}: empty body")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")


@test()
def state_dir_option_overrides_config(ctx):
    elsewhere = ctx.base / "config_state"
    ctx.write_config(state_dir=elsewhere)
    d = ctx.start()
    check(any(str(ctx.inbox) in l for l in d.log_lines() if "ready" in l),
          "'ready' line does not name the --state-dir inbox")
    normal_article_after(ctx, "statedir")
    check(not elsewhere.exists(), "the config's state_dir was used despite --state-dir")


@test()
def version_and_help(ctx):
    p = ctx.run_newsd(["--version"])
    out = (p.stdout + p.stderr).decode()
    check(p.returncode == 0, f"--version exit {p.returncode}")
    check(re.search(r"\d+\.\d+\.\d+", out), f"--version prints no version: {out!r}")
    p = ctx.run_newsd(["--help"])
    out = (p.stdout + p.stderr).decode()
    check(p.returncode == 0, f"--help exit {p.returncode}")
    for opt in ("--check-config", "--try", "--state-dir"):
        check(opt in out, f"--help does not mention {opt}")


@test()
def invalid_json_fails(ctx):
    _bad_input(ctx, "broken.json", lambda p: p.write_bytes(b'{"title": "Kaputt", "body": '),
               "json")


@test()
def hard_linked_file_taken(ctx):
    """link() from tmp/ into inbox/ is part of the producer protocol; a link
    makes no close event, so the daemon must not wait for one forever."""
    ctx.start()
    data = small_article("Verlinkt", "Dieser Artikel kommt per link() in die Inbox.")
    src = ctx.tmp / "linked.txt"
    src.write_bytes(data)
    os.link(src, ctx.inbox / "linked.txt")
    ctx.wait_archived([content_id(data)], timeout=10)
    check(src.read_bytes() == data, "the producer's tmp/ copy changed")


@test()
def stale_tmp_files_removed_at_start(ctx):
    ctx.tmp.mkdir(parents=True)
    files = {}
    for name, age_h in (("old.txt", 48), ("day.txt", 24), ("fresh.txt", 0)):
        p = ctx.tmp / name
        p.write_bytes(f"{name}\n".encode())
        t = time.time() - age_h * 3600
        os.utime(p, (t, t))
        files[name] = p
    ctx.start()
    ctx.wait(lambda: not files["old.txt"].exists(), 10, "tmp/old.txt (48 h old) removed")
    check(files["day.txt"].exists(), "tmp/day.txt (24 h old, under 36 h) was removed")
    check(files["fresh.txt"].exists(), "tmp/fresh.txt was removed")


@test()
def check_config_bad_value(ctx):
    cfg = ctx.write_config(max_article_bytes="lots")
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1, f"exit {p.returncode}, expected 1; stderr: {err[-500:]}")
    check("max_article_bytes" in err, f"stderr does not name the key: {err[-500:]}")


@test()
def relative_plugin_path_resolves_against_config_dir(ctx):
    conf = ctx.base / "conf"
    (conf / "fixtures").mkdir(parents=True)
    shutil.copyfile(ctx.crashy, conf / "fixtures" / "crashy.so")
    cfg = ctx.write_config(ctx.plugins_with(
        ("rel", {"so": "fixtures/crashy.so", "tag": "e2e:relative"})), path=conf / "newsd.ini")
    p = ctx.run_newsd(["--try", SAMPLE, "-c", cfg])     # cwd is not conf/
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.stderr.decode()[-500:]}")
    tags = tag_names(json.loads(p.stdout.decode("utf-8")))
    check("e2e:relative" in tags, f"relative plugin did not run; tags {sorted(tags)}")


@test()
def conf_d_dropin_read_after_main(ctx):
    conf = ctx.base / "conf"
    (conf / "conf.d").mkdir(parents=True)
    cfg = ctx.write_config(path=conf / "newsd.ini")
    (conf / "conf.d" / "50-site.ini").write_text(
        "[plugin.site]\nso = keyword_tagger.so\ntag = e2e:site\nwords = Huawei\n",
        encoding="utf-8")
    p = ctx.run_newsd(["--try", SAMPLE, "-c", cfg])
    check(p.returncode == 0, f"exit {p.returncode}; stderr: {p.stderr.decode()[-500:]}")
    tags = tag_names(json.loads(p.stdout.decode("utf-8")))
    check({"e2e:site", "topic:ai-chips"} <= tags, f"conf.d plugin missing; tags {sorted(tags)}")


def _linkat_follow(src, dst):
    """linkat(AT_FDCWD, src, AT_FDCWD, dst, AT_SYMLINK_FOLLOW): os.link()
    cannot follow /proc/self/fd/N, which is how an O_TMPFILE gets a name."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.linkat(-100, os.fsencode(src), -100, os.fsencode(dst), 0x400) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), str(dst))


@test()
def o_tmpfile_linked_in_taken(ctx):
    """A producer writes an unnamed O_TMPFILE and links it into the inbox
    complete: there is no close event for the name; it must still be taken
    promptly (within 10 s), like any other link()."""
    ctx.start()
    data = small_article("Namenlos", "Dieser Artikel kommt per O_TMPFILE und linkat() in die Inbox.")
    fd = os.open(ctx.tmp, os.O_TMPFILE | os.O_WRONLY, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
        _linkat_follow(f"/proc/self/fd/{fd}", ctx.inbox / "unnamed.txt")
    finally:
        os.close(fd)
    ctx.wait_archived([content_id(data)], timeout=10)


@test()
def log_level_from_config_and_option(ctx):
    ctx.write_config(log_level="error")
    d = ctx.start(wait_ready=False)      # 'ready' is a notice: not logged at error
    ctx.wait(lambda: ctx.inbox.is_dir() and ctx.tmp.is_dir(), 10, "the state dir")
    data = small_article("Leise", "Bei log_level = error schreibt newsd keine info-Zeilen.")
    ctx.wait_archived([ctx.drop("quiet.txt", data)])
    d.signal(signal.SIGTERM)
    check(d.wait_exit(15) == 0, "SIGTERM exit code")
    levels = {m.group(1) for m in (LOG_LINE_RE.match(l) and re.match(r"\S+ ([a-z]+):", l)
                                   for l in d.log_lines()) if m}
    check(levels <= {"error"}, f"log_level = error, yet lines of levels {sorted(levels)}")
    d = ctx.start(args=["--log-level", "debug"])
    data = small_article("Laut", "Mit --log-level debug kommen auch debug-Zeilen.")
    ctx.wait_archived([ctx.drop("loud.txt", data)])
    ctx.wait_log(lambda l: " debug: " in l, 5, "level debug (--log-level debug)")


@test()
def small_queue_and_batches(ctx):
    """queue_size = 2, batch_size = 1, workers = 0 (one per CPU): the
    backpressure path still gets a burst through, each article once."""
    ctx.write_config(queue_size=2, batch_size=1, batch_ms=0, workers=0)
    ctx.start()
    arts = distinct_articles(100, "queue")
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = {content_id(d) for _, d in arts}
    ctx.wait_archived(ids, timeout=60)
    ctx.verify_archive(expect_ids=ids)
    check(ctx.failed_items() == [] and ctx.duplicates() == [], "failed/ or duplicates not empty")


def vm_kib(pid, key):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


@test(timeout=240, heavy=True)
def inotify_overflow_20000_while_stopped(ctx):
    """20,000 renames while newsd is stopped overflow the inotify queue
    (16,384 events); all must still be taken without the slow rescan."""
    n = 20000
    ctx.write_config(rescan_s=3600)
    d = ctx.start()
    arts = [(f"flut_{i:05d}.txt",
             f"Überlauf {i}\n\nArtikel Nummer {i} für den Überlauftest der Inbox.\n".encode())
            for i in range(n)]
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    rss0 = vm_kib(d.pid, "VmRSS")
    os.kill(d.pid, signal.SIGSTOP)
    try:
        for name, _ in arts:
            os.rename(ctx.tmp / name, ctx.inbox / name)
    finally:
        os.kill(d.pid, signal.SIGCONT)
    t0 = time.monotonic()
    ids = {content_id(data) for _, data in arts}
    ctx.wait_archived(ids, timeout=150, interval=0.5)
    took = time.monotonic() - t0
    hwm = vm_kib(d.pid, "VmHWM")
    ctx.verify_archive(expect_ids=ids)
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    overflow = any("overflow" in l for l in d.log_lines())
    print(f"note: 20000 archived in {took:.1f}s; overflow logged: {overflow}; "
          f"RSS {rss0} KiB before, peak {hwm} KiB")
    # AddressSanitizer keeps freed memory in quarantine (256 MB by default),
    # so a memory bound says nothing about newsd in a sanitizer build.
    if not sanitized_build(ctx):
        check(hwm is None or hwm < 256 * 1024, f"peak RSS {hwm} KiB with a 20,000-file backlog")


# --------------------------------------------------------------------------
# the runner

def child_main(name, base, build):
    """Run one test in this process; write base/result.json."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))   # crash tests: no core files
    ctx = Ctx(name, base, build)
    result = {"ok": False, "reason": "", "detail": ""}
    try:
        try:
            TESTS[name]["fn"](ctx)
        except BaseException:
            ctx.shutdown(strict=False)
            raise
        ctx.shutdown(strict=True)
        result["ok"] = True
    except Fail as e:
        result["reason"] = str(e)
    except Exception as e:
        result["reason"] = f"{type(e).__name__}: {e}"
        result["detail"] = traceback.format_exc()
    (Path(base) / "result.json").write_text(json.dumps(result))
    return 0


def tail(path, n):
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return lines[-n:]


RUNNING = set()          # process groups of the tests in progress
RUNNING_LOCK = threading.Lock()


def run_one(name, build, print_lock, hard_timeout=None, verbose=False):
    spec = dict(TESTS[name])
    if hard_timeout:
        spec["timeout"] = hard_timeout
    base = tempfile.mkdtemp(prefix=f"newsd-e2e-{name}-", dir="/tmp")
    cmd = [sys.executable, os.path.abspath(__file__), "--build-dir", build,
           "--child", name, "--base", base]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    with RUNNING_LOCK:
        RUNNING.add(p.pid)
    timed_out = False
    try:
        out, _ = p.communicate(timeout=spec["timeout"])
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
    # the test's session: kill whatever it left running (its newsd processes)
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    with RUNNING_LOCK:
        RUNNING.discard(p.pid)
    took = time.monotonic() - t0
    out = out.decode("utf-8", errors="replace")
    result = None
    if timed_out:
        reason = f"hard timeout after {spec['timeout']:.0f}s (test and its newsd killed)"
    else:
        try:
            result = json.loads((Path(base) / "result.json").read_text())
            reason = result["reason"]
        except (OSError, ValueError):
            reason = f"test process died (exit {p.returncode}) without a result"
    ok = bool(result and result["ok"])
    with print_lock:
        if ok:
            print(f"PASS {name} ({took:.1f}s)", flush=True)
            if verbose:
                for line in out.splitlines():
                    if line.startswith("note: "):
                        print(f"     {line}", flush=True)
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"FAIL {name}: {reason}", flush=True)
            print(f"     ({took:.1f}s; state kept in {base})")
            if result and result.get("detail"):
                print("     " + result["detail"].rstrip().replace("\n", "\n     "))
            if out.strip():
                print("     --- test output ---")
                for line in out.splitlines()[-20:]:
                    print(f"     {line}")
            lines = tail(Path(base) / "daemon.log", LOG_TAIL)
            print(f"     --- last {len(lines)} lines of daemon.log ---")
            for line in lines:
                print(f"     {line}")
            sys.stdout.flush()
    return ok


def load_test_modules():
    """More tests live beside this file in tests_*.py, one module per
    feature; they register with `from __main__ import test, ...`."""
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    for path in sorted(here.glob("tests_*.py")):
        importlib.import_module(path.stem)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default="build", help="meson build dir (default: build)")
    ap.add_argument("-k", dest="filter", action="append", default=[],
                    help="run only tests whose name contains this (repeatable)")
    ap.add_argument("-j", dest="jobs", type=int, default=1, help="tests run in parallel")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("-v", dest="verbose", action="store_true",
                    help="also print the notes of passing tests (timings, counts)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="hard limit per test in seconds (default: per test, 120-180)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    args = ap.parse_args()
    build = str(Path(args.build_dir).resolve())
    load_test_modules()

    if args.child:
        return child_main(args.child, args.base, build)

    names = [n for n in TESTS if not args.filter or any(f in n for f in args.filter)]
    if args.list:
        for n in names:
            print(n)
        return 0
    if not names:
        print(f"no test name contains {args.filter}")
        print("0 passed, 0 failed")
        return 1
    missing = [p for p in (Path(build) / "daemon" / "newsd",
                           Path(build) / "tests" / "e2e" / "crashy.so",
                           Path(build) / "plugins" / "archive_fs.so") if not p.exists()]
    if missing:
        print(f"not built: {', '.join(map(str, missing))} (run ninja -C {args.build_dir})")
        print(f"0 passed, {len(names)} failed")
        return 1

    # heavy tests first, so that with -j they overlap with the light ones
    names.sort(key=lambda n: not TESTS[n]["heavy"])
    lock = threading.Lock()
    t0 = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        results = list(pool.map(lambda n: run_one(n, build, lock, args.timeout, args.verbose), names))
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        with RUNNING_LOCK:
            for pgid in RUNNING:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        print("interrupted")
        raise
    pool.shutdown()
    passed = sum(results)
    failed = len(results) - passed
    print(f"total {time.monotonic() - t0:.1f}s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
