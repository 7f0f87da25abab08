#!/bin/sh
# Nightly backup of Budget citoyen (docs/DEPLOYMENT.md, "Backups"), run as root by cron:
# the database with pg_dump (custom format: consistent, compressed, restorable table by table)
# and the private files (dossier photos and attachments) next to it; 14 days kept here, to be
# copied off the machine by the collectivité's own backup system.
set -eu
. /etc/budgetcitoyen/env
DEST="${BACKUP_DIR:-/var/backups/budgetcitoyen}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
STAMP="$(date +%Y-%m-%dT%H%M)"
umask 077
mkdir -p "$DEST"
# pg_dump takes a snapshot: the vote goes on while it runs, nothing is locked but DDL.
pg_dump --format=custom --no-owner --file="$DEST/budgetcitoyen-$STAMP.dump" "$DATABASE_URL"
tar -C "$BUDGETCITOYEN_VAR_DIR" -czf "$DEST/budgetcitoyen-files-$STAMP.tar.gz" private
sha256sum "$DEST/budgetcitoyen-$STAMP.dump" "$DEST/budgetcitoyen-files-$STAMP.tar.gz" \
  > "$DEST/budgetcitoyen-$STAMP.sha256"
find "$DEST" -name 'budgetcitoyen-*' -mtime +"$KEEP_DAYS" -delete
echo "sauvegarde $STAMP : $(du -ch "$DEST"/budgetcitoyen-*"$STAMP"* | tail -1 | cut -f1)"
