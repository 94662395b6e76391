#!/usr/bin/env python3
"""Streaming benchmark: figures, not a pass/fail test.

    python3 bench/bench_stream.py --build-dir build-release [-n 2000]

1. inbox:     N articles renamed into a running daemon's inbox (the bench
              pipeline, archive_fs): articles/s, first drop to last archived.
2. jetstream: the same N articles published beforehand to a JetStream
              stream of a nats-server started here (loopback, a store dir
              of its own), then a daemon with input_nats instead of the
              folder: articles/s from its start to the last archived, and
              the ratio to the inbox path of the same run.  With the
              default max_backlog (1000) and batch (64).

Needs nats-server and the build's tests/e2e/nats_peek (the publisher).
Uses bench/bench.py's helpers and the same corpus.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as core  # noqa: E402  (bench/bench.py)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def config(workdir, label, state, plugins, extra):
    conf = os.path.join(workdir, label + ".ini")
    with open(conf, "w") as fh:
        fh.write(core.CONFIG.format(state=state, plugins=plugins, log_level="info", extra="",
                                    pipeline=core.PIPELINES["c"]) + extra)
    return conf


def last_archived(log_path, t0):
    times = core.parse_times(log_path)
    return (max(times.values()) if times else time.time()) - t0


def inbox_run(newsd, plugins, texts, n, workdir):
    state = os.path.join(workdir, "inbox")
    log_path = os.path.join(workdir, "inbox.log")
    proc, log = core.start_daemon(newsd, config(workdir, "inbox", state, plugins, ""), log_path)
    tmp = os.path.join(state, "tmp")
    core.prepare(tmp, n, texts, "in")
    t0 = time.time()
    for name in sorted(os.listdir(tmp)):
        os.rename(os.path.join(tmp, name), os.path.join(state, "inbox", name))
    ok = core.wait_archived(state, n, 600, proc)
    core.stop(proc, log)
    return ok, last_archived(log_path, t0)


def jetstream_run(newsd, plugins, peek, texts, n, workdir):
    exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
    port = free_port()
    url = "nats://127.0.0.1:%d" % port
    srv = subprocess.Popen([exe, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd",
                            os.path.join(workdir, "nats-store")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        state = os.path.join(workdir, "js")
        section = ("\n[plugin.bus]\nso = input_nats.so\nurl = %s\nstream = ARTICLES\nsubject = articles.in\n"
                   "durable = newsd\ncreate_stream = true\n" % url)
        log_path = os.path.join(workdir, "js.log")
        conf = config(workdir, "js", state, plugins, section)
        # The daemon creates the stream; stop it, publish, start it again.
        time.sleep(0.5)
        proc, log = core.start_daemon(newsd, conf, log_path + ".first")
        deadline = time.time() + 15
        while time.time() < deadline and subprocess.run([peek, url, "ARTICLES"], capture_output=True).returncode:
            time.sleep(0.1)
        core.stop(proc, log)
        msgs = os.path.join(workdir, "msgs")
        core.prepare(msgs, n, texts, "js")
        files = [os.path.join(msgs, f) for f in sorted(os.listdir(msgs))]
        tp = time.time()
        p = subprocess.run([peek, "--pub", url, "articles.in"] + files, capture_output=True)
        if p.returncode:
            print("jetstream: publishing failed: %s" % p.stderr.decode(errors="replace"))
            return False, 0, 0
        t_pub = time.time() - tp
        t0 = time.time()
        proc, log = core.start_daemon(newsd, conf, log_path)
        deadline = time.time() + 600
        ok = False
        while time.time() < deadline and proc.poll() is None:
            if core.count_ids(state) >= n:
                ok = True
                break
            time.sleep(0.2)
        core.stop(proc, log)
        return ok, last_archived(log_path, t0), t_pub
    finally:
        srv.terminate()
        srv.wait(10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build-release")
    ap.add_argument("-n", type=int, default=2000)
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    peek = os.path.join(build, "tests", "e2e", "nats_peek")
    if not os.path.exists(os.path.join(plugins, "input_nats.so")) or not os.path.exists(peek):
        print("stream: input_nats.so or tests/e2e/nats_peek not built (libnats-dev missing?)")
        return 2
    texts = core.corpus_texts()
    workdir = tempfile.mkdtemp(prefix="newsd-bench-stream-")
    try:
        ok_in, t_in = inbox_run(newsd, plugins, texts, args.n, workdir)
        ok_js, t_js, t_pub = jetstream_run(newsd, plugins, peek, texts, args.n, workdir)
        if not (ok_in and ok_js):
            print("stream: not all archived (inbox %s, jetstream %s)" % (ok_in, ok_js))
            return 1
        print("stream: %d articles: inbox %.0f articles/s; JetStream -> input_nats -> archive_fs %.0f "
              "articles/s (%.2f of the inbox path; published beforehand in %.1f s)"
              % (args.n, args.n / t_in, args.n / t_js, t_in / t_js, t_pub))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
