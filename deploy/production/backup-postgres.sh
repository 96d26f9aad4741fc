#!/usr/bin/env bash
# Backs up mpesa-bridge's PostgreSQL database while it runs: pg_dump's custom format (one
# consistent snapshot, compressed, restorable table by table), checked by listing it with
# pg_restore, and copies older than KEEP_DAYS removed. Needs pg_dump of the server's major
# version or newer (apt install postgresql-client).
#
#   DATABASE_URL=postgres://mpesa_bridge:…@127.0.0.1:5432/mpesa_bridge \
#     deploy/production/backup-postgres.sh /var/backups/mpesa-bridge
#   # daily, from a crontab whose environment holds DATABASE_URL (or use ~/.pgpass):
#   15 3 * * * . /etc/mpesa-bridge/production.env && /opt/mpesa-bridge/deploy/production/backup-postgres.sh /var/backups/mpesa-bridge
#
# Options after BACKUP_DIR go to pg_dump, e.g. --schema=NAME for a deployment in a schema of
# its own (DATABASE_URL's ?schema=NAME, which pg_dump does not read: leave it out of the URL).
#
# Restore into an empty database, the service stopped:
#   pg_restore --no-owner --dbname "$DATABASE_URL" /var/backups/mpesa-bridge/mpesa-bridge-….dump
# The MASTER_KEY is not in the database: back it up apart, or the sealed Daraja credentials in
# the dump cannot be read.
set -euo pipefail

target_dir="${1:?usage: DATABASE_URL=postgres://… backup-postgres.sh BACKUP_DIR [pg_dump options]}"
shift
database_url="${DATABASE_URL:?set DATABASE_URL to the postgres:// URL of the service}"
keep_days="${KEEP_DAYS:-14}"

mkdir -p "$target_dir"
chmod 0700 "$target_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$target_dir/mpesa-bridge-$stamp.dump"

umask 077
pg_dump --format=custom --no-owner --file="$dump" --dbname="$database_url" "$@"
if ! pg_restore --list "$dump" >/dev/null; then
  echo "backup-postgres: the dump cannot be read back" >&2
  rm -f "$dump"
  exit 1
fi
find "$target_dir" -name 'mpesa-bridge-*.dump' -mtime +"$keep_days" -delete
echo "$dump"
