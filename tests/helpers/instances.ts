// A deployment of several instances on one machine, as deploy/compose.yaml lays it out: one
// PostgreSQL schema, Redis or not, one Daraja (the standalone simulator, in this process), N
// service processes started from deploy/instance.env, and a round-robin balancer in front
// that Safaricom's callbacks and the browsers go through. Only what must differ on one host
// differs: addresses and ports.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import dotenv from 'dotenv';
import { loadConfig } from '../../src/config';
import {
  standaloneCallbackTargets,
  startSimulatorServer,
  type SimulatorServer,
} from '../../src/simulator/main';
import { simulatorOptionsFrom } from '../../src/simulator/simulator';
import { createLogger } from '../../src/logger';
import { childEnv, startServiceProcess, type ServiceProcess } from './child-service';
import { usingPostgres } from './database';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy';

const ROOT = path.join(__dirname, '..', '..');
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Why the multi-instance tests cannot run here, or undefined when they can. */
function missingSharedParts(): string | undefined {
  if (!usingPostgres())
    return 'TEST_DATABASE_URL is not a PostgreSQL URL (several instances need a shared database)';
  try {
    // A synchronous probe: jest decides what to skip before any test runs.
    execFileSync(
      process.execPath,
      [
        '-e',
        "require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))",
      ],
      { timeout: 3000 },
    );
    return undefined;
  } catch {
    return `Redis does not answer at ${REDIS_URL}`;
  }
}

const missing = missingSharedParts();

/** `describe` where PostgreSQL and Redis answer (CI's PostgreSQL pass); skipped, saying why, elsewhere. */
export function describeDeployment(name: string, body: () => void): void {
  if (missing) {
    describe(name, () => {
      it.skip(`skipped: ${missing}`, () => undefined);
    });
    return;
  }
  describe(name, body);
}

/** deploy/instance.env: what every replica of the recipe runs with. */
export function recipeEnvironment(): Record<string, string> {
  return dotenv.parse(fs.readFileSync(path.join(ROOT, 'deploy', 'instance.env')));
}

export interface Deployment {
  /** The balancer: what Safaricom and browsers reach. */
  url: string;
  adminToken: string;
  masterKey: string;
  simulator: SimulatorServer;
  proxy: RoundRobinProxy;
  instances: ServiceProcess[];
  /** The environment every instance runs with. */
  env: Record<string, string>;
  /** Starts one more instance on the deployment (not yet behind the balancer). */
  startInstance(overrides?: Record<string, string>): Promise<ServiceProcess>;
  /** SIGTERM, wait for the exit (the drain), start it again, put it back behind the balancer. */
  restart(index: number): Promise<void>;
  close(): Promise<void>;
}

export interface DeploymentOptions {
  instances: number;
  redis: boolean;
  /** For every instance (timeouts, limits). */
  env?: Record<string, string>;
  /** For one instance, by index. */
  perInstance?: Record<number, Record<string, string>>;
  /** The simulator's SIMULATOR_* settings (default: callbacks 50 ms after a push). */
  simulatorEnv?: Record<string, string>;
}

export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const quiet = createLogger({ log: { level: 'error', format: 'json' } }, true);
  // The Daraja of the deployment, with the credentials simulator mode gives the instances.
  const daraja = loadConfig({
    MPESA_ENVIRONMENT: 'simulator',
    SIMULATOR_CALLBACK_DELAY_MS: '50',
    SIMULATOR_LATE_CALLBACK_MS: '400',
    ...options.simulatorEnv,
  });
  const simulator = await startSimulatorServer({
    port: 0,
    host: '127.0.0.1',
    // As `npm run simulator` posts: to callback routes on this machine (the balancer's).
    ...simulatorOptionsFrom(daraja, quiet, standaloneCallbackTargets(daraja)),
  });
  const proxy = await startRoundRobinProxy([]);
  const base = childEnv();
  const env: Record<string, string> = {
    ...recipeEnvironment(),
    // One host: every process on loopback, each on a port of its own.
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    DATABASE_URL: base.DATABASE_URL,
    DATA_DIR: base.DATA_DIR,
    MASTER_KEY: base.MASTER_KEY,
    ADMIN_TOKEN: base.ADMIN_TOKEN,
    MPESA_BASE_URL: simulator.url,
    CALLBACK_BASE_URL: proxy.url,
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...(options.redis ? { REDIS_URL, REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:` } : {}),
    ...options.env,
  };
  const processes: Array<ServiceProcess & { overrides: Record<string, string> }> = [];
  const startInstance = async (overrides: Record<string, string> = {}) => {
    const started = { ...(await startServiceProcess({ ...env, ...overrides })), overrides };
    return started;
  };
  const all = await Promise.all(
    Array.from({ length: options.instances }, (_, i) => startInstance(options.perInstance?.[i])),
  );
  processes.push(...all);
  const live = () => processes.map((instance) => instance.url);
  proxy.setTargets(live());

  const stop = async (instance: ServiceProcess) => {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
    const exited = new Promise((resolve) => instance.child.once('exit', resolve));
    instance.child.kill('SIGTERM');
    await exited;
  };

  return {
    url: proxy.url,
    adminToken: env.ADMIN_TOKEN!,
    masterKey: env.MASTER_KEY!,
    simulator,
    proxy,
    instances: processes,
    env,
    startInstance,
    async restart(index) {
      const old = processes[index]!;
      // The balancer stops sending to it as it stops accepting (refused connections go on to the next).
      await stop(old);
      const started = await startInstance(old.overrides);
      processes[index] = started;
      proxy.setTargets(live());
    },
    async close() {
      await Promise.all(processes.map(stop));
      await proxy.close();
      await simulator.close();
    },
  };
}

/** Sums a counter (or a histogram's _count) over every instance's /metrics, for the series matching `labels`. */
export async function sumMetric(
  instances: readonly ServiceProcess[],
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  let total = 0;
  for (const instance of instances) {
    const text = (await axios.get<string>(instance.metricsUrl!, { responseType: 'text' })).data;
    for (const line of text.split('\n')) {
      const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const found = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(match[3]);
    }
  }
  return total;
}
