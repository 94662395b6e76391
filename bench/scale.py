"""The scale run of issue 11 (bench/bench.py --million, make bench-scale).

A backlog of 10,000 and then of 1,000,000 small files, present before newsd
(core-only config: one keyword_tagger, archive_fs) starts.  For each:
  - the time from the spawn to the first archived article (newsd must start
    on the first files it finds, not after listing the whole folder);
  - peak RSS (VmHWM, sampled while it runs), which must not grow with the
    backlog (target: the same within 10 %);
  - articles archived and articles/s in the window.
newsd runs until the backlog is drained or for --scale-seconds (default 60),
whichever comes first, then gets SIGTERM: the million is not drained in a
default run, and the memory a backlog costs shows from the first scan on.

The files are written with an os.open/os.write loop (tens of thousands per
second) and then left to age: newsd takes a file it finds at start only once
its mtime is 10 s old.  Everything is removed afterwards.
"""
import os
import shutil
import sys
import time

import bench as base
import compare

SIZES = (10000, 1000000)
BYTES_PER_FILE = 4096 * 4   # the inbox file, the record, its original link, folders: generous


def small_texts(texts, size=400):
    """Corpus texts cut to about size bytes at a space (always a UTF-8
    boundary), so that the million costs inodes, not gigabytes."""
    out = []
    for t in texts:
        cut = t.rfind(b" ", 0, size)
        out.append(t[:cut] if cut > 0 else t[:size])
    return out


def check_room(folder, n):
    st = os.statvfs(folder)
    need_bytes = n * BYTES_PER_FILE
    need_inodes = n * 3
    if st.f_bavail * st.f_frsize < need_bytes or (st.f_files and st.f_favail < need_inodes):
        sys.exit("bench: %s has %.1f GB and %d inodes free; %d files need about %.1f GB and %d inodes "
                 "(BENCH_DIR= picks another folder)"
                 % (folder, st.f_bavail * st.f_frsize / 1e9, st.f_favail, n, need_bytes / 1e9, need_inodes))


def write_backlog(inbox, texts, n):
    os.makedirs(inbox)
    t0 = time.time()
    dfd = os.open(inbox, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i in range(n):
            fd = os.open("m%07d.txt" % i, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dfd)
            try:
                os.write(fd, texts[i % len(texts)] + b"\n\nscale %d\n" % i)
            finally:
                os.close(fd)
            if i and i % 200000 == 0:
                print("scale: %d files written (%.0f/s)" % (i, i / (time.time() - t0)), flush=True)
    finally:
        os.close(dfd)
    made = time.time()
    # As before every run of the side-by-side bench: the backlog on disk
    # first, or newsd's first syncfs pays for writing the bench's million
    # files (1.5 s measured) and "first archived" measures the disk, not
    # newsd's start.
    compare.settle_disk()
    # newsd's first scan waits for files younger than 10 s.
    time.sleep(max(0.0, 10.5 - (time.time() - made)))
    return made - t0


class LogTail:
    """Reads a growing log from where it stopped last time."""

    def __init__(self, path):
        self.fh = open(path, errors="replace")
        self.ready = self.first = None
        self.count = 0

    def poll(self):
        for line in self.fh:
            if compare.ARCHIVED.match(line):
                self.count += 1
                if self.first is None:
                    self.first = compare.ts(line.split(" ", 1)[0])
            elif self.ready is None and compare.READY.match(line):
                self.ready = compare.ts(line.split(" ", 1)[0])

    def close(self):
        self.fh.close()


def one(newsd, plugins, texts, n, workdir, seconds):
    folder = os.path.join(workdir, "scale%d" % n)
    state = os.path.join(folder, "state")
    made_s = write_backlog(os.path.join(state, "inbox"), texts, n)
    conf = base.write_sections(os.path.join(folder, "newsd.ini"), base.core_sections(), state, plugins, "info")
    log_path = os.path.join(folder, "newsd.log")
    proc, log, t_spawn = compare.spawn(newsd, conf, log_path)
    tail = LogTail(log_path)
    rss = 0
    drained = False
    limit = t_spawn + seconds if seconds > 0 else float("inf")
    while time.time() < limit and proc.poll() is None:
        rss = max(rss, base.peak_rss_kib(proc.pid))
        tail.poll()
        if tail.count >= n:
            drained = True
            break
        time.sleep(0.2)
    rss = max(rss, base.peak_rss_kib(proc.pid))
    t_end = time.time()
    base.stop(proc, log)
    tail.poll()
    tail.close()
    ready = tail.ready
    first = tail.first - t_spawn if tail.first else None
    print("scale: %8d files (written in %.1f s): first archived %s after the spawn%s; "
          "%d archived in %.1f s (%s); peak RSS %.1f MiB"
          % (n, made_s, "%.3f s" % first if first is not None else "NEVER",
             " (%.3f s after ready)" % (tail.first - ready) if ready and tail.first else "",
             tail.count, t_end - t_spawn, "drained" if drained else "stopped",
             rss / 1024), flush=True)
    t0 = time.time()
    shutil.rmtree(folder, ignore_errors=True)
    print("scale: %8d files removed in %.1f s" % (n, time.time() - t0), flush=True)
    return rss, first


def run(newsd, plugins, texts, workdir, seconds, sizes=SIZES):
    check_room(workdir, max(sizes))
    small = small_texts(texts)
    print("scale: core-only config, backlogs of %s small files (~%d bytes), newsd for at most %s"
          % (" and ".join("{:,}".format(n) for n in sizes), sum(map(len, small)) // len(small),
             "%.0f s each" % seconds if seconds > 0 else "the whole backlog"), flush=True)
    figures = [one(newsd, plugins, small, n, workdir, seconds) for n in sizes]
    (rss_small, _), (rss_big, first_big) = figures
    ratio = rss_big / rss_small if rss_small else float("nan")
    print("scale: peak RSS %.1f MiB for %s vs %.1f MiB for %s: %.2fx (target within 10 %%: %s); "
          "first article of the larger backlog archived after %s (target < 1 s: %s)"
          % (rss_big / 1024, "{:,}".format(sizes[1]), rss_small / 1024, "{:,}".format(sizes[0]), ratio,
             "met" if abs(ratio - 1) <= 0.10 else "MISSED",
             "%.3f s" % first_big if first_big is not None else "never",
             "met" if first_big is not None and first_big < 1 else "MISSED"))
