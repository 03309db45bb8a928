#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a database and media directories.
#
#   deploy/restore.sh BACKUP_DIR --database-url URL [--media-root DIR] [--private-media-root DIR]
#                     [--create] [--force]
#
#   --database-url URL        database to restore into (postgres://user:password@host:port/name)
#   --media-root DIR          where the public uploads go (left alone when not given)
#   --private-media-root DIR  where the case files go (left alone when not given)
#   --create                  create the database first (the role needs CREATEDB)
#   --force                   replace a database that already has tables, and media directories that already
#                             hold files (those are kept beside the new ones as DIR.before-restore-<time>)
#
# The checksums are verified before anything is touched. Stop the web server, the worker and the scheduler
# first when restoring over a live installation; afterwards run `manage.py migrate` if the code is newer than
# the backup, and `manage.py search_reindex` when Elasticsearch is used (the index is not part of a backup).
set -Eeuo pipefail

log() { echo "restore.sh: $*" >&2; }
die() { echo "restore.sh: error: $*" >&2; exit 1; }
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

backup=""
database_url=""
media_root=""
private_media_root=""
create=0
force=0
while [ $# -gt 0 ]; do
    case "$1" in
        --database-url) database_url="${2:?}"; shift 2 ;;
        --media-root) media_root="${2:?}"; shift 2 ;;
        --private-media-root) private_media_root="${2:?}"; shift 2 ;;
        --create) create=1; shift ;;
        --force) force=1; shift ;;
        -h | --help) usage ;;
        -*) usage ;;
        *) [ -z "$backup" ] || usage; backup="$1"; shift ;;
    esac
done
if [ -z "$backup" ] || [ -z "$database_url" ]; then usage; fi
[ -d "$backup" ] || die "$backup is not a directory"
case "$database_url" in
    postgres://* | postgresql://*) ;;
    *) die "--database-url must point to PostgreSQL" ;;
esac
for tool in pg_restore psql tar sha256sum; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install postgresql-client)"
done

log "verifying checksums"
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) || die "checksums do not match: the backup is damaged"

# The database name is the URL's path; the server's maintenance database "postgres" is used to create it.
url_base="${database_url%%\?*}"
url_query="${database_url#"$url_base"}"
db_name="${url_base##*/}"
[[ "$db_name" =~ ^[A-Za-z0-9_-]+$ ]] || die "unexpected database name '$db_name' in --database-url"
maintenance_url="${url_base%/*}/postgres$url_query"

psql_in() { psql -X -q -v ON_ERROR_STOP=1 --no-psqlrc -tA "$@"; }

if [ "$create" -eq 1 ]; then
    exists="$(psql_in "$maintenance_url" -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'")"
    if [ "$exists" = 1 ]; then
        log "database $db_name already exists"
    else
        log "creating database $db_name"
        psql_in "$maintenance_url" -c "CREATE DATABASE \"$db_name\""
    fi
fi

tables="$(psql_in "$database_url" -c \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
clean=()
if [ "$tables" -gt 0 ]; then
    [ "$force" -eq 1 ] || die "database $db_name already has $tables tables; pass --force to replace them"
    clean=(--clean --if-exists)
fi

# Comments on extensions belong to their owner (a superuser); restored as an ordinary role they fail, and they
# carry nothing the portal needs. Everything else in the dump is restored, in one transaction.
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
pg_restore --list "$backup/database.dump" | grep -v ' COMMENT - EXTENSION ' >"$list"
log "restoring the database into $db_name"
pg_restore --no-owner --no-acl --exit-on-error --single-transaction ${clean[@]+"${clean[@]}"} \
    --use-list="$list" --dbname="$database_url" "$backup/database.dump"

restore_dir() {
    local label="$1" target="$2" mode="$3" archive="$backup/$1.tar.gz" staging
    if [ -z "$target" ]; then
        log "$label: no target directory given; skipped"
        return
    fi
    mkdir -p "$(dirname "$target")"
    # Unpacked next to the target first, then swapped in: a failed unpack leaves the old files in place.
    staging="$(mktemp -d "$target.restoring-XXXXXX")"
    tar -C "$staging" -xzf "$archive"
    if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then
        [ "$force" -eq 1 ] || { rm -rf "$staging"; die "$target is not empty; pass --force to replace it"; }
        local aside
        aside="$target.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
        log "$label: moving the current files aside to $aside"
        mv "$target" "$aside"
    elif [ -d "$target" ]; then
        rmdir "$target"
    fi
    mv "$staging" "$target"
    # mktemp made it private; nginx must read public media, nobody but the portal the case files.
    chmod "$mode" "$target"
    log "$label: restored into $target"
}
restore_dir media "$media_root" 0755
restore_dir private-media "$private_media_root" 0700

log "restore complete from $backup"
