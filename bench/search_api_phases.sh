#!/usr/bin/env bash
# Where an uncached search API request spends its time (bench/search_api_phases.py), on the database that
# bench/http_pages.sh scaled to 10,000 pages and, when Elasticsearch answers, on that run's search index.
#   bench/search_api_phases.sh           # 300 requests
#   N=1000 bench/search_api_phases.sh
#   ENGINE=database bench/search_api_phases.sh   # PostgreSQL's own search, even with Elasticsearch running
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/postgres.sh start >/dev/null
PG_URL="$(scripts/postgres.sh url)"
if ! PGPASSWORD=cus psql -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus_bench -c "select 1" >/dev/null 2>&1; then
  echo "No bench database: run bench/http_pages.sh first (SEARCH=1 builds its search index too)." >&2
  exit 1
fi
export DJANGO_SETTINGS_MODULE=portal.settings.production
export DATABASE_URL="${PG_URL%/*}/cus_bench" DB_CONN_MAX_AGE=600
export SECRET_KEY="bench-only-$(date +%s)-not-secret-but-long-enough-for-django-checks"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false LOG_LEVEL=ERROR PAGE_CACHE_SECONDS=0
export STATIC_ROOT="$PWD/bench/results/static" MEDIA_ROOT="$PWD/bench/results/media"
ES_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:9200}"
if [ "${ENGINE:-}" != database ] && curl -sf "$ES_URL/_cluster/health" >/dev/null 2>&1; then
  export ELASTICSEARCH_URL="$ES_URL" ELASTICSEARCH_INDEX=bench-http-pages
  curl -sf "$ES_URL/_alias/$ELASTICSEARCH_INDEX" >/dev/null || .venv/bin/python manage.py search_reindex >/dev/null
else
  unset ELASTICSEARCH_URL
fi
# The results cache in a private Redis, as production keeps it (without one: Django's file cache).
REDIS_PORT="${BENCH_REDIS_PORT:-8099}"
mkdir -p bench/results
if command -v redis-server >/dev/null && redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
  --pidfile "$PWD/bench/results/redis-phases.pid" --save "" --appendonly no --logfile /dev/null; then
  trap 'kill "$(cat bench/results/redis-phases.pid)" 2>/dev/null || true' EXIT
  for _ in $(seq 25); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
.venv/bin/python bench/search_api_phases.py -n "${N:-300}"
