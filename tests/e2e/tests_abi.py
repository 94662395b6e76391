"""End-to-end tests of the plugin ABI's versioning (issue 7): loaded by run.py.

The plugins live in tests/abi/ (see its meson.build)."""

import re

from __main__ import test, check, Fail, parse_reason, small_article, tag_names, rule_names


def abi_plugin(ctx, name):
    path = ctx.build / "tests" / "abi" / f"{name}.so"
    check(path.exists(), f"{path} is not built")
    return str(path)


CONFORMANCE_KEYS = {
    "text": "hello", "num": "2.5", "flag": "true", "int": "42", "size": "64M",
    "bad": "x", "inf": "inf", "file": "rel/file.txt", "abs": "/tmp/abi-abs",
    "list": " a, b ,,c ", "required": "true",
}

PROBE = small_article("Conformance probe article",
                      "This text is the probe of the ABI conformance plugin: Huawei and Nvidia.")


@test()
def abi_conformance_every_function_every_stage(ctx):
    """Every newsd_* function in init and each stage, checked against what
    the stage may and may not do; the article must come through whole."""
    keys = dict(CONFORMANCE_KEYS, so=abi_plugin(ctx, "conformance"))
    ctx.write_config(ctx.plugins_with(("abi", keys)))
    d = ctx.start()
    check(any("abi conformance: init:" in l and "checks passed" in l for l in d.log_lines()),
          "no 'init: N checks passed' line")
    # newsd_config_error (1.3) names the file and line of the key
    check(any(re.search(r"newsd\.ini:\d+: \[plugin\.abi\] text: conformance: this error is expected", l)
              for l in d.log_lines()), "no newsd_config_error line naming newsd.ini:LINE: [plugin.abi] text")
    id_ = ctx.drop("probe.txt", PROBE)
    # A failed check sends the probe to failed/ with the check in its reason.
    ctx.wait(lambda: ctx.failed_items() or (ctx.idle() and id_ in ctx.ids()), 20,
             "the probe archived or failed")
    if ctx.failed_items():
        reason = parse_reason(ctx.failed / "probe.txt.reason")
        raise Fail(f"the probe failed: {reason.get('cause')}")
    rec = ctx.record(id_)
    for stage in ("parse", "tag", "score"):
        check(re.fullmatch(r"\d+ checks", rec["meta"].get(f"abi.{stage}", "")),
              f"meta abi.{stage} is {rec['meta'].get('abi.' + stage)!r}")
        check(f"abi:{stage}" in tag_names(rec), f"tag abi:{stage} missing: {sorted(tag_names(rec))}")
    check({"ABI_score", "ABI_NEG"} <= rule_names(rec), f"rules {rule_names(rec)}")
    check(not rule_names(rec) & {"ABI_parse", "ABI_tag", "ABI_NAN", "ABI_INF"},
          f"a refused rule was kept: {rule_names(rec)}")
    check("abi:nan" not in tag_names(rec) and "abi:neg" not in tag_names(rec), "a refused tag was kept")
    ctx.wait(lambda: any("archive stage:" in l and "checks passed" in l for l in d.log_lines()),
             10, "the archive stage's 'checks passed' line")
    # What a stage may not do is refused and logged with the stage's name.
    check(any("newsd_article_score is not allowed in the tag stage (score only)" in l
              for l in d.log_lines()), "no log line for score() refused in the tag stage")
    check(any("newsd_article_tag is not allowed in the archive stage (parse, tag and score only)" in l
              for l in d.log_lines()), "no log line for tag() refused in the archive stage")
    check(any("is not a finite number" in l for l in d.log_lines()), "no log line for a NaN weight")


@test()
def abi_plugin_of_older_minor_loads_and_runs(ctx):
    """A plugin built against the frozen 1.0 header: shorter descriptor,
    stamp 1.  It must load and run unchanged."""
    old = ("old", {"so": abi_plugin(ctx, "old_minor"), "word": "Huawei", "points": "2.5"})
    ctx.write_config(ctx.plugins_with(old))
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    check(p.returncode == 0, f"--check-config exit {p.returncode}: {p.stderr.decode()[-400:]}")
    ctx.start()
    data = small_article("Old plugins still work", "Huawei builds chips; the 1.0 plugin sees it.")
    id_ = ctx.drop("old.txt", data)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check("old:Huawei" in tag_names(rec), f"tags {sorted(tag_names(rec))}")
    check("OLD_WORD" in rule_names(rec), f"rules {rule_names(rec)}")
    check(rec["meta"].get("old.abi") == "1.0", f"meta {rec['meta']}")


@test()
def abi_plugin_of_newer_minor_refused_by_version(ctx):
    """A plugin stamped 1.(N+1) that calls a function this newsd lacks:
    refused with the versioned message, not dlopen's 'undefined symbol',
    at --check-config, at start and at reload."""
    newer = ("newer", {"so": abi_plugin(ctx, "newer_minor")})
    cfg = ctx.write_config(ctx.plugins_with(newer))
    p = ctx.run_newsd(["--check-config", "-c", cfg])
    err = p.stderr.decode("utf-8", errors="replace")
    check(p.returncode == 1, f"exit {p.returncode}, expected 1: {err[-400:]}")
    m = re.search(r"needs newsd ABI >= 1\.(\d+); this is 1\.(\d+)", err)
    check(m, f"no versioned refusal in: {err[-400:]}")
    check(int(m.group(1)) == int(m.group(2)) + 1, f"minors in {m.group(0)!r}")
    check("newer_minor.so" in err and "plugin newer" in err, f"the message names no plugin/file: {err[-400:]}")
    check("undefined symbol" not in err, f"dlopen's message leaked: {err[-400:]}")

    # A running daemon refuses it on reload and keeps working.
    ctx.write_config()
    d = ctx.start()
    ctx.write_config(ctx.plugins_with(newer))
    d.signal(1)  # SIGHUP
    ctx.wait(lambda: any("needs newsd ABI >=" in l for l in d.log_lines()), 10, "the refused reload")
    data = small_article("Still running", "After a refused reload, Huawei articles still pass.")
    id_ = ctx.drop("after.txt", data)
    ctx.wait_archived([id_])


@test()
def abi_cxx_plugin_loads(ctx):
    """plugin.h compiled as C++: the plugin loads and tags."""
    cxx = ("cxx", {"so": abi_plugin(ctx, "cxx_plugin")})
    ctx.write_config(ctx.plugins_with(cxx))
    ctx.start()
    data = small_article("A title of some length", "Body text.")
    id_ = ctx.drop("cxx.txt", data)
    ctx.wait_archived([id_])
    tags = tag_names(ctx.record(id_))
    check(any(t.startswith("cxx:len/") for t in tags), f"tags {sorted(tags)}")


@test()
def abi_plugin_targeting_1_1_loads(ctx):
    """The current header with NEWSD_ABI_TARGET_MINOR=1: stamped 1.1, it
    loads and runs in a 1.2 newsd (the text layer is not declared for it)."""
    t11 = ("t11", {"so": abi_plugin(ctx, "target_1_1")})
    ctx.write_config(ctx.plugins_with(t11))
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    check(p.returncode == 0, f"--check-config exit {p.returncode}: {p.stderr.decode()[-400:]}")
    ctx.start()
    id_ = ctx.drop("t11.txt", small_article("A title", "Body text."))
    ctx.wait_archived([id_])
    tags = tag_names(ctx.record(id_))
    # newsd_abi_version() is the daemon's: 1.2 or later.
    check(any(re.fullmatch(r"t11:abi/1\.([2-9]|\d\d+)", t) for t in tags), f"tags {sorted(tags)}")
