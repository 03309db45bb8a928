#!/usr/bin/env bash
# Set up the embedded default (SQLite + database search) with demo content and serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=portal.settings.dev
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
bind="${PORT_BIND:-127.0.0.1:8000}"
cat <<MSG

  Portal:  http://$bind/
  Admin:   http://$bind/admin/   login: admin   password: demo-haslo
           (demo accounts exist in the development setup only)

MSG
exec .venv/bin/python manage.py runserver "$bind"
