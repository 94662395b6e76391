#!/usr/bin/env bash
# The Debian package, end to end, on this machine (issue 13):
#
#   1. build it from a copy of the checkout (dpkg-buildpackage -us -uc -b,
#      DEB_BUILD_OPTIONS=nocheck: the trees of tests/run-all.sh run the tests);
#   2. apt-get install ./newsd_*.deb: the maintainer scripts make the user
#      newsd, the group newsd-submit and /var/lib/newsd with its drop folders;
#   3. run the unit's own ExecStart line as the unit would (user newsd, groups
#      newsd and newsd-submit, /run/newsd made as RuntimeDirectory= does) on
#      the installed /etc/newsd/newsd.ini, without systemd;
#   4. drop the sample as a producer (a user in newsd-submit only), see it
#      archived with newsctl;
#   5. apt-get purge newsd, and check that what purge removes is gone.
#
# Each check prints "ok - ..." or "FAIL - ..."; the last line is
# "N passed, N failed".  Exit 0 when all passed, 1 when one failed, 77 with
# "skipped: ..." when this machine cannot do it (no dpkg/apt, not root: the
# package is installed into the running system).  NEWSD_DEB_TEST=0 skips it.
# A newsd package installed before is not touched: the test refuses to run.
#
# Environment: NEWSD_E2E_SHARED (the shared/ folder with the sample; default
# ../shared beside the checkout), NEWSD_DEB_KEEP=1 keeps the work folder.

set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${NEWSD_E2E_SHARED:-$ROOT/../shared}
SAMPLE=$SHARED/samples/000_115dcddbce64b551.txt
STATE=/var/lib/newsd
UNIT=/lib/systemd/system/newsd.service

skip() { echo "skipped: $*"; exit 77; }

[ "${NEWSD_DEB_TEST:-1}" = 0 ] && skip "NEWSD_DEB_TEST=0"
for tool in dpkg dpkg-buildpackage apt-get; do
    command -v "$tool" >/dev/null 2>&1 || skip "no $tool on this machine (not Debian, or dpkg-dev missing)"
done
[ "$(id -u)" -eq 0 ] || skip "needs root: the package is installed into this system (CI runs as root)"

passed=0
failed=0
ok()   { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
# check TEXT CMD...: one check, its command's status decides.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

if dpkg-query -W -f='${db:Status-Status}' newsd 2>/dev/null | grep -qv '^not-installed$'; then
    fail "a newsd package is already on this machine (dpkg -s newsd); the round trip would purge it: apt-get purge newsd first"
    finish
fi
[ -r "$SAMPLE" ] || { fail "no sample at $SAMPLE (NEWSD_E2E_SHARED)"; finish; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/newsd-deb.XXXXXX")
chmod 755 "$WORK"
daemon=
cleanup() {
    if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then
        kill -TERM "$daemon" 2>/dev/null
        wait "$daemon" 2>/dev/null
    fi
    # Whatever happened, the machine is left without the package.
    if dpkg-query -W -f='${db:Status-Status}' newsd 2>/dev/null | grep -qv '^not-installed$'; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -q newsd >/dev/null 2>&1
    fi
    if [ "${NEWSD_DEB_KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---- 1. build -----------------------------------------------------------
# A copy, so that dpkg-buildpackage's files (debian/newsd/, obj-*/, the
# .deb one folder up) stay out of the checkout.
mkdir "$WORK/src"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) | tar -xf - -C "$WORK/src"
else
    tar -C "$ROOT" --exclude='./build*' --exclude=./var -cf - . | tar -xf - -C "$WORK/src"
fi
start=$(date +%s)
if (cd "$WORK/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
        dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s)"
else
    tail -n 40 "$WORK/build.log"
    fail "dpkg-buildpackage -us -uc -b (log above)"
    finish
fi
debs=("$WORK"/newsd_*.deb)
[ -f "${debs[0]}" ] || { fail "no newsd_*.deb was built"; finish; }
deb=${debs[0]}
check "the package depends on the libraries (shlibs:Depends)" \
    bash -c "dpkg-deb -f '$deb' Depends | grep -q 'libuv1'"

# ---- 2. install ---------------------------------------------------------
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$WORK/install.log" 2>&1; then
    ok "apt-get install ./$(basename "$deb")"
else
    cat "$WORK/install.log"
    fail "apt-get install ./$(basename "$deb") (log above)"
    finish
fi
for f in /usr/sbin/newsd /usr/bin/newsctl /usr/lib/newsd/plugins/archive_sqlite.so \
         /usr/lib/newsd/plugins/keywords.lua /etc/newsd/newsd.ini /usr/include/newsd/plugin.h \
         /usr/lib/sysusers.d/newsd.conf /usr/lib/tmpfiles.d/newsd.conf "$UNIT" \
         /usr/share/man/man8/newsd.8.gz /usr/share/man/man1/newsctl.1.gz \
         /usr/share/man/man5/newsd.ini.5.gz /usr/share/man/man7/newsd-plugin.7.gz; do
    check "installed: $f" test -e "$f"
done
check "installed: /etc/newsd/conf.d/" test -d /etc/newsd/conf.d
check "/etc/newsd/newsd.ini is a conffile" \
    bash -c "dpkg-query -W -f='\${Conffiles}' newsd | grep -q '^ */etc/newsd/newsd.ini '"
check "the config's state_dir is $STATE" grep -Eq "^state_dir *= *$STATE( |$)" /etc/newsd/newsd.ini
check "postinst made the user newsd and the group newsd-submit" \
    bash -c 'getent passwd newsd >/dev/null && id -nG newsd | grep -qw newsd-submit'
check "postinst made $STATE (0710 newsd:newsd-submit)" \
    bash -c "[ \"\$(stat -c '%a %U %G' $STATE)\" = '710 newsd newsd-submit' ]"
check "postinst made $STATE/inbox (2770, setgid newsd-submit)" \
    bash -c "[ \"\$(stat -c '%a %U %G' $STATE/inbox)\" = '2770 newsd newsd-submit' ]"
check "the unit is the hardened one: User=newsd, no capabilities" \
    bash -c "grep -qx 'User=newsd' $UNIT && grep -qx 'CapabilityBoundingSet=' $UNIT && grep -qx 'NoNewPrivileges=yes' $UNIT"
check "the unit's Documentation= names man:newsd(8)" grep -q '^Documentation=.*man:newsd(8)' "$UNIT"

# ---- 3. run as the unit would ---------------------------------------------
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
read -r -a argv <<<"$exec_start"
check "the unit's ExecStart runs /usr/sbin/newsd -c /etc/newsd/newsd.ini" \
    test "${argv[0]}" = /usr/sbin/newsd -a "${argv[2]}" = /etc/newsd/newsd.ini
as_newsd=(setpriv --reuid=newsd --regid=newsd --init-groups --inh-caps=-all)
if "${as_newsd[@]}" /usr/sbin/newsd --check-config -c /etc/newsd/newsd.ini >"$WORK/check.log" 2>&1; then
    ok "newsd --check-config as user newsd: every plugin and path of /etc/newsd/newsd.ini loads"
else
    cat "$WORK/check.log"
    fail "newsd --check-config as user newsd (log above)"
fi
# RuntimeDirectory=newsd, RuntimeDirectoryMode=0750.
install -d -m 0750 -o newsd -g newsd /run/newsd
(umask 0027 && exec "${as_newsd[@]}" "${argv[@]}") >"$WORK/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do
    [ -S /run/newsd/control.sock ] && break
    kill -0 "$daemon" 2>/dev/null || break
    sleep 0.1
done
if [ -S /run/newsd/control.sock ]; then
    ok "newsd started from the unit's ExecStart as newsd"
else
    cat "$WORK/daemon.log"
    fail "newsd did not start (log above)"
    finish
fi
# Real, effective, saved and file-system uid and gid, from /proc (no procps
# needed): all newsd's.
ids_of() { awk '/^(Uid|Gid):/ {print $2, $3, $4, $5}' "/proc/$1/status" | tr '\n' ' '; }
u=$(id -u newsd)
g=$(id -g newsd)
check "the daemon runs as newsd:newsd, not root" test "$(ids_of "$daemon")" = "$u $u $u $u $g $g $g $g "

# ---- 4. a producer drops the sample ----------------------------------------
id=$(sha256sum "$SAMPLE" | cut -c1-32)
name=roundtrip-$id.txt
if runuser -u nobody -g newsd-submit -- \
        sh -c "cat >'$STATE/tmp/$name' && mv '$STATE/tmp/$name' '$STATE/inbox/$name'" <"$SAMPLE"; then
    ok "a producer in newsd-submit dropped the sample through tmp/"
else
    fail "a producer in newsd-submit could not drop the sample"
fi
archived=
for _ in $(seq 150); do
    if newsctl show "$id" >"$WORK/show.txt" 2>/dev/null; then archived=1; break; fi
    sleep 0.2
done
if [ -n "$archived" ]; then
    ok "newsctl show $id: the sample is archived"
else
    cat "$WORK/daemon.log"
    fail "the sample was not archived within 30 s (log above)"
fi
check "newsctl list names it" bash -c "newsctl list | grep -q '$id'"
check "the inbox and work/ are empty again" \
    bash -c "[ -z \"\$(ls -A $STATE/inbox)\" ] && [ -z \"\$(ls $STATE/work)\" ]"
check "the archive is newsd's: $STATE/archive/newsd.db" \
    bash -c "[ \"\$(stat -c %U $STATE/archive/newsd.db)\" = newsd ]"
# The installed configuration's paths (plugins, their data files) all
# resolve: a missing one would have been logged.
if grep -E '^[0-9TZ:.-]+ (warning|error): ' "$WORK/daemon.log" >"$WORK/complaints.log"; then
    cat "$WORK/complaints.log"
    fail "the daemon logged warnings or errors on the installed configuration (above)"
else
    ok "the daemon logged no warning or error on the installed configuration"
fi
kill -TERM "$daemon"
if wait "$daemon"; then ok "newsd stopped on TERM, exit 0"; else fail "newsd exited $? on TERM"; fi
daemon=

# ---- 5. purge -------------------------------------------------------------
if DEBIAN_FRONTEND=noninteractive apt-get purge -y -q newsd >"$WORK/purge.log" 2>&1; then
    ok "apt-get purge newsd"
else
    cat "$WORK/purge.log"
    fail "apt-get purge newsd (log above)"
fi
check "dpkg knows no newsd any more" \
    bash -c "! dpkg-query -W -f='\${db:Status-Status}' newsd 2>/dev/null | grep -qv '^not-installed$'"
for f in /usr/sbin/newsd /usr/bin/newsctl /usr/lib/newsd /etc/newsd "$STATE" /run/newsd "$UNIT" \
         /usr/lib/sysusers.d/newsd.conf /usr/lib/tmpfiles.d/newsd.conf /usr/include/newsd \
         /usr/share/man/man8/newsd.8.gz /usr/share/doc/newsd; do
    check "purged: $f" test ! -e "$f"
done
# Debian leaves system users in place (files elsewhere may be theirs).
check "the user newsd stays (Debian policy)" bash -c "getent passwd newsd >/dev/null"

finish
