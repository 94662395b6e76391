"""End-to-end tests of the configuration checks (issue 13): every key of
every section is one newsd or the plugin knows, a mistake names its file
and line (and the nearest valid key), --check-config runs every plugin's
init (archives included), and a refused reload hands the plugin's own
message to newsctl reload.

Loaded by run.py; every test here is named config_keys_*.
"""

import re

from __main__ import test, check, DEFAULT_PLUGINS, normal_article_after
from tests_control import newsctl, status


def plugins():
    """The default plugins, a Lua one (kw) and archive_sqlite (db) beside
    archive_fs (archive, which the run.py helpers read)."""
    base = [p for p in DEFAULT_PLUGINS if p[0] != "archive"]
    return base + [
        ("kw", {"lua": "keywords.lua", "words": "Zebrafant", "tag": "topic:zebra"}),
        ("db", {"so": "archive_sqlite.so"}),
    ] + [p for p in DEFAULT_PLUGINS if p[0] == "archive"]


def insert_after_section(text, section, line):
    """text with line added as the first key of [section]; returns the new
    text and the (1-based) number of the added line."""
    lines = text.split("\n")
    i = lines.index(f"[{section}]")
    lines.insert(i + 1, line)
    return "\n".join(lines), i + 2


# Each mistake: the section it goes into, the line, and what the error must
# say besides FILE:LINE (a regex).  None as section: conf.d, see below.
MISTAKES = [
    ("requird", "plugin.orgs", "requird = true",
     r"\[plugin\.orgs\] unknown key 'requird' \(did you mean 'required'\?\)"),
    ("lua_limit", "plugin.kw", "max_instrutions = 10",
     r"\[plugin\.kw\] unknown key 'max_instrutions' \(did you mean 'max_instructions'\?\)"),
    ("sqlite_path", "plugin.db", "paht = x.db",
     r"\[plugin\.db\] unknown key 'paht' \(did you mean 'path'\?\)"),
    ("scorer_family", "plugin.scorer", "rul.B = topic:zebra, 2",
     r"\[plugin\.scorer\] unknown key 'rul\.B' \(did you mean 'rule\.B'\?\)"),
    ("lua_limit_in_c", "plugin.orgs", "max_memory = 8M",
     r"\[plugin\.orgs\] max_memory limits Lua plugins; .*keyword_tagger\.so is a C plugin"),
    ("far_off", "plugin.orgs", "colour = blue",
     r"\[plugin\.orgs\] unknown key 'colour'$"),
    ("daemon_key", "daemon", "worker = 2",
     r"\[daemon\] unknown key 'worker' \(did you mean 'workers'\?\)"),
    ("wrong_type", "plugin.db", "busy_timeout_ms = abc",
     r"\[plugin\.db\] busy_timeout_ms = abc: expected a whole number from 0 to 3600000"),
    ("lua_wrong_type", "plugin.kw", "max_memory = lots",
     r"max_memory = lots: expected a size"),
    ("required_type", "plugin.orgs", "required = maybe",
     r"\[plugin\.orgs\] required = maybe: expected true or false"),
]


def mistaken_config(ctx, section, line):
    """The config file with the mistake; returns the FILE:LINE it must name."""
    text, n = insert_after_section(ctx.config_text(plugins()), section, line)
    ctx.config_path.write_text(text, encoding="utf-8")
    return f"{ctx.config_path}:{n}: "


def conf_d_mistake(ctx):
    """A mistyped key in a conf.d drop-in: the error names that file."""
    ctx.config_path.write_text(ctx.config_text(plugins()), encoding="utf-8")
    confd = ctx.base / "conf.d"
    confd.mkdir(exist_ok=True)
    (confd / "50-site.ini").write_text("; site settings\n[plugin.orgs]\nwrods = Zebra\n", encoding="utf-8")
    return f"{confd / '50-site.ini'}:3: ", r"\[plugin\.orgs\] unknown key 'wrods' \(did you mean 'words'\?\)"


def bad_archive_setting(ctx):
    """A path archive_sqlite cannot make: only its init() can tell."""
    where = mistaken_config(ctx, "plugin.db", "path = /proc/newsd-e2e/x.db")
    return where, r"init failed.*cannot create the folder of /proc/newsd-e2e/x\.db"


def all_mistakes(ctx):
    """(name, set-up) of every mistake: each writes the config and returns
    (where, what) the error must say."""
    for name, section, line, what in MISTAKES:
        yield name, (lambda s=section, l=line, w=what: (mistaken_config(ctx, s, l), w))
    yield "conf_d", lambda: conf_d_mistake(ctx)
    yield "bad_archive_setting", lambda: bad_archive_setting(ctx)


def drop_conf_d(ctx):
    site = ctx.base / "conf.d" / "50-site.ini"
    if site.exists():
        site.unlink()


@test()
def config_keys_check_config_names_file_line_and_suggestion(ctx):
    # A first start: the archives are tried in a temporary state dir, and
    # nothing is left behind.
    ctx.config_path.write_text(ctx.config_text(plugins()), encoding="utf-8")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    check(p.returncode == 0, f"good config: exit {p.returncode}: {p.stderr.decode()[-600:]}")
    check(b"OK" in p.stdout and b"temporary" in p.stdout, f"good config says: {p.stdout!r}")
    check(not ctx.state.exists(), "--check-config on a first start left the state dir behind")

    for name, setup in all_mistakes(ctx):
        where, what = setup()
        p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
        err = p.stderr.decode("utf-8", "replace")
        last = err.strip().splitlines()[-1] if err.strip() else ""
        check(p.returncode == 1, f"{name}: exit {p.returncode}, expected 1: {err[-600:]}")
        check(last.startswith("newsd: ") and where in last, f"{name}: the error does not name {where!r}: {last!r}")
        check(re.search(what, last), f"{name}: the error does not say {what!r}: {last!r}")
        drop_conf_d(ctx)
    check(not ctx.state.exists(), "a failed --check-config left the state dir behind")


@test()
def config_keys_check_config_opens_the_archive(ctx):
    """With a state dir, archive_sqlite's init runs on the real database:
    one that cannot be opened is caught before a start."""
    ctx.config_path.write_text(ctx.config_text(plugins()), encoding="utf-8")
    ctx.start()
    ctx.daemon.signal(15)
    ctx.daemon.wait_exit(20)
    db = ctx.state / "archive" / "newsd.db"
    check(db.exists(), f"no database at {db}")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    check(p.returncode == 0, f"exit {p.returncode}: {p.stderr.decode()[-600:]}")
    check(b"archives opened, checked and closed" in p.stdout, f"says: {p.stdout!r}")
    db.write_bytes(b"this is not an SQLite database, and an init that opens it must say so" * 100)
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 1, f"a broken database passed --check-config: {err[-600:]}")
    check(re.search(r"plugin db: .*init failed.*not a database", err.strip().splitlines()[-1]),
          f"the error does not carry the plugin's message: {err[-600:]}")


@test(timeout=180)
def config_keys_refused_reload_shows_the_plugins_message(ctx):
    ctx.config_path.write_text(ctx.config_text(plugins()), encoding="utf-8")
    ctx.start()
    before = [p["name"] for p in status(ctx)["plugins"]]
    for name, setup in all_mistakes(ctx):
        where, what = setup()
        rc, out, err = newsctl(ctx, "reload")
        msg = err.strip()
        check(rc == 1, f"{name}: newsctl reload exit {rc}, expected 1: {out} {err}")
        check("refused, the running configuration stays in force" in msg, f"{name}: {msg!r}")
        check(where in msg, f"{name}: newsctl reload does not name {where!r}: {msg!r}")
        check(re.search(what.rstrip("$"), msg), f"{name}: newsctl reload does not say {what!r}: {msg!r}")
        ctx.assert_alive(f"after the refused reload ({name})")
        drop_conf_d(ctx)
    check([p["name"] for p in status(ctx)["plugins"]] == before, "the plugins changed under refused reloads")
    # The old configuration is still the one in force, and works.
    normal_article_after(ctx, "config_keys")
    ctx.config_path.write_text(ctx.config_text(plugins()), encoding="utf-8")
    rc, out, err = newsctl(ctx, "reload")
    check(rc == 0, f"reload of the good config: exit {rc}: {err}")


@test()
def config_keys_plugin_without_keys_is_loaded_unchecked(ctx):
    """A plugin built before 1.2 declares no keys: its section cannot be
    checked, which is said at info level, and the plugin loads and runs."""
    old = ("old", {"so": str(ctx.build / "tests" / "abi" / "old_minor.so"), "word": "Huawei", "points": "2.5",
                   "wrod": "typo that nobody can tell"})
    ctx.write_config(ctx.plugins_with(old))
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0, f"--check-config exit {p.returncode}: {err[-600:]}")
    check(re.search(r"info: plugin old: .*old_minor\.so declares no configuration keys \(ABI 1\.0\)", err),
          f"no info line about the unchecked keys: {err[-600:]}")
    d = ctx.start()
    lines = [l for l in d.log_lines() if "declares no configuration keys" in l]
    check(len(lines) == 1, f"said {len(lines)} times at start: {lines}")
    normal_article_after(ctx, "old_minor")


@test()
def config_keys_check_config_as_root_leaves_a_users_archive_alone(ctx):
    """Root checking a state dir of another user does not run the archives'
    init (their files would be root's), and says so."""
    import os
    if os.geteuid() != 0:
        print("skipped: needs root")
        return
    ctx.config_path.write_text(ctx.config_text(plugins()), encoding="utf-8")
    ctx.state.mkdir()
    os.chown(ctx.state, 65534, 65534)
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0, f"exit {p.returncode}: {err[-600:]}")
    check("belongs to uid 65534" in err and "not initialised" in err, f"no note: {err[-600:]}")
    check(b"archives not initialised (run as root)" in p.stdout, f"says: {p.stdout!r}")
    check(os.listdir(ctx.state) == [], f"the check made {os.listdir(ctx.state)} in the user's state dir")
    # The keys are still checked.
    where = mistaken_config(ctx, "plugin.db", "paht = x.db")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    check(p.returncode == 1 and where in p.stderr.decode(), f"the typo passed: {p.stderr.decode()[-600:]}")


@test()
def config_keys_check_config_reports_every_plugin(ctx):
    """One run of --check-config shows the mistakes of every plugin, a
    line each; a reload stops at the first."""
    text, a = insert_after_section(ctx.config_text(plugins()), "plugin.orgs", "requird = true")
    text, b = insert_after_section(text, "plugin.db", "paht = x.db")
    ctx.config_path.write_text(text, encoding="utf-8")
    p = ctx.run_newsd(["--check-config", "-c", ctx.config_path])
    lines = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.startswith("newsd: ")]
    check(p.returncode == 1, f"exit {p.returncode}")
    check(len(lines) == 2 and f"newsd.ini:{a}: [plugin.orgs] unknown key 'requird'" in lines[0]
          and f"newsd.ini:{b}: [plugin.db] unknown key 'paht'" in lines[1], f"the errors: {lines}")
