// `npm run bench`: the service on SQLite and, when PostgreSQL answers, on PostgreSQL, each run
// on a database seeded with a year of payments (1 M by default) next to a bare Express echo
// measured in the same run; one table with a column per engine, and bench/results/latest.json.
//   npm run bench -- --rows=200000        fewer seeded payments (seeding 1 M takes ~1 min on
//                                         SQLite and ~2 min on PostgreSQL here)
//   npm run bench -- --engines=postgres   one engine
//   BENCH_POSTGRES_URL=postgres://…       another server (default: the local one, db "test")
//   npm run bench -- --instances=only     only the two-instance run on PostgreSQL (--instances=off: skip it)
//   BENCH_REDIS_URL=redis://127.0.0.1:6379  the instances run again, sharing through Redis (bus, limits),
//                                         beside the run through PostgreSQL NOTIFY
// Every load is bounded in count and time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Engine } from '../src/db/database';
import { benchEngine, type EngineResult } from './engine';
import { benchInstances, type InstancesResult } from './instances';
import { printInstances, printTable, writeResults } from './report';

/** The heap sizes the Dockerfile sets (NODE_OPTIONS; see there why). */
const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=8';
const DEFAULT_ROWS = 1_000_000;
const WHOLE_RUN_LIMIT_MS = 30 * 60_000;
const RESULTS_FILE = path.join(__dirname, 'results', 'latest.json');
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const log = (message: string) => process.stdout.write(`[bench] ${message}\n`);

function flag(name: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    // The options are the header comment of this file.
    const header = fs.readFileSync(__filename, 'utf8').split('\n');
    process.stdout.write(
      `${header
        .slice(
          0,
          header.findIndex((line) => !line.startsWith('//')),
        )
        .join('\n')}\n`,
    );
    return;
  }
  const started = Date.now();
  const rows = Number(flag('rows') ?? DEFAULT_ROWS);
  const instances = flag('instances') ?? 'on';
  const wanted = instances === 'only' ? [] : ((flag('engines') ?? 'sqlite,postgres').split(',') as Engine[]);
  const engines: Engine[] = [];
  for (const engine of wanted) {
    if (engine === 'postgres' && !(await postgresAnswers()))
      log(`PostgreSQL does not answer at ${POSTGRES_URL}: skipping its column`);
    else engines.push(engine);
  }

  // The service runs compiled, as in production (Dockerfile: node dist/main.js), not under tsx,
  // whose loader alone costs ~50 MB of RSS.
  log('compiling the service (tsconfig.bench.json)');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], {
    cwd: path.join(__dirname, '..'),
    stdio: 'inherit',
  });
  // e.g. BENCH_SERVER_NODE_ARGS="--max-old-space-size=128 --max-semi-space-size=8 --cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? PRODUCTION_NODE_OPTIONS).split(' ').filter(Boolean);
  log(
    `server node options: ${nodeArgs.join(' ') || '(none)'}; ${rows.toLocaleString('en')} seeded payments per engine`,
  );

  const results: EngineResult[] = [];
  for (const engine of engines)
    results.push(await benchEngine(engine, { rows, postgresUrl: POSTGRES_URL, nodeArgs }));

  // The engines' table first: a failure of the instance phase must not take it away.
  if (results.length > 0) printTable(results);

  // Several instances need the shared database: PostgreSQL.
  // Both buses in the same run when Redis is given, so the machine's load is the same for both.
  const severalInstances: InstancesResult[] = [];
  if (instances !== 'off' && (await postgresAnswers())) {
    severalInstances.push(await benchInstances({ postgresUrl: POSTGRES_URL, nodeArgs }));
    if (process.env.BENCH_REDIS_URL)
      severalInstances.push(
        await benchInstances({ postgresUrl: POSTGRES_URL, nodeArgs, redisUrl: process.env.BENCH_REDIS_URL }),
      );
  }

  for (const result of severalInstances) printInstances(result);
  for (const result of results) {
    if (!result.settled.complete)
      process.stdout.write(
        `\nWARNING (${result.engine}): not every callback settled its payment; the ingestion figures are not valid.\n`,
      );
  }
  writeResults(RESULTS_FILE, {
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, platform: process.platform },
    rows,
    results,
    twoInstances: severalInstances,
    runSeconds: (Date.now() - started) / 1000,
  });
  log(
    `results written to ${path.relative(process.cwd(), RESULTS_FILE)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

setTimeout(() => {
  process.stderr.write(`bench aborted: still running after ${WHOLE_RUN_LIMIT_MS / 1000} s\n`);
  process.exit(1);
}, WHOLE_RUN_LIMIT_MS).unref();

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
