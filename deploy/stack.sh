#!/usr/bin/env bash
# The whole portal stack on one machine, without docker and without systemd: PostgreSQL
# (scripts/postgres.sh), Elasticsearch (scripts/elasticsearch.sh, or one already answering), Redis and nginx
# from apt, gunicorn, the task worker and the scheduler loop as background processes with pid files.
# For benchmarks (bench/) and for trying the production set-up; production servers use deploy/systemd/.
#
#   deploy/stack.sh up [--demo] [--no-search]   install what is missing, migrate, collectstatic, start, print URL
#   deploy/stack.sh down                         stop what "up" started (a shared PostgreSQL or Elasticsearch
#                                                that was already running is left running)
#   deploy/stack.sh status                       each process and /health/ through nginx; exit 3 when down
#
# Environment (defaults in brackets):
#   STACK_DIR [/var/tmp/cus-portal-stack]  pid files, logs, env file, static, media, private media
#   STACK_HTTP_PORT [8080]   nginx          STACK_APP_PORT [8001]  gunicorn        STACK_REDIS_PORT [6390]
#   STACK_DB [cus_stack]     database on the scripts/postgres.sh server
#   STACK_ES_INDEX [cus-stack]  index alias, so the stack never touches other indices on a shared node
#   WEB_CONCURRENCY [3]      gunicorn workers
# Production settings throughout (DEBUG off, hashed static files, database task queue), over plain HTTP.
set -Eeuo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${STACK_DIR:-/var/tmp/cus-portal-stack}"
HTTP_PORT="${STACK_HTTP_PORT:-8080}"
APP_PORT="${STACK_APP_PORT:-8001}"
REDIS_PORT="${STACK_REDIS_PORT:-6390}"
DB_NAME="${STACK_DB:-cus_stack}"
ES_INDEX="${STACK_ES_INDEX:-cus-stack}"
PYTHON="$REPO/.venv/bin/python"
ENV_FILE="$STATE/env"
PROCESSES=(nginx web worker scheduler redis)

log() { echo "stack.sh: $*" >&2; }
die() { echo "stack.sh: error: $*" >&2; exit 1; }
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

pidfile() { echo "$STATE/run/$1.pid"; }

alive() {
    local pid
    [ -r "$(pidfile "$1")" ] || return 1
    pid="$(cat "$(pidfile "$1")")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
    local what="$1" seconds="$2"
    shift 2
    for ((i = 0; i < seconds * 5; i++)); do
        if "$@"; then return 0; fi
        sleep 0.2
    done
    die "$what did not come up within ${seconds}s (logs: $STATE/logs/)"
}

apt_install() {
    local missing=() p
    for p in "$@"; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "installing ${missing[*]} needs root"
    log "installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# The same variables an operator writes into /etc/cus-portal/env (deploy/env.example), for this machine.
write_env() {
    local search_url="$1" secret
    if [ -r "$STATE/secret_key" ]; then
        secret="$(cat "$STATE/secret_key")"
    else
        secret="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
        (umask 077 && echo "$secret" >"$STATE/secret_key")
    fi
    local pg_url
    pg_url="$("$REPO/scripts/postgres.sh" url)"
    cat >"$ENV_FILE" <<EOF
DJANGO_SETTINGS_MODULE=portal.settings.production
SECRET_KEY=$secret
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$HTTP_PORT,http://localhost:$HTTP_PORT
SITE_URL=http://127.0.0.1:$HTTP_PORT
SECURE_SSL_REDIRECT=false
DATABASE_URL=${pg_url%/*}/$DB_NAME
DB_CONN_MAX_AGE=600
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
ELASTICSEARCH_URL=$search_url
ELASTICSEARCH_INDEX=$ES_INDEX
TASKS_BACKEND=database
STATIC_ROOT=$STATE/static
MEDIA_ROOT=$STATE/media
PRIVATE_MEDIA_ROOT=$STATE/private-media
CACHE_DIR=$STATE/cache
RATELIMIT_IP_META_KEY=HTTP_X_REAL_IP
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
LOG_FORMAT=json
LOG_LEVEL=WARNING
EOF
    chmod 0600 "$ENV_FILE"
}

load_env() {
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
}

manage() { (cd "$REPO" && "$PYTHON" manage.py "$@"); }

ensure_database() {
    "$REPO/scripts/postgres.sh" start >/dev/null
    local admin_url
    admin_url="$("$REPO/scripts/postgres.sh" url)"
    if [ "$(psql -X -tA "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
        log "creating database $DB_NAME"
        psql -X -q "$admin_url" -c "CREATE DATABASE \"$DB_NAME\""
    fi
}

# Reuses any Elasticsearch already answering (another checkout's node, say) rather than starting a second.
ensure_search() {
    local url
    url="$("$REPO/scripts/elasticsearch.sh" url)"
    if curl -sf -m 3 --noproxy '*' "$url/_cluster/health" >/dev/null; then
        log "using the Elasticsearch answering at $url"
    else
        log "starting Elasticsearch (scripts/elasticsearch.sh)"
        url="$("$REPO/scripts/elasticsearch.sh" start)"
        touch "$STATE/run/elasticsearch.started-here"
    fi
    echo "$url"
}

start_redis() {
    alive redis && return 0
    log "starting redis-server on 127.0.0.1:$REDIS_PORT"
    # A cache only: no snapshots, nothing to recover; sessions are written through to PostgreSQL.
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$(pidfile redis)" \
        --dir "$STATE/redis" --logfile "$STATE/logs/redis.log" --save "" --appendonly no \
        --maxmemory 256mb --maxmemory-policy allkeys-lru
    wait_for redis 10 port_open "$REDIS_PORT"
}

# Starts "$@" detached, with its output in logs/NAME.log and its pid in run/NAME.pid.
start_process() {
    local name="$1"
    shift
    alive "$name" && return 0
    log "starting $name"
    (cd "$REPO" && exec setsid "$@" </dev/null >>"$STATE/logs/$name.log" 2>&1) &
    echo $! >"$(pidfile "$name")"
}

render_nginx() {
    local site="$STATE/nginx/cus-portal.conf"
    # The production file without TLS and the HTTP redirect, on this stack's paths and ports.
    sed -e '/^# BEGIN redirect$/,/^# END redirect$/d' -e '/# tls$/d' \
        -e "s#server_name cus.example.pl;#listen 127.0.0.1:$HTTP_PORT; server_name _;#" \
        -e "s#server 127.0.0.1:8001 #server 127.0.0.1:$APP_PORT #" \
        -e "s#/var/lib/cus-portal/#$STATE/#g" \
        -e "s#/etc/nginx/snippets/cus-portal-proxy.conf#$REPO/deploy/nginx/cus-portal-proxy.conf#g" \
        "$REPO/deploy/nginx/cus-portal.conf" >"$site"
    cat >"$STATE/nginx/nginx.conf" <<EOF
# Generated by deploy/stack.sh; a private nginx, separate from the system's /etc/nginx/nginx.conf.
worker_processes auto;
pid $(pidfile nginx);
error_log $STATE/logs/nginx-error.log warn;
$([ "$(id -u)" -eq 0 ] && echo "user www-data;")
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    server_tokens off;
    access_log $STATE/logs/nginx-access.log;
    client_body_temp_path $STATE/nginx/tmp/body;
    proxy_temp_path $STATE/nginx/tmp/proxy;
    fastcgi_temp_path $STATE/nginx/tmp/fastcgi;
    uwsgi_temp_path $STATE/nginx/tmp/uwsgi;
    scgi_temp_path $STATE/nginx/tmp/scgi;
    include $site;
}
EOF
}

cmd_up() {
    local demo=0 search=1
    while [ $# -gt 0 ]; do
        case "$1" in
            --demo) demo=1; shift ;;
            --no-search) search=0; shift ;;
            *) usage ;;
        esac
    done
    command -v curl >/dev/null || die "curl not found"
    apt_install nginx redis-server postgresql-client
    "$REPO/scripts/bootstrap.sh"
    mkdir -p "$STATE"/{run,logs,redis,static,media,private-media,cache,nginx/tmp}
    # nginx's workers (www-data) read static and public media; case files stay private to the portal.
    chmod 0755 "$STATE" "$STATE/static" "$STATE/media"
    chmod 0700 "$STATE/private-media"

    ensure_database
    local search_url=""
    [ "$search" -eq 1 ] && search_url="$(ensure_search)"
    write_env "$search_url"
    load_env
    start_redis

    log "migrating, collecting static files"
    manage migrate --noinput -v0
    manage collectstatic --noinput -v0
    if [ "$demo" -eq 1 ]; then
        log "loading the demo content"
        # Indexing runs in-process here; the whole index is rebuilt right after.
        TASKS_BACKEND=immediate manage load_demo >"$STATE/logs/load_demo.log" 2>&1 ||
            die "load_demo failed (see $STATE/logs/load_demo.log)"
    fi
    if [ -n "$search_url" ]; then
        log "building the search index $ES_INDEX"
        # Without an index the portal still serves and searches (database fallback); /health/ says degraded.
        manage search_reindex >"$STATE/logs/search_reindex.log" 2>&1 ||
            log "search_reindex failed (see $STATE/logs/search_reindex.log); searching the database meanwhile"
    fi

    start_process web "$REPO/.venv/bin/gunicorn" portal.wsgi:application --bind "127.0.0.1:$APP_PORT" \
        --workers "${WEB_CONCURRENCY:-3}" --timeout 60 --access-logfile - --error-logfile -
    start_process worker "$PYTHON" manage.py db_worker
    start_process scheduler "$REPO/deploy/periodic.sh" loop
    wait_for gunicorn 30 port_open "$APP_PORT"

    render_nginx
    if ! alive nginx; then
        nginx -t -q -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" 2>>"$STATE/logs/nginx-error.log" ||
            die "nginx rejected $STATE/nginx/nginx.conf (see $STATE/logs/nginx-error.log)"
        log "starting nginx on 127.0.0.1:$HTTP_PORT"
        nginx -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx"
    fi
    wait_for nginx 10 port_open "$HTTP_PORT"

    local health
    health="$(curl -s -m 10 --noproxy '*' "http://127.0.0.1:$HTTP_PORT/health/")" || true
    log "health: $health"
    echo "http://127.0.0.1:$HTTP_PORT/"
}

stop_pid() {
    local name="$1" pid waited=0
    if ! alive "$name"; then
        rm -f "$(pidfile "$name")"
        return 0
    fi
    pid="$(cat "$(pidfile "$name")")"
    log "stopping $name (pid $pid)"
    if [ "$name" = nginx ]; then
        kill -QUIT "$pid" 2>/dev/null || true
    else
        # setsid made each process a group leader: the signal reaches its children (gunicorn's workers) too.
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
        sleep 0.5
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name did not stop within 30 s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pidfile "$name")"
}

cmd_down() {
    [ -d "$STATE/run" ] || { log "not running"; return 0; }
    local name
    for name in "${PROCESSES[@]}"; do stop_pid "$name"; done
    if [ -e "$STATE/run/elasticsearch.started-here" ]; then
        "$REPO/scripts/elasticsearch.sh" stop
        rm -f "$STATE/run/elasticsearch.started-here"
    fi
    log "stopped (PostgreSQL keeps running: scripts/postgres.sh stop)"
}

cmd_status() {
    local name state=0
    for name in "${PROCESSES[@]}"; do
        if alive "$name"; then
            echo "$name: running (pid $(cat "$(pidfile "$name")"))"
        else
            echo "$name: stopped"
            state=3
        fi
    done
    echo "health: $(curl -s -m 10 --noproxy '*' "http://127.0.0.1:$HTTP_PORT/health/" || echo unreachable)"
    return "$state"
}

case "${1:-}" in
    up) shift; cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) usage ;;
esac
