#!/usr/bin/env python3
"""Checks bench/floor.c does the work it claims (meson test --suite bench):
every file archived once, its record's id the daemon's (the first 128 bits
of SHA-256 in hex), the original renamed unchanged, in backlog and stream
mode, batch syncs counted, times written, and clear errors for duplicate
content and bad arguments."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

FLOOR = sys.argv[1]
N = 300


def make(folder, n, prefix="a"):
    os.makedirs(folder, exist_ok=True)
    contents = {}
    for i in range(n):
        name = "%s%04d.txt" % (prefix, i)
        data = ("Überschrift %s\n\nText des Artikels %d, mit \"Zeichen\".\n" % (name, i)).encode()
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(data)
        contents[name] = data
    return contents


def check_archive(out, contents):
    records = os.listdir(os.path.join(out, "records"))
    originals = os.listdir(os.path.join(out, "originals"))
    assert len(records) == len(contents), (len(records), len(contents))
    assert len(originals) == len(contents), (len(originals), len(contents))
    for name, data in contents.items():
        id_ = hashlib.sha256(data).hexdigest()[:32]
        with open(os.path.join(out, "records", id_ + ".json")) as fh:
            rec = json.load(fh)
        assert rec["id"] == id_ and rec["name"] == name and rec["size"] == len(data), rec
        with open(os.path.join(out, "originals", id_ + ".orig"), "rb") as fh:
            assert fh.read() == data, name


def backlog(tmp):
    src, out = os.path.join(tmp, "b-in"), os.path.join(tmp, "b-out")
    contents = make(src, N)
    os.mkdir(os.path.join(src, "sub"))          # not a regular file: left alone
    open(os.path.join(src, ".hidden"), "w").close()
    p = subprocess.run([FLOOR, "-b", "64", src, out], capture_output=True, text=True, check=True)
    assert "backlog, %d articles" % N in p.stdout, p.stdout
    assert "(5 syncfs)" in p.stdout, p.stdout   # 4 full batches of 64, then the rest
    assert sorted(os.listdir(src)) == [".hidden", "sub"], os.listdir(src)
    check_archive(out, contents)


def stream(tmp):
    src, stage, out = (os.path.join(tmp, d) for d in ("s-in", "s-tmp", "s-out"))
    os.mkdir(src)
    early = make(src, 10, "early")               # present before the watch: found by the scan
    contents = make(stage, N)
    times = os.path.join(tmp, "times.txt")
    p = subprocess.Popen([FLOOR, "-n", str(N + 10), "-t", times, src, out],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    for name in sorted(contents):
        os.rename(os.path.join(stage, name), os.path.join(src, name))
    rest = p.stdout.read()
    assert p.wait(timeout=60) == 0, rest
    assert "stream, %d articles" % (N + 10) in rest and "one syncfs at the end (1 syncfs)" in rest, rest
    contents.update(early)
    check_archive(out, contents)
    with open(times) as fh:
        lines = [line.split() for line in fh]
    assert sorted(name for name, _ in lines) == sorted(contents)
    assert all(float(at) > 0 for _, at in lines)


def errors(tmp):
    src, out = os.path.join(tmp, "d-in"), os.path.join(tmp, "d-out")
    make(src, 2)
    with open(os.path.join(src, "a0000.txt"), "rb") as fh:
        same = fh.read()
    with open(os.path.join(src, "copy.txt"), "wb") as fh:
        fh.write(same)
    p = subprocess.run([FLOOR, src, out], capture_output=True, text=True)
    assert p.returncode == 1 and "unique files" in p.stderr and ".txt" in p.stderr, p.stderr
    p = subprocess.run([FLOOR, "-b", "x", src, out], capture_output=True, text=True)
    assert p.returncode == 2 and "-b wants a positive number" in p.stderr, p.stderr
    p = subprocess.run([FLOOR, os.path.join(tmp, "missing"), out], capture_output=True, text=True)
    assert p.returncode == 1 and "missing" in p.stderr, p.stderr


def main():
    with tempfile.TemporaryDirectory(prefix="floor-test-") as tmp:
        backlog(tmp)
        stream(tmp)
        errors(tmp)
    print("floor: backlog, stream and errors ok")


if __name__ == "__main__":
    main()
