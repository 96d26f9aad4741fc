// Each test file gets a database of its own: a fresh SQLite file by default, or, when
// TEST_DATABASE_URL is a PostgreSQL URL, a fresh schema in that database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export function freshDatabaseUrl(dataDir: string): string {
  const postgres = process.env.TEST_DATABASE_URL;
  if (postgres && /^postgres(ql)?:\/\//.test(postgres)) {
    const url = new URL(postgres);
    url.searchParams.set('schema', `test_${randomBytes(6).toString('hex')}`);
    return url.toString();
  }
  return `file:${path.join(dataDir, 'test.db')}`;
}

export function freshDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-test-'));
}

export const usingPostgres = () => /^postgres(ql)?:\/\//.test(process.env.TEST_DATABASE_URL ?? '');
