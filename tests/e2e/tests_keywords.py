"""End-to-end tests of the bundled keywords plugin (issue 8): loaded by run.py."""

import json
import re

from __main__ import test, check, SAMPLE, shipped_config, small_article


def default_config(ctx):
    """The bundled config/newsd.ini (run.py's shipped_config()): the plugins
    and their order exactly as shipped."""
    path = shipped_config(ctx)
    check("keywords.so" in path.read_text(encoding="utf-8"), "config/newsd.ini does not load keywords.so")
    return path


def try_record(ctx, conf, path):
    p = ctx.run_newsd(["--try", str(path), "-c", str(conf), "--log-level", "warning"])
    check(p.returncode == 0, f"newsd --try {path} exited {p.returncode}: {p.stderr.decode()[-600:]}")
    return json.loads(p.stdout)


def keywords(rec):
    """{keyword: weight} of the record's keyword: tags, checking their form."""
    out = {}
    for t in rec.get("tags") or []:
        if t["name"].startswith("keyword:"):
            check(t["plugin"] == "keywords", f"keyword tag set by {t['plugin']}: {t}")
            check(0 < t["weight"] <= 1, f"keyword weight out of (0, 1]: {t}")
            out[t["name"][len("keyword:"):]] = t["weight"]
    return out


def has(kws, word):
    return any(word.casefold() in k.casefold() for k in kws)


# A few of the words a German stop-word list has: no keyword starts or ends
# with one.
GERMAN_STOP = {"der", "die", "das", "und", "in", "von", "zu", "mit", "den", "des", "im", "für",
               "auf", "ist", "ein", "eine", "einer", "sich", "an", "als", "bei", "um", "aber"}
ENGLISH_STOP = {"the", "a", "an", "of", "and", "in", "to", "for", "on", "is", "was", "its",
                "it", "by", "with", "at", "that", "this", "has", "have", "but", "from", "he", "she"}


def check_edges(kws, stop):
    for k in kws:
        words = k.split(" ")
        check(words[0].casefold() not in stop and words[-1].casefold() not in stop,
              f"keyword {k!r} starts or ends with a stop word: {sorted(kws)}")
        check(not re.fullmatch(r"[\d\W]+", words[0]) and not re.fullmatch(r"[\d\W]+", words[-1]),
              f"keyword {k!r} starts or ends with a number or punctuation: {sorted(kws)}")


@test()
def keywords_sample_with_default_config(ctx):
    conf = default_config(ctx)
    kws = keywords(try_record(ctx, conf, SAMPLE))
    check(3 <= len(kws) <= 10, f"{len(kws)} keywords: {kws}")
    # The kinds of terms a reader names for the article: the chip makers,
    # the profitability target, the trade restrictions.
    for word in ("Chiphersteller", "Rentabilität", "Handelsbeschränkungen"):
        check(has(kws, word), f"no keyword with {word}: {kws}")
    # Nothing of the comment form under the article.
    for word in ("Hinterlasse", "Antwort", "Email", "Adresse", "veröffentlicht", "Deine"):
        check(not has(kws, word), f"footer word {word} among the keywords: {kws}")
    check_edges(kws, GERMAN_STOP)
    # Variants of one stem are one keyword.
    check(not (has(kws, "Chipherstellern") and "Chiphersteller" in kws), f"stem variants twice: {kws}")
    check(max(kws.values()) == 1.0, f"the best keyword weighs {max(kws.values())}, not 1.0")


# Written for this test (not a corpus text): a BBC-style business story.
ENGLISH_TITLE = "Shipping firms warn of rising freight costs"
ENGLISH_BODY = """\
Container shipping companies have warned that freight costs will keep rising this year, as \
congestion at Asian ports and a shortage of vessels push up prices for importers.

Maersk, the world's second-largest container line, said freight rates on routes between China \
and Europe had doubled since January. The company said congestion at ports in Shanghai and \
Singapore meant ships were waiting up to a week to unload.

Importers in the UK said higher freight costs were already feeding into shop prices. The British \
Retail Consortium said retailers could not absorb the extra shipping costs for long.

Analysts expect container freight rates to stay high until new vessels enter service next year. \
"The shortage of container ships is the real problem," said one shipping analyst. "Until the \
congestion clears, importers will pay more."

Shares in shipping companies rose on the news, while retailers' shares fell.
"""


@test()
def keywords_english_article(ctx):
    conf = default_config(ctx)
    path = ctx.base / "shipping.txt"
    path.write_bytes(small_article(ENGLISH_TITLE, ENGLISH_BODY))
    rec = try_record(ctx, conf, path)
    kws = keywords(rec)
    check(3 <= len(kws) <= 10, f"{len(kws)} keywords: {kws}")
    for word in ("freight", "shipping", "congestion"):
        check(has(kws, word), f"no keyword with {word}: {kws}")
    check_edges(kws, ENGLISH_STOP)
    # "costs" and "cost", "rates" and "rate": one keyword each.
    lower = [k.casefold() for k in kws]
    check(len(lower) == len(set(lower)), f"a keyword twice: {kws}")


@test()
def keywords_archived_by_daemon(ctx):
    """Dropped into a running daemon, the keyword tags reach the archive
    (the article says its language, so no lang plugin is needed)."""
    ctx.write_config(ctx.plugins_with(("keywords", {"so": "keywords.so", "max": "5", "max_words": "2"})))
    ctx.start()
    # Forty at once, so that both workers run the plugin side by side.
    ids = []
    for i in range(40):
        article = {"title": ENGLISH_TITLE, "body": ENGLISH_BODY + f"\nReport number {i}.\n", "lang": "en"}
        ids.append(ctx.drop(f"shipping{i:02d}.json", json.dumps(article).encode()))
    ctx.wait_archived(ids)
    first = None
    for id_ in ids:
        tags = [t for t in ctx.record(id_)["tags"] if t["name"].startswith("keyword:")]
        check(1 <= len(tags) <= 5, f"max = 5 not kept: {tags}")
        check(all(len(t["name"].split(" ")) <= 2 for t in tags), f"max_words = 2 not kept: {tags}")
        names = [t["name"] for t in tags]
        first = first or names
        check(names == first, f"the same text, other keywords: {names} / {first}")


@test()
def keywords_empty_body(ctx):
    """No body to take keywords from: no keyword tags, and no failure."""
    conf = default_config(ctx)
    articles = {
        "empty.json": {"title": "Kurzmeldung aus Berlin", "body": "", "lang": "de"},
        "blank.json": {"title": "Breaking news", "body": " \n\n ", "lang": "en"},
        "numbers.json": {"title": "Zahlen", "body": "2024 – 3,7 % – 12.000", "lang": "de"},
    }
    for name, article in articles.items():
        path = ctx.base / name
        path.write_text(json.dumps(article), encoding="utf-8")
        p = ctx.run_newsd(["--try", str(path), "-c", str(conf), "--log-level", "warning"])
        check(p.returncode == 0, f"newsd --try {name} exited {p.returncode}: {p.stderr.decode()[-600:]}")
        check(b"plugin keywords" not in p.stderr, f"the keywords plugin complained: {p.stderr.decode()[-600:]}")
        rec = json.loads(p.stdout)
        check(not keywords(rec), f"{name} got keywords: {rec.get('tags')}")


@test()
def keywords_bad_config_refused(ctx):
    for key, value in (("max", "0"), ("max_words", "9"), ("min_weight", "1.5"), ("min_weight", "x"),
                       ("max_word", "2")):
        ctx.write_config(ctx.plugins_with(("keywords", {"so": "keywords.so", key: value})))
        p = ctx.run_newsd(["--check-config", "-c", str(ctx.config_path)])
        check(p.returncode != 0, f"{key} = {value} accepted")
        check(key.encode() in p.stderr, f"{key} = {value}: the error does not name the key: {p.stderr[-400:]}")


@test()
def keywords_need_a_language(ctx):
    """Without a language (no lang plugin, none given) there are no stop
    words, and the plugin tags nothing rather than "the" and "and"."""
    ctx.write_config(ctx.plugins_with(("keywords", {"so": "keywords.so"})))
    ctx.start()
    id_ = ctx.drop("shipping.txt", small_article(ENGLISH_TITLE, ENGLISH_BODY))
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(rec.get("lang") in ("", None), f"the article has a language: {rec.get('lang')!r}")
    check(not keywords(rec), f"keywords without a language: {keywords(rec)}")
