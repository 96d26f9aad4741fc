// One engine's run: seed a year of payments, start the compiled service on that database as
// its own process (with the Dockerfile's heap cap) beside a bare Express echo, then measure
// each phase, read everything the bench needs from the server over IPC, and clean up.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createKeyring } from '../src/security/vault';
import { createTransactionSecrets } from '../src/security/transaction-secrets';
import type { Engine } from '../src/db/database';
import { benchC2bIngestion, type C2bIngestionResult } from './c2b';
import { benchCallbackIngestion, type IngestionResult } from './callbacks';
import { startChild, type BenchChild } from './child';
import { callJson, createAgent } from './http';
import {
  benchInitiateOverhead,
  burstInitiates,
  createPending,
  type DarajaCredentials,
  type OverheadResult,
} from './initiate';
import { benchLookups, type LookupResult } from './lookups';
import { startNaive } from './naive';
import { read } from './probe';
import { benchSignedTrips, type SignedTripsResult } from './signed-trips';
import { createProject, type PendingPayment } from './merchant';
import { round } from './stats';
import { seedBenchDatabase, type SeedResult } from './seed';
import { benchWebhooks, type WebhookBenchResult } from './webhooks';

const CONNECTIONS = 25;
const OAUTH_BURST = 500;
const WARMUP_CALLBACKS = 300;
const MEASURED_CALLBACKS = 3000;
const POOL_CONCURRENCY = 20;
/** Walk-in confirmations: each is a new payment, slower than a callback; fewer keep the phase short. */
const C2B_WARMUP = 100;
const C2B_MEASURED = 1000;
const OVERHEAD_WARMUP_ROUNDS = 30;
const OVERHEAD_ROUNDS = 300;
/** Old processed callbacks and succeeded deliveries for the pruner to delete during a load. */
const OLD_ROWS = 100_000;
const PRUNE_TIMEOUT_MS = 15 * 60_000;

// Sandbox values (public, see src/config.ts), given explicitly so the bench can call the
// simulator directly with the same credentials as the service.
const DARAJA: DarajaCredentials = {
  consumerKey: 'bench-consumer-key',
  consumerSecret: 'bench-consumer-secret',
  shortcode: '174379',
  passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
};

export interface EngineResult {
  engine: Engine;
  seed: Omit<SeedResult, 'sample'>;
  burst: {
    initiates: number;
    answered201: number;
    oauthCalls: number;
    simulatorOauthCalls: number | undefined;
  };
  ingestion: IngestionResult;
  /** Callback ingestion while the pruner deletes OLD_ROWS old callbacks and OLD_ROWS old deliveries. */
  ingestionWhilePruning: IngestionResult & {
    prunedDuringLoad: boolean;
    pruned?: { callbacks: number; deliveries: number; seconds: number };
  };
  settled: { completed: number; appliedRecords: number; posted: number; complete: boolean };
  /** C2B confirmations (walk-in payments) posted to the registered confirmation URL. */
  c2b: C2bIngestionResult;
  /** Round trips and CPU of one signed initiate and one signed status read, one at a time. */
  signed: SignedTripsResult;
  overhead: OverheadResult;
  webhooks: WebhookBenchResult;
  lookups: LookupResult;
  peakRssMb: number | undefined;
  peakRssAfter: Record<string, number | undefined>;
  memoryAtEndMb: Record<string, number>;
  seconds: number;
}

const log = (engine: Engine, message: string) => process.stdout.write(`[bench ${engine}] ${message}\n`);

export function serverEnv(
  dataDir: string,
  databaseUrl: string,
  masterKeyHex: string,
  adminToken: string,
  redisUrl?: string,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    MPESA_ENVIRONMENT: 'simulator',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '10',
    // Only the several-instance runs share through Redis (bench/instances.ts).
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench:${databaseUrl.slice(-8)}:` } : {}),
    MASTER_KEY: masterKeyHex,
    ADMIN_TOKEN: adminToken,
    MPESA_CONSUMER_KEY: DARAJA.consumerKey,
    MPESA_CONSUMER_SECRET: DARAJA.consumerSecret,
    MPESA_SHORTCODE: DARAJA.shortcode,
    MPESA_PASSKEY: DARAJA.passkey,
    // The per-project limit would refuse the burst and the pool; it is not what we measure.
    RATE_LIMIT_MAX: '1000000',
    LOG_LEVEL: 'error',
    // No simulator callback may land during the run (the bench posts its own).
    SIMULATOR_CALLBACK_DELAY_MS: '3600000',
    SIMULATOR_LATE_CALLBACK_MS: '3600000',
    SHUTDOWN_TIMEOUT_MS: '2000',
    // Failed webhook attempts wait an hour (the webhook bench holds a backlog that way), and
    // no STK Query runs during the bench.
    WEBHOOK_RETRY_SCHEDULE: '1h',
    RECONCILE_AFTER: '1h',
    RECONCILE_EXPIRE_AFTER: '2h',
    // The seeded backlog is a year old: past these. The pruner runs when the bench says.
    CALLBACK_RETENTION: '30d',
    WEBHOOK_RETENTION: '30d',
    PRUNE_INTERVAL: '24d',
  };
}

export async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function benchEngine(
  engine: Engine,
  options: { rows: number; postgresUrl: string; nodeArgs: readonly string[] },
): Promise<EngineResult> {
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mpesa-bridge-bench-${engine}-`));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl =
    engine === 'sqlite'
      ? `file:${path.join(dataDir, 'bench.db')}`
      : `${options.postgresUrl}${options.postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  const masterKeyHex = randomBytes(32).toString('hex');
  const masterKey = Buffer.from(masterKeyHex, 'hex');
  const adminToken = `adm_${randomBytes(18).toString('hex')}`;
  const secrets = createTransactionSecrets(createKeyring(masterKey));
  const children: BenchChild[] = [];
  try {
    if (engine === 'postgres') await createSchema(options.postgresUrl, schema);
    const bigKeys = {
      publicKey: `pk_${randomBytes(12).toString('hex')}`,
      secretKey: `sk_${randomBytes(24).toString('hex')}`,
    };
    log(
      engine,
      `seeding ${options.rows.toLocaleString('en')} payments and ${OLD_ROWS.toLocaleString('en')} old callbacks and deliveries`,
    );
    const seed = await seedBenchDatabase(databaseUrl, {
      rows: options.rows,
      oldRows: OLD_ROWS,
      publicKey: bigKeys.publicKey,
      secretKey: bigKeys.secretKey,
      keyring: createKeyring(masterKey),
    });
    log(engine, `seeded in ${seed.seconds.toFixed(1)} s`);

    const server = await startChild(
      '.build/bench/server.js',
      serverEnv(dataDir, databaseUrl, masterKeyHex, adminToken),
      options.nodeArgs,
    );
    children.push(server);
    const echo = await startChild('echo-server.ts', { PATH: process.env.PATH, NODE_ENV: 'production' });
    children.push(echo);
    log(engine, `server ${server.url} (pid ${server.pid}), echo ${echo.url} (pid ${echo.pid})`);
    const peakRssAfter: Record<string, number | undefined> = { start: server.peakRssMb() };

    const agent = createAgent(POOL_CONCURRENCY);
    const keys = await createProject(agent, server.url, adminToken);

    // First thing after start, so the token cache is cold.
    const burstAnswers = await burstInitiates(server.url, keys, OAUTH_BURST);
    const { count: oauthCalls } = await server.ask({ type: 'oauth-count' }, 'oauth-count');
    const simulatorStats = (
      await callJson(agent, { method: 'GET', url: `${server.url}/simulator/__simulator/stats` })
    ).body as { oauthCalls?: number };
    const burst = {
      initiates: OAUTH_BURST,
      answered201: burstAnswers.length,
      oauthCalls,
      simulatorOauthCalls: simulatorStats.oauthCalls,
    };
    peakRssAfter.oauthBurst = server.peakRssMb();
    log(engine, `${OAUTH_BURST} concurrent initiates: all 201, ${oauthCalls} OAuth call(s)`);

    const pool = async (count: number): Promise<PendingPayment[]> =>
      createPending(agent, server.url, keys, count, POOL_CONCURRENCY);
    const first = [
      ...burstAnswers,
      ...(await pool(WARMUP_CALLBACKS + MEASURED_CALLBACKS - burstAnswers.length)),
    ];
    const second = await pool(MEASURED_CALLBACKS);
    peakRssAfter.pendingPool = server.peakRssMb();

    // What users would write instead, on a database of its own holding the same pending payments.
    const naiveUrl =
      engine === 'sqlite'
        ? `file:${path.join(dataDir, 'naive.db')}`
        : `${options.postgresUrl}${options.postgresUrl.includes('?') ? '&' : '?'}schema=${schema}_naive`;
    if (engine === 'postgres') await createSchema(options.postgresUrl, `${schema}_naive`);
    log(engine, 'starting the naive Express + Prisma handler (its Prisma client is generated once)');
    // Its client is generated offline (bench/naive.ts: no native engine); should that or its
    // start fail all the same, the reason is printed and the rest of the bench still runs.
    const naive = await startNaive(engine, naiveUrl, first).catch((error: unknown) => {
      log(engine, `naive baseline skipped: ${String(error).split('\n')[0]}`);
      return undefined;
    });
    if (naive) children.push(naive);
    const ingestion = await benchCallbackIngestion({
      serverUrl: server.url,
      echoUrl: echo.url,
      naiveUrl: naive?.url,
      secrets,
      warmup: first.slice(0, WARMUP_CALLBACKS),
      measured: first.slice(WARMUP_CALLBACKS),
      connections: CONNECTIONS,
      read: () => read([server]),
    });
    await naive?.stop();
    peakRssAfter.callbackIngestion = server.peakRssMb();
    log(
      engine,
      `callbacks: ${round(ingestion.ours.perSecond, 0)}/s vs echo ${round(ingestion.echo.perSecond, 0)}/s (ratio ${round(ingestion.ratio)}), naive ${round(ingestion.naive?.perSecond ?? 0, 0)}/s (${round(ingestion.ratioToNaive ?? 0)}x); ${round(ingestion.perCallback?.trips.total ?? 0)} round trips, ${round(ingestion.perCallback?.cpuMs.total ?? 0)} ms CPU per callback`,
    );

    // The same load while the pruner deletes a year-old backlog, started just before.
    // Pruning yields nine tenths of the database (src/maintenance/prune.worker.ts): a backlog takes a while.
    const pruned = server.ask({ type: 'prune' }, 'pruned', PRUNE_TIMEOUT_MS);
    let pruneDone: { callbacks: number; deliveries: number; seconds: number } | undefined;
    void pruned.then((result) => (pruneDone = result));
    const whilePruning = await benchCallbackIngestion({
      serverUrl: server.url,
      echoUrl: echo.url,
      secrets,
      warmup: [],
      measured: second,
      connections: CONNECTIONS,
    });
    const prunedDuringLoad = pruneDone === undefined;
    const prunedResult = await pruned;
    log(
      engine,
      `callbacks while pruning: ${round(whilePruning.ours.perSecond, 0)}/s (ratio ${round(whilePruning.ratio)}); pruned ${prunedResult.callbacks} callbacks and ${prunedResult.deliveries} deliveries in ${prunedResult.seconds.toFixed(1)} s`,
    );

    const counted = await server.ask({ type: 'settled' }, 'settled');
    const posted = first.length + second.length;
    const settled = {
      completed: counted.completed,
      appliedRecords: counted.appliedRecords,
      posted,
      complete:
        counted.completed === posted &&
        counted.appliedRecords === posted &&
        ingestion.ours.ok === MEASURED_CALLBACKS,
    };

    // After the count above: each confirmation makes a completed payment of its own.
    const c2b = await benchC2bIngestion({
      agent,
      serverUrl: server.url,
      echoUrl: echo.url,
      keys,
      warmup: C2B_WARMUP,
      measured: C2B_MEASURED,
      connections: CONNECTIONS,
    });
    peakRssAfter.c2bIngestion = server.peakRssMb();
    log(
      engine,
      `C2B confirmations: ${round(c2b.ours.perSecond, 0)}/s vs echo ${round(c2b.echo.perSecond, 0)}/s (ratio ${round(c2b.ratio)}), p50/p99 ${round(c2b.ours.p50Ms)}/${round(c2b.ours.p99Ms)} ms; ${c2b.sampledFound}/${c2b.sampled} sampled receipts found`,
    );

    const signed = await benchSignedTrips(server, keys);
    log(
      engine,
      `one at a time: ${round(signed.initiate.trips.total)} round trips per signed initiate, ${round(signed.statusRead.trips.total)} per signed status read`,
    );
    const overhead = await benchInitiateOverhead({
      serverUrl: server.url,
      darajaUrl: `${server.url}/simulator`,
      keys,
      credentials: DARAJA,
      warmupRounds: OVERHEAD_WARMUP_ROUNDS,
      rounds: OVERHEAD_ROUNDS,
    });
    const webhooks = await benchWebhooks({ server, adminToken, secrets });
    peakRssAfter.webhooks = server.peakRssMb();
    const lookups = await benchLookups(server.url, bigKeys, seed);
    peakRssAfter.lookups = server.peakRssMb();
    agent.destroy();

    const peakRssMb = server.peakRssMb();
    const { usage } = await server.ask({ type: 'memory' }, 'memory');
    const { sample: _sample, ...seedFigures } = seed;
    return {
      engine,
      seed: seedFigures,
      burst,
      ingestion,
      ingestionWhilePruning: { ...whilePruning, prunedDuringLoad, pruned: prunedResult },
      settled,
      c2b,
      signed,
      overhead,
      webhooks,
      lookups,
      peakRssMb,
      peakRssAfter,
      memoryAtEndMb: Object.fromEntries(
        Object.entries(usage).map(([key, bytes]) => [key, round(bytes / 2 ** 20, 1)]),
      ),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') {
      await dropSchema(options.postgresUrl, schema).catch(() => undefined);
      await dropSchema(options.postgresUrl, `${schema}_naive`).catch(() => undefined);
    }
  }
}
