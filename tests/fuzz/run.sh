#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz/ (clang, ASan + UBSan) and runs
# each for a time budget; `make fuzz` and tests/run-all.sh (CI) call this.
#
#   tests/fuzz/run.sh [TARGET...]      parse config control query lua text (default: all)
#
# Environment:
#   FUZZ_SECONDS   budget per target (default 60)
#   FUZZ_TIMEOUT   time limit per input in seconds (default 10): an input
#                  that takes longer fails the run, which is how a path
#                  quadratic in its input shows up (the large seeds of
#                  seeds.py give it inputs large enough)
#   FUZZ_JOBS      targets run at once (default: the number of CPUs)
#   FUZZ_BUILD_DIR the tree (default build-fuzz)
#   FUZZ_WITHOUT_KNOWN=1  leave out the seeds of bugs that another change
#                  fixes (seeds.py KNOWN)
#   CC             a clang (default clang)
#
# Each target's corpus grows in build-fuzz/fuzz-corpus/TARGET/ from run to
# run; seeds are written afresh into build-fuzz/fuzz-seeds/.  A crash, a
# timeout, a leak or running out of memory leaves the input in
# build-fuzz/fuzz-artifacts/TARGET/ and fails the run; reproduce it with
#   build-fuzz/tests/fuzz/fuzz_TARGET ARTIFACT
# The last line is "N passed, N failed" (one per target), as run-all.sh
# expects; per target, a line with the executions it ran.

set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

SECONDS_EACH=${FUZZ_SECONDS:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
MESON=${MESON:-meson}
PYTHON=${PYTHON:-python3}
ALL_TARGETS=(parse config control query lua text)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")

# Largest input libFuzzer makes (and seeds it keeps) per target: articles
# are large, config files and requests are not.  The config loader looks
# sections and keys up by walking them, so a 32 KB file of short sections
# ran at 300 inputs/s; 8 KB is still far more than a config has.  Queries stay small: q is
# at most 4 KB, and a large input is only a slow one for SQLite.
declare -A MAX_LEN=([parse]=524288 [config]=8192 [control]=131072 [query]=8192 [lua]=16384
                   [text]=262144)
# Lua keeps what a snippet allocated until its collector runs, so every
# input looks like a leak to libFuzzer's per-input check, and LeakSanitizer
# would scan the heap after each: leaks are still checked at exit.
declare -A EXTRA=([lua]="-detect_leaks=0")

for t in "${targets[@]}"; do
    if [ -z "${MAX_LEN[$t]:-}" ]; then
        echo "fuzz: no target '$t' (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

build() {
    if [ ! -f "$BUILD/meson-private/coredata.dat" ]; then
        echo "==> CC=${CC:-clang} $MESON setup $BUILD -Dfuzz=true (ASan + UBSan)"
        CC=${CC:-clang} "$MESON" setup "$BUILD" -Dfuzz=true -Dbuildtype=debugoptimized \
            -Db_sanitize=address,undefined -Db_lundef=false || return 1
    fi
    "$MESON" compile -C "$BUILD" fuzz
}

if ! build </dev/null; then
    echo "fuzz: the build of $BUILD failed"
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi

seed_args=(--out "$BUILD/fuzz-seeds")
[ "${FUZZ_WITHOUT_KNOWN:-}" = 1 ] && seed_args+=(--without-known)
if ! "$PYTHON" tests/fuzz/seeds.py "${seed_args[@]}" "${targets[@]}"; then
    echo "fuzz: tests/fuzz/seeds.py failed"
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi

# UBSan goes on after a report unless told to stop, and libFuzzer would
# never see it.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
LOGS=$BUILD/fuzz-logs
mkdir -p "$LOGS"

# run_target T: one libFuzzer run; its log in $LOGS/T.log.
run_target() {
    local t=$1 corpus=$BUILD/fuzz-corpus/$t art=$BUILD/fuzz-artifacts/$t
    mkdir -p "$corpus" "$art"
    # shellcheck disable=SC2086  # EXTRA holds separate flags
    "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" \
        -max_len="${MAX_LEN[$t]}" -dict="tests/fuzz/dict/$t.dict" \
        -artifact_prefix="$art/" -print_final_stats=1 ${EXTRA[$t]:-} \
        "$corpus" "$BUILD/fuzz-seeds/$t" >"$LOGS/$t.log" 2>&1
}

# verdict T RC: one line for target T.
verdict() {
    local t=$1 rc=$2 log=$LOGS/$1.log execs rate what artifact
    execs=$(grep -Eo 'stat::number_of_executed_units: +[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
    rate=$(grep -Eo 'stat::average_exec_per_sec: +[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        printf 'fuzz_%-8s ok      %10s executions (%s/s) in %ss\n' "$t" "${execs:-?}" "${rate:-?}" "$SECONDS_EACH"
        return 0
    fi
    what=$(grep -Eo 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-zA-Z -]+|runtime error: .*|FUZZ_CHECK.*' \
        "$log" | head -n 1)
    artifact=$(grep -Eo "(crash|timeout|leak|oom|slow-unit)-[0-9a-f]+" "$log" | head -n 1)
    printf 'fuzz_%-8s FAILED  %s (exit %s)\n' "$t" "${what:-see the log}" "$rc"
    [ -n "$artifact" ] && printf '               input: %s/%s\n' "$BUILD/fuzz-artifacts/$t" "$artifact"
    printf '               log:   %s\n' "$LOGS/$t.log"
    grep -E -A12 'ERROR: |FUZZ_CHECK|runtime error' "$log" | head -n 20 | sed 's/^/               | /'
    return 1
}

echo "==> fuzz: ${targets[*]}, ${SECONDS_EACH}s each, -timeout=$TIMEOUT, $JOBS at once"
rm -f "$LOGS"/*.rc
pending=("${targets[@]}")
active=0
while [ ${#pending[@]} -gt 0 ] || [ "$active" -gt 0 ]; do
    while [ ${#pending[@]} -gt 0 ] && [ "$active" -lt "$JOBS" ]; do
        t=${pending[0]}
        pending=("${pending[@]:1}")
        (run_target "$t"; echo $? >"$LOGS/$t.rc") &
        active=$((active + 1))
    done
    wait -n 2>/dev/null
    active=$(jobs -rp | wc -l)
done
wait

passed=0
failed=0
for t in "${targets[@]}"; do
    if verdict "$t" "$(cat "$LOGS/$t.rc" 2>/dev/null || echo 1)"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
