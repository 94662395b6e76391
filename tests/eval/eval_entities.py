#!/usr/bin/env python3
"""Quality of the entities plugin (issue 8): precision and recall per type on
the annotated articles in tests/eval/entities/, the sample article's
entities, and what is found in a few corpus articles (for a human look).

  python3 tests/eval/eval_entities.py [--build-dir build] [--lang-so PATH]

Each NAME.txt in tests/eval/entities/ has NAME.entities.tsv: TYPE<TAB>NAME
lines (org, person, place), where NAME may list spellings that are all
right as A|B.  A found entity counts when its type and name (ignoring case)
are one of an annotation's; every other entity:org/person/place tag of the
article is a false positive.

The held-out sets: tests/eval/entities-heldout/ (A) and
tests/eval/entities-heldout-b/ to -u/ (B to U) have annotations only
(gnad_NNNN.entities.tsv, bbc_NNNN.entities.tsv, same format) of real
articles of ../shared/corpus/ (10kgnad-de, bbc-news-en; sets M and N also
shub_*.entities.tsv for scrapinghub-aeb-html/*.gold.txt and
trafde_NNN.entities.tsv for trafilatura-eval-de-html/*.html, read as HTML),
annotated blind (without a look at the plugin's output): their figures are
what a user's articles should expect.  See their README.md.

Targets: precision >= 0.9 and recall >= 0.8 for each type, on the written
articles and on the held-out ones; every entity of the sample found, and
nothing from its footer.
"""
import argparse
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = ("org", "person", "place")
TARGET_P, TARGET_R = 0.9, 0.8
SAMPLE = os.path.join(evallib.ROOT, "..", "shared", "samples", "000_115dcddbce64b551.txt")
SAMPLE_WANT = [("org", "SenseTime"), ("org", "Huawei"), ("org", "Shanghai Biren"), ("org", "Nvidia"),
               ("org", "Moore Threads"), ("org", "Baidu"), ("org", "Naura"), ("org", "UBS"),
               ("person", "Xu Bing"), ("person", "Li Qiang"), ("place", "China"), ("place", "Hongkong"),
               ("place", "USA|Vereinigte Staaten"), ("place", "Asien")]
# Words of the sample's footer (the comment form) that must give no tag.
FOOTER_WORDS = ("hinterlasse", "antwort", "email", "adresse", "deine", "veröffentlicht")
CORPUS_LOOK = [("10kgnad-de", 5), ("bbc-news-en", 5)]
# A held-out file's name prefix: the corpus folder and the ending of the
# article it annotates.  trafde pages are read as HTML, through newsd's own
# extraction, as a user's pages would be.
HELDOUT_DIRS = {"gnad": ("10kgnad-de", ".txt"), "bbc": ("bbc-news-en", ".txt"),
                "shub": ("scrapinghub-aeb-html", ".gold.txt"), "trafde": ("trafilatura-eval-de-html", ".html")}
# The held-out sets: folder, name in the output.
HELDOUT_SETS = [("entities-heldout", "A"), ("entities-heldout-b", "B"), ("entities-heldout-c", "C"),
                ("entities-heldout-d", "D"), ("entities-heldout-e", "E"), ("entities-heldout-f", "F"),
                ("entities-heldout-g", "G"), ("entities-heldout-h", "H"), ("entities-heldout-i", "I"),
                ("entities-heldout-j", "J"), ("entities-heldout-k", "K"), ("entities-heldout-l", "L"),
                ("entities-heldout-m", "M"), ("entities-heldout-n", "N"), ("entities-heldout-o", "O"),
                ("entities-heldout-p", "P"), ("entities-heldout-q", "Q"), ("entities-heldout-r", "R"),
                ("entities-heldout-s", "S"), ("entities-heldout-t", "T"), ("entities-heldout-u", "U"),
                ("entities-heldout-v", "V"), ("entities-heldout-w", "W"), ("entities-heldout-x", "X")]


def write_config(tmp, build_dir, lang_so):
    lang = lang_so or os.path.join(os.path.abspath(build_dir), "plugins", "lang.so")
    lines = ["[daemon]", f"state_dir = {tmp}/var", "log_level = error", ""]
    if not os.path.exists(lang):
        return None, lang
    lines += ["[plugin.lang]", f"so = {lang}", ""]
    lines += ["[plugin.entities]", "so = entities.so", "", "[plugin.archive]", "so = archive_fs.so", ""]
    path = os.path.join(tmp, "newsd.ini")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    return path, lang


def found(rec):
    out = set()
    for t in rec.get("tags", []):
        name = t["name"]
        if not name.startswith("entity:"):
            continue
        kind, _, ent = name[len("entity:"):].partition("/")
        if kind in TYPES:
            out.add((kind, ent))
    return out


def gold_of(path):
    return [(row[0], [n.strip() for n in row[1].split("|")]) for row in evallib.tsv_rows(path)]


def gazetteer_names(build_dir):
    """{(type, canonical name lower-cased): {every name of the entry, lower-cased}}
    of the lists the build bundles: a tag carries an entry's canonical
    name ("Die Grünen"), and an annotation may give another of its names
    ("Grünen"); the gazetteer says they are one entity."""
    # Rows of the same type and name are one entry, in whichever file, as
    # the plugin merges them.
    entries = {}
    for path in glob.glob(os.path.join(build_dir, "plugins", "entities", "*.tsv")):
        for row in evallib.tsv_rows(path):
            if len(row) < 2 or row[0] not in TYPES:
                continue
            localised = [v.partition("=")[2] for extra in row[3:] for v in extra.split("|") if "=" in v]
            tags, names = entries.setdefault((row[0], row[1]), (set(), set()))
            tags.update([row[1]] + localised)
            names.update([row[1]] + localised + ([a for a in row[2].split("|") if a] if len(row) > 2 else []))
    out = {}
    for (type_, _), (tags, names) in entries.items():
        # A tag carries the canonical name or a localised one.
        for n in tags:
            out.setdefault((type_, n.lower()), set()).update(x.lower() for x in names if x)
    return out


ALIASES = {}


def compare(gold, got):
    """(tp, fp, fn) per type, and the misses and false positives."""
    # sorted: got is a set, and the order it iterates in (which false
    # positive is printed first, which spelling stands for a name met in two)
    # would change with the hash seed from one run to the next.
    got_l = {(k, n.lower()): (k, n) for k, n in sorted(got)}
    used, stats, misses = set(), {t: [0, 0, 0] for t in TYPES}, []
    for kind, names in gold:
        want = {n.lower() for n in names}
        hit = next(((kind, n.lower()) for n in names if (kind, n.lower()) in got_l), None)
        if not hit:
            # A tag of the same entry under its canonical name.
            hit = next((key for key in got_l if key[0] == kind and key not in used and
                        ALIASES.get(key, set()) & want), None)
        if hit:
            stats[kind][0] += 1
            used.add(hit)
        else:
            stats[kind][2] += 1
            misses.append(f"{kind}/{'|'.join(names)}")
    extra = []
    for key, (kind, n) in got_l.items():
        if key not in used:
            stats[kind][1] += 1
            extra.append(f"{kind}/{n}")
    return stats, misses, extra


def heldout_articles(corpus, folder):
    """[(article path, annotation path)] of a held-out set."""
    out = []
    for gold in sorted(glob.glob(os.path.join(HERE, folder, "*.entities.tsv"))):
        name = os.path.basename(gold)[:-len(".entities.tsv")]
        where = HELDOUT_DIRS.get(name.partition("_")[0])
        article = os.path.join(corpus, where[0], name + where[1]) if where else None
        if article and os.path.exists(article):
            out.append((article, gold))
        else:
            print(f"eval entities: {gold}: no article {article or name} (skipped)")
    return out


def score(title, pairs, records):
    """Prints each article's misses and false positives, then P and R per
    type; returns {type: (p, r)}."""
    totals = {t: [0, 0, 0] for t in TYPES}
    print(f"== {title} (misses -, false positives +)")
    for path, gold in pairs:
        stats, misses, extra = compare(gold_of(gold), found(records[path]))
        for t in TYPES:
            for i in range(3):
                totals[t][i] += stats[t][i]
        print(f"{os.path.basename(path)} [{records[path].get('lang', '')}]: "
              + (" ".join(["-" + m for m in misses] + ["+" + e for e in extra]) or "all right"))
    scores = {}
    for t in TYPES:
        tp, fp, fn = totals[t]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        scores[t] = (p, r)
        print(f"{t:7s} P={p:.2f} R={r:.2f} (tp {tp}, fp {fp}, fn {fn})")
    return scores


def meets(scores):
    return all(p >= TARGET_P and r >= TARGET_R for p, r in scores.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--lang-so", help="the lang plugin to run first (default: BUILD/plugins/lang.so)")
    args = ap.parse_args()
    articles = sorted(glob.glob(os.path.join(HERE, "entities", "*.txt")))
    ALIASES.update(gazetteer_names(args.build_dir))
    if not articles:
        print("eval entities: no annotated articles"); return 2
    with tempfile.TemporaryDirectory() as tmp:
        config, lang = write_config(tmp, args.build_dir, args.lang_so)
        if not config:
            # Without a language the names are not stemmed, nor localised,
            # and the heuristics are off: nothing this task measures.
            print(f"eval entities: no lang plugin at {lang} (build it, or give --lang-so)")
            evallib.summary("entities", "could not run: no lang plugin")
            return 2
        corpus = evallib.corpus_dir()
        look = []
        for name, n in CORPUS_LOOK:
            look += sorted(glob.glob(os.path.join(corpus, name, "*.txt")))[:n]
        heldout = [(name, heldout_articles(corpus, folder)) for folder, name in HELDOUT_SETS]
        heldout = [(name, pairs) for name, pairs in heldout if pairs]
        sample = os.path.abspath(SAMPLE)
        records, failures = evallib.try_files(args.build_dir, config,
                                              articles + [a for _, pairs in heldout for a, _ in pairs]
                                              + [sample] + look)
    if failures:
        for f, why in failures.items():
            print(f"could not run {f}: {why}")
        evallib.summary("entities", f"could not run {len(failures)} files")
        return 2

    scores = score("annotated articles, written here", [(a, a[:-4] + ".entities.tsv") for a in articles],
                   records)
    ok = meets(scores)
    held = []
    for name, pairs in heldout:
        got = score(f"held-out set {name}: real articles of the corpus, annotated blind", pairs, records)
        ok &= meets(got)
        held.append((name, len(pairs), got))

    print("== the sample")
    got = found(records[sample])
    stats, misses, extra = compare([(k, n.split("|")) for k, n in SAMPLE_WANT], got)
    n_found = len(SAMPLE_WANT) - len(misses)
    print("found:", ", ".join(sorted(f"{k}/{n}" for k, n in got)))
    if misses:
        print("missing:", ", ".join(misses))
    footer = [f"{k}/{n}" for k, n in sorted(got) if any(w in n.lower() for w in FOOTER_WORDS)]
    if footer:
        print("from the footer:", ", ".join(footer))
    ok &= not misses and not footer

    print("== corpus articles (for a human look)")
    for path in look:
        rec = records[path]
        ents = sorted(f"{k}/{n}" for k, n in found(rec))
        print(f"{os.path.relpath(path, corpus)} [{rec.get('lang', '')}] {rec.get('title', '')[:60]!r}")
        print("   ", ", ".join(ents) or "(none)")

    evallib.summary("entities", ", ".join(f"{t} P={scores[t][0]:.2f} R={scores[t][1]:.2f}" for t in TYPES)
                    + "".join(f"; held-out {name} ({n}): " + ", ".join(f"{t} P={got[t][0]:.2f} R={got[t][1]:.2f}"
                                                                          for t in TYPES)
                              for name, n, got in held)
                    + f"; sample {n_found}/{len(SAMPLE_WANT)}" + (", footer leaked" if footer else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
