#!/usr/bin/env bash
# Local PostgreSQL server for development, tests, CI and benchmarks.
#
# Runs a dedicated cluster (not Debian's default "main" cluster on 5432 and
# without systemd) straight from /usr/lib/postgresql/<major>/bin as the
# "postgres" OS user.
#
# Usage: scripts/postgres.sh install|start|stop|status|url|psql [psql args...]
#
#   install  apt-get install postgresql, postgresql-contrib and hunspell-pl
#            (skipped when everything is already installed)
#   start    install if needed, create the cluster if missing, start it,
#            ensure role/database "cus" exist, print the DATABASE_URL
#   stop     fast shutdown (rolls back open transactions, then exits cleanly)
#   status   exit 0 when running, 3 when stopped
#   url      print the DATABASE_URL
#   psql     open psql as the superuser (extra arguments are passed through)
#
# Environment:
#   PGPORT_CUS   TCP port on 127.0.0.1 (default 5433)
#
# Progress messages go to stderr so that e.g.
#   export DATABASE_URL="$(scripts/postgres.sh start)"
# works.
set -Eeuo pipefail

PORT="${PGPORT_CUS:-5433}"
HOST=127.0.0.1
DB_NAME=cus
DB_USER=cus
DB_PASSWORD=cus
PG_OS_USER=postgres
ROOT_DIR=/var/tmp/cus-portal-pg
# Unix socket in our own directory: no clash with Debian's /var/run/postgresql,
# which may not exist (it is created by the init script we do not use).
SOCKET_DIR="$ROOT_DIR/run"
PACKAGES=(postgresql postgresql-contrib hunspell-pl)

# Filled in by detect_pg().
PG_MAJOR=""
PG_BIN=""
PGDATA=""
LOG_FILE=""

log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: error: $*" >&2; exit 1; }
trap 'echo "postgres.sh: error: command failed (line $LINENO): $BASH_COMMAND" >&2' ERR

[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] ||
    die "PGPORT_CUS must be a TCP port number, got '$PORT'"

database_url() {
    echo "postgres://$DB_USER:$DB_PASSWORD@$HOST:$PORT/$DB_NAME"
}

# Highest PostgreSQL major version installed under /usr/lib/postgresql.
detect_pg() {
    local major
    major=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null |
        awk -F/ '{print $5}' | sort -V | tail -n 1 || true)
    [ -n "$major" ] || return 1
    PG_MAJOR="$major"
    PG_BIN="/usr/lib/postgresql/$major/bin"
    PGDATA="$ROOT_DIR/$major"
    LOG_FILE="$ROOT_DIR/$major.log"
    local b
    for b in initdb pg_ctl postgres psql pg_isready; do
        [ -x "$PG_BIN/$b" ] || return 1
    done
    # unaccent lives in contrib, which is a separate package on some releases.
    [ -f "/usr/share/postgresql/$major/extension/unaccent.control" ] || return 1
}

require_root_or_pg() {
    if [ "$(id -u)" -ne 0 ] && [ "$(id -un)" != "$PG_OS_USER" ]; then
        die "run this as root (or as the '$PG_OS_USER' user)"
    fi
}

# Run a command as the postgres OS user; the server refuses to run as root.
# cd / and HOME avoid "permission denied" noise from /root.
as_pg() {
    if [ "$(id -un)" = "$PG_OS_USER" ]; then
        (cd / && "$@")
    else
        local home
        home=$(getent passwd "$PG_OS_USER" | cut -d: -f6)
        (cd / && runuser -u "$PG_OS_USER" -- env HOME="${home:-/}" "$@")
    fi
}

show_log_tail() {
    if [ -n "$LOG_FILE" ] && [ -s "$LOG_FILE" ]; then
        echo "---- last lines of $LOG_FILE ----" >&2
        tail -n 30 "$LOG_FILE" >&2 || true
        echo "----" >&2
    fi
}

# Serialise start/stop so parallel CI jobs do not race on initdb.
take_lock() {
    exec 9>"$ROOT_DIR/.lock"
    flock -w 120 9 || die "timed out waiting for $ROOT_DIR/.lock"
}

# PID of our postmaster if it is alive. Checking the process's working
# directory (the postmaster chdirs to its data directory) makes a stale
# postmaster.pid whose PID got reused after a reboot look "not running".
server_pid() {
    local pidfile="$PGDATA/postmaster.pid" pid
    [ -r "$pidfile" ] || return 1
    pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$PGDATA" ] || return 1
    echo "$pid"
}

cmd_install() {
    local p status missing=()
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "packages already installed: ${PACKAGES[*]}"
    else
        [ "$(id -u)" -eq 0 ] || die "installing ${missing[*]} needs root"
        log "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2 || die "apt-get update failed"
        apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
            die "apt-get install ${missing[*]} failed"
    fi
    detect_pg || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin after install"
    [ -f /usr/share/hunspell/pl_PL.aff ] || die "/usr/share/hunspell/pl_PL.aff missing (hunspell-pl)"
    log "PostgreSQL $PG_MAJOR binaries in $PG_BIN"
}

init_cluster() {
    install -d -o "$PG_OS_USER" -g "$PG_OS_USER" -m 0755 "$ROOT_DIR" "$SOCKET_DIR"
    if [ ! -f "$LOG_FILE" ]; then
        install -o "$PG_OS_USER" -g "$PG_OS_USER" -m 0640 /dev/null "$LOG_FILE"
    fi
    [ -s "$PGDATA/PG_VERSION" ] && return 0

    if [ -d "$PGDATA" ] && [ -n "$(ls -A "$PGDATA")" ]; then
        die "$PGDATA exists but is not a PostgreSQL data directory; move it away"
    fi
    log "creating cluster in $PGDATA"
    install -d -o "$PG_OS_USER" -g "$PG_OS_USER" -m 0700 "$PGDATA"
    # UTF8 + C.UTF-8: always available on Debian (no locales package needed),
    # correct upper/lower for Polish letters (full-text search lowercases with
    # LC_CTYPE); collation is code-point order, use ICU collations such as
    # "pl-x-icu" where Polish sort order matters.
    # Local socket: peer auth (only the postgres OS user is superuser);
    # TCP: password (scram-sha-256).
    if ! as_pg "$PG_BIN/initdb" -D "$PGDATA" --username="$PG_OS_USER" \
        --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >>"$LOG_FILE" 2>&1; then
        show_log_tail
        die "initdb failed"
    fi
    # Our settings live in a separate file, included last so it wins over the
    # defaults (ALTER SYSTEM / postgresql.auto.conf still override it).
    echo "include_if_exists = 'cus-portal.conf'" >>"$PGDATA/postgresql.conf"
}

# Rewritten on every start so changes here (or to PGPORT_CUS) take effect.
write_config() {
    local conf="$PGDATA/cus-portal.conf"
    cat >"$conf" <<EOF
# Generated by scripts/postgres.sh on every start; edits here are lost.
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
max_connections = 100
password_encryption = scram-sha-256
timezone = 'UTC'
log_timezone = 'UTC'

# Sized for a shared 2-core / 24 GB machine: modest memory so other jobs keep
# room, but enough that test and benchmark data sets stay cached.
shared_buffers = 256MB
effective_cache_size = 4GB
work_mem = 16MB
maintenance_work_mem = 256MB
max_parallel_workers_per_gather = 1
max_parallel_maintenance_workers = 1
random_page_cost = 1.1
effective_io_concurrency = 200
# JIT compilation costs more than it saves on short test/OLTP queries and
# makes benchmark timings noisy.
jit = off

# Durability: fsync stays on, so the cluster survives an OS crash intact.
# synchronous_commit = off only means a crash may lose the last few hundred
# milliseconds of commits; it makes the commit-heavy test suite much faster.
fsync = on
synchronous_commit = off
checkpoint_timeout = 15min
max_wal_size = 2GB

log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = -1
EOF
    chown "$PG_OS_USER:$PG_OS_USER" "$conf"
    chmod 0600 "$conf"
}

pg_super_psql() {
    # client_min_messages: hide "already exists, skipping" notices.
    as_pg env PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -U "$PG_OS_USER" "$@"
}

# Idempotent: role, database and extensions.
bootstrap_db() {
    # unaccent is a trusted extension (a database owner may create it), but
    # having it in template1 means every database created later, including
    # Django's test_* databases, already has it.
    pg_super_psql -d postgres <<SQL
\connect template1
CREATE EXTENSION IF NOT EXISTS unaccent;
\connect postgres
SELECT 'CREATE ROLE $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
-- CREATEDB: Django's test runner creates and drops test_* databases.
ALTER ROLE $DB_USER WITH LOGIN CREATEDB NOSUPERUSER PASSWORD '$DB_PASSWORD';
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
\connect $DB_NAME
CREATE EXTENSION IF NOT EXISTS unaccent;
SQL
}

cmd_start() {
    require_root_or_pg
    detect_pg || cmd_install
    install -d -o "$PG_OS_USER" -g "$PG_OS_USER" -m 0755 "$ROOT_DIR"
    take_lock
    init_cluster

    if server_pid >/dev/null; then
        log "already running (PostgreSQL $PG_MAJOR, pid $(server_pid), data $PGDATA)"
    else
        if [ -e "$PGDATA/postmaster.pid" ]; then
            log "removing stale $PGDATA/postmaster.pid"
            rm -f "$PGDATA/postmaster.pid"
        fi
        write_config
        log "starting PostgreSQL $PG_MAJOR on $HOST:$PORT (data $PGDATA, log $LOG_FILE)"
        # 9>&- : the server must not inherit the lock file descriptor.
        if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$LOG_FILE" -w -t 60 start >&2 9>&-; then
            show_log_tail
            die "PostgreSQL failed to start (is port $PORT already in use?)"
        fi
    fi

    if ! as_pg "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PORT" -t 30; then
        show_log_tail
        die "server is not accepting TCP connections on $HOST:$PORT (PGPORT_CUS changed while it was running? run stop, then start)"
    fi
    if ! bootstrap_db; then
        show_log_tail
        die "creating role/database '$DB_NAME' failed"
    fi
    database_url
}

cmd_stop() {
    require_root_or_pg
    if ! detect_pg || ! server_pid >/dev/null; then
        log "not running"
        return 0
    fi
    take_lock
    log "stopping PostgreSQL $PG_MAJOR (pid $(server_pid))"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 120 stop >&2; then
        show_log_tail
        die "PostgreSQL did not stop"
    fi
}

cmd_status() {
    require_root_or_pg
    if ! detect_pg; then
        echo "PostgreSQL is not installed (run: $0 install)"
        exit 3
    fi
    local pid
    if pid=$(server_pid); then
        echo "running: PostgreSQL $PG_MAJOR, pid $pid, $HOST:$PORT"
        echo "data:    $PGDATA"
        echo "log:     $LOG_FILE"
        echo "url:     $(database_url)"
        if ! as_pg "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PORT" -t 5; then
            echo "warning: not accepting connections on $HOST:$PORT" >&2
            exit 1
        fi
    else
        echo "stopped: PostgreSQL $PG_MAJOR (data $PGDATA)"
        exit 3
    fi
}

cmd_psql() {
    require_root_or_pg
    detect_pg || die "PostgreSQL is not installed (run: $0 install)"
    server_pid >/dev/null || die "server is not running (run: $0 start)"
    local home=/
    if [ "$(id -un)" = "$PG_OS_USER" ]; then
        cd / && exec "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U "$PG_OS_USER" -d "$DB_NAME" "$@"
    fi
    home=$(getent passwd "$PG_OS_USER" | cut -d: -f6)
    cd / && exec runuser -u "$PG_OS_USER" -- env HOME="${home:-/}" \
        "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U "$PG_OS_USER" -d "$DB_NAME" "$@"
}

usage() {
    echo "usage: $0 install|start|stop|status|url|psql [psql args...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
cmd="$1"
shift
case "$cmd" in
    install) require_root_or_pg; cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) database_url ;;
    psql) cmd_psql "$@" ;;
    -h | --help | help) usage ;;
    *) echo "postgres.sh: unknown command '$cmd'" >&2; usage ;;
esac
