#!/usr/bin/env python3
"""Where newsd's peak RSS goes: newsd on a config (the default one unless
--config) over a backlog of N articles, /proc/PID/smaps sampled every
--interval seconds; the sample with the largest total Rss is printed grouped
by mapping (each shared library, heap, thread stacks, other anonymous
mappings, files) with VmHWM beside it.  Figures, not a test.

  python3 bench/mem_breakdown.py --build-dir build-release [-n 10000]
"""
import argparse
import collections
import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as base  # noqa: E402
import compare  # noqa: E402

HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$")


def read_smaps(pid):
    """[(start, end, perms, name, {field: kB})] of /proc/PID/smaps."""
    maps, cur = [], None
    with open("/proc/%d/smaps" % pid) as fh:
        for line in fh:
            m = HEADER.match(line)
            if m:
                cur = (int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4).strip(), {})
                maps.append(cur)
            elif cur is not None and line.endswith(" kB\n"):
                k, v = line.split(":", 1)
                cur[4][k] = int(v.split()[0])
    return maps


def thread_stacks(pid):
    """Start addresses of the threads' stack mappings, from each task's
    stack pointer (field 29 of /proc/PID/task/TID/stat is 0 unless ptraced,
    so use syscall's sp instead)."""
    sps = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/syscall" % (pid, tid)) as fh:
                f = fh.read().split()
            if len(f) >= 3:
                sps.append(int(f[-2], 16))
        except (OSError, ValueError):
            pass
    return sps


def group(maps, sps, anon=None):
    out = collections.Counter()
    for start, end, perms, name, f in maps:
        rss = f.get("Rss", 0)
        if name.startswith("/"):
            key = os.path.basename(name)
            if ".so" not in key and "newsd" not in key:
                key = "file:" + key
        elif name in ("[heap]", "[stack]"):
            key = name
        elif name.startswith("["):
            key = "kernel " + name
        elif any(start <= sp < end for sp in sps):
            key = "thread stacks"
        elif perms.startswith("---"):
            key = "guard pages"
        else:
            key = "anon mmaps (malloc arenas, large blocks, ...)"
            if anon is not None:
                anon.append((rss, (end - start) // 1024))
        out[key] += rss
    return out


def descendants(pid):
    """The processes below pid: a wrapper (heaptrack is a shell script)
    does not pass SIGTERM on to newsd."""
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as fh:
                for child in map(int, fh.read().split()):
                    out += [child] + descendants(child)
    except OSError:
        pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(base.ROOT, "build-release"))
    ap.add_argument("--config", default=os.path.join(base.ROOT, "config", "newsd.ini"))
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for newsd")
    ap.add_argument("--log-level", default="notice")
    ap.add_argument("--keep-log", help="copy newsd's log here")
    ap.add_argument("--anon", action="store_true", help="also list the anonymous mappings at the peak")
    ap.add_argument("--wrap", default="", help="a command newsd runs under, e.g. 'heaptrack -o FILE'")
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    texts = base.corpus_texts()
    for kv in args.env:
        k, v = kv.split("=", 1)
        os.environ[k] = v
    folder = tempfile.mkdtemp(prefix="newsd-mem-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    try:
        state = os.path.join(folder, "state")
        sections = base.ini_sections(args.config)
        conf = base.write_sections(os.path.join(folder, "newsd.ini"), sections, state, plugins, args.log_level)
        compare.train_topics(newsd, sections, conf, folder)
        compare.write_files(os.path.join(state, "inbox"), texts, args.n, True)
        compare.settle_disk()
        exe = newsd
        if args.wrap:
            # compare.spawn runs one program: a script that runs newsd under the wrapper.
            exe = os.path.join(folder, "newsd-wrapped")
            with open(exe, "w") as fh:
                fh.write('#!/bin/sh\nexec %s %s "$@"\n' % (args.wrap, newsd))
            os.chmod(exe, 0o755)
        proc, log, _ = compare.spawn(exe, conf, os.path.join(folder, "newsd.log"))
        best, best_total, at_ready = None, 0, None
        t0 = time.time()
        while not (base.is_empty(os.path.join(state, "inbox"))
                   and base.is_empty(os.path.join(state, "work"))):
            try:
                maps = read_smaps(proc.pid)
                sps = thread_stacks(proc.pid)
            except OSError:
                break
            total = sum(m[4].get("Rss", 0) for m in maps)
            if at_ready is None:
                at_ready = group(maps, sps)
            if total > best_total:
                anon = []
                best, best_total = group(maps, sps, anon), total
            time.sleep(args.interval)
        elapsed = time.time() - t0
        hwm = base.peak_rss_kib(proc.pid)
        for child in reversed(descendants(proc.pid)):
            try:
                os.kill(child, signal.SIGTERM)
            except OSError:
                pass
        base.stop(proc, log)
        if args.keep_log:
            shutil.copy(os.path.join(folder, "newsd.log"), args.keep_log)
        print("%d articles in %.1f s; VmHWM %.1f MiB; largest sampled Rss %.1f MiB (at ready %.1f)"
              % (args.n, elapsed, hwm / 1024, best_total / 1024, sum(at_ready.values()) / 1024))
        print("  %-50s %9s %9s" % ("mapping", "peak KiB", "ready KiB"))
        for key, kib in best.most_common(args.top):
            print("  %-50s %9d %9d" % (key[:50], kib, at_ready.get(key, 0)))
        rest = sum(v for _, v in best.most_common()[args.top:])
        if rest:
            print("  %-50s %9d" % ("(the rest)", rest))
        if args.anon:
            print("  anonymous mappings at the peak (Rss KiB / size KiB):")
            print("   " + ", ".join("%d/%d" % a for a in sorted(anon, reverse=True) if a[0]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
