#!/usr/bin/env bash
# Stop a server started by tests/pg/start.sh:
#
#   tests/pg/stop.sh DIR [MODE] [--remove]
#
# MODE is pg_ctl's shutdown mode: fast (default: roll back open
# transactions, disconnect clients; what the outage test uses), smart or
# immediate.  --remove deletes DIR afterwards.  Stopping a server that is
# not running is not an error.
set -euo pipefail

die() { echo "pg/stop.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 DIR [fast|smart|immediate] [--remove]"
DIR=$1
MODE=fast
REMOVE=0
for a in "${@:2}"; do
    case $a in
        fast|smart|immediate) MODE=$a ;;
        --remove) REMOVE=1 ;;
        *) die "unknown argument $a" ;;
    esac
done
[ -d "$DIR" ] || exit 0
PG_BINDIR=$(cat "$DIR/bindir" 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RUN_AS=()
[ "$(id -u)" -eq 0 ] && RUN_AS=(runuser -u nobody --)
if [ -f "$DIR/data/postmaster.pid" ]; then
    "${RUN_AS[@]+"${RUN_AS[@]}"}" "$PG_BINDIR/pg_ctl" -D "$DIR/data" -m "$MODE" -w -t 60 stop \
        >/dev/null 2>>"$DIR/pg_ctl.log" || die "pg_ctl stop failed: $(tail -n 2 "$DIR/pg_ctl.log" | tr '\n' ' ')"
fi
[ "$REMOVE" -eq 0 ] || rm -rf "$DIR"
