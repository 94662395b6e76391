"""End-to-end tests of the entities plugin (issue 8): loaded by run.py."""

import re
import signal
import time

from __main__ import (test, check, SAMPLE, shipped_config, small_article, tag_names)

SAMPLE_ENTITIES = [
    "entity:org/SenseTime", "entity:org/Huawei", "entity:org/Shanghai Biren", "entity:org/Nvidia",
    "entity:org/Moore Threads", "entity:org/Baidu", "entity:org/Naura", "entity:org/UBS",
    "entity:person/Xu Bing", "entity:person/Li Qiang", "entity:place/China", "entity:place/Hongkong",
    "entity:place/Asien",
]
FOOTER_WORDS = ("hinterlasse", "antwort", "email", "adresse", "deine")

ENGLISH = small_article(
    "Nvidia beats forecasts as demand for AI chips keeps growing",
    "Nvidia reported quarterly revenue of $35 billion on Wednesday, ahead of analysts' estimates. "
    "Chief executive Jensen Huang said demand for the new chips was strong and that supply would "
    "stay tight well into next year.\n\n"
    "The company said sales in China fell sharply after Washington tightened export rules. "
    "Chief financial officer Colette Kress told analysts that Chinese revenue was now a small share "
    "of the total. Rivals Advanced Micro Devices and Intel Corp. have struggled to win market share.")


def entity_tags(rec):
    return {n for n in tag_names(rec) if n.startswith("entity:")}


@test()
def entities_sample_default_config(ctx):
    ctx.start(shipped_config(ctx, archive_fs=True))
    id_ = ctx.drop(SAMPLE.name, SAMPLE.read_bytes())
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    tags = entity_tags(rec)
    missing = [t for t in SAMPLE_ENTITIES if t not in tags]
    check(not missing, f"missing {missing}; found {sorted(tags)}")
    check(tags & {"entity:place/USA", "entity:place/Vereinigte Staaten"}, f"no USA: {sorted(tags)}")
    footer = [t for t in tags if any(w in t.lower() for w in FOOTER_WORDS)]
    check(not footer, f"footer words tagged: {footer}")
    check("CHIP_MAKERS" in {r["rule"] for r in rec["score"]["rules"]}, f"rules {rec['score']['rules']}")


@test()
def entities_english_article(ctx):
    ctx.write_config([("lang", {"so": "lang.so"}), ("entities", {"so": "entities.so"}),
                      ("archive", {"so": "archive_fs.so"})])
    ctx.start()
    id_ = ctx.drop("nvidia.txt", ENGLISH)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    tags = {t["name"]: t for t in rec["tags"]}
    want = ["entity:org/Nvidia", "entity:person/Jensen Huang", "entity:place/China",
            "entity:place/Washington", "entity:org/AMD", "entity:org/Intel"]
    missing = [t for t in want if t not in tags]
    check(not missing, f"missing {missing}; found {sorted(entity_tags(rec))}")
    check(tags["entity:org/Nvidia"]["weight"] == 1.0 and tags["entity:org/Nvidia"]["plugin"] == "entities",
          f"gazetteer hit {tags['entity:org/Nvidia']}")
    found = tags.get("entity:person/Colette Kress")
    check(found and found["weight"] < 1.0, f"the heuristic find Colette Kress: {sorted(entity_tags(rec))}")
    # "Intel Corp." is Intel, not a second organisation "Intel Corp."
    check(not [t for t in tags if "Corp" in t], f"legal form in a name: {sorted(entity_tags(rec))}")


PREMIERE = small_article(
    "Film stars gather in London for a premiere",
    "The premiere was held in London's Leicester Square on Thursday. The film stars the actors "
    "Bob Hoskins and Brenda Blethyn, who spoke to reporters from the BBC's arts desk before the "
    "screening. According to the Guardian, the production cost twenty million pounds and took "
    "three years to finish. Hoskins said he was proud of the result and thanked the crew.")


@test()
def entities_given_names_and_possessives(ctx):
    """People by their given names (the bundled given_names.txt), a place
    and an organisation before an English possessive, "the Guardian" for
    The Guardian; without the given names the heuristics say so in the
    log and find the people by their other cues only."""
    ctx.write_config([("lang", {"so": "lang.so"}), ("entities", {"so": "entities.so"}),
                      ("archive", {"so": "archive_fs.so"})])
    ctx.start()
    id_ = ctx.drop("premiere.txt", PREMIERE)
    ctx.wait_archived([id_])
    tags = entity_tags(ctx.record(id_))
    # Leicester Square is a square (a place, since 0.8.15), no person's
    # name and no town of Leicester.
    want = ["entity:person/Bob Hoskins", "entity:person/Brenda Blethyn", "entity:place/London",
            "entity:org/BBC", "entity:org/The Guardian", "entity:place/Leicester Square"]
    missing = [t for t in want if t not in tags]
    check(not missing, f"missing {missing}; found {sorted(tags)}")
    check(not [t for t in tags if "Leicester" in t and t != "entity:place/Leicester Square"],
          f"Leicester Square read as a name: {sorted(tags)}")
    # The generated lists: states (subdivisions.tsv: Austria's, a US
    # state, an Italian region by its German name), a city of GeoNames'
    # (cities.tsv), a German given name.
    id_ = ctx.drop("land.txt", small_article(
        "Neue Windparks im Burgenland",
        "Das Land Burgenland will bis zum Jahr 2030 deutlich mehr Strom aus Wind erzeugen als bisher. "
        "Der Projektleiter Jörg Albrecht erklärte am Montag, die ersten Anlagen stünden bald. "
        "Auch in Kärnten und in Duisburg wird über neue Anlagen dieser Art gesprochen. "
        "Ähnliche Pläne haben die Lombardei und der Bundesstaat Kentucky vorgelegt."))
    ctx.wait_archived([id_])
    tags = entity_tags(ctx.record(id_))
    want = ["entity:place/Burgenland", "entity:place/Kärnten", "entity:place/Duisburg",
            "entity:person/Jörg Albrecht", "entity:place/Lombardei", "entity:place/Kentucky"]
    missing = [t for t in want if t not in tags]
    check(not missing, f"German article: missing {missing}; found {sorted(tags)}")
    # English short forms faker lacks (Matt, Phil); "Rob", also a word,
    # before a name word only.
    id_ = ctx.drop("awards.txt", small_article(
        "Games awards handed out",
        "The prize for the best game was presented by the comedian Matt Zorblax on Monday night. "
        "The former player Phil Quennell and the singer Rob Zorbington were also at the event. "
        "Rob Power was the name of the band that played at the end of the long evening."))
    ctx.wait_archived([id_])
    tags = entity_tags(ctx.record(id_))
    want = ["entity:person/Matt Zorblax", "entity:person/Phil Quennell", "entity:person/Rob Zorbington"]
    missing = [t for t in want if t not in tags]
    check(not missing and "entity:person/Rob Power" not in tags,
          f"short given names: missing {missing}; found {sorted(tags)}")
    # A given name that is an English word only is a plain one in German
    # text (the bundled list marks "peter" "word en"); one that ngerman
    # has as a noun stays a word ("Iris").
    id_ = ctx.drop("vorstand.txt", small_article(
        "Neuer Vorstand gewählt",
        "Neu im Vorstand der Partei ist zum ersten Mal Landesgeschäftsführer Peter Binder aus Linz. "
        "Die Sicherheitsfirma stellte am Montag in Wien einen neuen Iris Scanner für Flughäfen vor. "
        "Die Wahl fand am Wochenende statt, die Delegierten stimmten mit großer Mehrheit zu."))
    ctx.wait_archived([id_])
    tags = entity_tags(ctx.record(id_))
    check("entity:person/Peter Binder" in tags and not [t for t in tags if "Iris" in t],
          f"given names in German text: found {sorted(tags)}")
    ctx.daemon.signal(signal.SIGTERM)
    ctx.daemon.wait_exit(20)

    missing_list = ctx.base / "no-such-given-names.txt"
    ctx.write_config([("lang", {"so": "lang.so"}),
                      ("entities", {"so": "entities.so", "given_names": str(missing_list)}),
                      ("archive", {"so": "archive_fs.so"})])
    size = ctx.log_size()
    ctx.start()
    ctx.wait_log(lambda l: "given names:" in l and str(missing_list) in l and "cannot open" in l, 10,
                 "the missing given names' list named", since=size)
    id_ = ctx.drop("premiere2.txt", PREMIERE.replace(b"Thursday", b"Friday"))
    ctx.wait_archived([id_])
    tags = entity_tags(ctx.record(id_))
    check("entity:person/Brenda Blethyn" not in tags and "entity:place/London" in tags,
          f"without given names: {sorted(tags)}")


FOOTBALL = small_article(
    "Newcastle edge past Sunderland",
    "Newcastle beat Sunderland 2-1 in the Premiership on Saturday. Their striker scored twice before "
    "half-time, and the goalkeeper saved a late penalty. The match in Sunderland was watched by "
    "40,000 fans. Zorbleton also won their league match, 3-0 at home, and Quuxers lost to them. "
    "Their new striker, who has 20 caps for Wales, joined from a club in Spain, QUUXPOST reported.\n\n"
    "Newcastle: Givorn, Traxley, Pomfrett (Dulwick 71), Ashbery, Kellerby. Subs: Ormsdale, Fennick.")
BUSES = small_article(
    "New buses for the north east",
    "Newcastle and Sunderland will share a new fleet of electric buses from next year, the councils "
    "said on Monday. Zorbleton joins the scheme in the spring, according to the transport authority. "
    "Quuxers were first to say yes. The buses are built in Wales, and the Quuxpost liked them.")


@test()
def entities_sports_clubs(ctx):
    """In a sports report a town's name is its club: an organisation, not
    a place, unless "in" comes before it.  A town of the user's list
    marked "#!cue town" needs no cue there, and elsewhere still does; an
    alias marked "#!sport" counts there only; with line_ups = true the
    line-up's players are people, by default they are no one; a country
    (bundled, marked "#!nation") is the national team there and no place,
    unless "in" comes before it; an alias marked "#!caps" counts only in
    capitals.  An unknown mark is a config error that names the line."""
    towns = ctx.base / "towns.tsv"
    write_atomically(towns, "#!cue town\nplace\tZorbleton\n#!sport\norg\tQuuxton Athletic\tQuuxers\n"
                            "#!caps\norg\tQuux Gazette\tQUUXPOST\n")

    def config(**more):
        ctx.write_config([("lang", {"so": "lang.so"}),
                          ("entities", {"so": "entities.so", "user_gazetteer": str(towns), **more}),
                          ("archive", {"so": "archive_fs.so"})])

    players = ["entity:person/" + p for p in
               ("Givorn", "Traxley", "Pomfrett", "Dulwick", "Ashbery", "Kellerby", "Ormsdale", "Fennick")]
    config(line_ups="true")
    ctx.start()
    sport, buses = ctx.drop("football.txt", FOOTBALL), ctx.drop("buses.txt", BUSES)
    ctx.wait_archived([sport, buses])
    tags = entity_tags(ctx.record(sport))
    want = ["entity:org/Newcastle", "entity:org/Sunderland", "entity:place/Sunderland", "entity:org/Zorbleton",
            "entity:org/Quuxton Athletic", "entity:place/Spain", "entity:org/Quux Gazette"] + players
    missing = [t for t in want if t not in tags]
    check(not missing and "entity:place/Newcastle" not in tags and "entity:place/Wales" not in tags,
          f"sports report: missing {missing}; found {sorted(tags)}")
    tags = entity_tags(ctx.record(buses))
    check({"entity:place/Newcastle", "entity:place/Sunderland", "entity:place/Wales"} <= tags and
          not [t for t in tags if t.startswith("entity:org/") and ("Newcastle" in t or "Sunderland" in t)] and
          not [t for t in tags if "Zorbleton" in t or "Quux" in t], f"other article: {sorted(tags)}")
    ctx.daemon.signal(signal.SIGTERM)
    ctx.daemon.wait_exit(20)

    config()
    ctx.start()
    again = ctx.drop("football-again.txt", FOOTBALL.replace(b"edge past", b"edge by"))
    ctx.wait_archived([again])
    tags = entity_tags(ctx.record(again))
    check("entity:org/Newcastle" in tags and not [p for p in players if p in tags],
          f"sports report, line_ups unset: {sorted(tags)}")
    ctx.daemon.signal(signal.SIGTERM)
    ctx.daemon.wait_exit(20)

    write_atomically(towns, "place\tLeeds\n#!cue villages\nplace\tZorbleton\n")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1 and f'{towns}:2: unknown mark "villages"' in err, f"exit {p.returncode}; stderr {err[-400:]}")


def user_gazetteer_config(ctx, text):
    path = ctx.base / "user.tsv"
    write_atomically(path, text)
    ctx.write_config([("entities", {"so": "entities.so", "gazetteer": "countries.tsv",
                                    "user_gazetteer": str(path), "heuristics": "false"}),
                      ("archive", {"so": "archive_fs.so"})])
    return path


def write_atomically(path, text):
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    tmp.rename(path)


def tagged(ctx, name, text):
    id_ = ctx.drop(name, small_article("Zorblax news", text))
    ctx.wait_archived([id_])
    return entity_tags(ctx.record(id_))


@test()
def entities_gazetteer_edit_while_running(ctx):
    path = user_gazetteer_config(ctx, "org\tAcme Rockets\n")
    ctx.start()
    text = "Zorblax Dynamics and Acme Rockets signed a deal with Quux Labs in France on {n}."
    tags = tagged(ctx, "a1.txt", text.format(n=1))
    check(tags == {"entity:org/Acme Rockets", "entity:place/France"}, f"before the edit: {sorted(tags)}")

    # A good edit: new entities are tagged on the next article.
    size = ctx.log_size()
    time.sleep(1.1)   # the files are checked at most once a second
    write_atomically(path, "org\tAcme Rockets\norg\tZorblax Dynamics\tZorblax\n")
    ctx.drop("nudge1.txt", small_article("nudge", "Nothing here 1."))
    ctx.wait_log(lambda l: "gazetteer reloaded" in l, 10, "'gazetteer reloaded'", since=size)
    tags = tagged(ctx, "a2.txt", text.format(n=2))
    check("entity:org/Zorblax Dynamics" in tags, f"after the edit: {sorted(tags)}")

    # A broken edit: logged with file and line, the previous list stays.
    size = ctx.log_size()
    time.sleep(1.1)
    write_atomically(path, "org\tAcme Rockets\norg\tZorblax Dynamics\norg\tQuux Labs\nbrand\tBroken\n")
    ctx.drop("nudge2.txt", small_article("nudge", "Nothing here 2."))
    ctx.wait_log(lambda l: f"{path}:4:" in l and "previous list" in l and "brand" in l, 10,
                 "the broken line named", since=size)
    tags = tagged(ctx, "a3.txt", text.format(n=3))
    check("entity:org/Zorblax Dynamics" in tags and "entity:org/Quux Labs" not in tags,
          f"after the broken edit: {sorted(tags)}")
    ctx.assert_alive("after a broken gazetteer")


@test()
def entities_broken_gazetteer_at_start(ctx):
    path = user_gazetteer_config(ctx, "org\tAcme\nperson\n")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1, f"exit {p.returncode}; stderr {err[-400:]}")
    check(f"{path}:2: no name" in err, f"stderr does not name the line: {err[-400:]}")


@test()
def entities_languages_built_at_start(ctx):
    """The matchers of `languages` are built before ready (the log says so
    and how long it took); none leaves every language to its first
    article, which is still tagged; a wrong code is a config error."""
    def config(languages):
        kv = {"so": "entities.so", "gazetteer": "countries.tsv", "heuristics": "false"}
        if languages is not None:
            kv["languages"] = languages
        ctx.write_config([("entities", kv), ("archive", {"so": "archive_fs.so"})])

    config("german")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1 and "languages" in err and '"german" is not a language code' in err,
          f"exit {p.returncode}; stderr {err[-400:]}")

    config(None)
    d = ctx.start()
    ctx.wait_log(lambda l: re.search(r"matchers for de, en built in \d+ ms", l), 10, "the default languages built")
    d.signal(signal.SIGTERM)
    check(d.wait_exit(15) == 0, "newsd did not stop cleanly")

    config("none")
    size = ctx.log_size()
    ctx.start()
    ctx.wait_log(lambda l: "no matcher built at start (languages = none)" in l, 10, "no language built at start",
                 since=size)
    id_ = ctx.drop("fr.txt", small_article("Paris", "Le gouvernement de la France a annoncé un plan pour l'Allemagne."))
    ctx.wait_archived([id_])
    tags = entity_tags(ctx.record(id_))
    check({"entity:place/France", "entity:place/Germany"} & tags, f"built on first use: {sorted(tags)}")
