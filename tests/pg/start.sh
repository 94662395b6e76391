#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests, on 127.0.0.1 only:
#
#   tests/pg/start.sh DIR [--owner PID]
#
# First call: creates DIR (data/ inside, trust authentication, superuser
# "newsd", database "newsd"), picks a free port and starts the server.
# Later calls with the same DIR start the stopped server again on the same
# port (the tests stop it mid-burst with tests/pg/stop.sh).  Prints the
# libpq connection string on stdout (also kept in DIR/conninfo); progress
# and errors go to stderr, the server's log to DIR/server.log.  Exit 0 when
# the server accepts connections, 1 with the reason otherwise.
#
# initdb refuses to run as root, so as root (CI) the server runs as the
# user "nobody" (runuser), which must be able to reach DIR: every parent
# folder must be searchable by others (a folder made with mktemp -d in /tmp
# needs chmod 711).
#
# --owner PID: a watchdog (in a session of its own, so that killing the
# test's process group does not kill it) stops the server and removes DIR
# once PID is gone, so that a test killed on timeout leaks no server.
#
# Environment: PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

die() { echo "pg/start.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 DIR [--owner PID]"
DIR=$1
OWNER=
if [ "${2:-}" = "--owner" ]; then OWNER=${3:?--owner needs a PID}; fi

if [ -z "${PG_BINDIR:-}" ]; then
    PG_BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
for tool in initdb pg_ctl psql; do
    [ -x "$PG_BINDIR/$tool" ] || die "no $tool in '${PG_BINDIR:-/usr/lib/postgresql/*/bin}' (install Debian's postgresql package)"
done

RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
    command -v runuser >/dev/null || die "running as root and runuser(1) is missing: cannot run initdb as another user"
    RUN_AS=(runuser -u nobody --)
fi
as_user() { "${RUN_AS[@]+"${RUN_AS[@]}"}" "$@"; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
if [ ${#RUN_AS[@]} -gt 0 ]; then
    chown nobody "$DIR"
    as_user test -w "$DIR" || die "user nobody cannot write to $DIR (is a parent folder mode 700?)"
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [ ! -f "$DIR/data/PG_VERSION" ]; then
    # No fsync at all: the server is thrown away after the test, and the
    # tests are about newsd's behaviour, not the server's durability.
    as_user "$PG_BINDIR/initdb" -D "$DIR/data" -U newsd --auth=trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$DIR/initdb.log" 2>&1 \
        || die "initdb failed: $(tail -n 3 "$DIR/initdb.log" | tr '\n' ' ')"
    cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
fsync = off
full_page_writes = off
max_connections = 40
shared_buffers = 32MB
CONF
    free_port >"$DIR/port"
    new=1
else
    new=0
fi
PORT=$(cat "$DIR/port")

started=0
for attempt in 1 2 3; do
    if as_user "$PG_BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
            -o "-p $PORT" start >/dev/null 2>>"$DIR/pg_ctl.log"; then
        started=1
        break
    fi
    # Someone took the port meanwhile: only a new server may move.
    [ "$new" -eq 1 ] || break
    free_port >"$DIR/port"
    PORT=$(cat "$DIR/port")
done
[ "$started" -eq 1 ] || die "the server did not start: $(tail -n 3 "$DIR/server.log" 2>/dev/null | tr '\n' ' ')"

CONNINFO="host=127.0.0.1 port=$PORT user=newsd dbname=newsd"
if [ "$new" -eq 1 ]; then
    as_user "$PG_BINDIR/psql" -X -q -h 127.0.0.1 -p "$PORT" -U newsd -d postgres \
        -c 'CREATE DATABASE newsd' >/dev/null 2>>"$DIR/pg_ctl.log" \
        || die "cannot create the database: $(tail -n 2 "$DIR/pg_ctl.log" | tr '\n' ' ')"
    echo "$PG_BINDIR" >"$DIR/bindir"
    echo "$CONNINFO" >"$DIR/conninfo"
    if [ -n "$OWNER" ]; then
        RUN_AS_STR=${RUN_AS[*]+"${RUN_AS[*]}"}
        setsid bash -c '
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            [ -f "$2/data/postmaster.pid" ] && $4 "$3/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null 2>&1
            rm -rf "$2"' watchdog "$OWNER" "$DIR" "$PG_BINDIR" "$RUN_AS_STR" \
            </dev/null >/dev/null 2>&1 &
    fi
fi
echo "$CONNINFO"
