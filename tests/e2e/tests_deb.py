"""The Debian package's Build-Depends (debian/control) against
deps/debian-packages.txt, so that a library added to one is added to the
other: every -dev package newsd builds with is a build dependency of the
package, and every build dependency is installed by `make deps-test` (CI
builds the package in tests/deb/roundtrip.sh on what make test installed,
deps/debian-test-packages.txt included).  Test-only packages stay out of
debian-packages.txt, so that make run does not install a browser.

Loaded by run.py; every test here is named deb_*.  The package itself is
built, installed, run and purged by tests/deb/roundtrip.sh (a part of
tests/run-all.sh of its own: it needs root).
"""

import re

from __main__ import SOURCE_ROOT, check, test

# -dev packages of the deps list that the package build does not need.
NOT_FOR_THE_PACKAGE = {
    "libclang-rt-14-dev": "the fuzz tree only (clang's libFuzzer)",
    "libc6-dev": "comes with build-essential, which dpkg-buildpackage requires anyway",
    "dpkg-dev": "the packaging tool itself (dpkg-buildpackage), not a library",
}
# Build tools the package needs besides the libraries.
TOOLS = {"meson", "ninja-build", "pkg-config", "scdoc"}
# Data the build turns into the entities plugin's lists (and python3, which
# runs data/gen_gazetteer.py).
BUILD_DATA = {"python3", "iso-codes", "tzdata", "libgeonames-common"}


def deps_packages(name="debian-packages.txt"):
    text = (SOURCE_ROOT / "deps" / name).read_text(encoding="utf-8")
    return {line.split("#", 1)[0].strip() for line in text.splitlines()} - {""}


# What make run must not install: test servers, a browser, the fuzz compiler.
TEST_ONLY = {"chromium", "nats-server", "postgresql", "clang", "libclang-rt-14-dev", "debhelper"}


def build_depends():
    text = (SOURCE_ROOT / "debian" / "control").read_text(encoding="utf-8")
    m = re.search(r"^Build-Depends:(.*?)(?=^\S)", text, re.S | re.M)
    check(m, "debian/control has no Build-Depends field")
    names = set()
    for item in m.group(1).split(","):
        item = item.strip()
        if item:
            names.add(re.split(r"[\s(<\[:]", item, 1)[0])
    return names


@test(timeout=30)
def deb_build_depends_match_deps(ctx):
    deps = deps_packages()
    test_deps = deps_packages("debian-test-packages.txt")
    in_both = sorted(deps & test_deps)
    check(not in_both, f"{in_both} listed in both deps/debian-packages.txt and deps/debian-test-packages.txt")
    run_has = sorted(deps & TEST_ONLY)
    check(not run_has, f"deps/debian-packages.txt (make run) lists test-only packages {run_has}")
    all_deps = deps | test_deps
    bd = build_depends()
    check(len(deps) >= 15 and len(bd) >= 10, f"parsed too little: deps {sorted(deps)}, Build-Depends {sorted(bd)}")
    wanted = {p for p in deps if p.endswith("-dev") and p not in NOT_FOR_THE_PACKAGE} | TOOLS | BUILD_DATA
    missing = sorted(wanted - bd)
    check(not missing, f"debian/control's Build-Depends lacks {missing} (in deps/debian-packages.txt): "
          "dpkg-buildpackage would refuse, or build without them")
    # debhelper provides debhelper-compat and the dh-sequence-* addons.
    unlisted = sorted(p for p in bd - all_deps
                      if p != "debhelper-compat" and not p.startswith("dh-sequence-"))
    check(not unlisted, f"debian/control build-depends on {unlisted}, which deps/*.txt "
          "do not list: make deps-test (and CI) would not install them")
    for tool in ("debhelper", "dpkg-dev", "build-essential"):
        check(tool in all_deps, f"deps/debian-test-packages.txt lacks {tool}, which tests/deb/roundtrip.sh needs")
