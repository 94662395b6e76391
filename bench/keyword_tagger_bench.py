#!/usr/bin/env python3
"""keyword_tagger's cost per article with 20 and with 10,000 words, in one
tag (tag mode, as a [topic.NAME]) and one tag per word (prefix mode).

    bench/keyword_tagger_bench.py [--build-dir build] [--old PATH.so] [-n 300] [-r 3]

Writes a configuration per list size with the lang plugin and the
keyword_tagger of this build (and, with --old, another build's
keyword_tagger.so beside it, e.g. one from before the automaton), and runs
build/bench/analysis_bench on it over ../shared/corpus/ (10kgnad-de and
bbc-news-en, articles of about 5 KB): microseconds of CPU time per
article, the best of the rounds, for each instance.  The text layer's
analysis is built before the tag stage and counted apart (analysis_bench);
the entities plugin and the topics read it anyway.

The 20 words are the e2e tests' organisations and chip words.  Two lists
of 10,000: those 20 and capitalised words of the corpus itself (many are
found: the old tag mode stops at its third word, the new one must find all
for their weights), and those 20 and made-up names that never occur (the
list of a rare topic, where the old one reads the text once per word).
Each list is run with match = substring (the default) and match = word.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = [os.path.join(ROOT, "..", "shared", "corpus", d) for d in ("10kgnad-de", "bbc-news-en")]

TWENTY = ["KI-Chip", "AI chip", "Chiphersteller", "chipmaker", "Halbleiter", "semiconductor",
          "KI-Beschleuniger", "AI accelerator", "SenseTime", "Huawei", "Shanghai Biren", "Nvidia",
          "Moore Threads", "Baidu", "Naura", "Intel", "AMD", "TSMC", "Samsung", "Regierung"]


def corpus_words(n):
    """n distinct capitalised words of the corpus, taken evenly from the
    sorted vocabulary (the same list every run)."""
    vocab = set()
    for d in CORPUS:
        for name in sorted(os.listdir(d)):
            if name.endswith(".txt"):
                with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                    vocab.update(re.findall(r"\b[A-ZÄÖÜ][a-zäöüß]{4,}\b", f.read()))
    words = sorted(vocab - set(TWENTY))
    if len(words) < n:
        sys.exit(f"keyword_tagger_bench: the corpus has only {len(words)} words")
    step = len(words) / n
    return [words[int(i * step)] for i in range(n)]


def made_up(n):
    return [f"Qzx{i:05d}werk" if i % 2 else f"Qzx{i:05d} Holding" for i in range(n)]


def config(tmp, label, words, plugins, match):
    path = os.path.join(tmp, f"{label}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(words) + "\n")
    lines = ["[daemon]", f"state_dir = {tmp}/state", "", "[plugin.lang]", "so = lang.so"]
    for name, so in plugins:
        for mode, key in (("tag", "tag = topic:bench"), ("prefix", "prefix = kw/")):
            lines += ["", f"[plugin.{name}_{mode}]", f"so = {so}", key, f"words_file = {path}",
                      f"match = {match}"]
    lines += ["", "[plugin.archive]", "so = archive_fs.so"]
    ini = os.path.join(tmp, f"{label}-{match}.ini")
    with open(ini, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return ini


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--old", help="another build's keyword_tagger.so, measured beside this one")
    ap.add_argument("-n", type=int, default=300, help="articles (default 300)")
    ap.add_argument("-r", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--sizes", default="10000", help="the long lists' sizes, comma-separated (default 10000)")
    args = ap.parse_args()
    if not all(os.path.isdir(d) for d in CORPUS):
        print("keyword_tagger_bench: no ../shared/corpus, skipped")
        return
    build = os.path.abspath(args.build_dir)
    exe = os.path.join(build, "bench", "analysis_bench")
    plugins = [("new", os.path.join(build, "plugins", "keyword_tagger.so"))]
    if args.old:
        plugins.append(("old", os.path.abspath(args.old)))
    lists = [("20", TWENTY)]
    for n in (int(x) for x in args.sizes.split(",")):
        lists += [(f"{n}-found", TWENTY + corpus_words(n - len(TWENTY))),
                  (f"{n}-absent", TWENTY + made_up(n - len(TWENTY)))]
    with tempfile.TemporaryDirectory(prefix="kw-bench-") as tmp:
        for (label, words), match in [(l, m) for l in lists for m in ("substring", "word")]:
            ini = config(tmp, label, words, plugins, match)
            p = subprocess.run([exe, "-n", str(args.n), "-r", str(args.r), ini] + CORPUS,
                               capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"keyword_tagger_bench: analysis_bench failed: {p.stderr.strip()}")
            for line in p.stdout.splitlines():
                m = re.match(r"analysis:\s+((new|old)_(tag|prefix)) \(tag\)\s+([\d.]+) us/article", line)
                if m:
                    print(f"keyword_tagger {label:<12} {match:<9}  {m.group(2)} {m.group(3):<6} "
                          f"{float(m.group(4)):10.1f} us/article")
                elif "text layer" in line:
                    print(f"keyword_tagger {label:<12} {match:<9}  (the text layer, built once: "
                          f"{line.split()[-2]} us/article)")


if __name__ == "__main__":
    main()
