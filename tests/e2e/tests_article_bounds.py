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
