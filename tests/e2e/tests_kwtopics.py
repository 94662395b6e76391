"""End-to-end tests of keyword topics (issue 10): a [topic.NAME] section
tags topic:NAME with the capped sum of the weights of the words found,
through the daemon and newsd --try; a broken weight is refused with its
file and line by --check-config, at start and at a reload (the daemon
keeps its old configuration and runs on).

Loaded by run.py; every test here is named kwtopics_*.
"""

import json
import signal

from __main__ import test, check, DEFAULT_PLUGINS, SAMPLE, small_article, shipped_config, normal_article_after

TOPIC = """
[topic.zebra]
words = Zebrafant 0.7, Streifenhorn 0.5,
  Nashornzebra, Gnu Herde 0.4
max = 1.5
"""


def topic_config(ctx, topic=TOPIC):
    """The default plugins plus topic; returns the file and the line of its
    first key (words)."""
    text = ctx.config_text(DEFAULT_PLUGINS)
    ctx.config_path.write_text(text + topic, encoding="utf-8")
    lines = (text + topic).split("\n")
    return ctx.config_path, lines.index("[topic.zebra]") + 2


def zebra_tag(rec):
    tags = [t for t in rec.get("tags") or [] if t.get("name") == "topic:zebra"]
    check(len(tags) <= 1, f"topic:zebra twice: {tags}")
    return tags[0] if tags else None


@test()
def kwtopics_section_tags_with_weights(ctx):
    """Two words give their sum (a compound finds its first word), three
    the cap, a word inside another word nothing; the tag is the instance
    topic.zebra's."""
    topic_config(ctx)
    ctx.start()
    two = ctx.drop("two.txt", small_article("Zebrafanten gesichtet",
                                            "Im Zoo lebt ein Streifenhorn neben dem Gehege."))
    three = ctx.drop("three.txt", small_article("Zebrafant und Nashornzebra",
                                                "Ein Streifenhorn zog mit der Gnu Herde weiter."))
    none = ctx.drop("none.txt", small_article("Kein Tier hier", "Ein Superzebrafantenbild ohne Tiere, Gnu. Herde."))
    ctx.wait_archived([two, three, none])
    t = zebra_tag(ctx.record(two))
    check(t is not None and abs(t["weight"] - 1.2) < 1e-9 and t.get("plugin") == "topic.zebra",
          f"two words: {t}")
    t = zebra_tag(ctx.record(three))
    check(t is not None and abs(t["weight"] - 1.5) < 1e-9, f"four words, capped at 1.5: {t}")
    check(zebra_tag(ctx.record(none)) is None, f"no whole word: {ctx.record(none).get('tags')}")
    ctx.assert_alive()


@test()
def kwtopics_try_and_min(ctx):
    """newsd --try shows the topic; min keeps a lone weak word from
    tagging."""
    cfg, _ = topic_config(ctx, TOPIC + "min = 0.6\n")
    art = ctx.base / "a.txt"
    art.write_bytes(small_article("Streifenhorn", "Nur ein Streifenhorn, sonst nichts."))
    strong = ctx.base / "b.txt"
    strong.write_bytes(small_article("Zebrafant", "Ein Zebrafant."))
    p = ctx.run_newsd(["--try", art, strong, "-c", cfg])
    check(p.returncode == 0, f"--try: exit {p.returncode}: {p.stderr.decode()[-600:]}")
    recs = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]
    check(len(recs) == 2, f"--try gave {len(recs)} records")
    check(zebra_tag(recs[0]) is None, f"0.5 < min 0.6 tagged: {zebra_tag(recs[0])}")
    t = zebra_tag(recs[1])
    check(t is not None and abs(t["weight"] - 0.7) < 1e-9, f"Zebrafant alone: {t}")


@test()
def kwtopics_lang_limits_articles(ctx):
    """lang = en: a German article (its lang field) is not looked at, an
    English one (en-GB) is; without a language neither is."""
    cfg, _ = topic_config(ctx, TOPIC + "lang = en\n")
    arts = []
    for name, lang in (("de.json", "de"), ("en.json", "en-GB"), ("none.json", None)):
        art = {"title": "Zebrafant", "body": "Ein Zebrafant und ein Streifenhorn."}
        if lang:
            art["lang"] = lang
        path = ctx.base / name
        path.write_text(json.dumps(art), encoding="utf-8")
        arts.append(path)
    p = ctx.run_newsd(["--try"] + arts + ["-c", cfg])
    check(p.returncode == 0, f"--try: exit {p.returncode}: {p.stderr.decode()[-600:]}")
    recs = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]
    got = [zebra_tag(r) is not None for r in recs]
    check(got == [False, True, False], f"tagged (de, en-GB, none): {got}")


@test()
def kwtopics_shipped_sample_still_alerts(ctx):
    """config/newsd.ini's [topic.ai-chips] gives the sample topic:ai-chips
    1.0 (its cap), so rule.AI_CHIPS 3 points and the action alert."""
    cfg = shipped_config(ctx)
    p = ctx.run_newsd(["--try", SAMPLE, "-c", cfg])
    check(p.returncode == 0, f"--try: exit {p.returncode}: {p.stderr.decode()[-600:]}")
    rec = json.loads(p.stdout.decode("utf-8"))  # one file: one (indented) record
    tags = {t["name"]: t for t in rec.get("tags") or []}
    t = tags.get("topic:ai-chips")
    check(t is not None and t["weight"] == 1.0 and t.get("plugin") == "topic.ai-chips", f"topic:ai-chips: {t}")
    rules = {r["rule"]: r["points"] for r in rec["score"]["rules"]}
    check(rules.get("AI_CHIPS") == 3.0, f"AI_CHIPS: {rules}")
    check(rec.get("action") == "alert", f"action {rec.get('action')}, total {rec['score']['total']}")


BROKEN = [
    ("Zebrafant 1,5", "words: '5' is a weight without a word (a decimal comma? write 2.5)"),
    ("Zebrafant 2x", "words: 'Zebrafant 2x': the weight '2x' is not a number"),
    ("Zebrafant 0", "words: 'Zebrafant 0': the weight 0 is 0"),
    ("Zebrafant 1, Zebrafant 2", "words: 'Zebrafant' is listed twice"),
]


@test()
def kwtopics_broken_weight_refused_with_file_line(ctx):
    for words, what in BROKEN:
        cfg, line = topic_config(ctx, f"\n[topic.zebra]\nwords = {words}\n")
        p = ctx.run_newsd(["--check-config", "-c", cfg])
        err = p.stderr.decode("utf-8", "replace").strip()
        last = err.splitlines()[-1] if err else ""
        want = f"{cfg}:{line}: [topic.zebra] {what}"
        check(p.returncode == 1 and want in last, f"{words!r}: exit {p.returncode}, want {want!r} in {last!r}")
    # The same at start: newsd does not start.
    cfg, line = topic_config(ctx, "\n[topic.zebra]\nwords = Zebrafant 2x\n")
    d = ctx.start(wait_ready=False)
    rc = d.wait_exit(15)
    check(rc != 0, "newsd started with a broken weight")
    check(any(f"{cfg}:{line}: [topic.zebra] words:" in l for l in d.log_lines()),
          f"the start-up error does not name {cfg}:{line}")
    # A section key that would make it another plugin.
    cfg, line = topic_config(ctx, "\n[topic.zebra]\nwords = Zebrafant\nso = archive_fs.so\n")
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    check(p.returncode == 1 and f"{cfg}:{line + 1}: [topic.zebra] so:" in p.stderr.decode("utf-8", "replace"),
          f"so in a topic: {p.stderr.decode()[-400:]}")


@test()
def kwtopics_reload_with_broken_weight_keeps_running(ctx):
    """A SIGHUP to a config whose topic has a broken weight is refused
    (logged with file and line); the old topic goes on tagging."""
    topic_config(ctx)
    d = ctx.start()
    cfg, line = topic_config(ctx, TOPIC.replace("Zebrafant 0.7", "Zebrafant 0.7x"))
    since = ctx.log_size()
    d.signal(signal.SIGHUP)
    ctx.wait_log(lambda l: f"{cfg}:{line}: [topic.zebra] words:" in l and "0.7x" in l, 10,
                 "the refused reload's file:line", since=since)
    ctx.assert_alive("after a SIGHUP with a broken weight")
    id_ = ctx.drop("after.txt", small_article("Zebrafant", "Ein Zebrafant im Zoo."))
    ctx.wait_archived([id_])
    t = zebra_tag(ctx.record(id_))
    check(t is not None and abs(t["weight"] - 0.7) < 1e-9, f"the old topic after the refused reload: {t}")
    normal_article_after(ctx)
