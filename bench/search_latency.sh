#!/usr/bin/env bash
# Search latency (p50/p95/p99 of 200 queries through the JSON API) and bulk indexing rate at 100,000
# generated documents, per engine. Each engine gets a fresh database: migrate, glossary, bulk index, queries.
#   bench/search_latency.sh                                  # sqlite, postgres, elasticsearch
#   ENGINES=postgres BENCH_DOCS=20000 bench/search_latency.sh  # one engine, fewer documents
#   BENCH_VERBOSE=1 …                                        # also list the ten slowest queries
#   REUSE_DB=1 ENGINES=postgres …                            # query the documents of the previous run
#   BENCH_AGREEMENT=1 ENGINES=postgres …                     # also compare the windowed ranking of very large
#                                                            # result sets with exact ranking (slow: scores all)
# PostgreSQL runs with persistent connections (DB_CONN_MAX_AGE=60), as a production server should.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL="${EVAL_DIR:-$(cd .. && pwd)/shared/search-eval}"
OUT=bench/results
mkdir -p "$OUT"
scripts/bootstrap.sh

for engine in ${ENGINES:-sqlite postgres elasticsearch}; do
  (
    export BENCH_ENGINE=$engine DJANGO_SETTINGS_MODULE=portal.settings.dev ALLOWED_HOSTS=127.0.0.1
    export CACHE_DIR="$PWD/$OUT/cache-latency-$engine"
    rm -rf "$CACHE_DIR"
    unset ELASTICSEARCH_URL DATABASE_URL
    case $engine in
      sqlite)
        [ -n "${REUSE_DB:-}" ] || rm -f "$OUT/latency.sqlite3"
        export DATABASE_URL="sqlite:///$PWD/$OUT/latency.sqlite3" ;;
      postgres|elasticsearch)
        scripts/postgres.sh start >/dev/null
        [ -n "${REUSE_DB:-}" ] || PGPASSWORD=cus psql -q -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus \
          -c "DROP DATABASE IF EXISTS cus_latency_$engine" -c "CREATE DATABASE cus_latency_$engine" >/dev/null 2>&1
        export DATABASE_URL="$(scripts/postgres.sh url | sed "s#/cus\$#/cus_latency_$engine#")" DB_CONN_MAX_AGE=60
        if [ "$engine" = elasticsearch ]; then
          [ -z "${REUSE_DB:-}" ] || { echo "REUSE_DB applies to sqlite and postgres" >&2; exit 2; }
          export ELASTICSEARCH_URL="$(scripts/elasticsearch.sh start)" ELASTICSEARCH_INDEX=bench-latency
          curl -fsS -X DELETE "$ELASTICSEARCH_URL/bench-latency-*" >/dev/null 2>&1 || true
        fi ;;
    esac
    .venv/bin/python manage.py migrate --noinput -v0
    [ -n "${REUSE_DB:-}" ] || .venv/bin/python manage.py load_demo --glossary-only >/dev/null
    .venv/bin/python bench/search_latency.py "$EVAL" --docs "${BENCH_DOCS:-100000}" ${REUSE_DB:+--reuse}
  )
done
