"""End-to-end tests of the installed newsd (issue 13): `meson install`
into a DESTDIR lays out the FHS files, the generated unit passes
`systemd-analyze verify` and rates at most 1.5 in `systemd-analyze
security --offline=yes`, and an out-of-tree plugin builds with nothing but
the installed header and pkg-config file, then loads.

Loaded by run.py; every test here is named install_*.  They install the
build tree under test (its prefix, /usr/local by default) into a temporary
DESTDIR, so nothing outside the test's folder is touched.
"""

import glob
import os
import shutil
import subprocess

from __main__ import SAMPLE, check, test

SECURITY_MAX = 1.5


def destdir_install(ctx):
    dest = ctx.base / "dest"
    p = subprocess.run(["meson", "install", "-C", str(ctx.build), "--destdir", str(dest),
                        "--no-rebuild", "--quiet"], capture_output=True, text=True)
    check(p.returncode == 0, f"meson install failed:\n{p.stdout}\n{p.stderr}")
    return dest


def prefix_of(ctx):
    p = subprocess.run(["meson", "introspect", "--buildoptions", str(ctx.build)],
                       capture_output=True, text=True)
    import json
    opts = {o["name"]: o["value"] for o in json.loads(p.stdout)}
    return opts["prefix"], opts


def find_one(dest, pattern):
    hits = glob.glob(str(dest) + pattern, recursive=True)
    check(len(hits) == 1, f"expected one {pattern} under {dest}, found {hits}")
    return hits[0]


@test(timeout=120)
def install_layout_and_unit(ctx):
    dest = destdir_install(ctx)
    prefix, _ = prefix_of(ctx)
    root = str(dest) + prefix
    for rel in ("sbin/newsd", "bin/newsctl", "lib/newsd/plugins/archive_sqlite.so",
                "lib/newsd/plugins/keywords.lua", "include/newsd/plugin.h",
                "lib/systemd/system/newsd.service", "lib/sysusers.d/newsd.conf",
                "lib/tmpfiles.d/newsd.conf", "share/doc/newsd/LICENSE",
                # the unit's Documentation=man:newsd(8) (verify --man=no below
                # does not look it up: the page is checked here instead)
                "share/man/man8/newsd.8", "share/man/man1/newsctl.1",
                "share/man/man5/newsd.ini.5", "share/man/man7/newsd-plugin.7"):
        check(os.path.exists(os.path.join(root, rel)), f"{prefix}/{rel} was not installed")
    ini = find_one(dest, "/**/newsd/newsd.ini")
    check(os.path.isdir(os.path.join(os.path.dirname(ini), "conf.d")), "conf.d/ was not installed")
    # What the installed config names beside itself is installed with it.
    check(os.path.exists(os.path.join(os.path.dirname(ini), "gazetteer.tsv")),
          "gazetteer.tsv (user_gazetteer of the shipped config) was not installed beside newsd.ini")
    text = open(ini, encoding="utf-8").read()
    check("state_dir = ../var" not in text, "the installed config still says state_dir = ../var")
    unit = os.path.join(root, "lib/systemd/system/newsd.service")
    unit_text = open(unit, encoding="utf-8").read()
    check(f"ExecStart={prefix}/sbin/newsd -c " in unit_text, "the unit's ExecStart is not the prefix's newsd")
    check("Documentation=man:newsd(8) " in unit_text, "the unit's Documentation= does not name man:newsd(8)")
    state = [l.split()[1] for l in open(os.path.join(root, "lib/tmpfiles.d/newsd.conf"))
             if l.startswith("d ")][0]
    check(f"ReadWritePaths={state}" in unit_text, f"the unit does not make {state} writable")

    if not shutil.which("systemd-analyze"):
        raise AssertionError("systemd-analyze is missing (package systemd): cannot check the unit")
    # verify looks for the Exec binaries on this machine: point them into DESTDIR.
    checked = ctx.base / "verify" / "newsd.service"
    checked.parent.mkdir()
    checked.write_text(unit_text.replace(f"{prefix}/sbin/newsd", f"{root}/sbin/newsd")
                       .replace(f"{prefix}/bin/newsctl", f"{root}/bin/newsctl"))
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", str(checked)],
                       capture_output=True, text=True)
    check(p.returncode == 0 and not p.stderr.strip(),
          f"systemd-analyze verify is not clean:\n{p.stdout}{p.stderr}")
    p = subprocess.run(["systemd-analyze", "security", "--offline=yes", unit],
                       capture_output=True, text=True)
    last = [l for l in p.stdout.splitlines() if "Overall exposure level" in l]
    check(last, f"no exposure level from systemd-analyze security:\n{p.stdout}{p.stderr}")
    level = float(last[-1].split(":")[1].split()[0])
    print(f"systemd-analyze security: {level}")
    check(level <= SECURITY_MAX, f"the unit rates {level}, more than {SECURITY_MAX}:\n{p.stdout}")


PLUGIN_C = r"""
#include <newsd/plugin.h>
#include <stdlib.h>
#include <string.h>

static int process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)state; (void)stage;
    char *title = strdup(newsd_article_get(a, NEWSD_FIELD_TITLE));   /* POSIX, hence the define */
    int rc = newsd_article_tag(a, title && *title ? "outoftree:titled" : "outoftree:untitled", 1.0);
    free(title);
    return rc;
}

NEWSD_PLUGIN(.name = "outoftree", .stages = NEWSD_STAGE_TAG, .process = process);
"""


@test(timeout=120)
def install_out_of_tree_plugin(ctx):
    """The build line of docs/plugins.md, with only the installed files."""
    dest = destdir_install(ctx)
    pc = find_one(dest, "/**/pkgconfig/newsd.pc")
    src = ctx.base / "outoftree.c"
    src.write_text(PLUGIN_C)
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc), PKG_CONFIG_SYSROOT_DIR=str(dest))
    cflags = subprocess.run(["pkg-config", "--cflags", "newsd"], capture_output=True, text=True, env=env)
    check(cflags.returncode == 0, f"pkg-config --cflags newsd failed: {cflags.stderr}")
    check(str(dest) in cflags.stdout, f"Cflags {cflags.stdout!r} do not point into the install")
    plugindir = subprocess.run(["pkg-config", "--variable=plugindir", "newsd"], capture_output=True,
                               text=True, env=env).stdout.strip()
    check(plugindir.endswith("/lib/newsd/plugins"), f"plugindir is {plugindir!r}")
    so = ctx.base / "outoftree.so"
    p = subprocess.run(["cc", "-std=c17", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Werror", "-fPIC",
                        "-shared", "-o", str(so), str(src)] + cflags.stdout.split(),
                       capture_output=True, text=True)
    check(p.returncode == 0, f"the documented build line failed:\n{p.stderr}")
    cfg = ctx.base / "oot.ini"
    cfg.write_text(f"[daemon]\nstate_dir = {ctx.state}\nplugin_dir = {ctx.plugin_dir}\n\n[plugin.oot]\nso = {so}\n\n"
                   "[plugin.archive]\nso = archive_fs.so\n")
    p = ctx.run_newsd(["--try", SAMPLE, "-c", cfg, "--log-level", "error"])
    check(p.returncode == 0, f"newsd --try with the plugin failed: {p.stderr.decode()}")
    check(b'"outoftree:titled"' in p.stdout, "the out-of-tree plugin's tag is missing")
