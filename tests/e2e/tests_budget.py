"""End-to-end tests of the time budgets (issue 12, bug 2): loaded by run.py.

Lua calls are stopped at their budget from inside; C calls that do not
return are given up by the watchdog, which marks the article, and newsd
exits 75 to be restarted (here the test restarts it, as systemd would).

Time bounds are generous (the budgets are 0.5 to 3 s, the bounds 15 to 30 s):
without the budgets these articles take hours or forever.
"""

import os
import signal
import time

from __main__ import (test, check, content_id, distinct_articles, small_article, tag_names,
                      normal_article_after)

EXIT_STUCK = 75

PATTERN_HANG = """
return { tag = function(a)
  if a:contains("Muster") then
    string.find(string.rep("a", 3000), string.rep(".-", 12) .. "b")
  end
  a:tag("e2e:budget-ok")
end }
"""

REP_LOOP = """
return { tag = function(a)
  if a:contains("Wiederholung") then
    while true do local s = string.rep("x", 4 * 1024 * 1024) end
  end
  a:tag("e2e:budget-ok")
end }
"""


def lua_file(ctx, name, text):
    folder = ctx.base / "lua"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def skipped_line(plugin, what, name):
    """plugins.c's warning for a dropped result: plugin, article, limit."""
    return lambda l: (f"plugin {plugin}:" in l and name in l and what in l
                      and "result is skipped" in l)


def wait_exit_code(ctx, d, timeout, what):
    ctx.wait(lambda: not d.alive(), timeout, what, daemon=None)
    d.expect_alive = False
    return d.proc.returncode


@test()
def budget_lua_pattern_hang(ctx):
    """The issue's repro: a backtracking pattern used to hold a worker
    forever; now the call ends at its budget and only its result is lost."""
    path = lua_file(ctx, "pattern.lua", PATTERN_HANG)
    ctx.write_config(ctx.plugins_with(("muster", {"lua": str(path), "max_ms": "1000"})))
    ctx.start()
    t0 = time.monotonic()
    id_ = ctx.drop("muster.txt", small_article("Muster", "Ein böses Muster bei Huawei."))
    ctx.wait_archived([id_], timeout=30)
    took = time.monotonic() - t0
    ctx.wait_log(skipped_line("muster", "exceeded its time budget (max_ms = 1000)", "muster.txt"), 5,
                 "the time budget line naming plugin, article and limit")
    tags = tag_names(ctx.record(id_))
    check("entity:org/Huawei" in tags and "e2e:budget-ok" not in tags, f"tags {sorted(tags)}")
    after = normal_article_after(ctx, "danach")
    check("e2e:budget-ok" in tag_names(ctx.record(after)), "the plugin does not run after the hang")
    print(f"note: the pattern hang ended after {took:.1f}s (max_ms = 1000)")


@test()
def budget_lua_rep_loop_daemon_default(ctx):
    """A loop of 4 MB string.rep took > 120 s under the instruction budget
    alone; [daemon] max_plugin_ms bounds it (no max_ms in the section)."""
    path = lua_file(ctx, "rep.lua", REP_LOOP)
    ctx.write_config(ctx.plugins_with(("rep", {"lua": str(path)})), max_plugin_ms=1500)
    ctx.start()
    t0 = time.monotonic()
    id_ = ctx.drop("rep.txt", small_article("Wiederholung", "string.rep ohne Ende bei Huawei."))
    ctx.wait_archived([id_], timeout=30)
    took = time.monotonic() - t0
    ctx.wait_log(skipped_line("rep", "exceeded its time budget (max_ms = 1500)", "rep.txt"), 5,
                 "the time budget line")
    check("e2e:budget-ok" not in tag_names(ctx.record(id_)), "the failed call's tag was kept")
    normal_article_after(ctx, "rep")
    print(f"note: the string.rep loop ended after {took:.1f}s (max_plugin_ms = 1500)")


@test()
def budget_lua_sigterm_during_hang(ctx):
    """SIGTERM during a hung Lua call used to leave newsd running; now it
    waits for the call's budget at most and exits 0 with the article
    archived (without that plugin's result)."""
    path = lua_file(ctx, "pattern.lua", PATTERN_HANG)
    ctx.write_config(ctx.plugins_with(("muster", {"lua": str(path), "max_ms": "3000"})))
    d = ctx.start()
    id_ = ctx.drop("muster.txt", small_article("Muster", "Ein böses Muster bei Huawei."))
    ctx.wait(lambda: (ctx.work / "muster.txt").exists(), 10, "the article claimed")
    time.sleep(0.5)          # into the call (the budget is 3 s)
    t0 = time.monotonic()
    d.signal(signal.SIGTERM)
    rc = wait_exit_code(ctx, d, 20, "newsd to exit after SIGTERM")
    took = time.monotonic() - t0
    check(rc == 0, f"exit code {rc} after SIGTERM, expected 0")
    check(id_ in ctx.ids(), "the article was not archived on the way out")
    print(f"note: SIGTERM during the hang: exited after {took:.1f}s (max_ms = 3000)")


@test()
def budget_article_budget_cuts_later_plugins(ctx):
    """Two plugins of 0.7 s each against max_article_ms = 1000: the second
    is cut (or not run) with the article's budget named."""
    busy = """
return { tag = function(a)
  local t = newsd.time()
  while newsd.time() - t < 0.7 do end
  a:tag("e2e:%s")
end }
"""
    one = lua_file(ctx, "one.lua", busy % "one")
    two = lua_file(ctx, "two.lua", busy % "two")
    ctx.write_config(ctx.plugins_with(("one", {"lua": str(one), "max_instructions": "2e9"}),
                                      ("two", {"lua": str(two), "max_instructions": "2e9"})),
                     max_article_ms=1000)
    ctx.start()
    id_ = ctx.drop("zwei.txt", small_article("Zwei", "Zwei langsame Plugins bei Huawei."))
    ctx.wait_archived([id_], timeout=30)
    ctx.wait_log(lambda l: "zwei.txt" in l and "the article's time budget (max_article_ms = 1000)" in l
                 and "result is skipped" in l, 5, "the article budget line")
    tags = tag_names(ctx.record(id_))
    check("e2e:two" not in tags, f"the second plugin's result was kept: {sorted(tags)}")
    check("entity:org/Huawei" in tags, f"the C plugins' result was lost: {sorted(tags)}")


@test()
def budget_c_plugin_late_result_dropped(ctx):
    """A C call that returns after its budget has failed: its tag is
    dropped, the article goes on."""
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(hang_on="LANGSAM-E2E", hang_ms=1500,
                                                         tag="e2e:crashy")),
                     max_plugin_ms=500)
    ctx.start()
    late = ctx.drop("late.txt", small_article("Spät", "Dieser Text ist LANGSAM-E2E, sagt Huawei."))
    ctx.wait_archived([late], timeout=20)
    ctx.wait_log(skipped_line("crashy", "over its time budget (max_ms = 500)", "late.txt"), 5,
                 "the late call's line")
    tags = tag_names(ctx.record(late))
    check("e2e:crashy" not in tags and "entity:org/Huawei" in tags, f"tags {sorted(tags)}")
    after = normal_article_after(ctx, "late")
    check("e2e:crashy" in tag_names(ctx.record(after)), "crashy's result missing on a quick call")


def _stuck_then_restart(ctx, sigterm):
    budget = 2000 if sigterm else 500
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(hang_on="HAENGT-E2E", tag="e2e:crashy")),
                     max_plugin_ms=budget, workers=2)
    d = ctx.start()
    early = distinct_articles(3, "early")
    ids = {ctx.drop(n, data) for n, data in early}
    ctx.wait_archived(ids)
    ctx.drop("hang.txt", small_article("Hängt", "Dieser Text HAENGT-E2E für immer."))
    ctx.wait(lambda: (ctx.work / "hang.txt").exists(), 10, "the stuck article claimed")
    t0 = time.monotonic()
    if sigterm:
        time.sleep(0.3)
        d.signal(signal.SIGTERM)
    rc = wait_exit_code(ctx, d, 30, "newsd to give up on the stuck call and exit")
    took = time.monotonic() - t0
    check(rc == EXIT_STUCK, f"exit code {rc}, expected {EXIT_STUCK} (stuck plugin call)")
    log = "\n".join(d.log_lines())
    check("stuck in worker" in log and "plugin crashy" in log and "hang.txt" in log,
          "no error line naming the stuck plugin and article")
    check((ctx.work / "hang.txt").exists(), "the stuck article left work/ before the restart")

    # what systemd's Restart=on-failure does
    later = distinct_articles(4, "later")
    for n, data in later:
        ids.add(ctx.drop(n, data))
    ctx.start()
    reason = ctx.wait_failed("hang.txt", timeout=10)
    cause = reason.get("cause", "")
    check("took longer than" in cause and "in plugin crashy" in cause,
          f"the reason does not name the time and the plugin: {cause!r}")
    check(reason.get("plugin") == "crashy", f"sidecar plugin {reason.get('plugin')!r}")
    ctx.wait_archived(ids)
    for i in ids:
        check("e2e:crashy" in tag_names(ctx.record(i)), "an article around the stuck one lost crashy's tag")
    normal_article_after(ctx, "stuck")
    return took


@test()
def budget_c_plugin_stuck_restarted(ctx):
    """A C plugin that never returns on one article: the watchdog marks it,
    newsd exits 75, the restart moves it to failed/, the rest is archived."""
    took = _stuck_then_restart(ctx, sigterm=False)
    print(f"note: stuck call given up and newsd exited {took:.1f}s after the claim "
          f"(max_plugin_ms = 500, stuck at twice that)")


@test()
def budget_c_plugin_stuck_sigterm(ctx):
    """SIGTERM while a C call hangs: newsd waits for the call's budget,
    then gives up on it and exits 75 in bounded time."""
    took = _stuck_then_restart(ctx, sigterm=True)
    print(f"note: SIGTERM during a stuck C call: exited after {took:.1f}s (max_plugin_ms = 2000)")


@test()
def budget_c_plugin_stuck_during_reload(ctx):
    """SIGHUP while a C call hangs: the reload waits for in-flight articles,
    so the watchdog must end it; the pending reload is dropped (applying it
    would finalise the plugin under the stuck call) and newsd exits 75."""
    ctx.write_config(ctx.plugins_with(ctx.crashy_section(hang_on="HAENGT-E2E")), max_plugin_ms=500)
    d = ctx.start()
    ctx.drop("hang.txt", small_article("Hängt", "Dieser Text HAENGT-E2E für immer."))
    ctx.wait(lambda: (ctx.work / "hang.txt").exists(), 10, "the stuck article claimed")
    since = ctx.log_size()
    d.signal(signal.SIGHUP)
    rc = wait_exit_code(ctx, d, 30, "newsd to give up on the stuck call during the reload")
    check(rc == EXIT_STUCK, f"exit code {rc}, expected {EXIT_STUCK}")
    ctx.wait_log(lambda l: "pending reload is dropped" in l, 5, "the dropped reload", since=since)
    ctx.start()
    reason = ctx.wait_failed("hang.txt", timeout=10)
    check("in plugin crashy" in reason.get("cause", ""), f"reason {reason}")
    normal_article_after(ctx, "reload")
