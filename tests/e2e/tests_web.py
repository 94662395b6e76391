"""End-to-end tests of the web dashboard ([daemon] web_listen; docs/operations.md,
"Web dashboard") over plain HTTP with urllib: the token and its file, 401 without
it, the security headers on every answer, escaping of a hostile file name and
reason, retry with and without the CSRF token, and the loopback rule.

Loaded by run.py; every test here is named web_*.
"""

import http.client
import os
import ssl
import subprocess
import re
import stat
import urllib.parse

import json
import time

from __main__ import test, check, Fail, content_id, small_article, SAMPLE, BBC_DIR, DEFAULT_PLUGINS
from tests_control import free_port, newsctl, have_sqlite, sqlite_plugins, wait_counter

# A file name cannot hold "/", so no "</script>": the rest of the usual payloads.
HOSTILE = "x<script>alert(1)<script>\"><img src=x onerror=alert(2)>'.txt"


class Web:
    """A client of the dashboard at 127.0.0.1:port; no redirects followed."""

    def __init__(self, port):
        self.port = port
        self.cookie = None

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            h = dict(headers or {})
            if self.cookie and "Cookie" not in h:
                h["Cookie"] = self.cookie
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, fields):
        return self.request("POST", path, body=urllib.parse.urlencode(fields),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def start_web(ctx, **keys):
    port = free_port()
    ctx.write_config(web_listen=f"127.0.0.1:{port}", **keys)
    ctx.start()
    return Web(port)


def check_headers(what, hdrs):
    csp = hdrs.get("content-security-policy", "")
    check("script-src 'self'" in csp and "unsafe-inline" not in csp,
          f"{what}: CSP without inline script expected, got {csp!r}")
    check("frame-ancestors 'none'" in csp, f"{what}: CSP lacks frame-ancestors 'none': {csp!r}")
    check(hdrs.get("x-content-type-options") == "nosniff",
          f"{what}: X-Content-Type-Options {hdrs.get('x-content-type-options')!r}")


def token_of(ctx):
    path = ctx.state / "web.token"
    check(path.exists(), f"{path} was not made at start")
    mode = stat.S_IMODE(path.stat().st_mode)
    check(mode == 0o600, f"{path} has mode {oct(mode)}, expected 0600")
    tok = path.read_text().strip()
    check(re.fullmatch(r"[0-9a-f]{64}", tok), f"{path} holds {tok!r}, not 64 hex digits")
    return tok


def login(ctx, web):
    """Sign in the way an operator does: newsctl web-url, then its address."""
    rc, out, err = newsctl(ctx, "web-url")
    check(rc == 0, f"newsctl web-url: exit {rc}: {err.strip()}")
    url = urllib.parse.urlsplit(out.strip())
    check(url.netloc == f"127.0.0.1:{web.port}", f"newsctl web-url printed {out.strip()!r}")
    st, hdrs, _ = web.get(f"{url.path}?{url.query}")
    check(st == 303 and hdrs.get("location") == "/", f"/login: HTTP {st}, Location {hdrs.get('location')!r}")
    cookie = hdrs.get("set-cookie", "")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, f"/login cookie lacks HttpOnly/SameSite: {cookie!r}")
    web.cookie = cookie.split(";", 1)[0]
    return web


@test()
def web_token_and_access(ctx):
    web = start_web(ctx)
    tok = token_of(ctx)
    for path in ("/", "/failed", "/alerts", "/assets/style.css", "/nowhere"):
        st, hdrs, body = web.get(path)
        check(st == 401, f"GET {path} without a token: HTTP {st}, expected 401")
        check_headers(f"401 of {path}", hdrs)
        check("newsctl web-url" in body, f"the 401 page does not say how to sign in: {body[:300]!r}")
    st, _, _ = web.get("/", headers={"Authorization": "Bearer " + "0" * 64})
    check(st == 401, f"a wrong bearer token: HTTP {st}, expected 401")
    st, _, _ = web.get("/login?token=" + "f" * 64)
    check(st == 401, f"/login with a wrong token: HTTP {st}, expected 401")
    st, hdrs, body = web.get("/", headers={"Authorization": f"Bearer {tok}"})
    check(st == 200 and "Overview" in body, f"bearer token: HTTP {st}: {body[:200]!r}")
    check_headers("/ with a bearer token", hdrs)
    login(ctx, web)
    for path, kind, needle in (("/", "text/html", "archived"), ("/failed", "text/html", "Failed"),
                               ("/alerts", "text/html", "No sink is configured"),
                               ("/assets/style.css", "text/css", "body"),
                               ("/assets/refresh.js", "text/javascript", "data-refresh")):
        st, hdrs, body = web.get(path)
        check(st == 200, f"GET {path} with the cookie: HTTP {st}")
        check(hdrs.get("content-type", "").startswith(kind), f"{path}: content-type {hdrs.get('content-type')!r}")
        check(needle in body, f"{path} lacks {needle!r}")
        check_headers(path, hdrs)
        if kind == "text/html":
            check(not re.search(r"<script(?![^>]*\bsrc=\"/assets/)", body), f"{path}: an inline <script>")
    st, _, _ = web.get("/assets/nothing.js")
    check(st == 404, f"an unknown asset: HTTP {st}")
    st, _, body = web.get("/")
    check("No figures (yet)" in body, "the overview claims archive figures from archive_fs, which answers no queries")
    # archive_fs answers no queries: Search says so on a page of its own.
    st, hdrs, body = web.get("/search?q=Huawei")
    check(st == 501 and hdrs.get("content-type", "").startswith("text/html") and "archive_sqlite" in body,
          f"/search without a queryable archive: HTTP {st}, {hdrs.get('content-type')!r}: {body[:200]!r}")
    check_headers("the 501 page", hdrs)
    # The token survives a restart: the operator's bookmark keeps working.
    ctx.daemon.signal(15)
    ctx.daemon.wait_exit(20)
    ctx.start()
    check(token_of(ctx) == tok, "the token changed across a restart")
    st, _, _ = web.get("/")
    check(st == 200, f"the cookie after a restart: HTTP {st}")


@test()
def web_failed_escaped_and_retry(ctx):
    web = login(ctx, start_web(ctx))
    ctx.drop(HOSTILE, b"")                       # empty: fails
    ctx.wait_failed(HOSTILE)
    st, hdrs, body = web.get("/failed")
    check(st == 200, f"/failed: HTTP {st}")
    check("<script>alert" not in body and "<img" not in body,
          "the hostile file name reached /failed unescaped")
    check("x&lt;script&gt;alert(1)&lt;script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;.txt" in body,
          "/failed does not show the hostile name escaped")
    check("empty" in body, "/failed does not show the .reason")
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', body)
    check(m, "/failed has no retry form with a CSRF token")
    csrf = m.group(1)

    # No CSRF token, a wrong one, or no cookie: nothing moves.
    for fields, cookie, expect in (({"name": HOSTILE}, True, 403),
                                   ({"name": HOSTILE, "csrf": "0" * 64}, True, 403),
                                   ({"name": HOSTILE, "csrf": csrf}, False, 401)):
        saved = web.cookie
        if not cookie:
            web.cookie = None
        st, hdrs, _ = web.post_form("/failed/retry", fields)
        web.cookie = saved
        check(st == expect, f"retry with {sorted(fields)} cookie={cookie}: HTTP {st}, expected {expect}")
        check_headers(f"retry answered {st}", hdrs)
        check(os.path.lexists(ctx.failed / HOSTILE), "a refused retry moved the file anyway")
    st, _, _ = web.get("/failed/retry")
    check(st == 405, f"GET /failed/retry: HTTP {st}, expected 405")
    for bad in ("../inbox/x", HOSTILE + ".reason", ".hidden"):
        st, _, _ = web.post_form("/failed/retry", {"name": bad, "csrf": csrf})
        check(st == 400, f"retry of {bad!r}: HTTP {st}, expected 400")
    st, _, _ = web.post_form("/failed/retry", {"name": "not-there.txt", "csrf": csrf})
    check(st == 404, f"retry of a missing file: HTTP {st}, expected 404")

    # The operator fixes the cause, then retries: the article is archived.
    data = small_article("Wiederholt", "Nach der Korrektur verarbeitet newsd den Artikel: Siemens in München.")
    (ctx.failed / HOSTILE).write_bytes(data)
    st, hdrs, _ = web.post_form("/failed/retry", {"name": HOSTILE, "csrf": csrf})
    check(st == 303 and hdrs.get("location") == "/failed", f"retry: HTTP {st}, Location {hdrs.get('location')!r}")
    ctx.wait_archived([content_id(data)])
    check(not os.path.lexists(ctx.failed / HOSTILE) and not (ctx.failed / f"{HOSTILE}.reason").exists(),
          "failed/ still holds the retried file or its .reason")
    st, _, body = web.get("/")
    check(st == 200 and re.search(r'<div class="n">1</div><div class="l">archived', body),
          "the overview does not count the archived article")
    m = re.search(r'<tr><td>orgs</td><td class="num">(\d+)</td><td class="num">([^<]+)</td>', body)
    check(m and int(m.group(1)) >= 1 and "ms" in m.group(2),
          f"the overview's plugin table has no timed calls of orgs: {m and m.group(0)!r}")
    m = re.search(r'<svg class="chart"[^>]*data-points="(\d+)"', body)
    check(m and int(m.group(1)) >= 1, f"the overview chart has no data point: {m and m.group(0)!r}")
    m = re.search(r'<polyline class="s-archived" points="([^"]*)"', body)
    check(m and any(float(p.split(",")[1]) < 102.0 for p in m.group(1).split()),
          "the archived series of the chart has no minute above zero")


@test()
def web_listen_loopback_only(ctx):
    port = free_port()
    cfg = ctx.write_config(web_listen=f"0.0.0.0:{port}")
    p = ctx.run_newsd(["-c", cfg, "--check-config"])
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode != 0, "--check-config took a non-loopback web_listen without web_behind_proxy")
    check(str(cfg) in err and "web_listen" in err and "web_behind_proxy" in err,
          f"the refusal does not name the file, the key and the way out: {err.strip()!r}")
    for bad in ("localhost:9108", "127.0.0.1", "127.0.0.1:0"):
        cfg = ctx.write_config(web_listen=bad)
        p = ctx.run_newsd(["-c", cfg, "--check-config"])
        check(p.returncode != 0 and "web_listen" in p.stderr.decode("utf-8", "replace"),
              f"web_listen = {bad} was not refused with a message")
    ctx.write_config(web_listen=f"0.0.0.0:{port}", web_behind_proxy="true")
    ctx.start()
    st, _, _ = Web(port).get("/")
    check(st == 401, f"behind a proxy, GET / without a token: HTTP {st}, expected 401")


HOSTILE_ARTICLE = {
    "title": "<script>alert(1)</script> Huawei \"><img src=x onerror=alert(2)>",
    "body": "Huawei <script>alert(3)</script> baut Chips. \"><img src=x onerror=alert(4)> "
            "<a href=\"javascript:alert(5)\">klick</a>",
    "url": "javascript:alert(6)",
    "author": "<b onmouseover=alert(7)>x</b>",
}


def wait_search(web, q, want_id, timeout=15):
    """The full-text index is built behind the commits: poll until found."""
    deadline = time.monotonic() + timeout
    while True:
        st, _, body = web.get("/search?" + urllib.parse.urlencode({"q": q}))
        check(st == 200, f"/search?q={q}: HTTP {st}: {body[:300]!r}")
        if f'href="/article/{want_id}"' in body:
            return body
        if time.monotonic() > deadline:
            raise Fail(f"/search?q={q} did not find {want_id} within {timeout}s: {body[-800:]!r}")
        time.sleep(0.2)


@test()
def web_search_and_article(ctx):
    if not have_sqlite(ctx):
        return
    port = free_port()
    ctx.write_config(plugins=sqlite_plugins(), web_listen=f"127.0.0.1:{port}")
    ctx.start()
    web = login(ctx, Web(port))
    de = SAMPLE.read_bytes()
    en = sorted(BBC_DIR.glob("bbc_*.txt"))[0].read_bytes()
    bad = json.dumps(HOSTILE_ARTICLE).encode()
    ids = [ctx.drop("de.txt", de), ctx.drop("en.txt", en), ctx.drop("hostile.json", bad)]
    wait_counter(ctx, "archived", 3)
    de_id, _, bad_id = ids

    # The archive's figures on the overview, asked at start and then once a minute.
    ctx.wait(lambda: "sqlite archive, as of" in web.get("/")[2], 5, "the archive's figures on the overview")
    st, _, body = web.get("/")
    check(st == 200 and '<div class="l">articles</div>' in body, "the overview's archive figures lack articles")
    body = wait_search(web, "Huawei", de_id)
    check("<mark>" in body, "search hits carry no highlighted snippet")
    check("<script>alert" not in body and "<img" not in body, "a hostile field reached /search unescaped")
    # Without text: the newest articles that match the filters.
    st, _, body = web.get("/search?" + urllib.parse.urlencode({"tag": "topic:ai-chips", "q": ""}))
    check(st == 200 and f'href="/article/{de_id}"' in body, f"/search?tag=topic:ai-chips misses the sample: HTTP {st}")
    # Pages: 20 a page (the list op's default is 50: more articles than that are needed for a next page,
    # so check the links at an offset instead).
    st, _, body = web.get("/search?offset=1&tag=topic%3Aai-chips")
    check(st == 200 and "Previous</a>" in body and 'href="/search?offset=0&amp;tag=topic%3Aai-chips"' in body,
          f"/search at offset 1 has no link back to the first page: HTTP {st}")
    st, _, body = web.get("/search?offset=-1")
    check(st == 400 and "offset" in body, f"/search?offset=-1: HTTP {st}, expected 400 naming offset")
    st, _, body = web.get("/search?min_score=abc")
    check(st == 400 and "min_score" in body, f"/search?min_score=abc: HTTP {st}, expected 400 naming the field")
    # Text and filters together (ABI 1.4): the sample scores AI_CHIPS +3 and more.
    def search_ids(**args):
        st, _, body = web.get("/search?" + urllib.parse.urlencode(args))
        check(st == 200, f"/search?{urllib.parse.urlencode(args)}: HTTP {st}: {body[:300]!r}")
        return set(re.findall(r'href="/article/([0-9a-f]{32})"', body))
    check(de_id in search_ids(q="Huawei", tag="topic:ai-chips", min_score="3"),
          "search Huawei with tag and min_score misses the sample")
    check(de_id not in search_ids(q="Huawei", max_score="0"), "search Huawei with max_score=0 finds the sample")
    check(de_id not in search_ids(q="Huawei", until="2000-01-01"), "search Huawei until 2000 finds the sample")
    st, _, body = web.get("/search?q=Huawei&min_score=5&max_score=4")
    check(st == 400 and "above max_score" in body, f"/search with an empty score range: HTTP {st}")

    st, hdrs, body = web.get(f"/article/{de_id}")
    check(st == 200, f"/article/{de_id}: HTTP {st}")
    check_headers("the article page", hdrs)
    check(re.search(r"<td>AI_CHIPS</td><td class=\"num\">\+3</td>", body), "the score breakdown lacks AI_CHIPS +3")
    check("action: <b>" in body, "the article page does not show the action")
    check('<mark class="ent ent-org" title="org">Huawei</mark>' in body, "Huawei is not marked as an org in the text")
    check("<th>entity</th>" in body and "<th>topic</th>" in body, "tags are not grouped by namespace")
    check(f'href="/article/{de_id}/raw"' in body, "no link to the raw record")

    st, hdrs, body = web.get(f"/article/{bad_id}")
    check(st == 200, f"/article/{bad_id}: HTTP {st}")
    for raw in ("<script>alert", "<img", "<b onmouseover", 'href="javascript:', "<a href=\"javascript"):
        check(raw not in body, f"the hostile article's page contains {raw!r} unescaped")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in body, "the hostile title is not shown escaped")
    check("javascript:alert(6)" in body, "the hostile URL is not shown as text")

    st, hdrs, body = web.get(f"/article/{bad_id}/raw")
    check(st == 200 and hdrs.get("content-type", "").startswith("application/json"),
          f"raw record: HTTP {st}, {hdrs.get('content-type')!r}")
    check(json.loads(body)["id"] == bad_id, "the raw record is another article")
    check_headers("the raw record", hdrs)
    # The original: a download, never rendered, byte for byte.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("GET", f"/article/{bad_id}/original", headers={"Cookie": web.cookie})
    r = c.getresponse()
    data = r.read()
    c.close()
    check(r.status == 200 and data == bad, f"original: HTTP {r.status}, {len(data)} bytes, expected {len(bad)}")
    check(r.getheader("Content-Type") == "application/octet-stream",
          f"original: Content-Type {r.getheader('Content-Type')!r}")
    check(r.getheader("Content-Disposition") == f'attachment; filename="{bad_id}.orig"',
          f"original: Content-Disposition {r.getheader('Content-Disposition')!r}")
    check(r.getheader("X-Content-Type-Options") == "nosniff", "original: no nosniff")
    # A reload swaps the plugin set under the dashboard's background stats query.
    rc, _, err = newsctl(ctx, "reload")
    check(rc == 0, f"newsctl reload with the dashboard on: exit {rc}: {err.strip()}")
    st, _, _ = web.get(f"/article/{de_id}")
    check(st == 200, f"the article page after a reload: HTTP {st}")
    for path, expect in (("/article/" + "0" * 32, 404), ("/article/xyz", 404), (f"/article/{de_id}/x", 404),
                         ("/article/" + "0" * 32 + "/original", 404)):
        st, _, _ = web.get(path)
        check(st == expect, f"GET {path}: HTTP {st}, expected {expect}")


# --------------------------------------------------------------------------
# headless Chromium (Debian's chromium) through the DevTools protocol

# Articles of our own, so that the screenshots may go into the docs.
GERMAN = small_article(
    "Huawei und SenseTime setzen auf eigene KI-Chips",
    "Der Chiphersteller Huawei will mit neuen KI-Beschleunigern unabhängiger werden. "
    "Auch SenseTime und Baidu investieren in Halbleiter aus heimischer Fertigung.\n\n"
    "Nvidia bleibt Marktführer, doch die Lücke wird kleiner.")
ENGLISH = small_article(
    "Samsung and TSMC race for the next AI chip",
    "Samsung said its new semiconductor line will ship an AI accelerator next year. "
    "TSMC and Intel are expanding capacity as chipmaker demand keeps growing.")
PWNED = {
    "title": "<script>alert(1)</script> Huawei \"><img src=x onerror=\"window.__pwned=1;alert(2)\">",
    "body": "Huawei <script>window.__pwned=1;alert(3)</script> "
            "\"><img src=x onerror=\"window.__pwned=1;alert(4)\"> "
            "<a href=\"javascript:window.__pwned=1\">klick</a>",
    "url": "javascript:window.__pwned=1;alert(5)",
}
FAIL_NAME = "failing <img src=x onerror=alert(6)>.txt"


def shots_dir(ctx, name):
    d = ctx.build / "e2e-output" / name
    d.mkdir(parents=True, exist_ok=True)
    return d


@test(timeout=180)
def web_browser_pages(ctx):
    import cdp
    if not have_sqlite(ctx):
        return
    port = free_port()
    # A sink that always fails, saying something hostile: the Alerts page
    # shows its dead letters, escaped.
    pager = ("pager", {"so": "sink_exec.so", "shell": "true",
                       "command": "echo 'pager down <img src=x onerror=window.__pwned=1>' >&2; exit 3",
                       "filter": "all", "retry_min_ms": "100", "retry_max_ms": "200", "dead_after_s": "1"})
    ctx.write_config(plugins=[("lang", {"so": "lang.so"})] + sqlite_plugins() + [pager],
                     web_listen=f"127.0.0.1:{port}")
    ctx.start()
    de_id, en_id, bad_id = (ctx.drop("de.txt", GERMAN), ctx.drop("en.txt", ENGLISH),
                            ctx.drop("pwned.json", json.dumps(PWNED).encode()))
    ctx.drop(FAIL_NAME, b"")
    wait_counter(ctx, "archived", 3)
    ctx.wait_failed(FAIL_NAME)
    rc, out, err = newsctl(ctx, "web-url")
    check(rc == 0, f"newsctl web-url: exit {rc}: {err.strip()}")
    shots = shots_dir(ctx, "web_browser_pages")
    try:
        b = cdp.Browser(ctx.base / "chromium.log")
    except cdp.BrowserError as e:
        raise Fail(f"headless Chromium cannot start, so the dashboard is not tested in a browser: {e}")
    try:
        b.start_page()

        def page(path, shot, what):
            b.navigate(f"http://127.0.0.1:{port}{path}")
            probs = b.problems()
            check(not probs, f"{what} ({path}): {probs}")
            check(b.evaluate("window.__pwned") is None, f"{what}: a hostile script ran")
            check(b.evaluate("document.querySelectorAll('img').length") == 0, f"{what}: an <img> got into the page")
            if shot:
                b.screenshot(str(shots / shot))

        # Sign in as an operator does: the address newsctl prints.
        b.navigate(out.strip())
        check(b.evaluate("location.pathname") == "/", "the login address does not lead to the overview")
        page("/", None, "the overview")
        # Its archive figures are asked again when it is shown: the next load has them.
        deadline = time.monotonic() + 10
        while b.evaluate("[...document.querySelectorAll('.card')].some(c => c.textContent === '3articles')") is False:
            check(time.monotonic() < deadline, "the overview's archive figures do not count the 3 articles")
            time.sleep(0.3)
            page("/", None, "the overview")
        b.screenshot(str(shots / "overview.png"))
        points = b.evaluate("document.querySelector('svg.chart').dataset.points")
        check(points and int(points) >= 1, f"the overview chart has no data points ({points!r})")
        check(b.evaluate("getComputedStyle(document.querySelector('header')).display") == "flex",
              "the stylesheet was not applied")

        deadline = time.monotonic() + 15
        while True:
            page("/search?q=KI-Beschleunigern", None, "search")
            if b.evaluate(f"!!document.querySelector('a[href=\"/article/{de_id}\"]')"):
                break
            check(time.monotonic() < deadline, "search does not find the German article")
            time.sleep(0.3)
        check(b.evaluate("document.querySelectorAll('mark').length") >= 1, "no highlighted match in the snippet")

        # Text and a filter together, typed into the form as an operator does:
        # chip* matches both articles, the language picks the German one.
        def links():
            return b.evaluate("[...document.querySelectorAll('table.hits a')].map(a => a.getAttribute('href'))")
        deadline = time.monotonic() + 15
        while True:
            page("/search?q=chip*", None, "search chip*")
            if {f"/article/{de_id}", f"/article/{en_id}"} <= set(links()):
                break
            check(time.monotonic() < deadline, f"search chip* does not find both articles: {links()}")
            time.sleep(0.3)
        for lang, want, other in (("en", en_id, de_id), ("de", de_id, en_id)):
            page("/search", None, "the empty search form")
            b.evaluate("document.querySelector('input[name=q]').value = 'chip*';"
                       f"document.querySelector('input[name=lang]').value = '{lang}';"
                       "document.querySelector('form.search').submit(); 1")
            b.wait_event("Page.loadEventFired")
            b.pump(0.3)
            check(not b.problems(), f"problems after searching chip* in {lang}")
            got = links()
            check(f"/article/{want}" in got and f"/article/{other}" not in got,
                  f"search chip* with language {lang} lists {got}")
            check(b.evaluate("document.querySelector('input[name=lang]').value") == lang,
                  "the form does not keep the language filter")
        b.screenshot(str(shots / "search.png"))
        # newsctl search takes the same filters.
        for lang, want, other in (("de", de_id, en_id), ("en", en_id, de_id)):
            rc, out, err = newsctl(ctx, "--json", "search", "chip*", "--lang", lang)
            check(rc == 0, f"newsctl search chip* --lang {lang}: exit {rc}: {err}")
            got = [h["id"] for h in json.loads(out)["hits"]]
            check(got == [want], f"newsctl search chip* --lang {lang}: {got}, expected [{want}] (not {other})")

        page(f"/article/{de_id}", "article.png", "the German article")
        rules = b.evaluate("[...document.querySelectorAll('table.score td:first-child')].map(t => t.textContent)")
        check("AI_CHIPS" in rules and "CHIP_MAKERS" in rules, f"the score breakdown shows {rules}")
        check(b.evaluate("document.querySelectorAll('mark.ent-org').length") >= 3, "entities are not marked")

        page(f"/article/{bad_id}", "article-hostile.png", "the hostile article")
        check("<script>" in b.evaluate("document.querySelector('h1').textContent"),
              "the hostile title is not shown as text")
        check(b.evaluate("[...document.links].some(a => a.protocol === 'javascript:')") is False,
              "the hostile article's page has a javascript: link")
        # The CSP itself: markup slipped in by any means runs no inline handler,
        # and the violation is seen (so the checks above can see one).
        b.evaluate("document.body.insertAdjacentHTML('beforeend', "
                   "'<svg><image href=\"/x\" onerror=\"window.__pwned=1\"/></svg>'); 1")
        b.evaluate("document.body.insertAdjacentHTML('beforeend', '<a id=\"csp\" onclick=\"window.__pwned=1\">x</a>');"
                   "document.getElementById('csp').click(); 1")
        b.pump(0.5)
        check(b.evaluate("window.__pwned") is None, "an inline event handler ran despite the CSP")
        csp = [p for p in b.problems() if "Content Security Policy" in p]
        check(csp, "the browser reported no CSP violation for an inline handler")

        page("/trends", "trends.png", "the trends page")
        top = b.evaluate("[...document.querySelectorAll('.trend a')].map(a => a.textContent)")
        check("org/Huawei" in top and "ai-chips" in top, f"the trends page lists {top}")
        deadline = time.monotonic() + 15
        while True:
            page("/alerts", None, "the alerts page")
            dead = b.evaluate("[...document.querySelectorAll('table')].filter(t => t.previousElementSibling && "
                              "t.previousElementSibling.textContent === 'Dead letters').map(t => t.rows.length - 1)")
            if dead and dead[0] >= 3:
                break
            check(time.monotonic() < deadline, f"the alerts page shows no dead letters of the failing sink: {dead}")
            time.sleep(0.5)
        check("pager down <img" in b.evaluate("document.body.textContent"),
              "the sink's error is not shown as text on the alerts page")
        b.screenshot(str(shots / "alerts.png"))
        page("/failed", "failed.png", "the failed page")
        check(b.evaluate("document.querySelectorAll('form button').length") == 1, "no retry button on /failed")
        # Fix the cause, then press Retry: a POST with the form's CSRF token.
        fixed = small_article("Nachgereicht", "Der Artikel kam leer an und wurde korrigiert: Huawei.")
        (ctx.failed / FAIL_NAME).write_bytes(fixed)
        b.evaluate("document.querySelector('form button').click(); 1")
        b.wait_event("Page.loadEventFired")
        b.pump(0.3)
        check(not b.problems(), "problems after retry")
        check(b.evaluate("location.pathname") == "/failed", "retry did not lead back to /failed")
        wait_counter(ctx, "archived", 4)
        check(not os.path.lexists(ctx.failed / FAIL_NAME), "the retried file is still in failed/")
        page("/", None, "the overview after retry")
    finally:
        b.close()
    print(f"screenshots in {shots}")


@test()
def web_search_filters_old_archive(ctx):
    """An archive built for ABI 1.3 or older would ignore a search's filters:
    newsd refuses such a search itself, and the page and newsctl say why."""
    so = ctx.build / "tests" / "e2e" / "legacy_archive.so"
    if not so.exists():
        raise Fail(f"{so} is not built (ninja -C {ctx.build})")
    port = free_port()
    ctx.write_config([p for p in DEFAULT_PLUGINS if p[0] != "archive"] + [("legacy", {"so": str(so)})],
                     web_listen=f"127.0.0.1:{port}")
    ctx.start()
    web = login(ctx, Web(port))
    sample_id = ctx.drop(SAMPLE.name, SAMPLE.read_bytes())
    wait_counter(ctx, "archived", 1)
    # legacy_archive's search: titles containing q
    word = json.loads(web.get(f"/article/{sample_id}/raw")[2])["title"].split()[0]
    st, _, body = web.get("/search?" + urllib.parse.urlencode({"q": word}))
    check(st == 200 and f'href="/article/{sample_id}"' in body, f"a plain search of a 1.0 archive: HTTP {st}")
    st, hdrs, body = web.get("/search?" + urllib.parse.urlencode({"q": word, "lang": "de"}))
    check(st == 501 and hdrs.get("content-type", "").startswith("text/html"),
          f"a filtered search of a 1.0 archive: HTTP {st}, {hdrs.get('content-type')!r}")
    check("cannot combine a search with filters" in body and "legacy" in body and "ABI 1.0" in body,
          f"the page does not say why the search was refused: {body[-600:]!r}")
    check(f'href="/article/{sample_id}"' not in body, "the refused search still lists the article")
    rc, _, err = newsctl(ctx, "search", word, "--max-score", "3")
    check(rc == 1 and "cannot combine a search with filters" in err, f"newsctl search --max-score: exit {rc}: {err}")
    ctx.assert_alive("after refused searches")


def trend_counts(web):
    """The Trends page's 24-hour counts: {"org/Huawei": 2, "ai-chips": 1, ...}."""
    st, _, body = web.get("/trends")
    check(st == 200, f"/trends: HTTP {st}")
    day = body.split("<h2>Last 7 days</h2>")[0]
    return {urllib.parse.unquote(m.group(2)): int(m.group(3)) for m in re.finditer(
        r'<a href="/search\?tag=([^"]+)">([^<]+)</a></td><td class="num">(\d+)</td>', day)}


def chart_archived(web):
    """The overview's articles archived over 24 hours, and the chart's minutes with counts."""
    st, _, body = web.get("/")
    check(st == 200, f"/: HTTP {st}")
    m = re.search(r"<tr><td>articles</td><td>(\d+)</td><td>(\d+)</td>", body)
    pts = re.search(r'<svg class="chart"[^>]*data-points="(\d+)"', body)
    check(m and pts, "the overview has no chart totals")
    return int(m.group(2)), int(pts.group(1))


@test(timeout=240)
def web_trends_survive_restart(ctx):
    """The per-minute chart and the trends are kept in STATE_DIR/trends.dat:
    a SIGTERM writes them, a restart reads them; a SIGKILL loses at most
    what came since the last periodic write; a corrupt file is named in
    the log and ignored."""
    web = start_web(ctx)
    login(ctx, web)
    ctx.drop("de.txt", GERMAN)
    ctx.drop("en.txt", ENGLISH)
    wait_counter(ctx, "archived", 2)
    ctx.wait(lambda: chart_archived(web)[0] == 2, 15, "the chart counts 2 archived articles")
    before = trend_counts(web)
    check(before.get("org/Huawei") == 1 and before.get("org/Samsung") == 1 and before.get("ai-chips") == 2,
          f"the trends before the restart: {before}")
    path = ctx.state / "trends.dat"

    ctx.daemon.signal(15)
    ctx.daemon.wait_exit(20)
    check(path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} was not written at the stop")
    check(not (ctx.state / "trends.dat.tmp").exists(), "trends.dat.tmp left behind")
    ctx.start()
    check(trend_counts(web) == before, f"the trends after a restart: {trend_counts(web)}, before: {before}")
    archived, points = chart_archived(web)
    check(archived == 2 and points >= 1, f"the chart after a restart: {archived} archived, {points} minutes")

    # A periodic write (every 60 s), then SIGKILL: what the write saw survives.
    mtime = path.stat().st_mtime_ns
    ctx.drop("de2.txt", small_article("Baidu baut Chips", "Baidu und Huawei kooperieren bei KI-Chips."))
    wait_counter(ctx, "archived", 1)
    ctx.wait(lambda: path.stat().st_mtime_ns != mtime, 75, "the periodic write of trends.dat", interval=1)
    ctx.daemon.signal(9)
    ctx.daemon.wait_exit(20)
    ctx.start()
    after = trend_counts(web)
    want = dict(before)
    for name in ("org/Huawei", "org/Baidu", "ai-chips"):
        want[name] = want.get(name, 0) + 1
    check(after == want, f"the trends after SIGKILL: {after}, expected {want}")
    check(chart_archived(web)[0] == 3, f"the chart after SIGKILL: {chart_archived(web)}")

    # A corrupt file: logged with its path, ignored, newsd runs on empty.
    ctx.daemon.signal(15)
    ctx.daemon.wait_exit(20)
    path.write_text("newsd-trends 1\nhistory 1 0\nend 0\n")
    since = ctx.log_size()
    ctx.start()
    ctx.wait_log(lambda l: str(path) in l and "ignored" in l and "bad history record" in l, 5,
                 "the corrupt trends.dat named", since=since)
    check(trend_counts(web) == {}, f"the trends from a corrupt file: {trend_counts(web)}")
    check(chart_archived(web)[0] == 0, "the chart from a corrupt file is not empty")
    # A file of another version is ignored the same way.
    ctx.daemon.signal(15)
    ctx.daemon.wait_exit(20)
    path.write_text("newsd-trends 9\n")
    since = ctx.log_size()
    ctx.start()
    ctx.wait_log(lambda l: str(path) in l and "version 9" in l, 5, "the foreign trends.dat named", since=since)
    ctx.assert_alive("after an ignored trends.dat")


@test()
def web_https_own_tls(ctx):
    """web_tls_cert/web_tls_key: newsd speaks HTTPS itself, so a non-loopback
    web_listen is allowed; the cookie is Secure; plain HTTP gets nowhere."""
    cert, key = ctx.base / "web.crt", ctx.base / "web.key"
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                       capture_output=True)
    check(p.returncode == 0, f"openssl could not make a test certificate: {p.stderr[-300:]!r}")
    port = free_port()

    cfg = ctx.write_config(web_listen=f"0.0.0.0:{port}", web_tls_cert=cert)
    p = ctx.run_newsd(["-c", cfg, "--check-config"])
    check(p.returncode != 0 and b"web_tls_key" in p.stderr, f"a certificate without its key was taken: {p.stderr!r}")
    cfg = ctx.write_config(web_listen=f"0.0.0.0:{port}", web_tls_cert=cert, web_tls_key=ctx.base / "newsd.ini")
    d = ctx.start(wait_ready=False)
    d.wait_exit(15)
    check(d.proc.returncode != 0 and "web_tls_key" in d.log(), f"a key that is no PEM file was taken: {d.log()[-400:]!r}")

    ctx.write_config(web_listen=f"0.0.0.0:{port}", web_tls_cert=cert, web_tls_key=key)
    ctx.start()
    tls = ssl.create_default_context(cafile=str(cert))
    tls.check_hostname = False

    def get(path, headers=None):
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=tls)
        try:
            c.request("GET", path, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
        finally:
            c.close()

    st, hdrs, _ = get("/")
    check(st == 401, f"HTTPS without a token: HTTP {st}")
    check_headers("HTTPS 401", hdrs)
    tok = token_of(ctx)
    st, _, body = get("/", {"Authorization": f"Bearer {tok}"})
    check(st == 200 and "Overview" in body, f"HTTPS with the token: HTTP {st}")
    rc, out, err = newsctl(ctx, "web-url")
    check(rc == 0 and out.strip() == f"https://0.0.0.0:{port}/login?token={tok}", f"newsctl web-url: {out!r} {err!r}")
    st, hdrs, _ = get(f"/login?token={tok}")
    check(st == 303 and "; Secure" in hdrs.get("set-cookie", ""), f"the HTTPS cookie is not Secure: {hdrs}")
    # Plain HTTP on the TLS port is no way in.
    try:
        st, _, _ = Web(port).get("/", headers={"Authorization": f"Bearer {tok}"})
    except (http.client.HTTPException, OSError):
        st = None
    check(st != 200, "plain HTTP was served on the HTTPS listener")
