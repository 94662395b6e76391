#!/usr/bin/env python3
"""Sinks benchmark: figures, not a pass/fail test.

    python3 bench/bench_sinks.py --build-dir build-release [-n 2000]

1. burst: N articles renamed into a running daemon (the bench pipeline,
   archive_fs), once without a sink and once with a webhook sink that takes
   every record (filter = all) and POSTs it to a loopback receiver in this
   process; articles/s archived in both runs (the outbox costs a written
   and fsynced file per record and sink, and one folder fsync per batch),
   and when the last POST arrived.
2. trickle: 200 articles dropped at 20 per second; the delay from the
   rename into inbox/ to the POST at the receiver, p50/p99.

Target (issue 10): the POST reaches a loopback receiver p99 <= 1 s after
the file is dropped.  Uses bench/bench.py's helpers and the same corpus.
"""
import argparse
import http.server
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as core  # noqa: E402  (bench/bench.py)


class Receiver:
    def __init__(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.first = {}
        self.posts = 0
        self.lock = threading.Lock()
        rcv = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                src = json.loads(body).get("source")
                with rcv.lock:
                    rcv.posts += 1
                    rcv.first.setdefault(src, time.time())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def sink_section(port):
    return ("\n[plugin.hook]\nso = sink_webhook.so\nfilter = all\nurl = http://127.0.0.1:%d/hook\n"
            "batch = 64\nmax_parallel = 16\n" % port)


def config(workdir, state, plugins, sink):
    conf = os.path.join(workdir, "newsd.ini")
    with open(conf, "w") as fh:
        fh.write(core.CONFIG.format(state=state, plugins=plugins, log_level="info", extra="",
                                    pipeline=core.PIPELINES["c"]) + sink)
    return conf


def run(newsd, plugins, texts, n, workdir, rcv, label, trickle_hz=0):
    state = os.path.join(workdir, label)
    conf = config(workdir, state, plugins, sink_section(rcv.port) if rcv else "")
    proc, log = core.start_daemon(newsd, conf, os.path.join(workdir, label + ".log"))
    tmp = os.path.join(state, "tmp")
    core.prepare(tmp, n, texts, label[:2])
    names = sorted(os.listdir(tmp))
    dropped = {}
    t0 = time.time()
    for name in names:
        os.rename(os.path.join(tmp, name), os.path.join(state, "inbox", name))
        dropped[name] = time.time()
        if trickle_hz:
            time.sleep(1.0 / trickle_hz)
    ok = core.wait_archived(state, n, 600, proc)
    archived = core.parse_times(os.path.join(workdir, label + ".log"))
    t_arch = (max(archived.values()) if archived else time.time()) - t0
    t_post = None
    if rcv:
        deadline = time.time() + 120
        while time.time() < deadline and len(rcv.first) < n:
            time.sleep(0.02)
        if rcv.first:
            t_post = max(rcv.first.values()) - t0
    core.stop(proc, log)
    if not ok:
        print("%s: not all %d archived" % (label, n))
    return dropped, t_arch, t_post


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build-release")
    ap.add_argument("-n", type=int, default=2000)
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    newsd = os.path.join(build, "daemon", "newsd")
    plugins = os.path.join(build, "plugins")
    texts = core.corpus_texts()
    workdir = tempfile.mkdtemp(prefix="newsd-bench-sinks-")
    try:
        _, t_plain, _ = run(newsd, plugins, texts, args.n, workdir, None, "plain")
        rcv = Receiver()
        _, t_sink, t_post = run(newsd, plugins, texts, args.n, workdir, rcv, "hook")
        print("sinks:  burst of %d: %.0f articles/s archived without a sink, %.0f with a webhook sink "
              "(filter = all)" % (args.n, args.n / t_plain, args.n / t_sink))
        if t_post is not None:
            print("sinks:  burst of %d: all %d POSTed %.2f s after the first drop (%.0f records/s), "
                  "%d POSTs" % (args.n, len(rcv.first), t_post, len(rcv.first) / t_post, rcv.posts))
        rcv.stop()
        rcv = Receiver()
        dropped, _, _ = run(newsd, plugins, texts, 200, workdir, rcv, "trickle", trickle_hz=20)
        delays = sorted((rcv.first[k] - dropped[k]) * 1000 for k in dropped if k in rcv.first)
        rcv.stop()
        if delays:
            print("sinks:  trickle of %d at 20/s: drop -> POST p50 %.0f ms, p99 %.0f ms (target p99 <= 1000)"
                  % (len(delays), delays[len(delays) // 2], delays[min(len(delays) - 1, int(len(delays) * 0.99))]))
        else:
            print("sinks:  trickle: nothing was POSTed")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
