// Prisma CLI config for the PostgreSQL schema. The JS schema engine (WebAssembly, shipped in the
// npm package) is the only one that works offline (Prisma 7 and the native engines download
// binaries from Prisma's host at run time).
// The CLI only generates the table types and diffs schemas here: migrations are applied by
// src/db/migrate.ts, so the adapter below never touches a real database.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// Without this the CLI first fetches Prisma's native query-engine library (it cannot reach
// Prisma's binary host offline), although the only generator here (prisma-kysely) needs none.
// Set here rather than in the npm script, so `npx prisma generate --config …` works offline too.
process.env.PRISMA_CLIENT_ENGINE_TYPE ??= 'client';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname),
  async adapter() {
    return new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  },
});
