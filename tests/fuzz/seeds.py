#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (tests/fuzz/run.sh calls this).

    python3 tests/fuzz/seeds.py --out DIR [--shared SHARED] [--without-known]

DIR/TARGET/ gets, for each target (parse, config, control, query, lua, text):

  - the small hand-written seeds of tests/fuzz/seeds/TARGET/;
  - seeds made from the repository (config/newsd.ini, the bundled Lua
    plugins) and, for the parser, from the shared corpus (SHARED/samples and
    SHARED/corpus, read here, never copied into the repository);
  - large and slow inputs made here: the fuzz run's per-input time limit
    only catches a path that is quadratic in its input when an input is
    large enough, and mutations rarely grow one that large.

Seeds named in KNOWN reproduce a bug of issue #12 that another change
fixes; --without-known leaves them out (to check the rest of a run on a
branch that does not have that fix yet).  Standard library only.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "fuzz" / "seeds"
TARGETS = ("parse", "config", "control", "query", "lua", "text")

# The parse target's last byte picks the file name (fuzz_parse.c).
TXT, JSON, HTML, NONAME = b"\x00", b"\x01", b"\x02", b"\x03"

# Seeds that time out until the named fix is in.
KNOWN = {
    "parse/slow-combining-marks": "issue #12 bug 1: runs of combining marks make normalisation quadratic",
    "lua/slow-pattern": "issue #12 bug 2: time inside Lua's C functions (patterns) is not bounded",
    "lua/slow-tags": "issue #12 bug 2: each a:tag() searches the tags, so many tags are quadratic",
    "lua/slow-rep-loop": "issue #12 bug 2: string.rep's time is not counted against the budget",
}

# Large inputs stay under the targets' -max_len (run.sh): 512 KiB for parse.
BIG = 500 * 1024


def corpus_texts(shared, limit):
    files = []
    for sub, pattern in (("samples", "*.txt"), ("corpus/10kgnad-de", "gnad_*.txt"),
                         ("corpus/bbc-news-en", "bbc_*.txt")):
        files += sorted((shared / sub).glob(pattern))[:limit]
    return [f.read_bytes() for f in files]


def parse_seeds(shared):
    out = {}
    texts = corpus_texts(shared, 12)
    for i, t in enumerate(texts):
        out[f"corpus-{i:02d}"] = t + TXT
    for i, f in enumerate(sorted((shared / "corpus" / "scrapinghub-aeb-html").glob("*.html"))[:2]):
        out[f"html-{i}"] = f.read_bytes()[:BIG] + HTML

    filler = b"\n\n".join(texts) or b"Ein Satz \xc3\xbcber Huawei. " * 100
    big = (filler * (BIG // max(len(filler), 1) + 1))[:BIG]
    out["big-plain"] = big.decode("utf-8", "ignore").encode() + TXT
    body = big.decode("utf-8", "ignore").replace("\\", " ").replace('"', " ").replace("\n", "\\n")
    out["big-json"] = ('{"title": "Gro\\u00df", "body": "' + body[:BIG - 64] + '"}').encode() + JSON
    out["long-line"] = (b"Wort " * (BIG // 5)) + TXT
    out["long-word"] = (b"W" * BIG) + TXT
    out["many-paragraphs"] = b"Titel\n\n" + b"Kurz.\n\n" * (BIG // 7) + TXT
    out["many-dots"] = b"Titel\n\n" + b"z. B. Dr. A. " * (BIG // 13) + TXT
    out["many-bullets"] = b"Titel\n\n" + "\u2022 Punkt\n".encode() * (BIG // 10) + TXT
    out["windows-1252-big"] = bytes(range(0x80, 0x100)) * (BIG // 2 // 128) + TXT
    out["utf16-big"] = b"\xff\xfe" + "T\n\nK\u00f6ln ".encode("utf-16-le") * (BIG // 18) + TXT
    out["deep-json"] = b"[" * 100000 + JSON
    out["json-many-keys"] = b"{" + b",".join(b'"k%d": "v"' % i for i in range(30000)) + b"}" + JSON
    out["json-long-array"] = b'{"title": "T", "body": [' + b",".join([b'"Absatz."'] * 40000) + b"]}" + JSON
    # Short runs of marks, as real text has them: must stay fast after the fix.
    out["combining-short-runs"] = b"T\n\n" + "e\u0301\u0316 ".encode() * (BIG // 6) + TXT
    # The reproduction of issue #12 bug 1, at 64,000 pairs (256 KB).
    out["slow-combining-marks"] = b"T\n\na" + "\u0301\u0316".encode() * 64000 + TXT
    return out


def config_seeds(shared):
    out = {"newsd.ini": (ROOT / "config" / "newsd.ini").read_bytes()}
    out["many-sections"] = b"".join(b"[plugin.p%d]\nso = x.so\nk = v\n" % i for i in range(250))
    out["many-keys"] = b"[plugin.p]\n" + b"".join(b"key%d = value %d\n" % (i, i) for i in range(400))
    out["continuations"] = b"[plugin.p]\nwords = a\n" + b"  b, c\n" * 1100
    out["long-value"] = b"[daemon]\nstate_dir = " + b"/x" * 4000 + b"\n"
    return out


def control_seeds(shared):
    out = {}
    out["big-body"] = (b"POST\n/reprocess\n\n" + b'{"id": "' + b"a" * 65000 + b'"}')
    out["deep-body"] = b"POST\n/reprocess\n\n" + b"[" * 60000
    out["long-q"] = b"GET\n/search\nq=" + b"Huawei " * 600 + b"\n"
    out["many-args"] = b"GET\n/list\n" + b"".join(b"k%d=v\n" % i for i in range(2000))
    return out


def query_seeds(shared):
    out = {}
    out["long-q"] = b"search\nq=" + b"huawei OR " * 400 + b"x\nmode=fts\n"
    out["long-words"] = b"search\nq=" + b"chip " * 800 + b"\nmode=words\n"
    out["many-items"] = b"export\nlimit=1000\n\n" + b"item {}\n" * 1001
    return out


def lua_seeds(shared):
    out = {}
    for f in sorted((ROOT / "plugins" / "lua").glob("*.lua")):
        out[f"plugin-{f.stem}"] = f.read_bytes()
    out["big-strings"] = b"for i = 1, 50 do local s = string.rep('ab', 100000) .. i end\n"
    out["gsub-heavy"] = b"local s = a:body():rep(200)\nfor i = 1, 20 do s = s:gsub('%a+', string.upper) end\n"
    # 20,000 tags fit in the harness's instruction budget: 10 s before the
    # fix of issue #12 bug 2 (a lookup per tag), a cap per article after it.
    out["slow-tags"] = b"for i = 1, 20000 do a:tag('t' .. i, 1) end\n"
    # A few instructions per 100 KB string: the instruction budget lets
    # 50,000 of them through, over 10 s (issue #12 bug 2).
    out["slow-rep-loop"] = b"for i = 1, 1e9 do local s = string.rep('a', 100000) end\n"
    # The reproduction of issue #12 bug 2: a pattern that backtracks for ever.
    out["slow-pattern"] = b"string.find(string.rep('a', 3000), string.rep('.-', 12) .. 'b')\n"
    return out


def text_seeds(shared):
    """The text layer (fuzz_text.c): the last byte picks the language
    (0 none, 1 de, 2 en, 3 fr, 4 it, 5 ru, 6 ko, 7 zh).  Each input is
    analysed twice and checked token by token, so the large ones stay at
    half the parser's (run.sh: -max_len 256 KiB)."""
    big = BIG // 2
    out = {}
    texts = corpus_texts(shared, 8)
    for i, t in enumerate(texts):
        out[f"corpus-{i:02d}"] = t + (b"\x01" if i % 2 else b"\x02")
    filler = b"\n\n".join(texts) or "Ein Satz \u00fcber Huawei. ".encode() * 100
    out["big-de"] = (filler * (big // max(len(filler), 1) + 1))[:big].decode("utf-8", "ignore").encode() + b"\x01"
    out["long-word"] = b"W" * big + b"\x01"
    out["long-compound"] = b"KI-" * (big // 3) + b"\x01"
    out["long-number"] = b"1.000," * (big // 6) + b"\x01"
    out["many-dots"] = b"z. B. Dr. A. U.S. " * (big // 18) + b"\x01"
    out["many-terminators"] = b"?!." * (big // 3) + b"\x02"
    out["many-lines"] = b"a\n" * (big // 2) + b"\x02"
    out["han"] = "\u534e\u4e3a".encode() * (big // 6) + b"\x07"
    out["marks"] = "e\u0301\u0316 ".encode() * (big // 6) + b"\x00"
    return out


GENERATORS = {"parse": parse_seeds, "config": config_seeds, "control": control_seeds,
              "query": query_seeds, "lua": lua_seeds, "text": text_seeds}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for TARGET/ seed folders (emptied first)")
    ap.add_argument("--shared", default=os.environ.get("NEWSD_E2E_SHARED", str(ROOT.parent / "shared")),
                    help="the shared/ folder with samples/ and corpus/ (default: beside the repository)")
    ap.add_argument("--without-known", action="store_true",
                    help="leave out the seeds of KNOWN (bugs fixed by other changes)")
    ap.add_argument("targets", nargs="*", default=TARGETS, help="targets (default: all)")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus").is_dir():
        print(f"seeds: no corpus under {shared}: the parser gets the hand-written seeds only",
              file=sys.stderr)
    for target in args.targets:
        dest = Path(args.out) / target
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        n = 0
        for f in sorted((HERE / target).iterdir()):
            shutil.copyfile(f, dest / f.name)
            n += 1
        for name, data in GENERATORS[target](shared).items():
            key = f"{target}/{name}"
            if args.without_known and key in KNOWN:
                print(f"seeds: left out {key} ({KNOWN[key]})")
                continue
            (dest / name).write_bytes(data)
            n += 1
        print(f"seeds: {n} for {target} in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
