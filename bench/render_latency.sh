#!/usr/bin/env bash
# Rendering without the page cache, one request at a time, in-process: mean/p50/p95 and SQL queries per page
# on the PostgreSQL database that bench/http_pages.sh scaled to 10,000 pages (made here if missing).
#   bench/render_latency.sh            # 200 requests per page
#   N=50 bench/render_latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/postgres.sh start >/dev/null
PG_URL="$(scripts/postgres.sh url)"
export DATABASE_URL="${PG_URL%/*}/cus_bench" DB_CONN_MAX_AGE=600
if ! PGPASSWORD=cus psql -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus_bench -c "select 1" >/dev/null 2>&1; then
  PGPASSWORD=cus psql -q -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus -c "CREATE DATABASE cus_bench"
  DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python manage.py migrate --noinput -v0
  DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python manage.py demo_scale --pages "${PAGES:-10000}" \
    --cases "${CASES:-10000}" --no-reindex
fi
.venv/bin/python bench/render_latency.py -n "${N:-200}"
