#!/usr/bin/env bash
# Serve the portal with gunicorn (production settings, DEBUG off, PostgreSQL, demo content) and measure
# requests/second and p50/p95/p99 latency of the home page, a filtered listing and a detail page with wrk.
#
#   bench/http_pages.sh                 # 16 connections, 20 s per URL
#   CONNECTIONS=32 DURATION=30 bench/http_pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20}"
WORKERS="${WORKERS:-3}"
PORT="${BENCH_PORT:-8093}"
OUT=bench/results
mkdir -p "$OUT"

scripts/bootstrap.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/postgres.sh start >/dev/null
PG_URL="$(scripts/postgres.sh url)"
BENCH_DB=cus_bench
PGPASSWORD=cus psql -q -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus -c "DROP DATABASE IF EXISTS $BENCH_DB" \
  -c "CREATE DATABASE $BENCH_DB" >/dev/null

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
.venv/bin/python manage.py load_demo >/dev/null

BASE_CACHED="http://127.0.0.1:$PORT"
BASE_RENDER="http://127.0.0.1:$((PORT + 1))"
# Two servers side by side: the normal one (full-page cache) and one that renders every request.
.venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --daemon --pid "$OUT/gunicorn.pid"
PAGE_CACHE_SECONDS=0 .venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$((PORT + 1))" \
  --workers "$WORKERS" --access-logfile /dev/null --error-logfile "$OUT/gunicorn-render.log" --daemon \
  --pid "$OUT/gunicorn-render.pid"
trap 'kill "$(cat "$OUT/gunicorn.pid")" "$(cat "$OUT/gunicorn-render.pid")" 2>/dev/null || true' EXIT
for base in "$BASE_CACHED" "$BASE_RENDER"; do
  for _ in $(seq 50); do curl -sf "$base/" >/dev/null && break; sleep 0.2; done
done

DETAIL="$(.venv/bin/python manage.py shell --no-imports -c \
  "from knowledge.models import LegalInterpretationPage as P; print(P.objects.live().order_by('pk').first().url)")"
declare -A URLS=(
  [home]="/"
  [listing]="/dobre-praktyki/?voivodeship=opolskie&sort=-date"
  [detail]="$DETAIL"
)
echo "gunicorn workers=$WORKERS, wrk connections=$CONNECTIONS, ${DURATION}s per URL, $(nproc) cores"
printf "%-16s %-58s %9s %8s %8s %8s %7s\n" page url req/s p50_ms p95_ms p99_ms errors
for mode in cached render; do
  base=$BASE_CACHED; [ "$mode" = render ] && base=$BASE_RENDER
  for name in home listing detail; do
    url="${URLS[$name]}"
    status=$(curl -s -o /dev/null -w '%{http_code}' "$base$url")
    [ "$status" = 200 ] || { echo "$name $url answered $status" >&2; exit 1; }
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s bench/wrk_report.lua "$base$url" \
      > "$OUT/wrk-$mode-$name.txt"
    line=$(grep '^RESULT' "$OUT/wrk-$mode-$name.txt")
    eval "$(echo "$line" | sed 's/^RESULT //')"
    printf "%-16s %-58s %9s %8s %8s %8s %7s\n" "$name ($mode)" "$url" "$rps" "$p50" "$p95" "$p99" \
      "$((errors + non2xx))"
  done
done

echo
echo "SQL queries per listing request (rendered, page cache off):"
.venv/bin/python bench/listing_queries.py
