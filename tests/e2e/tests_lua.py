"""End-to-end tests of Lua plugins (issue 3): loaded by run.py."""

import json
import os
import signal
import time

from __main__ import (test, check, Fail, SAMPLE, content_id, distinct_articles,
                      small_article, tag_names, rule_names, normal_article_after)


def lua_file(ctx, name, text):
    """Write a script under the test's folder; returns its absolute path."""
    folder = ctx.base / "lua"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# The Lua twins of the default C pipeline, found by bare name in plugin_dir.
LUA_PIPELINE = [
    ("lorgs", {"lua": "keywords.lua", "prefix": "entity:org/", "match": "word",
               "words": "SenseTime, Huawei, Shanghai Biren, Nvidia, Moore Threads, "
                        "Baidu, Naura, Intel, AMD, TSMC, Samsung"}),
    ("ltopics", {"lua": "keywords.lua", "tag": "topic:ai-chips",
                 "words": "KI-Chip, AI chip, Chiphersteller, chipmaker, Halbleiter, "
                          "semiconductor, KI-Beschleuniger, AI accelerator"}),
    ("lscorer", {"lua": "scorer.lua", "rule.AI_CHIPS": "topic:ai-chips, 3.0",
                 "rule.CHIP_MAKERS": "entity:org/*, 0.5, 3.0"}),
    ("archive", {"so": "archive_fs.so"}),
]


def failed_line(ctx, plugin, what, id_):
    """The warning plugins.c writes for a dropped result: names the plugin,
    the article and the cause."""
    return lambda l: (f"plugin {plugin}" in l and id_ in l and what in l
                      and "result is skipped" in l)


@test()
def lua_tags_and_scores_archived(ctx):
    ctx.write_config(LUA_PIPELINE)
    ctx.start()
    data = SAMPLE.read_bytes()
    id_ = ctx.drop(SAMPLE.name, data)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    tags = {t["name"]: t for t in rec["tags"]}
    for t in ("entity:org/Huawei", "entity:org/Nvidia", "topic:ai-chips"):
        check(t in tags, f"tag {t} missing: {sorted(tags)}")
    check(tags["entity:org/Huawei"]["plugin"] == "lorgs", f"tag plugin {tags['entity:org/Huawei']}")
    check({"AI_CHIPS", "CHIP_MAKERS"} <= rule_names(rec), f"rules {rule_names(rec)}")
    check(rec["score"]["total"] == 6.0, f"score total {rec['score']['total']}")
    check(all(r["plugin"] == "lscorer" for r in rec["score"]["rules"]), "rule plugin names")


@test()
def lua_try_shows_each_plugin(ctx):
    cfg = ctx.write_config(ctx.plugins_with(*LUA_PIPELINE[:3]))
    p = ctx.run_newsd(["--try", SAMPLE, "-c", cfg])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 0, f"exit {p.returncode}: {err[-800:]}")
    rec = json.loads(p.stdout.decode("utf-8"))
    check("topic:ai-chips" in tag_names(rec), f"tags {tag_names(rec)}")
    order = [name for line in err.splitlines() for name in ("orgs", "topics", "scorer", "lorgs", "ltopics", "lscorer")
             if f"plugin {name}: article" in line]
    check(order == ["orgs", "topics", "lorgs", "ltopics", "scorer", "lscorer"],
          f"--try plugin lines in order {order}")


ERRORING = """
local p = { name = "erroring" }
function p.tag(a)
  a:tag("e2e:before-error", 1.0)          -- dropped with the failed call
  if a:contains("Kaputt") then error("boom: " .. a:title()) end
  a:tag("e2e:lua-ok", 1.0)
end
return p
"""


@test()
def lua_runtime_error_logged_article_goes_on(ctx):
    path = lua_file(ctx, "erroring.lua", ERRORING)
    ctx.write_config(ctx.plugins_with(("err", {"lua": str(path)})))
    ctx.start()
    bad = ctx.drop("kaputt.txt", small_article("Kaputt", "Huawei baut Halbleiter."))
    ctx.wait_archived([bad])
    tags = tag_names(ctx.record(bad))
    check("e2e:before-error" not in tags and "e2e:lua-ok" not in tags,
          f"a failed Lua call left tags: {sorted(tags)}")
    check({"entity:org/Huawei", "topic:ai-chips"} <= tags, f"other plugins' tags lost: {sorted(tags)}")
    ctx.wait_log(failed_line(ctx, "err", "erroring.lua:5: boom: ", bad), 5, "the Lua error")
    ctx.wait_log(lambda l: "boom" in l and "stack traceback" in l and "erroring.lua:5" in l, 5,
                 "the traceback with file:line")
    good = normal_article_after(ctx, "lua")
    check("e2e:lua-ok" in tag_names(ctx.record(good)), "the plugin no longer runs after its error")


@test()
def lua_required_error_sends_to_failed(ctx):
    path = lua_file(ctx, "erroring.lua", ERRORING)
    ctx.write_config(ctx.plugins_with(("err", {"lua": str(path), "required": "true"})))
    ctx.start()
    ctx.drop("kaputt.txt", small_article("Kaputt", "Huawei."))
    reason = ctx.wait_failed("kaputt.txt")
    check("err" in json.dumps(reason) and "boom" in json.dumps(reason), f"reason {reason}")
    normal_article_after(ctx, "required")


@test()
def lua_endless_loop_budget(ctx):
    path = lua_file(ctx, "loop.lua", """
return { tag = function(a)
  if a:contains("Schleife") then
    while true do pcall(function() while true do end end) end
  end
  a:tag("e2e:loop-ok")
end }
""")
    ctx.write_config(ctx.plugins_with(("loop", {"lua": str(path), "max_instructions": "1e6"})))
    ctx.start()
    t0 = time.monotonic()
    id_ = ctx.drop("loop.txt", small_article("Schleife", "Eine endlose Schleife bei Huawei."))
    ctx.wait_archived([id_], timeout=10)
    check(time.monotonic() - t0 < 8, "the budget took too long to stop the loop")
    ctx.wait_log(failed_line(ctx, "loop", "instruction budget (max_instructions = 1000000)", id_), 5,
                 "the instruction budget line")
    check("entity:org/Huawei" in tag_names(ctx.record(id_)), "other plugins' result lost")
    after = normal_article_after(ctx, "loop")
    check("e2e:loop-ok" in tag_names(ctx.record(after)), "the plugin does not run after the loop")


@test()
def lua_memory_bomb_cap(ctx):
    path = lua_file(ctx, "bomb.lua", """
hoard = {}
return { tag = function(a)
  if a:contains("Bombe") then
    local s = "x"
    while true do hoard[#hoard + 1] = s; s = s .. s end
  end
  a:tag("e2e:bomb-ok", #hoard == 0 and 1.0 or 0.1)
end }
""")
    ctx.write_config(ctx.plugins_with(("bomb", {"lua": str(path), "max_memory": "16M"})))
    d = ctx.start()
    id_ = ctx.drop("bomb.txt", small_article("Bombe", "Speicherbombe bei Huawei."))
    ctx.wait_archived([id_], timeout=15)
    ctx.wait_log(failed_line(ctx, "bomb", "memory cap (max_memory = 16777216 bytes)", id_), 5,
                 "the memory cap line")
    check("entity:org/Huawei" in tag_names(ctx.record(id_)), "other plugins' result lost")
    # every worker's state stays usable (the bombed one was rebuilt)
    ids = [ctx.drop(f"nach_{i}.txt", small_article(f"Nachher {i}", "Harmlos.")) for i in range(6)]
    ctx.wait_archived(ids)
    for i in ids:
        tags = {t["name"]: t["weight"] for t in ctx.record(i)["tags"]}
        check(tags.get("e2e:bomb-ok") == 1.0, f"after the bomb: {tags}")
    ctx.assert_alive("after the memory bomb")
    rss = int([l for l in open(f"/proc/{d.pid}/status") if l.startswith("VmRSS")][0].split()[1])
    print(f"note: RSS after the bomb {rss} KiB")


GOOD_V1 = 'return { name = "v", tag = function(a) a:tag("e2e:version-1") end }\n'
GOOD_V2 = 'return { name = "v", tag = function(a) a:tag("e2e:version-2") end }\n'
BROKEN = 'return { name = "v",\n  tag = function(a)\n    a:tag("e2e:broken" end }\n'


@test()
def lua_syntax_error_at_start(ctx):
    path = lua_file(ctx, "broken.lua", BROKEN)
    cfg = ctx.write_config(ctx.plugins_with(("broken", {"lua": str(path)})))
    p = ctx.run_newsd(["-c", cfg, "--state-dir", ctx.state], timeout=20)
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1, f"exit {p.returncode}, expected 1: {err[-500:]}")
    check(f"{path}:3:" in err, f"stderr does not name file:line ({path}:3:): {err[-500:]}")
    check("broken" in err, "stderr does not name the plugin")


@test()
def lua_syntax_error_at_reload_refused(ctx):
    path = lua_file(ctx, "v.lua", GOOD_V1)
    ctx.write_config(ctx.plugins_with(("v", {"lua": str(path)})))
    d = ctx.start()
    id1 = ctx.drop("v1.txt", small_article("Version eins", "Huawei."))
    ctx.wait_archived([id1])
    check("e2e:version-1" in tag_names(ctx.record(id1)), "v1 did not run")

    path.write_text(BROKEN, encoding="utf-8")
    since = ctx.log_size()
    d.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: f"{path}:3:" in l, 10, "the refused reload naming file:line", since=since)
    ctx.assert_alive("after a reload with a broken script")
    id2 = ctx.drop("v1b.txt", small_article("Immer noch eins", "Huawei."))
    ctx.wait_archived([id2])
    check("e2e:version-1" in tag_names(ctx.record(id2)), "the old code stopped after a refused reload")

    # an edit that works is picked up by the next reload
    path.write_text(GOOD_V2, encoding="utf-8")
    d.signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    i = 0
    while True:
        i += 1
        id_ = ctx.drop(f"v2_{i}.txt", small_article(f"Version zwei {i}", "Huawei."))
        ctx.wait_archived([id_])
        if "e2e:version-2" in tag_names(ctx.record(id_)):
            break
        check(time.monotonic() < deadline, "10 s after SIGHUP the new script is still not used")


@test()
def lua_sandbox_escape_attempts(ctx):
    marker = ctx.base / "escaped"
    path = lua_file(ctx, "escape.lua", f"""
local p = {{}}
function p.tag(a)
  a:tag("e2e:sandbox-ran")
  if a:contains("execute") then os.execute("touch {marker}") end
  if a:contains("io.open") then io.open("{marker}", "w") end
  if a:contains("require") then require("os") end
end
return p
""")
    ctx.write_config(ctx.plugins_with(("escape", {"lua": str(path)})))
    ctx.start()
    ids = {}
    for what in ("execute", "io.open", "require"):
        ids[what] = ctx.drop(f"{what}.txt", small_article(f"Versuch {what}", f"{what} bei Huawei"))
    ctx.wait_archived(ids.values())
    ctx.wait_log(failed_line(ctx, "escape", "field 'execute'", ids["execute"]), 5, "os.execute refused")
    ctx.wait_log(failed_line(ctx, "escape", "global 'io'", ids["io.open"]), 5, "io.open refused")
    ctx.wait_log(failed_line(ctx, "escape", "require 'os'", ids["require"]), 5, "require outside refused")
    check(not marker.exists(), "a sandboxed script created a file")
    for i in ids.values():
        tags = tag_names(ctx.record(i))
        check("entity:org/Huawei" in tags and "e2e:sandbox-ran" not in tags, f"tags {sorted(tags)}")
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()}")


@test(timeout=240, heavy=True)
def lua_two_workers_1000_articles(ctx):
    """Two workers, each with its own Lua states, 1,000 articles: every one
    archived with the Lua tags.  Run it against a ThreadSanitizer build
    (meson setup build-tsan -Db_sanitize=thread) to check for races: TSan
    writes its reports to stderr, which is daemon.log."""
    ctx.write_config(LUA_PIPELINE, workers=2)
    ctx.start(wait_ready=True)
    arts = distinct_articles(1000, "lua")
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    t0 = time.monotonic()
    for name, _ in arts:
        os.rename(ctx.tmp / name, ctx.inbox / name)
    ids = {content_id(d) for _, d in arts}
    ctx.wait_archived(ids, timeout=200, interval=0.5)
    took = time.monotonic() - t0
    ctx.verify_archive(expect_ids=ids)
    check(ctx.failed_items() == [], f"failed/: {ctx.failed_items()[:5]}")
    scored = sum(1 for i in ids if ctx.record(i)["score"]["rules"])
    plugins = {t["plugin"] for i in list(ids)[:50] for t in ctx.record(i)["tags"]}
    check(plugins <= {"lorgs", "ltopics"}, f"tag plugins {plugins}")
    check(scored > 0, "no article was scored by the Lua scorer")
    log = ctx.log_text()
    check("ThreadSanitizer" not in log, "ThreadSanitizer reported: " +
          log[log.find("WARNING: ThreadSanitizer"):][:1500])
    check(" warning: " not in log and " error: " not in log,
          f"warnings in the log: {[l for l in log.splitlines() if ' warning: ' in l or ' error: ' in l][:3]}")
    print(f"note: 1000 articles through Lua with 2 workers in {took:.1f}s; {scored} scored")


@test(timeout=180)
def lua_reload_under_load_nothing_lost(ctx):
    """SIGHUP with an edited script while 300 articles are in flight: every
    article is archived once, tagged by the old or by the new code."""
    path = lua_file(ctx, "v.lua", GOOD_V1)
    ctx.write_config(ctx.plugins_with(("v", {"lua": str(path)})), workers=2)
    d = ctx.start()
    arts = distinct_articles(300, "reload")
    for name, data in arts:
        (ctx.tmp / name).write_bytes(data)
    # The first 100 are in flight (or queued) when the reload starts; the
    # rest are dropped once it is in force, so both versions must show up.
    # (Dropping all 300 at once let the daemon claim every one of them
    # before it saw the signal, and the new script then had nothing to do.)
    since = ctx.log_size()
    for i, (name, _) in enumerate(arts):
        os.rename(ctx.tmp / name, ctx.inbox / name)
        if i == 100:
            path.write_text(GOOD_V2, encoding="utf-8")
            d.signal(signal.SIGHUP)
            ctx.wait_log(lambda text: "reloaded" in text, 30, "the reload to take effect", since=since)
    ids = {content_id(data) for _, data in arts}
    ctx.wait_archived(ids, timeout=120, interval=0.2)
    ctx.verify_archive(expect_ids=ids)
    check(ctx.failed_items() == [] and ctx.duplicates() == [], "failed/ or duplicates not empty")
    versions = {"e2e:version-1": 0, "e2e:version-2": 0}
    for i in ids:
        tags = tag_names(ctx.record(i))
        hit = [v for v in versions if v in tags]
        check(len(hit) == 1, f"{i}: tags {sorted(tags)}")
        versions[hit[0]] += 1
    check(versions["e2e:version-2"] > 0, f"the new script never ran: {versions}")
    print(f"note: {versions}")
