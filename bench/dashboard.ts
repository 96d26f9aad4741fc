// `npm run bench:dashboard`: the dashboard's reads on a database seeded with a year of payments
// (1 M by default, bench/seed.ts), against the compiled service in its own process (as in
// production): the payments page's first page and filtered searches (target ≤ 300 ms), the CSV
// export of every row (rows/s, and the server's peak RSS before and after: constant memory),
// and the overview's stats of a month.
//   npm run bench:dashboard -- --rows=200000 --engine=postgres
// Times are measured by the client over loopback, so they include a little more than the server's own time.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKeyring } from '../src/security/vault';
import { startChild } from './child';
import { createSchema, dropSchema, serverEnv } from './engine';
import { BIG_PROJECT_ID, seedBenchDatabase } from './seed';

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REPEATS = 15;
const PASSWORD = 'bench password 1234';
const log = (message: string) => process.stdout.write(`[bench:dashboard] ${message}\n`);
const flag = (name: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

async function main(): Promise<void> {
  const rows = Number(flag('rows') ?? 1_000_000);
  const engine = flag('engine') === 'postgres' ? 'postgres' : 'sqlite';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-bench-dashboard-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl =
    engine === 'sqlite' ? `file:${path.join(dataDir, 'bench.db')}` : `${POSTGRES_URL}?schema=${schema}`;
  const masterKeyHex = randomBytes(32).toString('hex');
  const adminToken = `adm_${randomBytes(18).toString('hex')}`;
  if (engine === 'postgres') await createSchema(POSTGRES_URL, schema);
  try {
    log(`seeding ${rows.toLocaleString('en')} payments on ${engine}`);
    const seed = await seedBenchDatabase(databaseUrl, {
      rows,
      oldRows: 0,
      publicKey: `pk_${randomBytes(12).toString('hex')}`,
      secretKey: `sk_${randomBytes(24).toString('hex')}`,
      keyring: createKeyring(Buffer.from(masterKeyHex, 'hex')),
    });
    log(`seeded in ${seed.seconds.toFixed(1)} s; compiling the service (tsconfig.bench.json)`);
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], {
      cwd: path.join(__dirname, '..'),
      stdio: 'inherit',
    });
    const server = await startChild(
      '.build/bench/server.js',
      serverEnv(dataDir, databaseUrl, masterKeyHex, adminToken),
      ['--max-old-space-size=128', '--max-semi-space-size=8'],
    );
    try {
      const url = server.url;
      const created = await fetch(`${url}/api/v1/dashboard/users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          email: 'bench@example.com',
          name: 'Bench',
          role: 'operator',
          password: PASSWORD,
        }),
      });
      if (created.status !== 201) throw new Error(`creating the operator: HTTP ${created.status}`);
      const signedIn = await fetch(`${url}/api/v1/dashboard/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'bench@example.com', password: PASSWORD }),
      });
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      const headers = { Cookie: cookie, 'X-Project-Id': BIG_PROJECT_ID, 'X-Mode': 'test' };

      const timed = async (label: string, pathWithQuery: string) => {
        const times: number[] = [];
        let shown = 0;
        for (let i = 0; i < REPEATS; i += 1) {
          const started = performance.now();
          const response = await fetch(`${url}${pathWithQuery}`, { headers });
          const body = (await response.json()) as { data?: unknown[]; payments?: { total: number } };
          times.push(performance.now() - started);
          if (response.status !== 200)
            throw new Error(`${label}: HTTP ${response.status} ${JSON.stringify(body)}`);
          shown = body.data?.length ?? body.payments?.total ?? 0;
        }
        times.sort((a, b) => a - b);
        log(
          `${label.padEnd(44)} median ${times[Math.floor(REPEATS / 2)]!.toFixed(1)} ms, max ${times[REPEATS - 1]!.toFixed(1)} ms (${shown} ${label.startsWith('stats') ? 'payments counted' : 'rows'})`,
        );
      };
      const sample = seed.sample[Math.floor(seed.sample.length / 3)]!;
      const receiptOf = async () => {
        const response = await fetch(
          `${url}/api/v1/transactions?status=completed&limit=1&to=${encodeURIComponent(sample.createdAt.toISOString())}`,
          { headers },
        );
        return ((await response.json()) as { data: { mpesaReceiptNumber: string }[] }).data[0]!
          .mpesaReceiptNumber;
      };
      const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
      await timed('payments, first page (25)', '/api/v1/transactions?limit=25');
      await timed('filter: status=cancelled', '/api/v1/transactions?status=cancelled&limit=25');
      await timed(
        'filter: phone (any form)',
        `/api/v1/transactions?phone=0${sample.phone.slice(3)}&limit=25`,
      );
      await timed(
        'filter: receipt',
        `/api/v1/transactions?receipt=${(await receiptOf()).toLowerCase()}&limit=25`,
      );
      await timed(
        'filter: account reference',
        `/api/v1/transactions?accountReference=${sample.accountReference}&limit=25`,
      );
      await timed(
        'filter: last 30 days + status=failed',
        `/api/v1/transactions?status=failed&from=${encodeURIComponent(monthAgo)}&limit=25`,
      );
      await timed('stats: last 30 days', `/api/v1/stats?from=${encodeURIComponent(monthAgo)}`);

      const rssBefore = server.peakRssMb();
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/transactions/export`, { headers });
      let lines = 0;
      let bytes = 0;
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) lines += 1;
      }
      const seconds = (performance.now() - started) / 1000;
      const exported = lines - 1;
      log(
        `CSV export: ${exported.toLocaleString('en')} rows, ${(bytes / 1048576).toFixed(0)} MiB in ${seconds.toFixed(1)} s = ${Math.round(exported / seconds).toLocaleString('en')} rows/s`,
      );
      log(
        `server peak RSS: ${rssBefore?.toFixed(0)} MB before the export, ${server.peakRssMb()?.toFixed(0)} MB after`,
      );
      if (exported !== rows) throw new Error(`the export had ${exported} rows, not ${rows}`);
    } finally {
      await server.stop();
    }
  } finally {
    if (engine === 'postgres') await dropSchema(POSTGRES_URL, schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:dashboard failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
