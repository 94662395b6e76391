#!/usr/bin/env python3
"""Evaluation of the bundled near_dups plugin: are rewrites of a story
tagged dup:near/ID of its first copy, and distinct articles left alone?

  python3 tests/eval/eval_dups.py [--build-dir build] [--set KEY=VALUE ...] [--limit N]

The set: every article of corpus/10kgnad-de, corpus/bbc-news-en and the
gold texts of corpus/scrapinghub-aeb-html (1,300), as originals.  For each,
variants are generated here, at eval time, into a temp folder (the corpus
is never copied into the repository):

  headline  a new first line (the original's title replaced, or one added)
  drop10    10 % of the body's sentences dropped (at least one), at random
  footer    a footer of about 45 words appended (a credit line, a note on
            the story's source or an update)
  cp1252    the same text encoded as windows-1252 (texts in other scripts
            have none)
  reorder   the paragraphs in another order (an article of fewer than three
            paragraphs is cut into three at sentence ends first)
  combined  headline + drop10 + footer + cp1252 at once (the wire story
            "rewritten by another outlet"); reported, not part of the target

A variant whose bytes are the original's (cp1252 of a text in plain ASCII)
has the original's id: the archive knows it as the same article, and it
is left out (counted).

All go through one `newsd --try` run (lang + near_dups, a fresh state dir):
every original first, then the variants.  A variant is found when it is
tagged dup:near/<its original's id>; tagged with another id it is a false
match.  When the original itself was tagged (the corpus has a few
near-duplicates of its own), its variants are expected to carry its tag;
when it was too short to be fingerprinted, the first of its variants that
was is the story's first copy.
Distinct pairs: an original tagged dup:near/ at all was flagged as a
near-duplicate of an earlier, different article (the index is asked about
every earlier one); the pairs of different articles number N(N-1)/2, of
which those with the same corpus label (labels.tsv: same topic) are
reported on their own.  A flagged pair that shares at least half its word
3-grams (counted here, in Python, over title and body) is a near-duplicate
in the corpus, not a false match: printed, not counted.  Originals with fewer words than
min_words get no fingerprint and are left out (counted).

Targets: recall >= 0.95 over the five single variants (each >= 0.90 too);
flagged distinct pairs <= 0.1 % of the pairs.
"""
import argparse
import glob
import os
import random
import re
import sys
import tempfile

import evallib

RECALL_TARGET = 0.95
RECALL_EACH = 0.90
FP_TARGET = 0.001  # share of distinct pairs
SINGLE = ["headline", "drop10", "footer", "cp1252", "reorder"]
MIN_WORDS = 25

# Footers another outlet adds.  Not the comment forms and share buttons
# that newsd's text parser already cuts from a page's end ("Leave a reply",
# "Hinterlasse eine Antwort"): text it keeps, a credit line and a note on
# the story's source, picked at random per article.
FOOTERS = {
    "de": [
        "Dieser Beitrag erschien zuerst im Norddeutschen Kurier, der seine Berichte mit Partnerredaktionen "
        "in der ganzen Region teilt. Anna Weber und Tom Hill haben aus Hamburg und Bremen zu diesem Bericht "
        "beigetragen. Er darf mit Nennung der Quelle und einem Link auf diese Seite kostenlos übernommen werden.",
        "Mitarbeit: Redaktion Wirtschaft und Politik. Mit Material der Nachrichtenagenturen. Die Redaktion hat "
        "den Text nach der Veröffentlichung an zwei Stellen ergänzt und einen Schreibfehler im Namen eines "
        "Gesprächspartners korrigiert. Hinweise zu diesem Thema nimmt die Redaktion jederzeit gern entgegen.",
    ],
    "en": [
        "This story was first published by the Northern Courier, which shares its reporting with partner "
        "newsrooms across the region. Anna Weber and Tom Hill contributed reporting from Leeds and Manchester. "
        "It may be republished free of charge with credit to the original outlet and a link to this page.",
        "Additional reporting by our business and politics desks, with material from news agencies. This "
        "article was updated after publication to add two paragraphs and to correct the spelling of a "
        "name. Readers with information on this story can contact the newsroom at any time.",
    ],
}

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"„“'(A-ZÄÖÜ0-9])")


def load_articles(corpus):
    """[(name, text, label, lang)]; label None where the corpus has none."""
    out = []
    for d, lang in (("10kgnad-de", "de"), ("bbc-news-en", "en")):
        labels = dict((os.path.basename(p), l) for p, l in evallib.labels(os.path.join(corpus, d, "labels.tsv")))
        for f in sorted(glob.glob(os.path.join(corpus, d, "*.txt"))):
            with open(f, encoding="utf-8") as fh:
                out.append((f"{d}/{os.path.basename(f)}", fh.read(), f"{d}:{labels.get(os.path.basename(f))}", lang))
    for f in sorted(glob.glob(os.path.join(corpus, "scrapinghub-aeb-html", "*.gold.txt"))):
        with open(f, encoding="utf-8") as fh:
            out.append((f"aeb/{os.path.basename(f)}", fh.read(), None, "en"))
    return out


def split_title(name, text):
    """(title or None, body paragraphs).  BBC files: title line, blank,
    body; the others have no title."""
    if name.startswith("bbc-news-en/"):
        title, _, body = text.partition("\n\n")
        return title.strip(), [p.strip() for p in body.split("\n\n") if p.strip()]
    return None, [p.strip() for p in text.split("\n\n") if p.strip()]


def join(title, paras):
    return (f"{title}\n\n" if title else "") + "\n\n".join(paras) + "\n"


def sentences(para):
    return [s for s in SENTENCE_END.split(para) if s.strip()]


def v_headline(title, paras, rnd, lang):
    words = " ".join(paras).split()
    pick = [w.strip(".,:;!?\"'()") for w in rnd.sample(words, min(6, len(words)))]
    head = ("Exklusiv: " if lang == "de" else "Exclusive: ") + " ".join(w for w in pick if w)
    return join(head, paras)


def v_drop10(title, paras, rnd, lang):
    sents = [(i, s) for i, p in enumerate(paras) for s in sentences(p)]
    n = max(1, round(len(sents) * 0.1))
    if len(sents) <= n:
        return None
    drop = set(rnd.sample(range(len(sents)), n))
    kept = {}
    for k, (i, s) in enumerate(sents):
        if k not in drop:
            kept.setdefault(i, []).append(s)
    return join(title, [" ".join(kept[i]) for i in sorted(kept)])


def v_footer(title, paras, rnd, lang):
    return join(title, paras + [rnd.choice(FOOTERS[lang])])


def v_reorder(title, paras, rnd, lang):
    if len(paras) < 3:
        sents = [s for p in paras for s in sentences(p)]
        if len(sents) < 3:
            return None
        k = len(sents) // 3
        paras = [" ".join(sents[:k]), " ".join(sents[k:2 * k]), " ".join(sents[2 * k:])]
    order = list(range(len(paras)))
    while order == sorted(order):
        rnd.shuffle(order)
    return join(title, [paras[i] for i in order])


def variants(name, text, lang, rnd):
    """{kind: bytes}"""
    title, paras = split_title(name, text)
    out = {}
    for kind, fn in (("headline", v_headline), ("drop10", v_drop10), ("footer", v_footer),
                     ("reorder", v_reorder)):
        t = fn(title, paras, rnd, lang)
        if t is not None:
            out[kind] = t.encode("utf-8")
    try:
        out["cp1252"] = text.encode("cp1252")
    except UnicodeEncodeError:
        pass  # a script windows-1252 has no letters for (the AEB set's Russian, Korean)
    t = v_drop10(title, paras, rnd, lang)
    if t is not None:
        t2, p2 = split_title("bbc-news-en/" if title else name, t)
        t = v_footer(*split_title("bbc-news-en/x" if title else name, v_headline(t2, p2, rnd, lang)), rnd, lang)
        out["combined"] = t.encode("cp1252", errors="replace")
    return out


def write_config(path, build_dir, state_dir, settings):
    plugins = os.path.join(build_dir, "plugins")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"[daemon]\nstate_dir = {state_dir}\n\n")
        fh.write(f"[plugin.lang]\nso = {os.path.join(plugins, 'lang.so')}\n\n")
        fh.write(f"[plugin.near_dups]\nso = {os.path.join(plugins, 'near_dups.so')}\n")
        for kv in settings:
            k, v = kv.split("=", 1)
            fh.write(f"{k.strip()} = {v.strip()}\n")
        fh.write(f"\n[plugin.archive]\nso = {os.path.join(plugins, 'archive_fs.so')}\n")


def shingles(text):
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i:i + 3]) for i in range(max(len(words) - 2, 1))}


def jaccard(a, b):
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / max(len(sa | sb), 1)


def near_tags(rec):
    return [t for t in rec.get("tags") or [] if t["name"].startswith("dup:near/")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a key of the near_dups section")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (a quick look)")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.build_dir, "plugins", "near_dups.so")):
        evallib.summary("dups", "could not run: plugins/near_dups.so is not built")
        return 2
    corpus = evallib.corpus_dir()
    arts = load_articles(corpus)
    if args.limit:
        arts = arts[:args.limit]
    min_words = MIN_WORDS
    for kv in args.set:
        if kv.split("=", 1)[0].strip() == "min_words":
            min_words = int(kv.split("=", 1)[1])
    short = [a for a in arts if len(re.findall(r"\w+", split_title(a[0], a[1])[1] and " ".join(split_title(a[0], a[1])[1]) or "")) < min_words]
    arts = [a for a in arts if a not in short]
    rnd = random.Random(10)
    with tempfile.TemporaryDirectory(prefix="eval-dups-") as tmp:
        state = os.path.join(tmp, "state")
        os.makedirs(state)
        config = os.path.join(tmp, "newsd.ini")
        write_config(config, os.path.abspath(args.build_dir), state, args.set)
        same_bytes = 0
        originals, var_files = [], []   # var_files: (path, original index, kind)
        for i, (name, text, label, lang) in enumerate(arts):
            p = os.path.join(tmp, f"o{i:05d}.txt")
            with open(p, "w", encoding="utf-8") as fh:
                fh.write(text)
            originals.append(p)
            for kind, data in variants(name, text, lang, rnd).items():
                if data == text.encode("utf-8"):
                    same_bytes += 1
                    continue
                vp = os.path.join(tmp, f"v{i:05d}_{kind}.txt")
                with open(vp, "wb") as fh:
                    fh.write(data)
                var_files.append((vp, i, kind))
        recs, failures = evallib.try_files(args.build_dir, config, originals + [v[0] for v in var_files],
                                           batch=100000)
    if failures:
        for f, why in list(failures.items())[:5]:
            print(f"  failed: {os.path.basename(f)}: {why}")
        if len(failures) > len(originals) // 10:
            evallib.summary("dups", f"could not run: newsd --try failed on {len(failures)} files")
            return 2

    ids = [recs[p]["id"] if p in recs else None for p in originals]
    # Distinct pairs flagged: an original tagged near another original.
    flagged, flagged_same, corpus_dups = [], 0, []
    expect = list(ids)
    for i, p in enumerate(originals):
        for t in near_tags(recs.get(p, {})):
            root = t["name"][len("dup:near/"):]
            j = ids.index(root) if root in ids else -1
            expect[i] = root
            if j >= 0 and jaccard(arts[i][1], arts[j][1]) >= 0.5:
                corpus_dups.append((i, j, t["weight"]))
                continue
            flagged.append((i, j, t["weight"]))
            if j >= 0 and arts[i][2] and arts[i][2] == arts[j][2]:
                flagged_same += 1
    n = len(originals)
    pairs = n * (n - 1) // 2
    by_label = {}
    for a in arts:
        if a[2]:
            by_label[a[2]] = by_label.get(a[2], 0) + 1
    same_pairs = sum(c * (c - 1) // 2 for c in by_label.values())

    story_of = {}  # id -> the index of the corpus article it is a copy of
    for vp, i, kind in var_files:
        if vp in recs:
            story_of.setdefault(recs[vp]["id"], i)
    for i, id_ in enumerate(ids):
        story_of[id_] = i
    found, total, wrong, sims = {}, {}, 0, {}
    wrong_examples = []
    misses = {}
    for vp, i, kind in var_files:
        total[kind] = total.get(kind, 0) + 1
        tags = near_tags(recs.get(vp, {}))
        # The story's first copy: the original, or (when the original was
        # too short to fingerprint, or itself a copy) another copy of it.
        hit = [t for t in tags if t["name"] == f"dup:near/{expect[i]}"
               or story_of.get(t["name"][len("dup:near/"):]) == story_of.get(expect[i], i)]
        if hit:
            found[kind] = found.get(kind, 0) + 1
            sims.setdefault(kind, []).append(hit[0]["weight"])
        else:
            misses.setdefault(kind, []).append(arts[i][0])
            if tags:
                wrong += 1
                root = tags[0]["name"][len("dup:near/"):]
                other = arts[story_of[root]][0] if root in story_of else root
                wrong_examples.append(f"{arts[i][0]} ({kind}) near {other} ({tags[0]['weight']:.2f})")
    print(f"articles: {n} originals ({len(short)} left out: fewer than {min_words} words), "
          f"{len(var_files)} variants ({same_bytes} more had the original's bytes: left out)")
    print(f"{'variant':10} {'found':>7} {'of':>6} {'recall':>7} {'median sim':>11} {'min sim':>8}")
    single_found = single_total = 0
    for kind in SINGLE + ["combined"]:
        f, t = found.get(kind, 0), total.get(kind, 0)
        s = sorted(sims.get(kind, [0]))
        print(f"{kind:10} {f:7} {t:6} {f / max(t, 1):7.3f} {s[len(s) // 2]:11.2f} {s[0]:8.2f}")
        if kind in SINGLE:
            single_found += f
            single_total += t
        for m in misses.get(kind, [])[:3]:
            print(f"      missed: {m}")
    recall = single_found / max(single_total, 1)
    worst = min(found.get(k, 0) / max(total.get(k, 0), 1) for k in SINGLE)
    fp_share = (len(flagged) + wrong) / max(pairs, 1)
    print(f"distinct pairs: {pairs} ({same_pairs} with the same label); flagged: {len(flagged)} "
          f"({flagged_same} same-label); variants tagged with another article's id: {wrong}")
    for i, j, w in flagged[:5]:
        print(f"      flagged: {arts[i][0]} near {arts[j][0] if j >= 0 else '?'} ({w:.2f})")
    for e in wrong_examples[:5]:
        print(f"      variant {e}")
    print(f"near-duplicates in the corpus itself (flagged, word 3-gram Jaccard >= 0.5): {len(corpus_dups)}")
    for i, j, w in corpus_dups:
        print(f"      {arts[i][0]} near {arts[j][0]} ({w:.2f})")
    ok = recall >= RECALL_TARGET and worst >= RECALL_EACH and fp_share <= FP_TARGET
    evallib.summary("dups", f"recall {recall:.3f} on {single_total} variants (worst kind {worst:.3f}; "
                    f"combined {found.get('combined', 0) / max(total.get('combined', 0), 1):.3f}), "
                    f"{len(flagged) + wrong} of {pairs} distinct pairs flagged ({100 * fp_share:.4f} %, "
                    f"{flagged_same} of {same_pairs} same-topic) "
                    f"[targets: recall >= {RECALL_TARGET}, flagged <= {100 * FP_TARGET:.1f} %]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
