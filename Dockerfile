# syntax=docker/dockerfile:1
# Two stages: `build` installs every dependency (TypeScript, the Prisma CLI, better-sqlite3
# compiled for this Node) and compiles; `runtime` gets the compiled service, its SQL migrations
# and production dependencies only, runs as a non-root user and keeps its data in /data.
#
# Node 24: an LTS line with years of security fixes ahead (end of life April 2028) that every
# native dependency here supports and that the stage runner was checked with. Node 26 became
# the active LTS in October 2026 and better-sqlite3 12.11 declares support for it; move once it
# has been run end to end.
#
# No Docker engine runs in CI: `.ci/run` follows these stages on the machine with
# scripts/dockerfile/ (same order, same commands, each stage in a temporary folder) and starts
# the result to /ready. Keep to what that runner mirrors (scripts/dockerfile/README.md).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# A compiler for better-sqlite3, for when its prebuilt binary cannot be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# Dependencies first, without running any install script: this layer depends on the lock file
# only, and no script can run against a half-copied tree. (A generation step that once ran at
# install, before tsconfig.json was here, emitted ES modules the CommonJS build cannot load;
# the query layer's types are now generated ahead and committed, src/db/database.types.ts.)
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY src ./src
COPY dashboard ./dashboard
COPY checkout ./checkout
# Now that the whole tree is here: the dependencies' install scripts (the native SQLite
# driver), the build, then production dependencies only.
RUN npm rebuild && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
# The live heap stays near 50 MB under load; without a cap V8 grows it lazily to ~3x that.
# V8 sizes the young generation from that cap (1 MB semispaces for 128 MB): requests in flight
# then outlive it and a full collection runs every second under load; 8 MB keeps them young.
# Raise the caps for bigger instances. `npm run bench` measures with the same options.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=8" \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/dashboard/build ./dashboard/build
COPY --from=build /app/checkout/build ./checkout/build
# 1000 is the base image's `node` user; numeric, so Kubernetes' runAsNonRoot can verify it.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
