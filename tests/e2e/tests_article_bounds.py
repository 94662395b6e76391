"""End-to-end tests of bounded work per article (issue 12): loaded by run.py.

Each test drops what once held a worker for a long time and then a normal
article, which must be archived promptly: the bound is checked by the
daemon still answering, not by timing the slow input."""

from __main__ import test, check, small_article, normal_article_after

MARK_PAIR = "\u0301\u0316"   # acute (class 230), grave below (class 220)
CGJ = "\u034f"


@test()
def combining_marks_do_not_hold_workers(ctx):
    """Issue 12, bug 1: runs of combining marks made normalisation quadratic
    (96,000 pairs on one letter took 80 s; two such files held both
    workers).  Now every run is cut by a joiner after 30 marks."""
    ctx.write_config(workers=2)
    ctx.start()
    # The reproduction byte for byte: a title of one letter is no
    # text, so it fails, but it must fail at once.
    repro = ("T\n\na" + MARK_PAIR * 96000).encode()
    ctx.drop("marks_repro.txt", repro)
    worded = small_article("Ein Titel mit Worten", "Der Text hat Worte a" + MARK_PAIR * 96000)
    worded_id = ctx.drop("marks_96k.txt", worded)
    larger = small_article("Ein größerer Titel", "Noch mehr Text a" + MARK_PAIR * 1000000 + " Ende.")
    larger_id = ctx.drop("marks_1m.txt", larger)

    # Before the fix the two workers were busy for minutes here.
    normal_article_after(ctx, "marks")

    ctx.wait_archived([worded_id, larger_id])
    reason = ctx.wait_failed("marks_repro.txt", timeout=5)
    check("no text" in " ".join(reason.values()), f"marks_repro.txt failed for {reason}")
    for id_, pairs in ((worded_id, 96000), (larger_id, 1000000)):
        body = ctx.record(id_)["body"]
        joiners = body.count(CGJ)
        check(joiners == (2 * pairs + 29) // 30 - 1,
              f"{id_}: {joiners} joiners in the body, expected one after every 30 marks")
        inner = {len(run) for run in body.split(CGJ)[1:-1]}
        check(inner == {30}, f"{id_}: runs of {sorted(inner)} marks between joiners, not 30")
    ctx.assert_alive()


MANY_TAGS_LUA = """
local p = { name = "many" }
function p.tag(a)
  local refused = 0
  for i = 1, 40000 do
    if not pcall(a.tag, a, "t" .. i) then refused = refused + 1 end
  end
  a:meta("refused", tostring(refused))
  -- a tag that is there may still be raised when the article is full
  a:tag("t1", 0.5); a:tag("t1", 2.0)
end
return p
"""


@test()
def tag_limit_from_config(ctx):
    """Issue 12, bug 2 (tags): 40,000 a:tag() calls took 4.9 s and nothing
    bounded the count.  [daemon] max_tags bounds it (logged once per
    article), and the lookup by name is constant-time."""
    script = ctx.base / "many.lua"
    script.write_text(MANY_TAGS_LUA, encoding="utf-8")
    ctx.write_config([("many", {"lua": str(script)}), ("archive", {"so": "archive_fs.so"})],
                     max_tags=50)
    ctx.start()
    id_ = ctx.drop("many.txt", small_article("Viele Schlagworte", "Ein Text, der viele Tags bekommt."))
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    names = [t["name"] for t in rec["tags"]]
    check(names == [f"t{i}" for i in range(1, 51)], f"tags {names[:3]}... ({len(names)})")
    check(rec["tags"][0]["weight"] == 2.0, f"t1 weight {rec['tags'][0]['weight']}")
    check(rec["meta"].get("refused") == str(40000 - 50), f"meta {rec['meta']}")
    lines = [l for l in ctx.log_text().splitlines() if "max_tags" in l]
    check(len(lines) == 1 and "many.txt" in lines[0], f"max_tags logged {len(lines)} times: {lines[:2]}")
    normal_article_after(ctx, "tags")
