#!/usr/bin/env bash
# Backs up a SQLite database of mpesa-bridge while it runs: SQLite's online backup (`.backup`,
# consistent even mid-write, WAL included), checked with `PRAGMA integrity_check`, gzipped,
# and copies older than KEEP_DAYS removed. Needs the sqlite3 command (apt install sqlite3).
#
#   deploy/production/backup-sqlite.sh /var/lib/mpesa-bridge/mpesa-bridge.db /var/backups/mpesa-bridge
#   # daily, from root's crontab:
#   15 3 * * * /opt/mpesa-bridge/deploy/production/backup-sqlite.sh /var/lib/mpesa-bridge/mpesa-bridge.db /var/backups/mpesa-bridge
#
# Restore: stop the service, gunzip the copy over the database file (remove its -wal and -shm
# files), start it. The MASTER_KEY is not in the database: back it up apart, or the sealed
# Daraja credentials in the copy cannot be read.
set -euo pipefail

database="${1:?usage: backup-sqlite.sh DATABASE_FILE BACKUP_DIR}"
target_dir="${2:?usage: backup-sqlite.sh DATABASE_FILE BACKUP_DIR}"
keep_days="${KEEP_DAYS:-14}"

[ -f "$database" ] || { echo "backup-sqlite: no database at $database" >&2; exit 1; }
mkdir -p "$target_dir"
chmod 0700 "$target_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
copy="$target_dir/mpesa-bridge-$stamp.db"

sqlite3 "$database" ".timeout 10000" ".backup '$copy'"
check="$(sqlite3 "$copy" 'PRAGMA integrity_check;')"
if [ "$check" != "ok" ]; then
  echo "backup-sqlite: the copy failed its integrity check: $check" >&2
  rm -f "$copy"
  exit 1
fi
gzip -9 "$copy"
chmod 0600 "$copy.gz"
find "$target_dir" -name 'mpesa-bridge-*.db.gz' -mtime +"$keep_days" -delete
echo "$copy.gz"
