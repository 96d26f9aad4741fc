// Composition: config -> logger -> secrets -> db -> server -> clients -> services -> app ->
// realtime -> workers. `startService` is what `npm start`, the tests and the benchmark run;
// main.ts adds the banner and signal handling.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { createApp, SIMULATOR_MOUNT } from './app';
import { openDatabase } from './db/db.client';
import { createPaymentStore } from './db/payment-store';
import { applyMigrations } from './db/db.migrate';
import type { Logger } from './logger';
import { createMpesaService } from './mpesa/mpesa.service';
import { createProjectsService } from './projects/project.service';
import { createCallbacksService } from './callbacks/callback.service';
import { callbackUrlBuilder } from './callbacks/callback.routes';
import { attachRealtime } from './realtime/realtime.server';
import { loadServiceSecrets } from './security/master-key';
import { createSecretBox } from './security/secret-box';
import { createTransactionSecrets } from './security/transaction-secrets';
import { createTransactionEvents } from './transactions/transaction.events';
import { createTransactionsService } from './transactions/transaction.service';
import { createSimulator, simulatorOptionsFrom } from './simulator/simulator';

/** How often stored-but-unapplied callbacks are retried (they exist only after a failure). */
const CALLBACK_SWEEP_INTERVAL_MS = 30_000;

export interface RunningService {
  url: string;
  port: number;
  mpesaBaseUrl: string;
  secretsGeneratedIn: string | undefined;
  oauthCallCount(): number;
  close(): Promise<void>;
}

export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const serviceSecrets = loadServiceSecrets(config);
  const database = await openDatabase(config.databaseUrl);
  const applied = await applyMigrations(database);
  if (applied.length > 0) logger.info('database migrated', { applied, provider: database.provider });

  const httpServer = http.createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const localUrl = `http://127.0.0.1:${port}`;

  const simulator = config.mpesa.simulated ? createSimulator(simulatorOptionsFrom(config, logger)) : undefined;
  const mpesaBaseUrl = config.mpesa.baseUrl ?? `${localUrl}${SIMULATOR_MOUNT}`;
  const mpesa = createMpesaService({ config: config.mpesa, baseUrl: mpesaBaseUrl, logger });

  const db = database.prisma;
  const store = createPaymentStore(database);
  const events = createTransactionEvents();
  const transactionSecrets = createTransactionSecrets(serviceSecrets.masterKey);
  const projects = createProjectsService({ db, store, secrets: createSecretBox(serviceSecrets.masterKey) });
  const callbacks = createCallbacksService({ db, store, events, logger });
  const transactions = createTransactionsService({
    db,
    store,
    mpesa,
    secrets: transactionSecrets,
    events,
    logger,
    callbackUrlFor: callbackUrlBuilder(config.callbacks.baseUrl ?? localUrl, transactionSecrets),
    shortcode: config.mpesa.shortcode,
    tillNumber: config.mpesa.tillNumber,
    pushTimeoutMs: config.mpesa.timeoutMs,
  });

  const app = createApp({
    config,
    logger,
    database,
    adminToken: serviceSecrets.adminToken,
    projects,
    transactions,
    callbacks,
    transactionSecrets,
    simulatorRouter: simulator?.router,
  });
  httpServer.on('request', app);
  const realtime = attachRealtime({ httpServer, corsOrigins: config.corsOrigins, db, secrets: transactionSecrets, events, logger });

  // Callbacks acknowledged but not applied before a crash are applied now, then on a timer.
  const sweep = () => callbacks.processPending().catch((error: unknown) => logger.error('callback sweep failed', { error }));
  await sweep();
  const sweeper = setInterval(sweep, CALLBACK_SWEEP_INTERVAL_MS);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(sweeper);
      simulator?.stop();
      // Stop accepting, let in-flight requests finish, then cut what is left. Every step is
      // bounded: a shutdown that hangs is worse than one that cuts a connection.
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const deadline = setTimeout(() => httpServer.closeAllConnections(), config.shutdownTimeoutMs);
      await realtime.close();
      await drained;
      clearTimeout(deadline);
      store.close();
      await settleWithin(database.close(), config.shutdownTimeoutMs, () => logger.warn('database did not close in time'));
    })());

  return {
    url: localUrl,
    port,
    mpesaBaseUrl,
    secretsGeneratedIn: serviceSecrets.generatedIn,
    oauthCallCount: mpesa.oauthCallCount,
    close,
  };
}

/** Waits for `work`, but no longer than `ms`. */
async function settleWithin(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
    timer.unref();
  });
  await Promise.race([work.then(() => undefined, () => undefined), timeout]);
  clearTimeout(timer);
}
