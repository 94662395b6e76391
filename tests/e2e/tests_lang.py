"""End-to-end tests of the bundled lang plugin (issue 8): the shipped
config/newsd.ini (lang first), real articles, records read back through
newsctl from archive_sqlite."""
import json
import subprocess

from __main__ import (BBC_DIR, GNAD_DIR, check, Fail, content_id,
                      shipped_config, small_article, test)


def show(ctx, id_):
    argv = [str(ctx.build / "newsctl" / "newsctl"), "-d", str(ctx.state), "--json", "show", id_]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"newsctl show {id_}: exit {p.returncode}: {p.stderr.strip()}")
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise Fail(f"newsctl show {id_}: not JSON ({e}): {p.stdout[:300]!r}")


def listed_ids(ctx, lang):
    argv = [str(ctx.build / "newsctl" / "newsctl"), "-d", str(ctx.state), "--json",
            "list", "--lang", lang]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"newsctl list --lang {lang}: exit {p.returncode}: {p.stderr.strip()}")
    return {a["id"] for a in json.loads(p.stdout)["items"]}


def wait_shown(ctx, ids, timeout=30):
    def there():
        argv = [str(ctx.build / "newsctl" / "newsctl"), "-d", str(ctx.state), "show"]
        return ctx.idle() and all(
            subprocess.run(argv + [i], capture_output=True, timeout=60).returncode == 0 for i in ids)
    ctx.wait(there, timeout, f"{len(ids)} article(s) archived and shown by newsctl", interval=0.2)


def lang_tags(rec):
    return {t["name"]: t for t in rec["tags"] if t["name"].startswith("lang:")}


@test()
def lang_default_config_sets_field_and_tag(ctx):
    """German and English corpus articles get lang de/en and the tag;
    a 20-character article gets lang:und and no lang."""
    ctx.start(shipped_config(ctx))
    de = (GNAD_DIR / "gnad_0001.txt").read_bytes()
    en = (BBC_DIR / "bbc_0001.txt").read_bytes()
    short = "Kurze Meldung heute.".encode()
    check(len(short.decode()) == 20, "the short article is 20 characters")
    ids = {"de": ctx.drop("de.txt", de), "en": ctx.drop("en.txt", en),
           "und": ctx.drop("short.txt", short)}
    wait_shown(ctx, ids.values())
    for lang in ("de", "en"):
        rec = show(ctx, ids[lang])
        check(rec["lang"] == lang, f"{lang} article: lang {rec['lang']!r}")
        tags = lang_tags(rec)
        check(list(tags) == [f"lang:{lang}"], f"{lang} article: lang tags {sorted(tags)}")
        t = tags[f"lang:{lang}"]
        check(t["plugin"] == "lang" and 0.6 <= t["weight"] <= 1.0, f"{lang} article: tag {t}")
        check(ids[lang] in listed_ids(ctx, lang), f"newsctl list --lang {lang} lacks the article")
    rec = show(ctx, ids["und"])
    check(rec["lang"] == "", f"short article: lang {rec['lang']!r}, expected ''")
    check(list(lang_tags(rec)) == ["lang:und"], f"short article: tags {rec['tags']}")


@test()
def lang_json_given_lang_kept_and_disagreement_logged(ctx):
    ctx.start(shipped_config(ctx))
    body = ("Die Bundesregierung hat am Mittwoch ein Gesetz zur Förderung erneuerbarer Energien "
            "beschlossen. Nach Angaben des Ministeriums sollen in den kommenden zehn Jahren "
            "zusätzliche Windparks an Land und auf See entstehen. Kritiker bemängeln, dass die "
            "Finanzierung noch nicht gesichert sei.")
    data = json.dumps({"title": "Neues Gesetz für Windparks", "body": body, "lang": "fr"},
                      ensure_ascii=False).encode()
    id_ = ctx.drop("given.json", data)
    wait_shown(ctx, [id_])
    rec = show(ctx, id_)
    check(rec["lang"] == "fr", f"lang {rec['lang']!r}, expected the given fr")
    tags = lang_tags(rec)
    check(list(tags) == ["lang:fr"] and tags["lang:fr"]["weight"] == 1.0, f"lang tags {tags}")
    ctx.wait_log(lambda l: ("notice" in l and "plugin lang" in l and id_ in l and "given.json" in l
                            and "says lang fr" in l and "reads de" in l),
                 10, "a notice naming the article that the identifier reads de, not fr")


@test()
def lang_bad_languages_key_refused(ctx):
    text = shipped_config(ctx).read_text(encoding="utf-8")
    text = text.replace("so = lang.so", "so = lang.so\nlanguages = de, klingonisch", 1)
    ctx.config_path.write_text(text, encoding="utf-8")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 1, f"exit {p.returncode}, expected 1; stderr: {err[-500:]}")
    check("languages" in err and "klingonisch" in err, f"stderr does not name key and value: {err[-500:]}")
