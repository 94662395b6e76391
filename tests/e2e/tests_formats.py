"""End-to-end tests of the input formats (docs/formats.md): a JSON article
with a field of the wrong type is archived without that field, and the
daemon says so, in its log and in the record's meta (parse.warning).

Loaded by run.py; every test here is named formats_*.
"""

import json

from __main__ import check, test


@test(timeout=60)
def formats_json_wrong_type_warns(ctx):
    ctx.start()
    doc = {
        "title": 2024,                       # wrong: a number
        "text": "Huawei baut einen neuen KI-Chip. Der Rest des Textes.",
        "url": ["https://example.org/a"],    # wrong: an array
        "author": ["Ada", 7, "Bo"],          # one item that is not a string
        "published": "2024-05-01",
        "lang": None,                        # null: "none", no warning
    }
    id_ = ctx.drop("wrong-types.json", json.dumps(doc).encode())
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(rec["title"] == "Huawei baut einen neuen KI-Chip",
          f"the title should come from the body, got {rec['title']!r}")
    check(rec["url"] == "", f"the array url should be ignored, got {rec['url']!r}")
    check(rec["author"] == "Ada, Bo", f"author is {rec['author']!r}")
    check(rec["published"] == "2024-05-01", f"published is {rec['published']!r}")
    warning = rec["meta"].get("parse.warning", "")
    for part in ('JSON field "title" is a number, expected a string: ignored',
                 'JSON field "url" is an array, expected a string: ignored',
                 'JSON field "author": 1 of its 3 items is not a string: skipped'):
        check(part in warning, f"meta parse.warning {warning!r} lacks {part!r}")
    check('"lang"' not in warning, f"a null lang is no wrong type: {warning!r}")
    lines = [l for l in ctx.log_text().splitlines()
             if " warning: " in l and "wrong-types.json" in l and 'JSON field "title"' in l]
    check(len(lines) == 1, f"expected one warning line naming the file and the field, got {lines}")
    check(id_ in lines[0], f"the warning line does not name the article id: {lines[0]}")

    good = {"title": "Alles richtig", "body": "Ein Text ohne Fehler."}
    id2 = ctx.drop("good.json", json.dumps(good).encode())
    ctx.wait_archived([id2])
    check("parse.warning" not in ctx.record(id2)["meta"], "a well-typed article got a parse.warning")
