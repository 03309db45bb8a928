#!/usr/bin/env bash
# nDCG@10 / MRR@10 / Recall@10 of the search JSON API on the development set, per engine.
# Each engine gets a fresh database: migrate, glossary (acronyms), import_content of the corpus, reindex.
#   bench/search_relevance.sh                 # sqlite, postgres, elasticsearch
#   ENGINES=sqlite bench/search_relevance.sh  # one engine; BENCH_VERBOSE=1 lists the weakest queries
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL="${EVAL_DIR:-$(cd .. && pwd)/shared/search-eval}"
OUT=bench/results
mkdir -p "$OUT"
scripts/bootstrap.sh

prepare() {
  .venv/bin/python manage.py migrate --noinput -v0
  .venv/bin/python manage.py load_demo --glossary-only >/dev/null
  .venv/bin/python manage.py import_content "$EVAL/corpus-dev.jsonl" >/dev/null
  .venv/bin/python manage.py search_reindex >/dev/null
}

for engine in ${ENGINES:-sqlite postgres elasticsearch}; do
  (
    export BENCH_ENGINE=$engine DJANGO_SETTINGS_MODULE=portal.settings.dev ALLOWED_HOSTS=127.0.0.1
    export CACHE_DIR="$PWD/$OUT/cache-relevance-$engine"
    unset ELASTICSEARCH_URL DATABASE_URL
    case $engine in
      sqlite)
        rm -f "$OUT/relevance.sqlite3"
        export DATABASE_URL="sqlite:///$PWD/$OUT/relevance.sqlite3" ;;
      postgres|elasticsearch)
        scripts/postgres.sh start >/dev/null
        PGPASSWORD=cus psql -q -h 127.0.0.1 -p "${PGPORT_CUS:-5433}" -U cus -d cus \
          -c "DROP DATABASE IF EXISTS cus_relevance" -c "CREATE DATABASE cus_relevance" >/dev/null 2>&1
        export DATABASE_URL="$(scripts/postgres.sh url | sed 's#/cus$#/cus_relevance#')"
        if [ "$engine" = elasticsearch ]; then
          # A node that already answers (started from any checkout) is used; else one is started here.
          url=http://127.0.0.1:9200
          curl -sf "$url/_cluster/health" >/dev/null 2>&1 || url="$(scripts/elasticsearch.sh start)"
          export ELASTICSEARCH_URL="$url" ELASTICSEARCH_INDEX=bench-relevance
        fi ;;
    esac
    prepare
    .venv/bin/python bench/search_relevance.py "$EVAL"
  )
done
