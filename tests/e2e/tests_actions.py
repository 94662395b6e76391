"""End-to-end tests of scoring rules and actions (issue 10): tag_scorer's
rule families, the [actions] thresholds, the record's "action" in --try,
archive_fs and archive_sqlite, `newsctl list --action`, and the errors of a
bad rule or action configuration.  Loaded by run.py; the tests are named
actions_* and scorer_*."""

import json
import re
import time

from __main__ import test, check, DEFAULT_PLUGINS, content_id, small_article

from tests_control import newsctl, newsctl_json, have_sqlite


# Three articles written for these tests, whose totals fall in the three
# default bands under RULES below: one about AI chips from two watched
# companies (alert), one about chips alone (archive), a two-line note
# (penalised as short: discard).
CHIPS_ALERT = small_article(
    "Huawei und Nvidia ringen um KI-Chips",
    "Huawei hat einen neuen KI-Chip aus eigenen Halbleitern vorgestellt, der mit den Beschleunigern von Nvidia "
    "konkurrieren soll. " * 12)
CHIPS_PLAIN = small_article(
    "Neue Fabrik für Halbleiter",
    "Ein Hersteller baut eine Fabrik für Halbleiter und stellt dort KI-Chip Bauteile her. " * 12)
SHORT_NOTE = small_article("Kurz notiert", "Heute nichts Neues.")

RULES = {
    "so": "tag_scorer.so",
    "rule.AI_CHIPS": "topic:ai-chips, 3.0",
    "watch.RIVALS": "2.5, 6 : Huawei, org/Nvidia",
    "short.SHORT": "-4, 40",
    "group.COMPANIES": "4 : RIVALS",
}

ORGS = ("orgs", {"so": "keyword_tagger.so", "prefix": "entity:org/", "words": "Huawei, Nvidia, TSMC"})
TOPICS = ("topics", {"so": "keyword_tagger.so", "tag": "topic:ai-chips", "words": "KI-Chip, Halbleiter, Beschleuniger, Fabrik"})


def plugins(archive="archive_sqlite.so", rules=None):
    return [ORGS, TOPICS, ("scorer", rules or RULES), ("archive", {"so": archive})]


def write_config(ctx, archive="archive_sqlite.so", actions=None, rules=None):
    path = ctx.write_config(plugins(archive, rules))
    if actions is not None:
        with open(path, "a", encoding="utf-8") as f:
            f.write("\n[actions]\n" + "".join(f"{k} = {v}\n" for k, v in actions.items()))
    return path


def try_records(ctx, conf, *paths):
    p = ctx.run_newsd(["--try", *map(str, paths), "-c", str(conf), "--log-level", "warning"])
    check(p.returncode == 0, f"newsd --try exited {p.returncode}: {p.stderr.decode()[-600:]}")
    out = p.stdout.decode()
    if len(paths) == 1:
        return [json.loads(out)]    # one file: the record pretty-printed
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def drop_three(ctx):
    arts = [("alert.txt", CHIPS_ALERT), ("plain.txt", CHIPS_PLAIN), ("short.txt", SHORT_NOTE)]
    for name, data in arts:
        ctx.drop(name, data)
    return {name: content_id(data) for name, data in arts}


def rules_of(rec):
    return {r["rule"]: r for r in rec["score"]["rules"]}


@test()
def actions_try_shows_total_action_and_rules(ctx):
    conf = write_config(ctx)
    for name, data in (("alert.txt", CHIPS_ALERT), ("plain.txt", CHIPS_PLAIN), ("short.txt", SHORT_NOTE)):
        (ctx.base / name).write_bytes(data)
    alert, plain, short = try_records(ctx, conf, ctx.base / "alert.txt", ctx.base / "plain.txt",
                                      ctx.base / "short.txt")
    # alert: 3 (topic) + 4 (watched, capped by the group) = 7 >= 6
    r = rules_of(alert)
    check(set(r) == {"AI_CHIPS", "RIVALS"}, f"rules of the alert article: {sorted(r)}")
    check(r["RIVALS"]["points"] == 4.0, f"RIVALS not capped at 4: {r['RIVALS']}")
    check("2 watched entities: org/Huawei, org/Nvidia" in r["RIVALS"]["reason"]
          and "group COMPANIES gives at most 4" in r["RIVALS"]["reason"], f"RIVALS reason: {r['RIVALS']}")
    check(alert["score"]["total"] == 7.0 and alert["action"] == "alert",
          f"alert article: total {alert['score']['total']}, action {alert['action']!r}")
    check(plain["action"] == "archive" and plain["score"]["total"] == 3.0,
          f"plain article: total {plain['score']['total']}, action {plain['action']!r}")
    r = rules_of(short)
    check(r.get("SHORT", {}).get("points") == -4.0 and "fewer than 40" in r["SHORT"]["reason"],
          f"short article rules: {r}")
    check(short["action"] == "discard", f"short article action {short['action']!r}")
    # the action sits in the record beside the score
    keys = list(alert)
    check(keys.index("action") == keys.index("score") + 1, f"record keys in order: {keys}")


@test()
def actions_thresholds_configured(ctx):
    conf = write_config(ctx, actions={"page": "6.5", "notify": "2", "keep": "-inf", "hide": "keep"})
    (ctx.base / "a.txt").write_bytes(CHIPS_ALERT)
    (ctx.base / "p.txt").write_bytes(CHIPS_PLAIN)
    (ctx.base / "s.txt").write_bytes(SHORT_NOTE)
    got = [r["action"] for r in try_records(ctx, conf, ctx.base / "a.txt", ctx.base / "p.txt", ctx.base / "s.txt")]
    check(got == ["page", "notify", "keep"], f"actions under page/notify/keep: {got}")


@test()
def actions_in_archive_fs_records(ctx):
    write_config(ctx, archive="archive_fs.so")
    ctx.start()
    ids = drop_three(ctx)
    ctx.wait_archived(ids.values())
    for name, want in (("alert.txt", "alert"), ("plain.txt", "archive"), ("short.txt", "discard")):
        rec = json.loads(ctx.record_path(ids[name]).read_text(encoding="utf-8"))
        check(rec.get("action") == want, f"archive_fs record of {name}: action {rec.get('action')!r}, want {want}")


@test()
def actions_list_by_action_sqlite(ctx):
    if not have_sqlite(ctx):
        return
    write_config(ctx)
    ctx.start()
    ids = drop_three(ctx)
    ctx.wait(lambda: ctx.idle() and newsctl_json(ctx, "list", "--all")["total"] == 3, 30,
             "3 articles archived in archive_sqlite")
    by = lambda *a: {i["id"] for i in newsctl_json(ctx, "list", *a)["items"]}
    check(by("--action", "alert") == {ids["alert.txt"]}, "list --action alert")
    check(by("--action", "archive") == {ids["plain.txt"]}, "list --action archive")
    check(by("--action", "discard") == {ids["short.txt"]}, "list --action discard")
    check(by("--action", "nosuch") == set(), "list --action nosuch is not empty")
    # /status and /metrics count them by action
    st = newsctl_json(ctx, "status")
    check(st.get("actions") == {"alert": 1, "archive": 1, "discard": 1} or
          sorted((st.get("actions") or {}).items()) == [("alert", 1), ("archive", 1), ("discard", 1)],
          f"status actions: {st.get('actions')}")
    # the default listing hides discard; --all shows it
    check(by() == {ids["alert.txt"], ids["plain.txt"]}, f"default list: {by()}")
    check(by("--all") == set(ids.values()), "list --all")
    items = newsctl_json(ctx, "list", "--all")["items"]
    check(all(i.get("action") in ("alert", "archive", "discard") for i in items), f"list items: {items}")
    rec = newsctl_json(ctx, "show", ids["alert.txt"])
    check(rec.get("action") == "alert" and rec["score"]["total"] == 7.0, f"show: {rec.get('action')}")
    # the table has an ACTION column, and show says the action
    rc, out, _ = newsctl(ctx, "list", "--action", "alert")
    check(rc == 0 and "ACTION" in out and re.search(r"\balert\b", out), f"newsctl list table:\n{out}")
    rc, out, _ = newsctl(ctx, "show", ids["short.txt"])
    check(rc == 0 and "action discard" in out, f"newsctl show:\n{out}")
    # --action and --all are for list only; a bad value is a 400
    rc, _, err = newsctl(ctx, "list", "--action", "")
    check(rc == 1 and "action=" in err, f"list --action '': exit {rc}: {err}")


@test()
def actions_bad_config_names_file_and_line(ctx):
    conf = write_config(ctx, actions={"alert": "5", "archive": "0"})
    p = ctx.run_newsd(["--check-config", "-c", conf])
    err = p.stderr.decode()
    check(p.returncode == 1 and re.search(r"newsd\.ini:\d+: \[actions\] no action for a total under 0", err),
          f"missing catch-all: exit {p.returncode}: {err[-400:]}")
    conf = write_config(ctx, actions={"alert": "high", "archive": "-inf"})
    p = ctx.run_newsd(["--check-config", "-c", conf])
    err = p.stderr.decode()
    lines = conf.read_text().splitlines()
    line = lines.index("alert = high") + 1
    check(p.returncode == 1 and f"newsd.ini:{line}: [actions] alert = high" in err,
          f"bad threshold: exit {p.returncode}: {err[-400:]}")


BAD_RULES = [
    ("rule.AI_CHIPS", "topic:ai-chips, lots", "POINTS 'lots' is not a number"),
    ("watch.RIVALS", "2.5 Huawei", "':' and the watched names are missing"),
    ("fresh.NEW", "2, soon", "HALF_LIFE 'soon' is not a duration"),
    ("short.SHORT", "-4, 0", "WORDS '0' is not a whole number"),
    ("group.COMPANIES", "4 : RIVALS, NOPE", "no rule is named NOPE"),
]


@test()
def scorer_rule_errors_name_file_line_section_key(ctx):
    for key, value, why in BAD_RULES:
        rules = dict(RULES)
        rules[key] = value
        conf = write_config(ctx, rules=rules)
        line = conf.read_text().splitlines().index(f"{key} = {value}") + 1
        p = ctx.run_newsd(["--check-config", "-c", conf])
        err = p.stderr.decode()
        want = f"newsd.ini:{line}: [plugin.scorer] {key}: {why}"
        check(p.returncode == 1 and want in err, f"{key} = {value}: exit {p.returncode}, wanted {want!r} in: "
              f"{err[-500:]}")
        check("expected:" in err, f"{key}: the error does not say what is expected: {err[-300:]}")
    # a section without any rule, and a list file that is not there
    conf = write_config(ctx, rules={"so": "tag_scorer.so"})
    p = ctx.run_newsd(["--check-config", "-c", conf])
    err = p.stderr.decode()
    check(p.returncode == 1 and re.search(r"newsd\.ini:\d+: \[plugin\.scorer\]: no rules", err),
          f"no rules: exit {p.returncode}: {err[-400:]}")
    conf = write_config(ctx, rules=dict(RULES, **{"watchlist.gone": "gone.txt"}))
    p = ctx.run_newsd(["--check-config", "-c", conf])
    err = p.stderr.decode()
    check(p.returncode == 1 and "[plugin.scorer] watchlist.gone: " in err and "gone.txt: cannot open" in err,
          f"missing list file: exit {p.returncode}: {err[-400:]}")


@test()
def scorer_old_syntax_and_freshness(ctx):
    """tag_scorer's 0.3 syntax keeps working beside the new families, and
    freshness comes from the published date of a JSON article."""
    rules = {"so": "tag_scorer.so", "rule.AI_CHIPS": "topic:ai-chips, 3.0",
             "rule.CHIP_MAKERS": "entity:org/*, 0.5, 3.0", "fresh.FRESH": "2, 12h"}
    conf = write_config(ctx, rules=rules)
    now = time.time()
    pub = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 12 * 3600))
    art = {"title": "Huawei und TSMC", "body": "Ein KI-Chip von Huawei, gebaut bei TSMC.", "published": pub}
    (ctx.base / "fresh.json").write_text(json.dumps(art), encoding="utf-8")
    (rec,) = try_records(ctx, conf, ctx.base / "fresh.json")
    r = rules_of(rec)
    check(r["CHIP_MAKERS"]["points"] == 1.0 and r["CHIP_MAKERS"]["reason"] ==
          "2 tags match entity:org/*: Huawei, TSMC", f"CHIP_MAKERS: {r.get('CHIP_MAKERS')}")
    fresh = r.get("FRESH")
    check(fresh and 0.95 < fresh["points"] < 1.05 and "half-life 12.0 h" in fresh["reason"],
          f"FRESH after one half-life: {fresh}")


@test()
def scorer_watchlist_file_reloads(ctx):
    """watchlist.LIST = FILE beside the config: a saved change counts from
    the next article on, a broken save keeps the previous names and names
    the line, and the daemon keeps running."""
    lst = ctx.base / "rivals.txt"
    lst.write_text("# who we watch\nHuawei\n", encoding="utf-8")
    rules = {"so": "tag_scorer.so", "watchlist.rivals": "rivals.txt", "watch.RIVALS": "2 : @rivals"}
    write_config(ctx, archive="archive_fs.so", rules=rules)
    ctx.start()
    body = "Huawei und Nvidia stellen neue Chips vor. " * 10

    def scored(name, text):
        id_ = ctx.drop(name, small_article(name, text))
        ctx.wait_archived([id_])
        return rules_of(ctx.record(id_)).get("RIVALS")

    r = scored("one", body)
    check(r and r["points"] == 2.0 and r["reason"] == "1 watched entity: org/Huawei", f"first: {r}")
    tmp = ctx.base / "rivals.txt.new"
    tmp.write_text("Nvidia\nTSMC\n", encoding="utf-8")
    tmp.rename(lst)
    time.sleep(1.2)
    r = scored("two", body + " Zwei.")
    check(r and r["reason"] == "1 watched entity: org/Nvidia", f"after the change: {r}")
    ctx.wait(lambda: any("watchlist.rivals:" in l and "read again: 2 names" in l for l in ctx.daemon.log_lines()),
             5, "the log line of the list read again")
    tmp.write_bytes(b"Huawei\nBai\xffdu\n")
    tmp.rename(lst)
    time.sleep(1.2)
    r = scored("three", body + " Drei.")
    check(r and r["reason"] == "1 watched entity: org/Nvidia", f"after a broken save: {r}")
    ctx.wait(lambda: any("rivals.txt:2: not valid UTF-8" in l and "keeping the previous 2 names" in l
                         for l in ctx.daemon.log_lines()), 5, "the log line of the broken list")
    ctx.assert_alive("after a broken watch list")


@test()
def scorer_watchlist_reload_under_load(ctx):
    """The list file changes while two workers score a burst: every
    article is archived and scored by one list or the other, and nothing
    is left half-read (run it on build-tsan to check the locking)."""
    lst = ctx.base / "rivals.txt"
    lst.write_text("Huawei\n", encoding="utf-8")
    rules = {"so": "tag_scorer.so", "watchlist.rivals": "rivals.txt", "watch.RIVALS": "2 : @rivals, TSMC"}
    write_config(ctx, archive="archive_fs.so", rules=rules)
    ctx.start()
    ids = []
    for i in range(4):
        for k in range(50):
            ids.append(ctx.drop(f"load_{i}_{k}.txt",
                                small_article(f"Nummer {i} {k}", "Huawei, Nvidia und TSMC bauen Chips. " * 5)))
        tmp = ctx.base / "rivals.txt.new"
        tmp.write_text(("Nvidia\n" if i % 2 == 0 else "Huawei\n") * (1 + i), encoding="utf-8")
        tmp.rename(lst)
        time.sleep(0.4)
    ctx.wait_archived(ids, timeout=60)
    reasons = set()
    for id_ in ids:
        r = rules_of(ctx.record(id_)).get("RIVALS")
        check(r and r["points"] == 4.0, f"{id_}: RIVALS {r}")
        reasons.add(r["reason"])
    check(reasons <= {"2 watched entities: org/Huawei, org/TSMC", "2 watched entities: org/Nvidia, org/TSMC"},
          f"reasons: {reasons}")
    ctx.assert_alive("after reloading the list under load")
    check(not any("ThreadSanitizer" in l for l in ctx.daemon.log_lines()), "a ThreadSanitizer report")
