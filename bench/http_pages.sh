#!/usr/bin/env bash
# Serve the portal with gunicorn (production settings, DEBUG off, PostgreSQL, demo content scaled to
# PAGES knowledge pages and CASES desk cases) and measure requests/second and p50/p95/p99 latency with wrk:
# the home page, a filtered listing and a detail page, cached and rendered side by side, an nginx static
# file of the same size in the same run as the ceiling, a lawyer's case list (signed in, so never cached)
# and, when Elasticsearch runs or SEARCH=1, the search API on Elasticsearch: popular queries (answered from
# the search results cache) and distinct queries (every one computed).
# Cache and sessions live in a Redis of the bench's own, started as deploy/stack.sh starts production's
# (REDIS_URL, so sessions are cached_db); without redis-server the run says so and falls back to the file
# cache and database sessions. Each row also gives the CPU milliseconds per request of the gunicorn workers,
# Elasticsearch, PostgreSQL and Redis (from /proc): on a shared machine, where the CPU goes is steadier than
# the throughput.
#
#   bench/http_pages.sh                          # 10,000 pages and cases, 16 connections, 20 s per URL
#   CONNECTIONS=32 DURATION=30 bench/http_pages.sh
#   PAGES=45 CASES=0 bench/http_pages.sh         # the plain demo
#   REUSE_DB=1 bench/http_pages.sh               # keep the scaled database (and search index) of the previous run
#   ROWS='desk|search' bench/http_pages.sh       # only the rows whose name matches (the nginx ceiling always runs)
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-16}"
ROWS="${ROWS:-.}"
DURATION="${DURATION:-20}"
WORKERS="${WORKERS:-$(( 2 * $(nproc) + 1 ))}"
PAGES="${PAGES:-10000}"
CASES="${CASES:-10000}"
PORT="${BENCH_PORT:-8093}"
REDIS_PORT="${BENCH_REDIS_PORT:-$((PORT + 3))}"
OUT=bench/results
mkdir -p "$OUT"

scripts/bootstrap.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/postgres.sh start >/dev/null
PG_URL="$(scripts/postgres.sh url)"
BENCH_DB=cus_bench
fresh_db=1
if [ -n "${REUSE_DB:-}" ] && PGPASSWORD=cus psql -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d "$BENCH_DB" \
  -c "select 1" >/dev/null 2>&1; then
  fresh_db=
fi
if [ -n "$fresh_db" ]; then
  PGPASSWORD=cus psql -q -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus \
    -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB" >/dev/null
fi
# A node that already answers (started from any checkout) is reused; SEARCH=1 starts one if none does.
ES_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:9200}"
if curl -sf "$ES_URL/_cluster/health" >/dev/null 2>&1; then
  SEARCH=1
elif [ -n "${SEARCH:-}" ]; then
  ES_URL="$(scripts/elasticsearch.sh start)"
fi
if [ -n "${SEARCH:-}" ]; then
  # Our own index name, so searches and tests run by others on the same node are left alone.
  export ELASTICSEARCH_URL="$ES_URL" ELASTICSEARCH_INDEX=bench-http-pages
fi

# Production keeps the cache and sessions in Redis: a private, empty one on its own port, configured like
# deploy/stack.sh's (no persistence, bounded memory), stopped when the run ends.
cache_store="file cache and database sessions (no Redis)"
stop_redis() { :; }
unset REDIS_URL
rm -f "$OUT/redis.pid"
if command -v redis-server >/dev/null && redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
  --pidfile "$PWD/$OUT/redis.pid" --dir "$PWD/$OUT" --logfile "$PWD/$OUT/redis.log" --save "" --appendonly no \
  --maxmemory 256mb --maxmemory-policy allkeys-lru; then
  for _ in $(seq 25); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  # Another server already on the port (ours exited): never use or stop someone else's Redis.
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && [ -s "$OUT/redis.pid" ] \
    && kill -0 "$(cat "$OUT/redis.pid")" 2>/dev/null; then
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    cache_store="Redis cache and cached_db sessions (127.0.0.1:$REDIS_PORT)"
    stop_redis() { kill "$(cat "$OUT/redis.pid")" 2>/dev/null || true; }
  fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  echo "Redis could not be started on 127.0.0.1:$REDIS_PORT (see $OUT/redis.log): measuring with the file" \
    "cache and database sessions, unlike production." >&2
fi
trap 'stop_redis' EXIT

export DJANGO_SETTINGS_MODULE=portal.settings.production
export DATABASE_URL="${PG_URL%/*}/$BENCH_DB"
export SECRET_KEY="bench-only-$(date +%s)-not-secret-but-long-enough-for-django-checks"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export DB_CONN_MAX_AGE=600
export STATIC_ROOT="$PWD/$OUT/static"
export MEDIA_ROOT="$PWD/$OUT/media"
export LOG_LEVEL=WARNING

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
if [ -n "$fresh_db" ]; then
  .venv/bin/python manage.py demo_scale --pages "$PAGES" --cases "$CASES" --no-reindex
fi
# A reused database keeps its index too, when the node still holds it.
if [ -n "${SEARCH:-}" ] && { [ -n "$fresh_db" ] || ! curl -sf "$ES_URL/_alias/$ELASTICSEARCH_INDEX" >/dev/null; }; then
  .venv/bin/python manage.py search_reindex >/dev/null
fi
# A signed-in lawyer for the case list: a session made directly, as the login form would.
SESSION="$(.venv/bin/python manage.py shell --no-imports -c "
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
user = get_user_model().objects.get(username='prawnik')
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
print(store.session_key)")"

BASE_CACHED="http://127.0.0.1:$PORT"
BASE_RENDER="http://127.0.0.1:$((PORT + 1))"
# Two servers side by side: the normal one (full-page cache) and one that renders every request.
.venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --daemon --pid "$OUT/gunicorn.pid"
PAGE_CACHE_SECONDS=0 .venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$((PORT + 1))" \
  --workers "$WORKERS" --access-logfile /dev/null --error-logfile "$OUT/gunicorn-render.log" --daemon \
  --pid "$OUT/gunicorn-render.pid"
trap 'kill "$(cat "$OUT/gunicorn.pid")" "$(cat "$OUT/gunicorn-render.pid")" 2>/dev/null || true; stop_redis' EXIT
for base in "$BASE_CACHED" "$BASE_RENDER"; do
  for _ in $(seq 50); do curl -sf "$base/" >/dev/null && break; sleep 0.2; done
done

DETAIL="$(.venv/bin/python manage.py shell --no-imports -c \
  "from knowledge.models import LegalInterpretationPage as P; print(P.objects.live().order_by('pk').first().url)")"
# The nginx ceiling: a static file the size of the cached home page, on its own port, in this same run.
NGINX_PORT=$((PORT + 2))
mkdir -p "$OUT/nginx"
curl -sf "$BASE_CACHED/" > "$OUT/nginx/page.html"
sed -e "s#@ROOT@#$PWD/$OUT/nginx#g" -e "s#@PORT@#$NGINX_PORT#g" bench/nginx_static.conf > "$OUT/nginx/nginx.conf"
nginx -c "$PWD/$OUT/nginx/nginx.conf" -p "$PWD/$OUT/nginx"
trap 'kill "$(cat "$OUT/gunicorn.pid")" "$(cat "$OUT/gunicorn-render.pid")" 2>/dev/null || true;
  nginx -c "$PWD/$OUT/nginx/nginx.conf" -p "$PWD/$OUT/nginx" -s stop 2>/dev/null || true; stop_redis' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/page.html" >/dev/null && break; sleep 0.1; done

declare -A URLS=(
  [home]="/"
  [listing]="/dobre-praktyki/?voivodeship=opolskie&sort=-date"
  [detail]="$DETAIL"
)
# CPU time of the processes that serve a request, read from /proc (user + system, in clock ticks): one line
# "pid group ticks" for each gunicorn worker (app), Elasticsearch node, PostgreSQL process and Redis server.
cpu_snapshot() {
  local dir cmd group stat
  for dir in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' < "$dir/cmdline" 2>/dev/null) || continue
    case "$cmd" in
      *gunicorn*) group=app ;;
      *org.elasticsearch.bootstrap*) group=es ;;
      postgres*|*/bin/postgres*) group=pg ;;
      *redis-server*) group=redis ;;
      *) continue ;;
    esac
    stat=$(cat "$dir/stat" 2>/dev/null) || continue
    # Fields after the command name: state is the 1st, utime the 12th, stime the 13th.
    set -- ${stat##*) }
    echo "${dir#/proc/} $group $(( ${12} + ${13} ))"
  done
}
# CPU milliseconds per request of each group between two snapshots ("app/es/pg/redis"); a process started in
# between (a new database connection) counts whole.
cpu_per_request() {  # cpu_per_request BEFORE AFTER REQUESTS
  awk -v n="$3" -v tick="$(getconf CLK_TCK)" '
    NR == FNR { before[$1] = $3; next }
    { used[$2] += $3 - (($1 in before) ? before[$1] : 0) }
    END { printf "%.1f/%.1f/%.1f/%.1f", 1000 * used["app"] / tick / n, 1000 * used["es"] / tick / n,
          1000 * used["pg"] / tick / n, 1000 * used["redis"] / tick / n }' "$1" "$2"
}

measure() {  # measure NAME URL [extra wrk arguments]: prints one table row
  local name=$1 url=$2; shift 2
  [ "$name" = "nginx static (ceiling)" ] || [[ "$name" =~ $ROWS ]] || return 0
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
  [ "$status" = 200 ] || { echo "$name $url answered $status" >&2; exit 1; }
  local conns="${CONNS:-$CONNECTIONS}"
  cpu_snapshot > "$OUT/cpu-before.txt"
  wrk -t"$(( conns < 2 ? 1 : 2 ))" -c"$conns" -d"${DURATION}s" --timeout 5s -s "${WRK_SCRIPT:-bench/wrk_report.lua}" \
    "$@" "$url" \
    > "$OUT/wrk-${name// /_}.txt"
  cpu_snapshot > "$OUT/cpu-after.txt"
  line=$(grep '^RESULT' "$OUT/wrk-${name// /_}.txt")
  eval "$(echo "$line" | sed 's/^RESULT //')"
  local share="" cpu="-"
  [ -n "${ceiling:-}" ] && share=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  [ -n "${ceiling:-}" ] && cpu=$(cpu_per_request "$OUT/cpu-before.txt" "$OUT/cpu-after.txt" "$requests")
  printf "%-36s %-52s %9s %8s %8s %8s %7s %7s %20s\n" "$name" "/${url#http://127.0.0.1:*/}" "$rps" "$p50" "$p95" \
    "$p99" "$((errors + non2xx))" "$share" "$cpu"
}

echo "gunicorn workers=$WORKERS, wrk connections=$CONNECTIONS, ${DURATION}s per URL, $(nproc) cores," \
  "$PAGES knowledge pages, $CASES cases, page size $(wc -c < "$OUT/nginx/page.html") bytes, $cache_store"
printf "%-36s %-52s %9s %8s %8s %8s %7s %7s %20s\n" page url req/s p50_ms p95_ms p99_ms errors "%nginx" \
  "cpu_ms/req app/es/pg/redis"
ceiling=
measure "nginx static (ceiling)" "http://127.0.0.1:$NGINX_PORT/page.html"
ceiling=$rps
for name in home listing detail; do
  measure "$name (cached)" "$BASE_CACHED${URLS[$name]}"
done
for name in home listing detail; do
  measure "$name (rendered)" "$BASE_RENDER${URLS[$name]}"
done
# Signed in: the full-page cache never serves these, so this is the rendering cost under load. Every worker
# has compiled the list's templates before the row starts, as the search rows warm up below.
[[ "desk list (lawyer)" =~ $ROWS ]] && wrk -t2 -c"$CONNECTIONS" -d3s --timeout 10s \
  -H "Cookie: sessionid=$SESSION" "$BASE_CACHED/konsultacje/" >/dev/null
measure "desk list (lawyer)" "$BASE_CACHED/konsultacje/" -H "Cookie: sessionid=$SESSION"
CONNS=1 measure "desk list (lawyer) c=1" "$BASE_CACHED/konsultacje/" -H "Cookie: sessionid=$SESSION"
if [ -n "${SEARCH:-}" ]; then
  # Each worker loads the Polish analyser (lexicon, glossary) on its first search: start them all with a query
  # neither row asks, so the rows measure searches, not process start-up.
  [[ "search API (ES, popular, distinct)" =~ $ROWS ]] && wrk -t2 -c"$CONNECTIONS" -d5s --timeout 10s \
    "$BASE_RENDER/api/search/?q=o%C5%9Brodek%20wsparcia" >/dev/null
  # Popular searches repeat: 16 queries in turn, answered from the results cache after their first round.
  WRK_SCRIPT=bench/wrk_search.lua measure "search API (ES, 16 popular, cached)" \
    "$BASE_RENDER/api/search/?q=uchwa%C5%82a"
  # Every request a query not asked before, so every one is computed: the cost of an uncached search.
  WRK_SCRIPT=bench/wrk_search_distinct.lua measure "search API (ES, distinct, uncached)" \
    "$BASE_RENDER/api/search/?q=uchwa%C5%82a"
fi
echo
echo "SQL queries per listing request (rendered, page cache off):"
.venv/bin/python bench/listing_queries.py
