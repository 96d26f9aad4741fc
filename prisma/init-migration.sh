#!/usr/bin/env bash
# Regenerates a provider's SQL for the whole schema from nothing. Use it only while the
# project has a single migration; after release, write a new numbered folder instead with
#   npx prisma migrate diff --config prisma/<provider>/prisma.config.ts \
#     --from-schema-datamodel <old schema folder> --to-schema-datamodel prisma/<provider> --script
# (the PostgreSQL config needs the local server at 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
for provider in sqlite postgres; do
  npx prisma migrate diff --config "prisma/$provider/prisma.config.ts" \
    --from-empty --to-schema-datamodel "prisma/$provider" --script > "prisma/migrations/$provider/0001_init/migration.sql"
done
