#!/usr/bin/env python3
"""Evaluation of the bundled lang plugin (CLD2): is the language right?

  python3 tests/eval/eval_lang.py [--build-dir build] [--set KEY=VALUE ...]

Sets and their gold languages:
  de    corpus/10kgnad-de/*.txt                  all German
  en    corpus/bbc-news-en/*.txt                 all English
  html  corpus/scrapinghub-aeb-html/*.gold.txt   tests/eval/data/aeb-lang.tsv
                                                 (annotated by hand; see its header)

Two passes, both through `newsd --try` with a config holding only the lang
plugin (default settings, or --set KEY=VALUE for its section) and an
archive (--try wants one):
  full  every file as it is;
  80    the first 80 characters of every file, written as files of their
        own to a temp folder and run through the same text parser (its
        first line is taken as the title when it looks like one, else the
        first sentence is, exactly as for a dropped article).
An article is right when its lang field is the gold code; "" (tag lang:und)
counts as und, which is not right but not a confident wrong guess either.

Speed: build/bench/lang_bench identifies the articles' texts (title, blank
line, body, as the plugin joins them) in-process, seven times; newsd
--try's start-up would dominate a per-article timing.  The target is held
against the best run (the machine is shared and noisy; the median is
printed too).  It does not follow --set (only max_bytes and first_look).

Targets: full >= 99.5 % right; 80 characters >= 99 % right (und counts as
not right, and is reported); <= 50 us per article.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import evallib

HERE = os.path.dirname(os.path.abspath(__file__))
FULL_TARGET = 99.5
SHORT_TARGET = 99.0
SHORT_CHARS = 80
US_TARGET = 50.0


def gold_sets(corpus):
    sets = []
    de = sorted(glob.glob(os.path.join(corpus, "10kgnad-de", "*.txt")))
    sets.append(("de", [(f, "de") for f in de]))
    en = sorted(glob.glob(os.path.join(corpus, "bbc-news-en", "*.txt")))
    sets.append(("en", [(f, "en") for f in en]))
    html = [(os.path.join(corpus, "scrapinghub-aeb-html", row[0]), row[1])
            for row in evallib.tsv_rows(os.path.join(HERE, "data", "aeb-lang.tsv"))]
    sets.append(("html", html))
    for name, items in sets:
        missing = [f for f, _ in items if not os.path.isfile(f)]
        if not items or missing:
            print(f"eval_lang: set {name}: {len(missing)} of {len(items)} files missing "
                  f"(first: {missing[:1]})", file=sys.stderr)
            sys.exit(2)
    return sets


def write_config(path, build_dir, state_dir, settings):
    plugins = os.path.join(build_dir, "plugins")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"[daemon]\nstate_dir = {state_dir}\n\n[plugin.lang]\n")
        fh.write(f"so = {os.path.join(plugins, 'lang.so')}\n")
        for kv in settings:
            k, v = kv.split("=", 1)
            fh.write(f"{k.strip()} = {v.strip()}\n")
        fh.write(f"\n[plugin.archive]\nso = {os.path.join(plugins, 'archive_fs.so')}\n")


def lang_tag(rec):
    for t in rec.get("tags", []):
        if t["name"].startswith("lang:") and t.get("plugin") == "lang":
            return t["name"][5:], t["weight"]
    return None, None


def score(label, sets, records, failures):
    """Print per-set figures and the wrong ones; returns (right, und, total)."""
    right = und = total = 0
    wrong = []
    print(f"-- {label}")
    for name, items in sets:
        r = u = 0
        for f, gold in items:
            if f in failures:
                wrong.append((name, f, gold, "FAILED: " + failures[f], None))
                continue
            rec = records[f]
            got = rec["lang"]
            tag, weight = lang_tag(rec)
            if got == gold:
                r += 1
            elif got == "" and tag == "und":
                u += 1
            else:
                wrong.append((name, f, gold, got or f"'' (tag {tag})", weight))
        print(f"   {name:5} {r:4}/{len(items)} right = {100.0 * r / len(items):6.2f} %, "
              f"{u} und, {len(items) - r - u} wrong")
        right, und, total = right + r, und + u, total + len(items)
    print(f"   all   {right:4}/{total} right = {100.0 * right / total:6.2f} %, {und} und, "
          f"{total - right - und} wrong")
    for name, f, gold, got, weight in wrong:
        w = f" (weight {weight:.2f})" if weight is not None else ""
        print(f"   wrong [{name}] {os.path.basename(f)}: gold {gold}, got {got}{w}")
    return right, und, total


def first_chars(src, dst, n):
    with open(src, encoding="utf-8") as fh:
        text = fh.read()
    with open(dst, "w", encoding="utf-8") as fh:
        fh.write(text[:n])


def joined_text(rec):
    """The text the plugin identifies (plugins/lang/lang.c, article_text)."""
    title, body = rec["title"], rec["body"]
    if title and body.startswith(title):
        title = ""
    return title + ("\n\n" if title and body else "") + body


def bench(build_dir, records, tmp, settings):
    exe = os.path.join(build_dir, "bench", "lang_bench")
    if not os.access(exe, os.X_OK):
        print(f"eval_lang: {exe} is missing: run make build first", file=sys.stderr)
        sys.exit(2)
    d = os.path.join(tmp, "joined")
    os.makedirs(d)
    paths = []
    for i, rec in enumerate(records.values()):
        p = os.path.join(d, f"{i:05d}.txt")
        with open(p, "w", encoding="utf-8") as fh:
            fh.write(joined_text(rec))
        paths.append(p)
    opts = []
    for kv in settings:
        k, v = kv.split("=", 1)
        if k.strip() == "max_bytes":
            opts += ["-b", v.strip()]
        elif k.strip() == "first_look":
            opts += ["-f", v.strip()]
    p = subprocess.run([exe, "-r", "7", *opts, *paths], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"eval_lang: lang_bench failed: {p.stderr.strip()}", file=sys.stderr)
        sys.exit(2)
    print("-- speed\n   " + p.stdout.strip())
    m = re.search(r"([0-9.]+) us/article best, ([0-9.]+) median", p.stdout)
    if not m:
        print(f"eval_lang: lang_bench printed no figure: {p.stdout.strip()!r}", file=sys.stderr)
        sys.exit(2)
    return float(m.group(1)), float(m.group(2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a key of [plugin.lang] (min_chars, min_confidence, max_bytes, first_look, languages)")
    args = ap.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    evallib.newsd_binary(build_dir)
    for so in ("lang.so", "archive_fs.so"):
        if not os.path.isfile(os.path.join(build_dir, "plugins", so)):
            print(f"eval_lang: {build_dir}/plugins/{so} is missing: run make build first",
                  file=sys.stderr)
            return 2
    sets = gold_sets(evallib.corpus_dir())

    with tempfile.TemporaryDirectory(prefix="eval-lang-") as tmp:
        config = os.path.join(tmp, "newsd.ini")
        write_config(config, build_dir, os.path.join(tmp, "state"), args.set)
        p = subprocess.run([evallib.newsd_binary(build_dir), "--check-config", "-c", config],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"eval_lang: the lang configuration does not load: {p.stderr.strip()}",
                  file=sys.stderr)
            return 2
        files = [f for _, items in sets for f, _ in items]
        records, failures = evallib.try_files(build_dir, config, files)
        if not records:
            print(f"eval_lang: newsd --try gave no record; first failure: "
                  f"{next(iter(failures.values()), '?')}", file=sys.stderr)
            return 2
        full = score("full texts", sets, records, failures)

        short_sets = []
        for name, items in sets:
            d = os.path.join(tmp, "80", name)
            os.makedirs(d)
            short = []
            for f, gold in items:
                dst = os.path.join(d, os.path.basename(f))
                first_chars(f, dst, SHORT_CHARS)
                short.append((dst, gold))
            short_sets.append((name, short))
        sfiles = [f for _, items in short_sets for f, _ in items]
        srecords, sfailures = evallib.try_files(build_dir, config, sfiles)
        short = score(f"first {SHORT_CHARS} characters", short_sets, srecords, sfailures)

        us, us_median = bench(build_dir, records, tmp, args.set)

    full_pct = 100.0 * full[0] / full[2]
    short_pct = 100.0 * short[0] / short[2]
    ok = full_pct >= FULL_TARGET and short_pct >= SHORT_TARGET and us <= US_TARGET
    evallib.summary("lang", f"full {full[0]}/{full[2]} = {full_pct:.2f} % (target {FULL_TARGET}), "
                    f"{SHORT_CHARS} chars: {short[0]}/{short[2]} = {short_pct:.2f} % right, "
                    f"{short[1]} und, {short[2] - short[0] - short[1]} wrong (target {SHORT_TARGET}), "
                    f"{us:.1f} µs/article (best of 7 runs, median {us_median:.1f}; target {US_TARGET:.0f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
