"""The manual pages (man/*.scd, issue 13) against what they describe, so
they cannot drift: every option of `newsd --help` and `newsctl --help`
(and every newsctl command) is in newsd(8) and newsctl(1), every option
those pages list is one the program knows, every [daemon] key of
docs/operations.md's table and of daemon/config.c is in newsd.ini(5), and
the pages the build made (scdoc) are there.

Loaded by run.py; every test here is named man_*.
"""

import re

from __main__ import SOURCE_ROOT, check, test

MAN = SOURCE_ROOT / "man"
PAGES = ("newsd.8", "newsctl.1", "newsd.ini.5", "newsd-plugin.7")


def help_text(ctx, argv):
    import subprocess
    p = subprocess.run(argv + ["--help"], capture_output=True, text=True, timeout=10)
    check(p.returncode == 0, f"{argv[0]} --help exited {p.returncode}: {p.stderr}")
    return p.stdout


def help_options(text):
    """-x and --long-option as --help lists them (at the start of a line,
    after the indentation, and in the usage lines)."""
    opts = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", text))
    opts |= set(re.findall(r"(?:^|\s|\[|\|)(-[a-zA-Z])(?=[\s,\]])", text))
    return opts


def page_options(src):
    """The options the page's OPTIONS section lists as items: *--opt* or
    *-x*, *--long* at the start of a line."""
    section = re.search(r"^# OPTIONS\n(.*?)(?=^# )", src, re.S | re.M)
    check(section, "the page has no OPTIONS section")
    opts = set()
    for line in section.group(1).splitlines():
        if line.startswith("*"):
            opts |= set(re.findall(r"\*(--?[a-zA-Z][a-z-]*)\*", line))
    return opts


def page_words(src):
    """The page's text with scdoc's markup taken out."""
    return re.sub(r"[*_]", "", src.replace("\\*", "*").replace("\\_", "_"))


def check_options(ctx, binary, page):
    text = help_text(ctx, [str(binary)])
    src = (MAN / f"{page}.scd").read_text(encoding="utf-8")
    in_help = help_options(text)
    check(len(in_help) >= 5, f"found only {sorted(in_help)} in {binary.name} --help")
    in_page = page_options(src)
    missing = sorted(o for o in in_help if o not in page_words(src).split() and
                     not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", page_words(src)))
    check(not missing, f"{page}({page[-1]}) does not mention {missing} of {binary.name} --help")
    stale = sorted(in_page - in_help)
    check(not stale, f"{page}'s OPTIONS list {stale}, which {binary.name} --help does not know")
    return text, src


@test(timeout=30)
def man_newsd_options(ctx):
    check_options(ctx, ctx.newsd, "newsd.8")


@test(timeout=30)
def man_newsctl_options_and_commands(ctx):
    text, src = check_options(ctx, ctx.build / "newsctl" / "newsctl", "newsctl.1")
    block = text.split("commands:", 1)[1].split("options:", 1)[0]
    commands = {line.split()[0] for line in block.splitlines()
                if re.match(r"^  [a-z]", line)}
    check(len(commands) >= 8, f"found only the commands {sorted(commands)} in newsctl --help")
    section = re.search(r"^# COMMANDS\n(.*?)(?=^# )", src, re.S | re.M).group(1)
    listed = set(re.findall(r"^\*([a-z][a-z-]*)\*", section, re.M))
    check(commands == listed,
          f"newsctl(1) COMMANDS: missing {sorted(commands - listed)}, unknown {sorted(listed - commands)}")


def operations_daemon_keys():
    text = (SOURCE_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("### `[daemon]`", 1)[1].split("\n### ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))


def config_c_daemon_keys():
    """The [daemon] keys daemon/config.c accepts: its table of numbers
    ({"name", min, max, offsetof(...)}) and its strcmp(name, "...") chain."""
    src = (SOURCE_ROOT / "daemon" / "config.c").read_text(encoding="utf-8")
    keys = set(re.findall(r'\{\s*"([a-z_]+)"\s*,[^{}]*?offsetof', src))
    keys |= set(re.findall(r'strcmp\(name, "([a-z_]+)"\)', src))
    return keys


@test(timeout=30)
def man_ini_daemon_keys(ctx):
    src = (MAN / "newsd.ini.5.scd").read_text(encoding="utf-8")
    section = re.search(r"^# THE \[daemon\] SECTION\n(.*?)(?=^# )", src, re.S | re.M)
    check(section, "newsd.ini(5) has no [daemon] section")
    in_page = set(re.findall(r"^\*([a-z_]+)\* =", section.group(1), re.M))
    documented = operations_daemon_keys()
    check(len(documented) >= 10, f"found only {sorted(documented)} in docs/operations.md's [daemon] table")
    in_code = config_c_daemon_keys()
    check(len(in_code) >= 10, f"found only {sorted(in_code)} in daemon/config.c: has its key table changed shape? "
          "(update config_c_daemon_keys in tests/e2e/tests_man.py)")
    missing = sorted((documented | in_code) - in_page)
    check(not missing, f"newsd.ini(5) lacks the [daemon] keys {missing}")
    stale = sorted(in_page - in_code)
    check(not stale, f"newsd.ini(5) lists [daemon] keys that daemon/config.c does not know: {stale}")
    for key in ("so", "lua", "required", "max_ms"):
        check(re.search(rf"^\*{key}\* =", src, re.M), f"newsd.ini(5) does not describe the plugin key {key}")


@test(timeout=30)
def man_pages_built(ctx):
    """The build made every page (meson builds them when scdoc is found;
    scdoc is in deps/debian-packages.txt), each a roff page with its name."""
    for page in PAGES:
        built = ctx.build / "man" / page
        check(built.exists(), f"{built} was not built: is scdoc installed (deps/debian-packages.txt)?")
        name, section = page.rsplit(".", 1)
        head = built.read_text(encoding="utf-8")[:2000]
        check(re.search(rf'^\.TH "{re.escape(name)}" "{section}"', head, re.M),
              f"{built} does not start like the roff page {name}({section})")
