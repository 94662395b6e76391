"""End-to-end tests of the control API and newsctl (docs/api.md).

Loaded by run.py; every test here is named control_*.  The archive-query
tests need archive_sqlite: where <build>/plugins/archive_sqlite.so is not
built they print "skipped: ..." and pass, saying why.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse

from __main__ import (test, check, Fail, DEFAULT_PLUGINS, SAMPLE, content_id,
                      distinct_articles, normal_article_after, small_article, Daemon)


# --------------------------------------------------------------------------
# helpers

class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("newsd", timeout=timeout)
        self.unix_path = str(path)

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def sock_path(ctx):
    return ctx.state / "control.sock"


def api(ctx, method, path, body=None, headers=None, timeout=30):
    """(status, headers dict, body bytes) of one request on the control socket."""
    c = UnixHTTPConnection(sock_path(ctx), timeout)
    try:
        if isinstance(body, str):
            body = body.encode()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def http_json(ctx, method, path, body=None, expect=200):
    status, hdrs, data = api(ctx, method, path, body)
    check(status == expect, f"{method} {path}: HTTP {status}, expected {expect}: {data[:300]!r}")
    check(hdrs.get("content-type", "").startswith("application/json"),
          f"{method} {path}: content-type {hdrs.get('content-type')!r}")
    try:
        return json.loads(data)
    except ValueError as e:
        raise Fail(f"{method} {path}: body is not JSON ({e}): {data[:300]!r}")


def status(ctx):
    return http_json(ctx, "GET", "/status")


def newsctl_bin(ctx):
    return ctx.build / "newsctl" / "newsctl"


def newsctl(ctx, *args, timeout=60, sock=True):
    argv = [str(newsctl_bin(ctx))] + (["-d", str(ctx.state)] if sock else []) + [str(a) for a in args]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                           env={k: v for k, v in os.environ.items() if k != "NEWSD_SOCKET"})
    except subprocess.TimeoutExpired:
        raise Fail(f"newsctl {' '.join(map(str, args))} did not finish within {timeout}s")
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    with open(ctx.log_path, "a", encoding="utf-8") as f:
        f.write(f"----- e2e: newsctl {' '.join(map(str, args))} -> exit {p.returncode}\n"
                f"[stdout]\n{out[-2000:]}\n[stderr]\n{err[-2000:]}\n")
    return p.returncode, out, err


def newsctl_json(ctx, *args):
    rc, out, err = newsctl(ctx, "--json", *args)
    check(rc == 0, f"newsctl --json {' '.join(args)}: exit {rc}: {err.strip()}")
    try:
        return json.loads(out)
    except ValueError as e:
        raise Fail(f"newsctl --json {' '.join(args)}: not JSON ({e}): {out[:300]!r}")


def sqlite_plugins(extra=()):
    plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    return plugins + list(extra) + [("archive", {"so": "archive_sqlite.so"})]


def have_sqlite(ctx):
    path = ctx.plugin_dir / "archive_sqlite.so"
    if path.exists():
        return True
    print(f"skipped: {path} is not built, so the archive queries cannot be tested")
    print(f"note: skipped: {path} is not built")
    return False


def drop_burst(ctx, arts):
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    return {content_id(d) for _, d in arts}


def wait_searchable(ctx, q, timeout=30):
    """archive_sqlite indexes behind the commits: poll the search until
    nothing archived is waiting for the full-text index ("pending": 0);
    returns that last answer."""
    last = {}

    def ready():
        last.update(newsctl_json(ctx, "search", q))
        return last.get("pending") == 0
    ctx.wait(ready, timeout, f"search {q!r} answering with \"pending\": 0", interval=0.2)
    return last


def wait_counter(ctx, key, n, timeout=90):
    ctx.wait(lambda: ctx.idle() and status(ctx)["counters"][key] >= n, timeout,
             f"status counter {key} >= {n}")


# --------------------------------------------------------------------------
# Prometheus text format, checked strictly enough to catch a broken exposition

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """{(name, labels-tuple): value}, types {family: type}; raises Fail."""
    check(text.endswith("\n"), "metrics text does not end with a newline")
    types, samples = {}, {}
    for i, line in enumerate(text.splitlines(), 1):
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            check(len(parts) >= 3 and parts[1] in ("HELP", "TYPE"), f"line {i}: bad comment {line!r}")
            if parts[1] == "TYPE":
                check(len(parts) == 4 and parts[3] in ("counter", "gauge", "histogram", "summary", "untyped"),
                      f"line {i}: bad TYPE {line!r}")
                check(parts[2] not in types, f"line {i}: second TYPE for {parts[2]}")
                types[parts[2]] = parts[3]
            continue
        m = SAMPLE_RE.match(line)
        check(m, f"line {i}: not a sample: {line!r}")
        name, labels, value = m.group(1), m.group(3) or "", m.group(4)
        pairs = LABEL_RE.findall(labels)
        check(",".join(f'{k}="{v}"' for k, v in pairs) == labels, f"line {i}: bad labels {labels!r}")
        try:
            v = float(value)
        except ValueError:
            raise Fail(f"line {i}: value {value!r} is not a number")
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        check(family in types, f"line {i}: sample {name} before its # TYPE")
        key = (name, tuple(pairs))
        check(key not in samples, f"line {i}: duplicate sample {key}")
        samples[key] = v
    # histograms: cumulative buckets ending in +Inf equal to _count
    for family, kind in types.items():
        if kind != "histogram":
            continue
        series = {}
        for (name, labels), v in samples.items():
            if name == family + "_bucket":
                rest = tuple(p for p in labels if p[0] != "le")
                le = dict(labels)["le"]
                series.setdefault(rest, []).append((float("inf") if le == "+Inf" else float(le), v))
        for rest, buckets in series.items():
            buckets.sort()
            counts = [v for _, v in buckets]
            check(counts == sorted(counts), f"{family}{rest}: buckets not cumulative: {counts}")
            check(buckets[-1][0] == float("inf"), f"{family}{rest}: no +Inf bucket")
            check(samples.get((family + "_count", rest)) == counts[-1],
                  f"{family}{rest}: _count differs from the +Inf bucket")
            check((family + "_sum", rest) in samples, f"{family}{rest}: no _sum")
    return types, samples


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --------------------------------------------------------------------------
# the tests

@test(timeout=180, heavy=True)
def control_status_counters_after_500(ctx):
    ctx.start()
    st = status(ctx)
    check(st["counters"]["received"] == 0, f"counters at start: {st['counters']}")
    check(oct(os.stat(sock_path(ctx)).st_mode & 0o777) == "0o660",
          f"control socket mode {oct(os.stat(sock_path(ctx)).st_mode & 0o777)}, expected 0660")
    ids = drop_burst(ctx, distinct_articles(500, "ctl"))
    ctx.wait_archived(ids, timeout=120)
    ctx.wait(lambda: status(ctx)["counters"]["archived"] == 500, 10, "status archived == 500")
    st = status(ctx)
    c = st["counters"]
    for key, want in (("received", 500), ("archived", 500), ("duplicates", 0), ("failed", 0),
                      ("in_flight", 0), ("queue_depth", 0), ("reprocessed", 0)):
        check(c.get(key) == want, f"status counter {key} = {c.get(key)}, expected {want}: {c}")
    check(st["throughput"]["finished"] == 500, f"throughput over the last minute: {st['throughput']}")
    check(st["throughput"]["per_s"] > 0, f"throughput: {st['throughput']}")
    names = [p["name"] for p in st["plugins"]]
    check(names == [p[0] for p in DEFAULT_PLUGINS], f"plugins in status: {names}")
    orgs = st["plugins"][0]
    check(orgs["kind"] == "c" and orgs["stages"] == ["tag"] and orgs["plugin"] == "keyword_tagger",
          f"plugin entry: {orgs}")
    check(st["archive"]["backends"][0]["plugin"] == "archive_fs", f"archive: {st['archive']}")
    check(st["config"] == str(ctx.config_path) and st["uptime_s"] >= 0 and st["pid"] == ctx.daemon.pid,
          f"status head: config {st['config']}, pid {st['pid']}")
    # the same through newsctl, human and --json
    rc, out, err = newsctl(ctx, "status")
    check(rc == 0, f"newsctl status: exit {rc}: {err}")
    check("500 received, 500 archived, 0 duplicates, 0 failed" in out, f"newsctl status says:\n{out}")
    for name in names:
        check(name in out, f"newsctl status does not list plugin {name}:\n{out}")
    check(newsctl_json(ctx, "status")["counters"]["archived"] == 500, "newsctl --json status")


@test()
def control_metrics_prometheus(ctx):
    port = free_port()
    ctx.write_config(metrics_listen=f"127.0.0.1:{port}")
    ctx.start()
    ids = drop_burst(ctx, distinct_articles(20, "metrics"))
    ctx.wait_archived(ids)
    ctx.wait(lambda: status(ctx)["counters"]["archived"] == 20, 10, "archived == 20")
    st, hdrs, body = api(ctx, "GET", "/metrics")
    check(st == 200, f"/metrics: HTTP {st}")
    check(hdrs.get("content-type", "").startswith("text/plain; version=0.0.4"),
          f"/metrics content-type {hdrs.get('content-type')!r}")
    types, samples = parse_prometheus(body.decode("utf-8"))
    want = {"newsd_articles_received_total": "counter", "newsd_articles_archived_total": "counter",
            "newsd_articles_failed_total": "counter", "newsd_articles_duplicates_total": "counter",
            "newsd_queue_depth": "gauge", "newsd_articles_in_flight": "gauge",
            "newsd_processing_seconds": "histogram", "newsd_plugin_seconds": "histogram"}
    for name, kind in want.items():
        check(types.get(name) == kind, f"metric {name}: type {types.get(name)}, expected {kind}")
    check(samples[("newsd_articles_received_total", ())] == 20, "received_total != 20")
    check(samples[("newsd_articles_archived_total", ())] == 20, "archived_total != 20")
    check(samples[("newsd_processing_seconds_count", ())] == 20, "processing_seconds_count != 20")
    check(types.get("newsd_articles_by_action_total") == "counter", "newsd_articles_by_action_total missing")
    by_action = sum(v for (name, _), v in samples.items() if name == "newsd_articles_by_action_total")
    check(by_action == 20, f"newsd_articles_by_action_total sums to {by_action}, expected 20")
    # one call per article and stage; archive_fs is called twice, prepare()
    # on the worker and archive() on the archive thread
    for plugin, calls in (("orgs", 20), ("topics", 20), ("scorer", 20), ("archive", 40)):
        n = samples.get(("newsd_plugin_seconds_count", (("plugin", plugin),)))
        check(n == calls, f"newsd_plugin_seconds_count{{plugin=\"{plugin}\"}} = {n}, expected {calls}")
    # the TCP listener: /metrics, and nothing else
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics")
    r = c.getresponse()
    text = r.read().decode()
    check(r.status == 200, f"TCP /metrics: HTTP {r.status}")
    parse_prometheus(text)
    c.request("GET", "/status")
    r = c.getresponse()
    body = r.read()
    check(r.status == 404 and "error" in json.loads(body), f"TCP /status: HTTP {r.status} {body!r}")
    c.close()


@test()
def control_bad_requests(ctx):
    ctx.start()
    cases = [
        ("GET", "/nope", None, 404),
        ("GET", "/", None, 404),
        ("GET", "/show/", None, 404),
        ("POST", "/status", "{}", 405),
        ("GET", "/reload", None, 405),
        ("POST", "/reprocess", "{not json", 400),
        ("POST", "/reprocess", "[1,2]", 400),
        ("POST", "/reprocess", '{"id": "xyz!"}', 400),
        ("POST", "/reprocess", '{}', 400),
        ("GET", "/search", None, 400),               # no q
        ("GET", "/list?limit=abc", None, 400),
        ("GET", "/list?min_score=high", None, 400),
        ("GET", "/show/not-an-id", None, 400),
        ("GET", "/search?q=Huawei", None, 501),      # archive_fs answers no queries
        ("POST", "/reprocess", '{"all": true}', 501),
    ]
    for method, path, body, want in cases:
        st, hdrs, data = api(ctx, method, path, body)
        check(st == want, f"{method} {path} {body!r}: HTTP {st}, expected {want}: {data[:200]!r}")
        try:
            err = json.loads(data).get("error")
        except ValueError:
            err = None
        check(isinstance(err, str) and err, f"{method} {path}: body is not {{\"error\": ...}}: {data[:200]!r}")
    # huge bodies: a declared one is refused before it is read (the client
    # may not get to send it), a streamed (chunked) one once it passes 64 KiB
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(str(sock_path(ctx)))
    s.sendall(b"POST /reprocess HTTP/1.1\r\nHost: newsd\r\nContent-Type: application/json\r\n"
              b"Content-Length: 2097152\r\n\r\n")
    try:
        s.sendall(b"x" * 65536)
    except OSError:
        pass
    reply = b""
    try:
        while b"\r\n\r\n" not in reply or b"}" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    except OSError:
        pass
    s.close()
    check(reply.startswith(b"HTTP/1.1 413") and b'"error"' in reply, f"2 MiB body: answered {reply[:300]!r}")

    def chunks():
        for _ in range(40):
            yield b"{" * 4096
    c = UnixHTTPConnection(sock_path(ctx))
    c.request("POST", "/reprocess", body=chunks(), encode_chunked=True,
              headers={"Transfer-Encoding": "chunked"})
    r = c.getresponse()
    data = r.read()
    c.close()
    check(r.status == 413, f"160 KiB chunked body: HTTP {r.status} {data[:200]!r}")
    # a client that connects and goes away, one that sends garbage
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(sock_path(ctx)))
    s.close()
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(sock_path(ctx)))
    s.sendall(b"\x00\x01 NOT HTTP\r\n\r\n")
    s.settimeout(2)        # the library may wait for more rather than answer
    try:
        reply = s.recv(100)
    except OSError:
        reply = b""
    s.close()
    check(not reply or reply.startswith(b"HTTP/1."), f"garbage request answered with {reply!r}")
    ctx.assert_alive("after bad requests")
    check(status(ctx)["state"] == "running", "status after bad requests")
    normal_article_after(ctx)


@test()
def control_reload_via_newsctl(ctx):
    ctx.start()
    ctx.write_config(ctx.plugins_with(("zebra", {"so": "keyword_tagger.so", "tag": "topic:zebra",
                                                 "words": "Zebrafant"})))
    rc, out, err = newsctl(ctx, "reload")
    check(rc == 0, f"newsctl reload (good config): exit {rc}: {err}")
    check("reloaded" in out, f"newsctl reload says: {out!r}")
    names = [p["name"] for p in status(ctx)["plugins"]]
    check("zebra" in names, f"after reload, plugins are {names}")
    id_ = ctx.drop("zebra.txt", small_article("Zebrafant", "Der Zebrafant mag Halbleiter."))
    ctx.wait_archived([id_])
    check("topic:zebra" in {t["name"] for t in ctx.record(id_)["tags"]}, "new tagger not in force")

    ctx.write_config(ctx.plugins_with(("broken", {"so": "/nonexistent/e2e/absent_plugin.so"})))
    rc, out, err = newsctl(ctx, "reload")
    check(rc == 1, f"newsctl reload (broken config): exit {rc}, expected 1: {out} {err}")
    check("absent_plugin.so" in err and "refused" in err, f"newsctl reload error: {err!r}")
    st, _, data = api(ctx, "POST", "/reload", "")
    body = json.loads(data)
    check(st == 422 and body.get("reloaded") is False and "absent_plugin.so" in body.get("error", ""),
          f"POST /reload with a broken config: HTTP {st} {body}")
    names = [p["name"] for p in status(ctx)["plugins"]]
    check("zebra" in names and "broken" not in names, f"after the refused reload, plugins are {names}")
    ctx.assert_alive("after reloads")
    normal_article_after(ctx)


@test()
def control_newsctl_exit_codes(ctx):
    # usage
    for args in (["bogus"], ["show"], ["search"], ["reprocess"], ["status", "extra"], ["--nope", "status"]):
        rc, _, err = newsctl(ctx, *args)
        check(rc == 2, f"newsctl {' '.join(args)}: exit {rc}, expected 2 (usage): {err}")
    # no daemon: no socket
    rc, _, err = newsctl(ctx, "status")
    check(rc == 3 and "not running" in err, f"newsctl status without newsd: exit {rc}: {err!r}")
    rc, _, err = newsctl(ctx, "-s", ctx.base / "nowhere.sock", "list", sock=False)
    check(rc == 3 and "not running" in err, f"newsctl -s missing socket: exit {rc}: {err!r}")
    # a stale socket left by a killed newsd: refused, and the next start takes it over
    d = ctx.start()
    check(sock_path(ctx).exists(), "no control socket after start")
    d.signal(signal.SIGKILL)
    d.wait_exit(10)
    check(sock_path(ctx).exists(), "test bug: SIGKILL removed the socket")
    rc, _, err = newsctl(ctx, "status")
    check(rc == 3 and "not running" in err, f"newsctl status on a stale socket: exit {rc}: {err!r}")
    ctx.start()
    rc, _, err = newsctl(ctx, "status")
    check(rc == 0, f"newsctl status after restart over a stale socket: exit {rc}: {err}")
    # the daemon's own errors are exit 1
    rc, _, err = newsctl(ctx, "search", "Huawei")
    check(rc == 1 and "archive_sqlite" in err, f"newsctl search on archive_fs: exit {rc}: {err!r}")
    # NEWSD_SOCKET is honoured
    p = subprocess.run([str(newsctl_bin(ctx)), "status"], capture_output=True,
                       env=dict(os.environ, NEWSD_SOCKET=str(sock_path(ctx))))
    check(p.returncode == 0, f"NEWSD_SOCKET=... newsctl status: exit {p.returncode}: {p.stderr!r}")
    # SIGTERM removes the socket
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "exit code after SIGTERM")
    check(not sock_path(ctx).exists(), "control socket left behind after a clean stop")
    if os.getuid() != 0:
        ctx.start()
        os.chmod(sock_path(ctx), 0)
        rc, _, err = newsctl(ctx, "status")
        check(rc == 3 and "permission" in err, f"newsctl on an inaccessible socket: exit {rc}: {err!r}")
    else:
        print("note: running as root, so the socket-permission case is not tested")


@test(timeout=240, heavy=True)
def control_archive_queries_sqlite(ctx):
    if not have_sqlite(ctx):
        return
    ctx.write_config(sqlite_plugins())
    ctx.start()
    sample = SAMPLE.read_bytes()
    sample_id = ctx.drop(SAMPLE.name, sample)
    arts = distinct_articles(500, "q")
    drop_burst(ctx, arts)
    wait_counter(ctx, "archived", 501, timeout=120)
    c = status(ctx)["counters"]
    check(c["received"] == 501 and c["archived"] == 501 and c["failed"] == 0, f"counters: {c}")
    check(status(ctx)["archive"]["queries"] == "archive", "status: archive answers no queries")

    # search, once the indexer has caught up with the burst
    res = wait_searchable(ctx, "Huawei Chips")
    ids = [h["id"] for h in res["hits"]]
    check(sample_id in ids, f"search 'Huawei Chips' does not find the sample: {ids[:5]}")
    rc, out, err = newsctl(ctx, "search", "Huawei", "Chips")
    check(rc == 0 and sample_id in out, f"newsctl search (table): exit {rc}: {out[:500]} {err}")
    # search hits carry no action: no column that would stay blank
    check("ACTION" not in out.splitlines()[0], f"newsctl search (table) has an ACTION column:\n{out[:300]}")
    st, _, data = api(ctx, "GET", "/search?q=%22unbalanced")
    check(st == 400 and "error" in json.loads(data), f"bad search syntax: HTTP {st} {data[:200]!r}")
    rc, _, err = newsctl(ctx, "search", 'AND OR ("')
    check(rc == 1 and "bad" in err, f"newsctl search with bad syntax: exit {rc}: {err!r}")

    # list with filters and paging
    page = newsctl_json(ctx, "list", "--limit", "7", "--offset", "3")
    check(len(page["items"]) == 7 and page["total"] == 501, f"list page: {len(page['items'])} of {page['total']}")
    tagged = newsctl_json(ctx, "list", "--tag", "topic:ai-chips", "--min-score", "1", "--limit", "1000")
    check(tagged["total"] >= 1 and sample_id in [i["id"] for i in tagged["items"]],
          f"list --tag topic:ai-chips --min-score 1: total {tagged['total']}, sample missing")
    for it in tagged["items"][:20]:
        rec = newsctl_json(ctx, "show", it["id"])
        check("topic:ai-chips" in {t["name"] for t in rec["tags"]} and rec["score"]["total"] >= 1,
              f"{it['id']} listed under --tag topic:ai-chips --min-score 1 but is {rec['tags']}")
    none = newsctl_json(ctx, "list", "--since", "2999-01-01")
    check(none["total"] == 0, f"list --since 2999-01-01: {none['total']} articles")
    rc, out, _ = newsctl(ctx, "list", "--limit", "3")
    check(rc == 0 and "ID" in out and "of 501" in out and "ACTION" in out.splitlines()[0],
          f"newsctl list (table):\n{out}")

    # show
    rec = newsctl_json(ctx, "show", sample_id)
    check(rec["id"] == sample_id and "Huawei" in rec["body"], f"show: {str(rec)[:300]}")
    rc, out, _ = newsctl(ctx, "show", sample_id)
    check(rc == 0 and "entity:org/Huawei" in out and "AI_CHIPS" in out, f"newsctl show:\n{out[:800]}")
    rc, _, err = newsctl(ctx, "show", "0" * 32)
    check(rc == 1, f"newsctl show of an unknown id: exit {rc}: {err}")
    st, _, _ = api(ctx, "GET", "/show/" + "0" * 32)
    check(st == 404, f"/show/unknown: HTTP {st}")

    # export: every record, as JSON lines
    rc, out, err = newsctl(ctx, "export", timeout=120)
    check(rc == 0, f"newsctl export: exit {rc}: {err}")
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    check(len(lines) == 501 and len({l["id"] for l in lines}) == 501, f"export: {len(lines)} lines")
    check(all("body" in l and "tags" in l for l in lines), "export records lack body or tags")

    # reprocess after a plugin changed: the record gains the new tag in place
    check("topic:zebra" not in {t["name"] for t in rec["tags"]}, "test bug")
    ctx.write_config(sqlite_plugins([("zebra", {"so": "keyword_tagger.so", "tag": "topic:zebra",
                                                "words": "Shanghai Biren"})]))
    rc, _, err = newsctl(ctx, "reload")
    check(rc == 0, f"reload: {err}")
    rc, out, err = newsctl(ctx, "reprocess", sample_id)
    check(rc == 0 and "queued 1" in out, f"newsctl reprocess ID: exit {rc}: {out} {err}")
    ctx.wait(lambda: "topic:zebra" in {t["name"] for t in newsctl_json(ctx, "show", sample_id)["tags"]},
             20, "the reprocessed sample to carry topic:zebra")
    rc, out, err = newsctl(ctx, "reprocess", "--all")
    check(rc == 0 and "queued 501" in out, f"newsctl reprocess --all: exit {rc}: {out} {err}")
    wait_counter(ctx, "reprocessed", 502, timeout=120)
    c = status(ctx)["counters"]
    check(c["archived"] == 501 and c["received"] == 501 and c["failed"] == 0,
          f"reprocessing changed the other counters: {c}")
    check(newsctl_json(ctx, "list")["total"] == 501, "reprocessing changed the number of articles")
    check(not [n for n in ctx.work_files()], f"work/ not empty: {ctx.work_files()[:5]}")
    rc, _, err = newsctl(ctx, "reprocess", "f" * 32)
    check(rc == 1 and "not found" in err, f"reprocess of an unknown id: exit {rc}: {err!r}")
    ctx.assert_alive("after the queries")


@test(timeout=180)
def control_queries_during_reload_and_stop(ctx):
    """Queries run off the loop on the plugin set: reloads (which free the
    old set) and the shutdown must wait for them, never free it under one."""
    import threading
    sqlite = (ctx.plugin_dir / "archive_sqlite.so").exists()
    if not sqlite:
        print("note: archive_sqlite not built: queries answer 501, the race is tested without an archive")
    plugins = sqlite_plugins() if sqlite else None
    ctx.write_config(plugins)
    ctx.start()
    ids = drop_burst(ctx, distinct_articles(100, "race"))
    if sqlite:
        wait_counter(ctx, "archived", 100)
    else:
        ctx.wait_archived(ids)
    stop, stopping = threading.Event(), threading.Event()
    seen, problems = {}, []

    def hammer(i):
        paths = ["/search?q=Regierung", "/list?limit=50", "/export?limit=100", "/status", "/metrics"]
        n = 0
        while not stop.is_set():
            path = paths[(i + n) % len(paths)]
            n += 1
            try:
                st, _, _ = api(ctx, "GET", path, timeout=20)
                seen[st] = seen.get(st, 0) + 1
                if st not in (200, 501, 503):
                    problems.append(f"{path}: HTTP {st}")
            except (OSError, http.client.HTTPException):
                if not stopping.is_set():
                    problems.append(f"{path}: connection failed while newsd runs")
    threads = [threading.Thread(target=hammer, args=(i,), daemon=True) for i in range(6)]
    for t in threads:
        t.start()
    for i in range(8):
        rc, _, err = newsctl(ctx, "reload")
        check(rc == 0, f"reload #{i + 1} under query load: exit {rc}: {err}")
    time.sleep(0.3)
    stopping.set()      # from now on the socket may go away at any moment
    ctx.daemon.signal(signal.SIGTERM)
    rc = ctx.daemon.wait_exit(30)
    stop.set()
    for t in threads:
        t.join(30)
    check(rc == 0, f"exit code {rc} after SIGTERM under query load")
    check(not problems, f"problems under load: {problems[:5]}")
    check(seen.get(200, 0) > 20, f"too few answers to judge: {seen}")
    print(f"note: statuses seen: {seen}")


@test()
def control_socket_long_path(ctx):
    """A Unix socket address holds 107 bytes; deeper paths must work too."""
    deep = ctx.base / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    path = deep / "ctl.sock"
    check(len(str(path)) > 108, "test bug: path not long enough")
    ctx.write_config(control_socket=str(path))
    ctx.start()
    check(path.exists() and not sock_path(ctx).exists(), "control_socket = PATH not used")
    rc, out, err = newsctl(ctx, "-s", path, "status", sock=False)
    check(rc == 0 and "running" in out, f"newsctl -s LONG status: exit {rc}: {err}")
    ctx.daemon.signal(signal.SIGTERM)
    check(ctx.daemon.wait_exit(15) == 0, "exit code after SIGTERM")
    check(not path.exists(), "long-path socket left behind")


# --------------------------------------------------------------------------
# the typed query contract: each enum newsd_query_status as its HTTP status

def expect_status(ctx, method, path, want, body=None, word=None):
    """One request that must answer want with {"error": ...} (or 200 with
    JSON); returns the parsed body."""
    st, _, data = api(ctx, method, path, body)
    check(st == want, f"{method} {path}: HTTP {st}, expected {want}: {data[:300]!r}")
    try:
        doc = json.loads(data)
    except ValueError:
        raise Fail(f"{method} {path}: body is not JSON: {data[:300]!r}")
    if want != 200:
        err = doc.get("error")
        check(isinstance(err, str) and err, f"{method} {path}: no \"error\": {doc}")
        check(word is None or word in err, f"{method} {path}: error {err!r} does not say {word!r}")
    return doc


@test(timeout=120)
def control_query_statuses_sqlite(ctx):
    """bad request 400, unknown id 404, archive down 503, through archive_sqlite."""
    if not have_sqlite(ctx):
        return
    ctx.write_config(sqlite_plugins())
    ctx.start()
    sample_id = ctx.drop(SAMPLE.name, SAMPLE.read_bytes())
    wait_counter(ctx, "archived", 1)
    db = ctx.state / "archive" / "newsd.db"
    check(db.exists(), f"no database at {db}")

    # Down first, before any query opened the reader: a folder takes the
    # database file's place, so that opening it is an I/O error, as root
    # too (a file that is not a database would not do: the pages the writer
    # has not checkpointed, page 1 among them, are read from newsd.db-wal).
    # The writer and the indexer keep the real file open meanwhile.
    real = db.with_name("newsd.db.real")
    os.rename(db, real)
    try:
        db.mkdir()
        for path in ("/list", "/show/" + sample_id, "/search?q=Huawei", "/export"):
            expect_status(ctx, "GET", path, 503, word="archive_sqlite")
        rc, _, err = newsctl(ctx, "list")
        check(rc == 1 and "HTTP 503" in err, f"newsctl list with the archive down: exit {rc}: {err!r}")
        expect_status(ctx, "POST", "/reprocess", 503, body=json.dumps({"id": sample_id}))
    finally:
        if db.is_dir():
            db.rmdir()
        os.rename(real, db)
    # back: the failed query let go of the broken file
    check(expect_status(ctx, "GET", "/list", 200)["total"] == 1, "list after the archive came back")

    # bad requests: refused by newsd (limits, ids, UTF-8) or by the archive (FTS syntax)
    for path in ("/list?limit=0", "/list?limit=1001", "/search?q=x&limit=0", "/export?limit=0",
                 "/export?limit=1001", "/list?offset=-1", "/search?q=x&mode=regex", "/list?tag=%FF",
                 "/show/" + sample_id.upper(), "/show/" + sample_id[:-1]):
        expect_status(ctx, "GET", path, 400)
    expect_status(ctx, "GET", "/search?q=AND%20AND", 400, word="syntax error")
    expect_status(ctx, "GET", "/search?q=%22unbalanced", 400)
    # the same words as plain words are no syntax error
    expect_status(ctx, "GET", "/search?q=AND%20AND&mode=words", 200)
    # the op's maximum is allowed
    check(expect_status(ctx, "GET", "/list?limit=1000", 200)["limit"] == 1000, "list?limit=1000")
    # unknown ids
    expect_status(ctx, "GET", "/show/" + "0" * 32, 404, word="not found")
    expect_status(ctx, "POST", "/reprocess", 404, body=json.dumps({"id": "f" * 32}), word="not found")
    # the answer shapes newsd puts together
    res = wait_searchable(ctx, "Huawei")
    check(list(res) == ["q", "total", "limit", "offset", "pending", "hits"], f"search answer keys: {list(res)}")
    lst = expect_status(ctx, "GET", "/list?limit=5", 200)
    check(list(lst) == ["total", "limit", "offset", "items"], f"list answer keys: {list(lst)}")
    check(set(lst["items"][0]) == {"id", "title", "score_total", "received", "source", "lang", "action"},
          f"list item: {lst['items'][0]}")
    exp = expect_status(ctx, "GET", "/export", 200)
    check(list(exp) == ["records", "count", "next_cursor"] and exp["count"] == 1 and exp["next_cursor"] is None,
          f"export answer: {str(exp)[:300]}")
    rec = expect_status(ctx, "GET", "/show/" + sample_id, 200)
    check(list(rec) == ["id", "source", "size", "format", "encoding", "received", "processed", "title", "body",
                        "lang", "url", "author", "published", "tags", "score", "action", "meta"],
          f"record keys: {list(rec)}")
    check(exp["records"][0] == rec, "export's record differs from show's")
    check(rec["size"] == len(SAMPLE.read_bytes()) and rec["score"]["total"] > 0, f"record: {str(rec)[:300]}")
    ctx.assert_alive("after the query statuses")


@test(timeout=120)
def control_legacy_archive_1_0(ctx):
    """An archive of ABI 1.0 (query(), no answer()) through the adapter:
    its JSON answers pass through, its reason words map to statuses."""
    so = ctx.build / "tests" / "e2e" / "legacy_archive.so"
    if not so.exists():
        raise Fail(f"{so} is not built (ninja -C {ctx.build})")
    plugins = [p for p in DEFAULT_PLUGINS if p[0] != "archive"] + [("legacy", {"so": str(so)})]
    ctx.write_config(plugins)
    ctx.start()
    st = status(ctx)
    check(st["archive"]["queries"] == "legacy", f"status archive: {st['archive']}")
    sample = SAMPLE.read_bytes()
    sample_id = ctx.drop(SAMPLE.name, sample)
    wait_counter(ctx, "archived", 1)

    rec = expect_status(ctx, "GET", "/show/" + sample_id, 200)
    check(rec["id"] == sample_id and "topic:ai-chips" in {t["name"] for t in rec["tags"]},
          f"show through query(): {str(rec)[:300]}")
    word = rec["title"].split()[0]
    res = expect_status(ctx, "GET", "/search?q=" + urllib.parse.quote(word) + "&limit=7", 200)
    check([h["id"] for h in res["hits"]] == [sample_id] and res["limit"] == 7 and res["offset"] == 0,
          f"search through query(): {res}")
    # 1.0's words: "not found:" 404, "bad request:" 400 (an op it does not
    # know), anything else 503
    expect_status(ctx, "GET", "/show/" + "0" * 32, 404, word="not found")
    expect_status(ctx, "GET", "/list", 400, word="unknown op \"list\"")
    expect_status(ctx, "GET", "/export", 400, word="unknown op \"export\"")
    expect_status(ctx, "GET", "/search?q=fire", 503, word="on fire")
    # newsd's own checks come first, whatever the archive's ABI
    expect_status(ctx, "GET", "/list?limit=0", 400, word="limit")
    # reprocess: the base64 of the original op is decoded by the adapter
    body = expect_status(ctx, "POST", "/reprocess", 200, body=json.dumps({"id": sample_id}))
    check(body == {"queued": 1, "errors": []}, f"reprocess through query(): {body}")
    wait_counter(ctx, "reprocessed", 1)
    check(not ctx.work_files(), f"work/ not empty: {ctx.work_files()}")
    expect_status(ctx, "POST", "/reprocess", 400, body='{"all": true}', word="unknown op \"ids\"")
    ctx.assert_alive("after the legacy queries")


@test()
def control_plugin_failures_counted(ctx):
    """A plugin call that fails is counted per instance in /metrics and in
    /status's plugin_failures."""
    ctx.write_config(ctx.plugins_with(ctx.crashy_section("flaky", fail_on="SCHEITERN")))
    ctx.start()
    ids = [ctx.drop(f"f{i}.txt", small_article(f"Fehler {i}", "Dieser Artikel soll SCHEITERN."))
           for i in range(3)]
    ids.append(ctx.drop("ok.txt", small_article("Gut", "Dieser Artikel geht durch.")))
    ctx.wait_archived(ids)   # a failing optional plugin skips its result only
    _, _, metrics = api(ctx, "GET", "/metrics")
    check(b'newsd_plugin_failures_total{plugin="flaky"} 3' in metrics,
          "newsd_plugin_failures_total{plugin=\"flaky\"} is not 3:\n" +
          "\n".join(l for l in metrics.decode().splitlines() if "failures" in l))
    st = json.loads(api(ctx, "GET", "/status")[2])
    check(st["counters"]["plugin_failures"] == 3, f"/status plugin_failures: {st['counters']}")


@test(timeout=60)
def control_newsctl_search_too_long_refused(ctx):
    """newsctl builds a request of bounded length: a search whose words and
    filters do not fit is refused (exit 2) rather than sent cut short,
    which silently dropped the filters after the words (--lang here) or cut
    an escape in two."""
    if not have_sqlite(ctx):
        return
    ctx.write_config(sqlite_plugins())
    ctx.start()
    sample_id = ctx.drop(SAMPLE.name, SAMPLE.read_bytes())
    wait_counter(ctx, "archived", 1)
    wait_searchable(ctx, "Huawei")
    words = " OR ".join(["Huawei"] * 1000)
    rc, out, err = newsctl(ctx, "search", words, "--lang", "xx")
    check(rc == 2 and "too long" in err and sample_id not in out,
          f"newsctl search with a {len(words)}-byte query and --lang: exit {rc}: {out[:300]!r} {err[:300]!r}")
    rc, out, err = newsctl(ctx, "search", "Huawei", "--lang", "xx")
    check(rc == 0 and sample_id not in out, f"newsctl search Huawei --lang xx: exit {rc}: {out[:300]!r} {err!r}")
    ctx.assert_alive("after a refused search")


def mapped_libraries(pid):
    with open(f"/proc/{pid}/maps") as f:
        return {os.path.basename(l.split()[-1]) for l in f if "/" in l}


def has_lib(pid, prefix):
    return any(name.startswith(prefix) for name in mapped_libraries(pid))


@test()
def control_http_library_loaded_on_demand(ctx):
    """libmicrohttpd (with GnuTLS) is not in a daemon nobody asks over HTTP;
    the control socket's first connection loads it and is answered; with
    metrics_listen it is there from the start (daemon/mhd_load.h)."""
    ctx.write_config()
    d = ctx.start()
    check(not has_lib(d.pid, "libmicrohttpd"), "libmicrohttpd is mapped before any HTTP connection")
    check(not has_lib(d.pid, "libgnutls"), "GnuTLS is mapped before any HTTP connection")
    check(not has_lib(d.pid, "liblinear"), "liblinear is mapped though nothing was trained")
    st = status(ctx)
    check(st["counters"]["archived"] == 0, f"status on the first connection: {st}")
    check(has_lib(d.pid, "libmicrohttpd"), "libmicrohttpd is not mapped after a control connection")
    ids = drop_burst(ctx, distinct_articles(3, "mhdload"))
    ctx.wait_archived(ids)
    ctx.wait(lambda: status(ctx)["counters"]["archived"] == 3, 10, "archived == 3")
    d.signal(signal.SIGTERM)
    check(d.wait_exit(15) == 0, "exit code after SIGTERM")
    port = free_port()
    ctx.write_config(metrics_listen=f"127.0.0.1:{port}")
    d = ctx.start()
    check(has_lib(d.pid, "libmicrohttpd"), "metrics_listen set, but libmicrohttpd is not loaded at start")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics")
    r = c.getresponse()
    r.read()
    check(r.status == 200, f"TCP /metrics: HTTP {r.status}")
    c.close()


def http_library_path():
    """The file behind the soname newsd opens (daemon/mhd_load.c)."""
    p = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.strip().startswith("libmicrohttpd.so.12 ") and "=>" in line:
            return os.path.realpath(line.split("=>")[1].strip())
    return None


class HiddenLibraryDaemon(Daemon):
    """newsd in a mount namespace of its own in which lib is /dev/null."""
    def __init__(self, ctx, config, lib):
        super().__init__(ctx, config)
        self.lib = lib

    def argv(self):
        return ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind /dev/null "$0" && exec "$@"', self.lib] + super().argv()


@test()
def control_http_library_missing_then_installed(ctx):
    """The control socket's client gets a 503 and the log names the library
    while libmicrohttpd cannot be loaded; once it can (the package installed
    meanwhile), the next connection is served without a restart."""
    lib = http_library_path()
    if os.geteuid() != 0 or not lib:
        print("skipped: needs root (a mount namespace) and libmicrohttpd.so.12")
        return
    if subprocess.run(["unshare", "-m", "--propagation", "private", "true"]).returncode != 0:
        print("skipped: cannot make a mount namespace here")
        return
    cfg = ctx.write_config()
    d = HiddenLibraryDaemon(ctx, cfg, lib)
    ctx.daemons.append(d)
    ctx.daemon = d
    d.start()
    code, hdrs, body = api(ctx, "GET", "/status")
    check(code == 503 and b"HTTP server" in body, f"without the library: HTTP {code}: {body[:300]!r}")
    ctx.wait(lambda: any("cannot load libmicrohttpd.so.12" in l for l in d.log_lines()), 10,
             "the log line naming the library")
    # newsctl shows the daemon's message every time, not a failed connect
    # (a 503 sent and the socket closed before libcurl had seen its
    # connect() through read as one, about one time in two).
    for i in range(6):
        rc, out, err = newsctl(ctx, "status")
        check(rc == 1 and "HTTP 503" in err and "cannot start its HTTP server" in err,
              f"newsctl status #{i + 1} without the library: exit {rc}: {err[:300]!r}")
    ctx.assert_alive("after the refused connections")
    um = subprocess.run(["nsenter", "-t", str(d.pid), "-m", "umount", lib], capture_output=True, text=True)
    check(um.returncode == 0, f"umount in newsd's namespace: {um.stderr}")
    st = status(ctx)
    check("counters" in st, f"status once the library is there: {st}")
    rc, out, err = newsctl(ctx, "status")
    check(rc == 0, f"newsctl status once the library is there: exit {rc}: {err[:300]!r}")
