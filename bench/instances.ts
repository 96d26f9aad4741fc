// Two instances on one PostgreSQL database against one: callback ingestion of both together
// (each instance takes half the callbacks, at once, as a round-robin balancer would hand them
// out) against one instance alone, each on a fresh schema; and the time from posting a
// callback to one instance until a browser connected to the other receives the change, beside
// the same on one instance. The compiled service, with the Dockerfile's heap cap. Shared
// through PostgreSQL (NOTIFY), or through Redis when given its URL; with Redis, the CPU its
// server spent (INFO cpu: the whole server, so anything else using it counts too).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { createTransactionSecrets, type TransactionSecrets } from '../src/security/transaction-secrets';
import { createKeyring } from '../src/security/vault';
import { callbackRequests } from './callbacks';
import { startChild, type BenchChild } from './child';
import { createSchema, dropSchema, serverEnv } from './engine';
import { createAgent, callJson } from './http';
import { createPending } from './initiate';
import { runLoad } from './load';
import { createProject, type PendingPayment } from './merchant';
import { percentile, round } from './stats';
import { perOperation, read, type PerOperation } from './probe';

const CALLBACKS = 3000;
const WARMUP = 300;
const CONNECTIONS = 25;
const LATENCY_SAMPLES = 200;

export interface InstancesResult {
  /** What the instances share through: PostgreSQL NOTIFY, or Redis with BENCH_REDIS_URL. */
  bus: 'postgres' | 'redis';
  oneInstance: { perSecond: number; p99Ms: number; perCallback: PerOperation; redisCpuMs?: number };
  twoInstances: {
    perSecond: number;
    p99Ms: number;
    perInstance: number[];
    perCallback: PerOperation;
    /** CPU milliseconds per callback of the Redis server, when the bus is Redis. */
    redisCpuMs?: number;
  };
  /** two / one, callbacks per second. */
  scaling: number;
  /** CPU per callback (every service process and the database's processes serving them), two / one. */
  cpuRatio: number;
  /** From posting a callback until a subscribed browser has the change: on the instance that took it, and on the other one. */
  commitToBrowser: {
    sameInstance: { p50Ms: number; p99Ms: number };
    otherInstance: { p50Ms: number; p99Ms: number };
  };
}

async function deployment(
  count: number,
  postgresUrl: string,
  nodeArgs: readonly string[],
  redisUrl: string | undefined,
) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-bench-instances-'));
  const databaseUrl = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  const masterKeyHex = randomBytes(32).toString('hex');
  const adminToken = `adm_${randomBytes(18).toString('hex')}`;
  await createSchema(postgresUrl, schema);
  const env = serverEnv(dataDir, databaseUrl, masterKeyHex, adminToken, redisUrl);
  const servers: BenchChild[] = [];
  // One after another: the first applies the migrations.
  for (let i = 0; i < count; i += 1) servers.push(await startChild('.build/bench/server.js', env, nodeArgs));
  return {
    servers,
    adminToken,
    secrets: createTransactionSecrets(createKeyring(Buffer.from(masterKeyHex, 'hex'))),
    async close() {
      await Promise.all(servers.map((server) => server.stop()));
      fs.rmSync(dataDir, { recursive: true, force: true });
      await dropSchema(postgresUrl, schema).catch(() => undefined);
    },
  };
}

/** Pending payments made through `server` (its embedded simulator accepts them). */
async function pendingOn(server: BenchChild, adminToken: string, count: number): Promise<PendingPayment[]> {
  const agent = createAgent(20);
  try {
    const keys = await createProject(agent, server.url, adminToken);
    return await createPending(agent, server.url, keys, count, 20);
  } finally {
    agent.destroy();
  }
}

/** CPU seconds the Redis server has used so far (user + system, every thread). */
async function redisCpuSeconds(redis: Redis | undefined): Promise<number> {
  if (!redis) return 0;
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function ingestion(
  servers: readonly BenchChild[],
  payments: readonly PendingPayment[],
  secrets: TransactionSecrets,
  redis: Redis | undefined,
) {
  const requests = callbackRequests(payments, secrets);
  const warm = requests.slice(0, WARMUP);
  const measured = requests.slice(WARMUP);
  const share = (list: typeof requests, i: number) => list.filter((_, index) => index % servers.length === i);
  await Promise.all(servers.map((server, i) => runLoad(server.url, share(warm, i), CONNECTIONS)));
  const before = await read(servers);
  const redisBefore = await redisCpuSeconds(redis);
  const results = await Promise.all(
    servers.map((server, i) => runLoad(server.url, share(measured, i), CONNECTIONS)),
  );
  const after = await read(servers);
  const redisCpuMs = redis
    ? ((await redisCpuSeconds(redis)) - redisBefore) * (1000 / measured.length)
    : undefined;
  // The loads' own time, from the first request sent to the last answer received (not a wall
  // clock around them, which adds each load's start and teardown).
  const seconds =
    (Math.max(...results.map((result) => result.endedAt)) -
      Math.min(...results.map((result) => result.startedAt))) /
    1000;
  const ok = results.reduce((sum, result) => sum + result.ok, 0);
  return {
    perSecond: ok / seconds,
    p99Ms: Math.max(...results.map((result) => result.p99Ms)),
    perInstance: results.map((result) => round(result.perSecond, 0)),
    perCallback: perOperation(before, after, measured.length),
    redisCpuMs,
  };
}

/** Callbacks posted one at a time to `poster`; a browser on `watcher` times each change's arrival. */
async function commitToBrowser(
  poster: BenchChild,
  watcher: BenchChild,
  payments: readonly PendingPayment[],
  secrets: TransactionSecrets,
) {
  const socket = io(watcher.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) =>
    socket.once('connect', () => resolve()).once('connect_error', reject),
  );
  const arrived = new Map<string, () => void>();
  socket.on('transaction.updated', (event: { id: string; status: string }) => {
    if (event.status === 'completed') arrived.get(event.id)?.();
  });
  for (const payment of payments)
    await socket
      .timeout(10_000)
      .emitWithAck('subscribe', { transactionId: payment.id, clientSecret: payment.clientSecret });
  const agent = createAgent(1);
  const latencies: number[] = [];
  let missed = 0;
  try {
    for (const [index, request] of callbackRequests(payments, secrets).entries()) {
      const payment = payments[index]!;
      const seen = new Promise<void>((resolve) => arrived.set(payment.id, resolve));
      const sent = performance.now();
      await callJson(agent, { method: 'POST', url: `${poster.url}${request.path}`, body: request.body });
      const arrivedInTime = await Promise.race([
        seen.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000)),
      ]);
      if (!arrivedInTime) missed += 1;
      latencies.push(performance.now() - sent);
    }
  } finally {
    agent.destroy();
    socket.close();
  }
  // A change that never reached the browser is not a latency: say so, loudly, in the figure.
  if (missed > 0) throw new Error(`${missed} of ${payments.length} completions never reached the browser`);
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

export async function benchInstances(options: {
  postgresUrl: string;
  nodeArgs: readonly string[];
  /** Share through this Redis instead of PostgreSQL. */
  redisUrl?: string;
}): Promise<InstancesResult> {
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    : undefined;
  await redis?.connect();
  try {
    return await measureInstances(options, redis);
  } finally {
    redis?.disconnect();
  }
}

async function measureInstances(
  options: { postgresUrl: string; nodeArgs: readonly string[]; redisUrl?: string },
  redis: Redis | undefined,
): Promise<InstancesResult> {
  const log = (message: string) =>
    process.stdout.write(`[bench instances, ${redis ? 'Redis' : 'NOTIFY'}] ${message}\n`);
  const one = await deployment(1, options.postgresUrl, options.nodeArgs, options.redisUrl);
  let oneInstance: InstancesResult['oneInstance'];
  let sameInstance: InstancesResult['commitToBrowser']['sameInstance'];
  try {
    const payments = await pendingOn(one.servers[0]!, one.adminToken, WARMUP + CALLBACKS + LATENCY_SAMPLES);
    const measured = await ingestion(one.servers, payments.slice(0, WARMUP + CALLBACKS), one.secrets, redis);
    oneInstance = {
      perSecond: measured.perSecond,
      p99Ms: measured.p99Ms,
      perCallback: measured.perCallback,
      redisCpuMs: measured.redisCpuMs,
    };
    log(
      `one instance: ${round(oneInstance.perSecond, 0)} callbacks/s, ${round(oneInstance.perCallback.cpuMs.total)} ms CPU and ${round(oneInstance.perCallback.trips.total)} round trips per callback`,
    );
    sameInstance = await commitToBrowser(
      one.servers[0]!,
      one.servers[0]!,
      payments.slice(WARMUP + CALLBACKS),
      one.secrets,
    );
  } finally {
    await one.close();
  }
  const two = await deployment(2, options.postgresUrl, options.nodeArgs, options.redisUrl);
  try {
    const [first, second] = two.servers as [BenchChild, BenchChild];
    const payments = [
      ...(await pendingOn(first, two.adminToken, (WARMUP + CALLBACKS) / 2 + LATENCY_SAMPLES)),
      ...(await pendingOn(second, two.adminToken, (WARMUP + CALLBACKS) / 2)),
    ];
    const latencyPayments = payments.splice((WARMUP + CALLBACKS) / 2, LATENCY_SAMPLES);
    const twoInstances = await ingestion(two.servers, payments, two.secrets, redis);
    log(
      `two instances: ${round(twoInstances.perSecond, 0)} callbacks/s (${twoInstances.perInstance.join(' + ')}), ${round(twoInstances.perCallback.cpuMs.total)} ms CPU and ${round(twoInstances.perCallback.trips.total)} round trips per callback`,
    );
    const otherInstance = await commitToBrowser(first, second, latencyPayments, two.secrets);
    log(
      `commit to browser, p50 / p99: same instance ${round(sameInstance.p50Ms)} / ${round(sameInstance.p99Ms)} ms, other instance ${round(otherInstance.p50Ms)} / ${round(otherInstance.p99Ms)} ms`,
    );
    return {
      bus: redis ? 'redis' : 'postgres',
      oneInstance,
      twoInstances,
      scaling: twoInstances.perSecond / oneInstance.perSecond,
      cpuRatio: twoInstances.perCallback.cpuMs.total / oneInstance.perCallback.cpuMs.total,
      commitToBrowser: { sameInstance, otherInstance },
    };
  } finally {
    await two.close();
  }
}
