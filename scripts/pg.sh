#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL server for knob's tests and benchmarks: its
# own data directory, run by the unprivileged user "postgres", listening on 127.0.0.1
# only. Prints the URL to use. It gives up durability for speed (fsync and
# synchronous_commit off: a crash of the server may lose the last commits): not for studies
# you keep.
#   bash scripts/pg.sh start [PORT]   ->  postgresql://knob:knob@127.0.0.1:PORT/knob
#   bash scripts/pg.sh stop
#   bash scripts/pg.sh restart        (a restart in the middle of a study, for tests)
set -euo pipefail
PORT=${2:-${KNOB_PG_PORT:-54329}}
DIR=${KNOB_PG_DIR:-/tmp/knob-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
        mkdir -p "$DIR"
        [ "$(id -u)" = 0 ] && chown postgres "$DIR"
        as_pg "$BIN/initdb" -D "$DIR" -U postgres -A trust >/dev/null
        cat >> "$DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
        printf 'local all all trust\nhost all all 127.0.0.1/32 md5\n' > "$DIR/pg_hba.conf"
        [ "$(id -u)" = 0 ] && chown postgres "$DIR/pg_hba.conf"
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
        as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w start >/dev/null
    fi
    as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -qtAc \
        "SELECT 1 FROM pg_roles WHERE rolname='knob'" | grep -q 1 ||
        { as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -qc \
            "CREATE ROLE knob LOGIN PASSWORD 'knob'" &&
          as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -qc \
            "CREATE DATABASE knob OWNER knob"; }
    # CREATEROLE: tests open a database as a role that may read and write but not alter it
    as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -qc "ALTER ROLE knob CREATEROLE"
    echo "postgresql://knob:knob@127.0.0.1:$PORT/knob"
    ;;
stop)
    as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
restart)
    as_pg "$BIN/pg_ctl" -D "$DIR" -m fast -w restart -l "$DIR/server.log" >/dev/null
    ;;
esac
