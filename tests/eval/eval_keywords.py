#!/usr/bin/env python3
"""Keyword examples (the bundled keywords plugin, default config).

Prints the keywords of the sample, of 10 German (10kGNAD) and 10 English
(BBC) corpus articles, then figures over 200 articles of each:

  - title hits: the share of BBC articles (they have titles) where a
    keyword's word shares its stem with a title word (any keyword, and one
    of the top three).  Stems are
    approximated here by a common prefix of five letters (or the whole
    shorter word, at least four letters), which is what Snowball's stems
    of English mostly come to;
  - keywords per article, and the share of phrases among them;
  - edge words: keywords that start or end with one of a few common
    stop words (should be none).

No target is set for keywords: the exit code is 0 unless it cannot run.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib  # noqa: E402

STOP = {"der", "die", "das", "und", "in", "von", "zu", "mit", "den", "des", "im", "für", "auf",
        "ist", "ein", "eine", "sich", "the", "a", "an", "of", "and", "in", "to", "for", "on",
        "is", "was", "it", "by", "with", "at", "that", "this", "he", "she", "they"}


def keywords(rec):
    kws = [(t["name"][len("keyword:"):], t["weight"]) for t in rec.get("tags") or []
           if t["name"].startswith("keyword:")]
    return sorted(kws, key=lambda kw: -kw[1])


def words(text):
    return [w.casefold() for w in re.findall(r"[^\W\d_][\w'-]*", text)]


def same_stem(a, b):
    n = min(len(a), len(b), 5)
    return n >= 4 and a[:n] == b[:n]


def title_hit(kws, title):
    tw = [w for w in words(title) if w not in STOP]
    return any(same_stem(k, t) for kw, _ in kws for k in words(kw) for t in tw)


def show(label, rec):
    kws = keywords(rec)
    title = (rec.get("title") or "")[:70]
    print(f"  {label} [{rec.get('lang') or '?'}] {title}")
    print("      " + ", ".join(f"{k} ({w:.2f})" for k, w in kws) if kws else "      (none)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default="build")
    args = ap.parse_args()
    corpus = evallib.corpus_dir()
    config = os.path.join(evallib.ROOT, "config", "newsd.ini")
    sample = os.path.join(os.path.dirname(corpus), "samples", "000_115dcddbce64b551.txt")
    de = sorted(os.path.join(corpus, "10kgnad-de", f) for f in os.listdir(os.path.join(corpus, "10kgnad-de"))
                if f.endswith(".txt"))[:200]
    en = sorted(os.path.join(corpus, "bbc-news-en", f) for f in os.listdir(os.path.join(corpus, "bbc-news-en"))
                if f.endswith(".txt"))[:200]
    files = [sample] + de + en
    recs, failures = evallib.try_files(args.build_dir, config, files)
    if failures:
        for f, why in list(failures.items())[:5]:
            print(f"  failed: {os.path.basename(f)}: {why}")
        if len(failures) == len(files):
            evallib.summary("keywords", "could not run: newsd --try failed on every file")
            return 2

    print("sample:")
    if sample in recs:
        show(os.path.basename(sample), recs[sample])
    print("German (10kGNAD):")
    for f in de[:10]:
        if f in recs:
            show(os.path.basename(f), recs[f])
    print("English (BBC):")
    for f in en[:10]:
        if f in recs:
            show(os.path.basename(f), recs[f])

    all_recs = [recs[f] for f in de + en if f in recs]
    kw_lists = [keywords(r) for r in all_recs]
    n_kw = sum(len(k) for k in kw_lists)
    if n_kw == 0:
        evallib.summary("keywords", "could not run: no keyword tags at all (keywords.so in the config, "
                        "with the lang plugin before it?)")
        return 2
    phrases = sum(1 for ks in kw_lists for k, _ in ks if " " in k)
    edges = [k for ks in kw_lists for k, _ in ks
             if k.split(" ")[0].casefold() in STOP or k.split(" ")[-1].casefold() in STOP]
    en_recs = [recs[f] for f in en if f in recs]
    hits = sum(1 for r in en_recs if title_hit(keywords(r), r.get("title") or ""))
    hits3 = sum(1 for r in en_recs if title_hit(keywords(r)[:3], r.get("title") or ""))
    none = sum(1 for ks in kw_lists if not ks)
    per = n_kw / max(len(all_recs), 1)
    hit_share = 100.0 * hits / max(len(en_recs), 1)
    print(f"figures over {len(all_recs)} articles ({len(de)} German, {len(en)} English):")
    print(f"  keywords per article: {per:.1f} ({100.0 * phrases / max(n_kw, 1):.0f}% phrases); "
          f"articles without any: {none}")
    print(f"  BBC articles with a keyword sharing a stem with the title: {hits}/{len(en_recs)} "
          f"({hit_share:.0f}%); with one of the top 3: {hits3}/{len(en_recs)} "
          f"({100.0 * hits3 / max(len(en_recs), 1):.0f}%)")
    print(f"  keywords starting or ending with a common stop word: {len(edges)}"
          + (f" ({', '.join(edges[:5])})" if edges else ""))
    evallib.summary("keywords", f"title hits {hit_share:.0f}% of BBC articles "
                    f"({100.0 * hits3 / max(len(en_recs), 1):.0f}% in the top 3), {per:.1f} keywords/article, "
                    f"{100.0 * phrases / max(n_kw, 1):.0f}% phrases, {len(edges)} with stop-word edges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
