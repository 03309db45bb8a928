#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (requirements.lock), checked with pip-audit.
#
#   scripts/audit.sh      exit 0: none known; 1: a locked package has a known vulnerability;
#                         3: no vulnerability service answered, so nothing was checked
#
# pip-audit runs from its own virtualenv under .cache/, so its dependencies never mix with the portal's.
# It asks PyPI's per-release JSON API (https://pypi.org/pypi/<name>/<version>/json), else OSV
# (https://api.osv.dev); AUDIT_SERVICE=pypi or osv picks one. A network that only mirrors package downloads
# answers neither: the script then says so and exits 3 rather than report a clean result it never obtained.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.cache/pip-audit
if [ ! -x "$VENV/bin/pip-audit" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pip-audit>=2.7,<3"
fi

for service in ${AUDIT_SERVICE:-pypi osv}; do
  case $service in
    pypi) probe="https://pypi.org/pypi/pip/24.0/json" ;;
    osv) probe="https://api.osv.dev/v1/vulns/PYSEC-2021-1" ;;
    *) echo "AUDIT_SERVICE must be pypi or osv" >&2; exit 2 ;;
  esac
  status=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$probe" || true)
  if [ "$status" = 200 ]; then
    exec "$VENV/bin/pip-audit" --requirement requirements.lock --no-deps --disable-pip \
      --vulnerability-service "$service" --progress-spinner off
  fi
  echo "audit: the $service vulnerability service did not answer ($probe: HTTP ${status:-none})" >&2
done
echo "audit: no vulnerability service answered; the locked dependencies were NOT checked" >&2
exit 3
