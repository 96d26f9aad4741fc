// `npm run bench`: starts the service (simulator mode) and a bare Express echo as child
// processes, loads them from here over 127.0.0.1 only, prints the figures with their targets
// and writes them to bench/results/latest.json. Every load is bounded in count and time.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTransactionSecrets } from '../src/security/transaction-secrets';
import { benchCallbackIngestion } from './callbacks';
import { startChild, type BenchChild } from './child';
import { callJson, createAgent } from './http';
import { benchInitiateOverhead, burstInitiates, createPending, type DarajaCredentials } from './initiate';
import { createProject } from './merchant';
import { figuresOf, printTable, writeResults } from './report';
import { round } from './stats';
import { countSettled } from './verify';
import { benchWebhooks } from './webhooks';

/** The heap cap the Dockerfile sets (NODE_OPTIONS): V8 otherwise grows the heap lazily to ~3x what is live. */
const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=128';
const CONNECTIONS = 25;
const OAUTH_BURST = 500;
const WARMUP_CALLBACKS = 300;
const MEASURED_CALLBACKS = 3000;
const POOL_CONCURRENCY = 20;
const OVERHEAD_WARMUP_ROUNDS = 30;
const OVERHEAD_ROUNDS = 300;

/** Whatever hangs, the bench ends: the children exit when their IPC channel closes. */
const WHOLE_RUN_LIMIT_MS = 5 * 60_000;
const RESULTS_FILE = path.join(__dirname, 'results', 'latest.json');

// Sandbox values (public, see src/config.ts), given explicitly so the bench can call the
// simulator directly with the same credentials as the service.
const DARAJA: DarajaCredentials = {
  consumerKey: 'bench-consumer-key',
  consumerSecret: 'bench-consumer-secret',
  shortcode: '174379',
  passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
};

const log = (message: string) => process.stdout.write(`[bench] ${message}\n`);

function serverEnv(dataDir: string, masterKeyHex: string, adminToken: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    MPESA_ENVIRONMENT: 'simulator',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: `file:${path.join(dataDir, 'bench.db')}`,
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
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-bench-'));
  const masterKeyHex = randomBytes(32).toString('hex');
  const adminToken = `adm_${randomBytes(18).toString('hex')}`;
  const env = serverEnv(dataDir, masterKeyHex, adminToken);
  const children: BenchChild[] = [];

  try {
    // e.g. BENCH_SERVER_NODE_ARGS="--max-old-space-size=128 --cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
    // The service runs compiled, as in production (Dockerfile: node dist/main.js), not under
    // tsx, whose loader alone costs ~50 MB of RSS.
    log('compiling the service (tsconfig.bench.json)');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? PRODUCTION_NODE_OPTIONS).split(' ').filter(Boolean);
    log(`server node options: ${nodeArgs.join(' ') || '(none)'}`);
    const server = await startChild('.build/bench/server.js', env, nodeArgs);
    children.push(server);
    const echo = await startChild('echo-server.ts', { PATH: process.env.PATH, NODE_ENV: 'production' });
    children.push(echo);
    log(`server ${server.url} (pid ${server.pid}), echo ${echo.url} (pid ${echo.pid}), data ${dataDir}`);
    // Peak RSS so far after each phase: tells which phase sets the peak.
    const peakRssAfter: Record<string, number | undefined> = { start: server.peakRssMb() };

    const agent = createAgent(POOL_CONCURRENCY);
    const keys = await createProject(agent, server.url, adminToken);

    // 3. First thing after start, so the token cache is cold.
    const burst = await burstInitiates(server.url, keys, OAUTH_BURST);
    const { count: oauthCalls } = await server.ask({ type: 'oauth-count' }, 'oauth-count');
    const simulatorStats = (await callJson(agent, { method: 'GET', url: `${server.url}/simulator/__simulator/stats` })).body as { oauthCalls?: number };
    peakRssAfter.oauthBurst = server.peakRssMb();
    log(`${OAUTH_BURST} concurrent initiates: ${oauthCalls} OAuth call(s) (simulator counted ${simulatorStats.oauthCalls})`);

    // 1. Pending payments for the callbacks: the burst's, plus more through the same API.
    const poolStarted = Date.now();
    const more = await createPending(agent, server.url, keys, WARMUP_CALLBACKS + MEASURED_CALLBACKS - burst.length, POOL_CONCURRENCY);
    const pool = [...burst, ...more];
    log(`created ${more.length} more pending payments in ${((Date.now() - poolStarted) / 1000).toFixed(1)} s`);
    agent.destroy();
    peakRssAfter.pendingPool = server.peakRssMb();

    const warmup = pool.slice(0, WARMUP_CALLBACKS);
    const measured = pool.slice(WARMUP_CALLBACKS);
    const ingestion = await benchCallbackIngestion({
      serverUrl: server.url,
      echoUrl: echo.url,
      secrets: createTransactionSecrets(Buffer.from(masterKeyHex, 'hex')),
      warmup,
      measured,
      connections: CONNECTIONS,
    });
    peakRssAfter.callbackIngestion = server.peakRssMb();
    const settled = await countSettled(env.DATABASE_URL!);
    const posted = warmup.length + measured.length;
    log(
      `callbacks: ${ingestion.ours.ok}/${measured.length} measured 2xx; of ${posted} posted: ${settled.completed} completed, ${settled.appliedRecords} applied records; ` +
        `${ingestion.completedEvents}/${ingestion.subscribed} subscribed sockets got "completed"`,
    );

    // 2. Sequential latency, our initiate against the simulator's own STK Push.
    const overhead = await benchInitiateOverhead({
      serverUrl: server.url,
      darajaUrl: `${server.url}/simulator`,
      keys,
      credentials: DARAJA,
      warmupRounds: OVERHEAD_WARMUP_ROUNDS,
      rounds: OVERHEAD_ROUNDS,
    });

    // Webhooks (issue 3's figures): first-attempt latency after the callback's acknowledgement, and drain rate.
    const webhooks = await benchWebhooks({ serverUrl: server.url, adminToken, secrets: createTransactionSecrets(Buffer.from(masterKeyHex, 'hex')) });
    peakRssAfter.webhooks = server.peakRssMb();
    log(`webhooks: ${webhooks.latency.samples} latency samples; ${webhooks.throughput.deliveries} backlog deliveries in ${webhooks.throughput.seconds.toFixed(2)} s`);

    // 4. Read before closing: VmHWM is the peak over the whole run.
    const peakRssMb = server.peakRssMb();
    peakRssAfter.initiateOverhead = peakRssMb;
    log(`server peak RSS after each phase (MB): ${JSON.stringify(Object.fromEntries(Object.entries(peakRssAfter).map(([k, v]) => [k, v && round(v, 1)])))}`);
    const echoPeakRssMb = echo.peakRssMb();
    // Where the memory is at the end: V8 heap versus native (Prisma's query compiler, SQLite).
    const { usage } = await server.ask({ type: 'memory' }, 'memory');
    const memoryAtEndMb = Object.fromEntries(Object.entries(usage).map(([key, bytes]) => [key, round(bytes / 2 ** 20, 1)]));

    const figures = figuresOf({ ingestion, overhead, oauthBurst: OAUTH_BURST, oauthCalls, peakRssMb, webhooks });
    printTable(figures);
    // The ratio only means something if every callback really settled its payment.
    const complete = ingestion.ours.ok === measured.length && settled.completed === posted && settled.appliedRecords === posted;
    if (!complete) process.stdout.write('\nWARNING: not every measured callback settled its payment; the ingestion figures are not valid.\n');

    writeResults(RESULTS_FILE, {
      at: new Date().toISOString(),
      machine: { node: process.version, cpus: os.cpus().length, platform: process.platform },
      settings: { connections: CONNECTIONS, oauthBurst: OAUTH_BURST, warmupCallbacks: WARMUP_CALLBACKS, measuredCallbacks: MEASURED_CALLBACKS, overheadRounds: OVERHEAD_ROUNDS },
      callbackIngestion: { ...ingestion, settled, complete },
      initiateOverhead: overhead,
      webhooks,
      oauth: { burst: OAUTH_BURST, serviceCount: oauthCalls, simulatorCount: simulatorStats.oauthCalls },
      peakRssMb: { server: peakRssMb, serverAfterPhase: peakRssAfter, serverMemoryAtEnd: memoryAtEndMb, echo: echoPeakRssMb, measuredAs: 'VmHWM of the server child process (node bench/.build/bench/server.js, compiled)' },
      figures,
      runSeconds: (Date.now() - started) / 1000,
    });
    log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

setTimeout(() => {
  process.stderr.write(`bench aborted: still running after ${WHOLE_RUN_LIMIT_MS / 1000} s\n`);
  process.exit(1);
}, WHOLE_RUN_LIMIT_MS).unref();

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
