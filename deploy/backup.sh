#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT and
# PRIVATE_MEDIA_ROOT as tar archives) into one timestamped directory with a manifest and SHA-256 checksums.
# Older backups beyond the newest N are removed.
#
#   deploy/backup.sh [--env-file FILE] [--dest DIR] [--keep N]
#
# Configuration (the same variables the portal reads; --env-file loads them, e.g. /etc/cus-portal/env):
#   DATABASE_URL         postgres://user:password@host:port/name (required)
#   MEDIA_ROOT           public uploads (images, documents)
#   PRIVATE_MEDIA_ROOT   case files
#   BACKUP_DIR           where backups go (default /var/backups/cus-portal); --dest overrides
#   BACKUP_KEEP          how many backups to keep (default 14); --keep overrides
#
# Prints the path of the new backup on stdout; progress goes to stderr. Restore with deploy/restore.sh.
set -Eeuo pipefail

log() { echo "backup.sh: $*" >&2; }
die() { echo "backup.sh: error: $*" >&2; exit 1; }
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

env_file=""
dest=""
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --env-file) env_file="${2:?}"; shift 2 ;;
        --dest) dest="${2:?}"; shift 2 ;;
        --keep) keep="${2:?}"; shift 2 ;;
        -h | --help) usage ;;
        *) usage ;;
    esac
done
if [ -n "$env_file" ]; then
    [ -r "$env_file" ] || die "cannot read $env_file"
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
fi

: "${DATABASE_URL:?DATABASE_URL must be set (postgres://user:password@host:port/name)}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) die "DATABASE_URL must point to PostgreSQL; the embedded SQLite database is not for production" ;;
esac
dest="${dest:-${BACKUP_DIR:-/var/backups/cus-portal}}"
keep="${keep:-${BACKUP_KEEP:-14}}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "--keep must be a positive number, got '$keep'"
for tool in pg_dump tar sha256sum; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install postgresql-client)"
done

# Backups hold personal data (case files, accounts): readable by the owner only.
umask 077
mkdir -p "$dest"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="cus-portal-$stamp"
n=1
while [ -e "$dest/$name" ] || [ -e "$dest/$name.partial" ]; do
    n=$((n + 1))
    name="cus-portal-$stamp-$n"
done
# Written under .partial and renamed when complete: an interrupted run never counts as a backup.
work="$dest/$name.partial"
mkdir "$work"
trap 'rm -rf "$work"' EXIT

# libpq reads the password from the URL; pg_dump takes one consistent snapshot while the site keeps running.
log "dumping the database"
pg_dump --format=custom --compress=6 --no-owner --no-acl --file="$work/database.dump" --dbname="$DATABASE_URL"

archive_dir() {
    local label="$1" dir="$2" archive="$work/$1.tar.gz"
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
        # An empty archive keeps the layout of every backup the same, so restore.sh never has to guess.
        log "$label: ${dir:-not configured} is not a directory; storing an empty archive"
        tar -czf "$archive" --files-from=/dev/null
        return
    fi
    log "$label: archiving $dir"
    tar -C "$dir" -czf "$archive" .
}
archive_dir media "${MEDIA_ROOT:-}"
archive_dir private-media "${PRIVATE_MEDIA_ROOT:-}"

# The manifest names the source without its password.
safe_url="$(echo "$DATABASE_URL" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')"
{
    echo "created_at: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(hostname)"
    echo "database: $safe_url"
    echo "pg_dump: $(pg_dump --version)"
    echo "media_root: ${MEDIA_ROOT:-}"
    echo "private_media_root: ${PRIVATE_MEDIA_ROOT:-}"
    code_dir="$(cd "$(dirname "$0")/.." && pwd)"
    if git -C "$code_dir" rev-parse HEAD >/dev/null 2>&1; then
        echo "code_version: $(git -C "$code_dir" rev-parse HEAD)"
    fi
    echo "files:"
    for f in database.dump media.tar.gz private-media.tar.gz; do
        echo "  $f: $(stat -c %s "$work/$f") bytes"
    done
} >"$work/MANIFEST"
(cd "$work" && sha256sum database.dump media.tar.gz private-media.tar.gz MANIFEST >SHA256SUMS)

mv "$work" "$dest/$name"
trap - EXIT
log "backup complete: $dest/$name"

# Retention: the newest $keep complete backups stay. Names sort by time because the stamp is UTC ISO 8601.
mapfile -t backups < <(find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'cus-portal-*' ! -name '*.partial' \
    -printf '%f\n' | sort)
excess=$((${#backups[@]} - keep))
for ((i = 0; i < excess; i++)); do
    log "removing old backup ${backups[$i]}"
    rm -rf "${dest:?}/${backups[$i]}"
done

echo "$dest/$name"
