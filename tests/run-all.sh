#!/usr/bin/env bash
# Builds newsd three times (four under CI) and runs the tests on each tree:
#
#   build/       the normal build, warnings are errors: unit + e2e
#   build-asan/  debug build with AddressSanitizer + UndefinedBehaviorSanitizer:
#                unit + e2e
#   build-tsan/  debug build with ThreadSanitizer: unit + the e2e tests that
#                exercise the workers, reload and the control API (TSAN_E2E);
#                a ThreadSanitizer report anywhere fails the part
#   deb          tests/deb/roundtrip.sh: the Debian package built, installed,
#                run as user newsd on the installed config, purged (as root
#                on Debian only; elsewhere it says "skipped: ...")
#   build-fuzz/  under CI=true (or with NEWSD_FUZZ_SECONDS set): the libFuzzer
#                targets, each for NEWSD_FUZZ_SECONDS (default 60), by
#                tests/fuzz/run.sh; a crash or a timeout fails the part
#
# The e2e suite includes the crash torture (tests/e2e/tests_torture.py,
# NEWSD_TORTURE_ROUNDS rounds per archive, default 10).  docs/testing.md
# describes every part.  Every part runs even when an earlier one failed.
# The last line is the total, "N passed, N failed"; the exit status is 1 when
# anything failed or a part could not run (a part that could not run, printed
# no counts, ran no test or exited non-zero without counting a failure adds
# one failure to the total, so the total line never looks green by mistake).
#
# Environment: MESON, PYTHON; NEWSD_UNIT_TIMEOUT, NEWSD_E2E_TIMEOUT, NEWSD_DEB_TIMEOUT (seconds
# per part: a hung part cannot push a CI run on 2 cores past 30 minutes);
# NEWSD_E2E_SAN_TIMEOUT (seconds for a sanitized tree's e2e part: the ASan
# run takes ~480 s on 2 cores, too close to the plain run's 540);
# NEWSD_E2E_JOBS (tests the e2e runner runs at once); NEWSD_E2E_SHARED (the
# shared/ folder with the sample and corpora; default: ../shared beside this
# checkout, where CI puts it, else the runner's own default);
# NEWSD_FUZZ_SECONDS (seconds per fuzz target; set, it runs the fuzz part
# outside CI too; 0 leaves it out under CI), NEWSD_FUZZ_JOBS (targets at
# once, default 2), NEWSD_FUZZ_TIMEOUT (seconds for the whole fuzz part).

set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

MESON=${MESON:-meson}
PYTHON=${PYTHON:-python3}
UNIT_TIMEOUT=${NEWSD_UNIT_TIMEOUT:-240}
DEB_TIMEOUT=${NEWSD_DEB_TIMEOUT:-600}
E2E_TIMEOUT=${NEWSD_E2E_TIMEOUT:-540}
E2E_SAN_TIMEOUT=${NEWSD_E2E_SAN_TIMEOUT:-900}
E2E_JOBS=${NEWSD_E2E_JOBS:-2}
if [ -n "${NEWSD_FUZZ_SECONDS:-}" ]; then
    FUZZ_SECONDS=$NEWSD_FUZZ_SECONDS
elif [ "${CI:-}" = true ]; then
    FUZZ_SECONDS=60
else
    FUZZ_SECONDS=0
fi
FUZZ_JOBS=${NEWSD_FUZZ_JOBS:-2}
# The clang build (a minute or two on 2 cores), the seeds, the targets.
FUZZ_TIMEOUT=${NEWSD_FUZZ_TIMEOUT:-$((FUZZ_SECONDS * 5 / FUZZ_JOBS + 600))}
# The e2e tests that run under ThreadSanitizer (run.py -k, substrings of
# test names): worker pools and bursts, SIGHUP and control-API reloads,
# Lua states per worker, the SQLite writer/indexer/reader threads, the
# control API's queries off the loop, SIGKILL and SIGTERM mid-burst.
TSAN_E2E=(burst_1000 duplicate_pair sighup_ sigterm_during_burst control_ lua_two_workers
          lua_reload_under_load sqlite_500 sqlite_sigkill near_dups_file_compacted sinks_)
if [ -z "${NEWSD_E2E_SHARED:-}" ] && [ -d "$ROOT/../shared/samples" ]; then
    NEWSD_E2E_SHARED=$(cd "$ROOT/../shared" && pwd)
    export NEWSD_E2E_SHARED
fi

# shellcheck disable=SC2034  # used through a nameref in test_tree
ASAN_ENV=(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)

LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/newsd-tests.XXXXXX")
# ThreadSanitizer writes each process's reports to a file of its own here
# (newsd, newsctl and the unit tests alike), so that a report from a daemon
# that a test kills still counts; suppressions only for third-party code.
mkdir -p "$LOG_DIR/tsan"
# shellcheck disable=SC2034  # used through a nameref in the tsan part
TSAN_ENV=("TSAN_OPTIONS=halt_on_error=0 second_deadlock_stack=1 log_path=$LOG_DIR/tsan/report suppressions=$ROOT/tests/tsan.supp")
child=
tailer=

cleanup() { rm -rf "$LOG_DIR"; }
trap cleanup EXIT
# The parts run under timeout(1), which puts them in a process group of their
# own, out of reach of the terminal's Ctrl-C: pass INT on to it (timeout hands
# it on to the whole group and sends KILL 10 s later).  INT, not TERM: the e2e
# runner starts each test in a session of its own and stops those sessions on
# KeyboardInterrupt.
on_signal() {
    [ -n "$child" ] && kill -INT "$child" 2>/dev/null
    [ -n "$tailer" ] && kill "$tailer" 2>/dev/null
    wait 2>/dev/null
    echo "run-all: interrupted" >&2
    exit 130
}
trap on_signal INT TERM

total_pass=0
total_fail=0
summary=()

# note PART PASSED FAILED TEXT
note() {
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    summary+=("$(printf '%-16s %4d passed, %4d failed%s' "$1" "$2" "$3" "${4:+  ($4)}")")
}

# run_logged LOG SECONDS CMD...: runs CMD with no stdin under a time limit,
# shows its output as it comes and keeps it in LOG; returns CMD's status
# (124 or 137 on timeout, when CMD gets INT and, 10 s later, KILL).
run_logged() {
    local log=$1 secs=$2 rc
    shift 2
    : >"$log"
    timeout -s INT -k 10 "$secs" "$@" </dev/null >"$log" 2>&1 &
    child=$!
    tail -n +1 -f --pid="$child" "$log" &
    tailer=$!
    wait "$child"
    rc=$?
    wait "$tailer"
    child=
    tailer=
    return "$rc"
}

# judge PART RC PASSED FAILED: accounts for one part whose counts were parsed
# (PASSED empty: no counts found).
judge() {
    local part=$1 rc=$2 p=$3 f=$4
    if [ -z "$p" ]; then
        case $rc in
            124|137) note "$part" 0 1 "timed out, no counts" ;;
            *)       note "$part" 0 1 "exit $rc, printed no counts: could not run" ;;
        esac
    elif [ $((p + f)) -eq 0 ]; then
        note "$part" 0 1 "ran no test"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        note "$part" "$p" 1 "exit $rc but no failure counted"
    elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        note "$part" "$p" "$f" "timed out"
    else
        note "$part" "$p" "$f"
    fi
}

strip_colour() { sed -e 's/\x1b\[[0-9;]*m//g' "$1"; }

# meson test's summary: Ok / Expected Fail / Fail / Unexpected Pass /
# Skipped / Timeout.  Prints "PASSED FAILED", or nothing without a summary.
unit_counts() {
    strip_colour "$1" | awk '
        /^Ok:/              { ok = $2;    seen = 1 }
        /^Expected Fail:/   { xfail = $3 }
        /^Fail:/            { fail = $2 }
        /^Unexpected Pass:/ { xpass = $3 }
        /^Timeout:/         { tmo = $2 }
        END { if (seen) print ok + xfail, fail + xpass + tmo }'
}

# The e2e runner ends with "N passed, N failed" (maybe ", N skipped").
e2e_counts() {
    strip_colour "$1" \
        | grep -Eo '(^|[^0-9])[0-9]+ passed, [0-9]+ failed' | tail -n 1 \
        | sed -E 's/^[^0-9]*([0-9]+) passed, ([0-9]+) failed/\1 \2/'
}

# build_tree DIR MESON-OPTIONS...: sets DIR up once, applies the options to
# a tree that exists (cheap when nothing changed), compiles.
build_tree() {
    local dir=$1
    shift
    echo "==> build $dir ($*)"
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        "$MESON" configure "$dir" "$@" || return 1
    else
        "$MESON" setup "$dir" "$@" || return 1
    fi
    "$MESON" compile -C "$dir"
}

# test_tree NAME DIR ENV-ARRAY-NAME TIMEOUT-MULTIPLIER MESON-OPTIONS...
# E2E_ARGS (an array, may be empty): extra arguments for the e2e runner.
E2E_ARGS=()
test_tree() {
    local name=$1 dir=$2 envname=$3 mult=$4 rc p f
    shift 4
    local -n envs=$envname
    if ! build_tree "$dir" "$@" </dev/null; then
        note "$name unit" 0 1 "build failed"
        note "$name e2e" 0 1 "build failed"
        return
    fi

    echo "==> $name: unit tests"
    run_logged "$LOG_DIR/$name-unit.log" "$UNIT_TIMEOUT" \
        env ${envs[@]+"${envs[@]}"} "$MESON" test -C "$dir" --suite unit --print-errorlogs \
            --timeout-multiplier "$mult"
    rc=$?
    read -r p f <<<"$(unit_counts "$LOG_DIR/$name-unit.log")"
    judge "$name unit" "$rc" "$p" "$f"

    echo "==> $name: e2e tests"
    local e2e_secs=$E2E_TIMEOUT
    [ "$mult" -gt 1 ] && e2e_secs=$E2E_SAN_TIMEOUT
    run_logged "$LOG_DIR/$name-e2e.log" "$e2e_secs" \
        env ${envs[@]+"${envs[@]}"} "$PYTHON" tests/e2e/run.py --build-dir "$ROOT/$dir" -j "$E2E_JOBS" \
            ${E2E_ARGS[@]+"${E2E_ARGS[@]}"}
    rc=$?
    read -r p f <<<"$(e2e_counts "$LOG_DIR/$name-e2e.log")"
    judge "$name e2e" "$rc" "$p" "$f"
}

# shellcheck disable=SC2034
NO_ENV=()
test_tree build build NO_ENV 1 -Dwerror=true
# Sanitized code runs a few times slower: meson's per-test timeouts are tripled.
test_tree asan build-asan ASAN_ENV 3 \
    -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# ThreadSanitizer: the subset, then every report any process wrote.
E2E_ARGS=()
for k in "${TSAN_E2E[@]}"; do E2E_ARGS+=(-k "$k"); done
test_tree tsan build-tsan TSAN_ENV 5 \
    -Dbuildtype=debug -Db_sanitize=thread -Db_lundef=false -Dwerror=true
E2E_ARGS=()
reports=$(find "$LOG_DIR/tsan" -type f | wc -l)
if [ "$reports" -gt 0 ]; then
    echo "==> tsan: $reports process(es) wrote ThreadSanitizer reports:"
    for f in "$LOG_DIR"/tsan/*; do
        echo "--- $f"
        cat "$f"
    done
    note "tsan reports" 0 "$reports" "races or lock-order problems, printed above"
else
    note "tsan reports" 1 0 "none"
fi

# The package round trip prints "N passed, N failed", or "skipped: WHY" and
# exits 77 where it cannot run (no dpkg/apt, not root).
echo "==> deb: the Debian package, built, installed, run and purged"
run_logged "$LOG_DIR/deb.log" "$DEB_TIMEOUT" bash tests/deb/roundtrip.sh
rc=$?
if [ "$rc" -eq 77 ]; then
    summary+=("$(printf '%-16s %s' deb "$(grep -m1 '^skipped:' "$LOG_DIR/deb.log")")")
else
    read -r p f <<<"$(e2e_counts "$LOG_DIR/deb.log")"
    judge "deb" "$rc" "$p" "$f"
fi

if [ "$FUZZ_SECONDS" -gt 0 ]; then
    echo "==> fuzz: each target for ${FUZZ_SECONDS}s"
    run_logged "$LOG_DIR/fuzz.log" "$FUZZ_TIMEOUT" \
        env FUZZ_SECONDS="$FUZZ_SECONDS" FUZZ_JOBS="$FUZZ_JOBS" bash tests/fuzz/run.sh
    rc=$?
    read -r p f <<<"$(e2e_counts "$LOG_DIR/fuzz.log")"
    judge "fuzz" "$rc" "$p" "$f"
else
    summary+=("$(printf '%-16s skipped (runs under CI=true or with NEWSD_FUZZ_SECONDS; make fuzz)' fuzz)")
fi

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
