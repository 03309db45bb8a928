#!/usr/bin/env bash
# Run the whole test suite on SQLite, then on PostgreSQL.
# The PostgreSQL run happens when a server answers at TEST_POSTGRES_URL (default: scripts/postgres.sh url),
# and is mandatory under CI=true: a missing server fails the run instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

echo "== Tests on SQLite ==" >&2
env -u DATABASE_URL .venv/bin/python -m pytest -m "not postgres and not es_cluster" "$@"

pg_url="${TEST_POSTGRES_URL:-$(scripts/postgres.sh url)}"
if [ "${CI:-}" = "true" ] || .venv/bin/python - "$pg_url" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
then
  echo "== Tests on PostgreSQL ($pg_url) ==" >&2
  # The browser tests exercise pages, not the database engine: the SQLite run above covers them.
  DATABASE_URL="$pg_url" .venv/bin/python -m pytest -m "not es_cluster and not browser" "$@"
else
  echo "PostgreSQL is not running, so its run was left out. Start it with: scripts/postgres.sh start" >&2
fi

# Resilience: these tests stop and start Elasticsearch nodes (one node, then a 3-node cluster), so they run
# last and alone. Mandatory under CI=true; elsewhere on request (ES_CLUSTER_TESTS=1), as they take minutes.
if [ "${CI:-}" = "true" ] || [ "${ES_CLUSTER_TESTS:-}" = "1" ]; then
  echo "== Elasticsearch resilience tests ==" >&2
  env -u DATABASE_URL .venv/bin/python -m pytest -m es_cluster "$@"
fi
