// Composition: config -> logger -> secrets -> db -> server -> clients -> services -> app ->
// realtime -> workers (callback sweep, webhook deliveries, reconciliation, pruning). `startService` is what `npm start`, the tests and the benchmark run;
// main.ts adds the banner and signal handling.
//
// Several instances on one PostgreSQL database are one service (README "Running several
// instances"): what they share is chosen here, Redis when REDIS_URL is set, else PostgreSQL;
// SQLite is one instance and keeps it in memory.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from './config';
import { createApp, SIMULATOR_MOUNT } from './app';
import { openDatabase, type Database } from './db/database';
import { claimSqliteFile } from './db/sqlite-owner';
import { applyMigrations } from './db/migrate';
import type { Logger } from './logger';
import { createDarajaApps } from './mpesa/mpesa.apps';
import { createBreakers } from './mpesa/mpesa.breaker';
import { createAccountsService } from './accounts/account.service';
import { modeOf, type Scope } from './core/scope';
import { combinedDirectory } from './simulator/simulator.directory';
import { callbackTargets, targetFromUrl } from './simulator/simulator.callback-targets';
import { createProjectsService } from './projects/project.service';
import { createCallbacksService } from './callbacks/callback.service';
import { callbackUrlBuilder } from './callbacks/callback.routes';
import { callbackRoutesUnder } from './callbacks/callback.path';
import { attachRealtime } from './realtime/realtime.server';
import { attachProjectStream, PROJECT_NAMESPACE } from './realtime/project-stream';
import { createAuditService } from './audit/audit.service';
import { createRevocations } from './realtime/revocations';
import { realtimeAdapter } from './realtime/realtime.adapter';
import { openBus } from './bus/bus.open';
import { compileTrust, createSubscribeGuard, socketSource } from './realtime/subscribe-guard';
import { createSocketLimit } from './realtime/socket-limit';
import { capConnectionsPerAddress, serverDeadlines } from './http/connection-limits';
import { createAllowlist } from './core/callback-allowlist';
import { answerUnparsableRequests } from './http/client-error';
import { createFailureLimits } from './security/failure-limiter';
import { createLimiterStore } from './security/limiter-store';
import { createReplayGuard } from './auth/replay-guard';
import { closeRedis, connectRedis } from './redis';
import { loadServiceSecrets } from './security/master-key';
import { createVault } from './security/vault';
import { checkStoredSecretsOpen, reencryptAll } from './vault/vault.reencrypt';
import { createTransactionSecrets } from './security/transaction-secrets';
import { createTransactionEvents } from './payments/payment.news';
import { createTransactionsService } from './transactions/transaction.service';
import { createSettlement } from './payments/transaction.settle';
import { createPruneWorker } from './maintenance/prune.worker';
import { pruneSucceededDeliveries } from './webhooks/delivery.repository';
import { queuedDeliveries } from './payments/event.repository';
import { pruneExpiredNonces } from './security/nonce.repository';
import { pruneSessions } from './operators/dashboard.repository';
import { pruneRequestLog } from './request-log/request-log.repository';
import { createRequestLogWriter } from './request-log/request-log.writer';
import { configuredDirectory, createSimulator, simulatorOptionsFrom } from './simulator/simulator';
import { createEventsService } from './webhooks/event.service';
import { createReconciler } from './reconciliation/reconcile.service';
import { createPacer, memoryPaceStore } from './reconciliation/reconcile.pacer';
import { postgresPaceStore } from './reconciliation/reconcile.pace-store';
import { createMetrics } from './metrics/metrics';
import { observeDaraja } from './mpesa/mpesa.metrics';
import { listenForMetrics } from './http/metrics.server';
import { wakeAcrossInstances, type PeerWake } from './webhooks/delivery.wake';
import { createReconcileWorker } from './reconciliation/reconcile.worker';
import { createDeliveryWorker } from './webhooks/delivery.worker';
import { createEndpointsService } from './webhooks/endpoint.service';
import { createDiagnosticsService } from './diagnostics/diagnostics.service';
import { createDashboardService } from './operators/dashboard.service';
import { createPayoutLedger } from './payments/payout.settle';
import { createPayoutSender, type PayoutDaraja } from './payouts/payout.send';
import { createPayoutsService } from './payouts/payout.service';
import { createPayoutResults, PAYOUT_RESULTS_PATH, payoutResultUrls } from './payouts/payout.results';
import { createPayoutRecovery } from './payouts/payout.recovery';
import { createPayoutBatchesService } from './payouts/payout-batch.service';
import { createPayoutBatchWorker } from './payouts/payout-batch.worker';
import { createRefundLedger } from './payments/refund.ledger';
import { createBalancesService } from './balances/balance.service';
import { createRefundsService, type RefundClient } from './refunds/refund.service';
import { createRefundResults, refundResultUrls } from './refunds/refund.results';
import type { PayoutAccount } from './mpesa/mpesa.account';
import { createC2bReceiver } from './payments/c2b.receive';
import { createC2bSettings } from './c2b/c2b.settings';
import { createC2bConfirmations } from './c2b/c2b.confirm';
import { createC2bValidations } from './c2b/c2b.validate';
import { createC2bPull } from './c2b/c2b.pull';
import { createWebhookSender } from './webhooks/webhook.http';
import { checkWebhookUrl } from './webhooks/webhook.url-guard';
import { createSecurityCertificates, securityCredentialFor } from './mpesa/mpesa.security-credential';
import { AppError } from './errors';

/** A payout stored this long ago and never claimed for its send was orphaned by a crash. */
const STALE_REQUESTED_PAYOUT_MS = 30_000;
import { CERTIFICATE_PATH } from './simulator/simulator.routes';
import { createStatusQueriesService } from './status-queries/status-query.service';
import { createQrCodesService } from './qr-codes/qr-code.service';
import { statusResultRoutesUnder, statusResultUrls } from './status-queries/status-query.routes';
import { createLinksService } from './checkout/link.service';
import { createCheckoutService, type PayInstead } from './checkout/checkout.service';
import { createPushLimits } from './checkout/push-limits';
import { checkoutUrls } from './checkout/checkout.view';

/** How often stored-but-unapplied callbacks are retried (they exist only after a failure). */
const CALLBACK_SWEEP_INTERVAL_MS = 30_000;

export interface RunningService {
  url: string;
  /** The Express app serving HTTP (tests walk its routes to check the OpenAPI document covers them). */
  app: Express;
  port: number;
  /** The service's one handle on its database (tests read through it: nothing else opens the file). */
  database: Database;
  mpesaBaseUrl: string;
  /** Where GET /metrics answers, when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  secretsGeneratedIn: string | undefined;
  oauthCallCount(): number;
  /** One pruning pass now (what the background worker does every PRUNE_INTERVAL). */
  pruneNow(): Promise<{ callbacks: number; deliveries: number; nonces: number; requestLog: number }>;
  /** Writes the request log's buffered entries now (they are written every REQUEST_LOG_FLUSH anyway). */
  flushRequestLog(): Promise<void>;
  close(): Promise<void>;
}

export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  // SQLite: one process per file (sqlite-owner.ts); refused before anything touches it.
  const owner = config.databaseUrl.startsWith('file:')
    ? claimSqliteFile(config.databaseUrl.slice('file:'.length))
    : undefined;
  try {
    const running = await startOwnedService(config, logger);
    const close = running.close;
    return {
      ...running,
      close: () => close().finally(() => owner?.release()),
    };
  } catch (error) {
    owner?.release();
    throw error;
  }
}

async function startOwnedService(config: Config, logger: Logger): Promise<RunningService> {
  const serviceSecrets = loadServiceSecrets(config);
  const database = await openDatabase(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    deadlines: config.databaseDeadlines,
    directUrl: config.databaseDirectUrl,
  });
  const applied = await applyMigrations(database, { legacyMode: modeOf(config.mpesa.environment) });
  if (applied.length > 0) logger.info('database migrated', { applied, engine: database.engine });
  const keyring = serviceSecrets.keyring;
  await checkStoredSecretsOpen(database, createVault(keyring), {
    newestKeyId: keyring.newest.id,
    previousKeyIds: keyring.all.slice(1).map((key) => key.id),
    newestFrom: serviceSecrets.masterKeyFrom,
  }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  // What several instances share: replays seen (Redis, else the database), and every limit's
  // counts (Redis, else PostgreSQL, else, on SQLite's one instance, memory).
  const redis = config.redis.url
    ? await connectRedis(config.redis.url, config.redis.keyPrefix, logger)
    : undefined;
  // What instances tell each other: browser updates, revocations, cache invalidations, webhook
  // wakes. Started before anything is served: every instance listening knows this one first.
  const bus = await openBus({ config, redis, db: database, logger });
  const replays = createReplayGuard({ redis, db: database });
  const limiterStore = createLimiterStore({ redis, postgres: database.postgres, bus });
  const failureLimits = createFailureLimits(limiterStore, config.failureLimits);
  const metrics = createMetrics();
  metrics.watch({ pool: database.poolStats });

  const httpServer = http.createServer(serverDeadlines(config.http));
  const isCallbackSource = createAllowlist(config.callbacks.allowedIps);
  const isTrustedProxy = compileTrust(config.trustProxy);
  capConnectionsPerAddress(httpServer, {
    ...config.http,
    exempt: (address) => isCallbackSource(address) || isTrustedProxy(address, 0),
  });
  answerUnparsableRequests(httpServer);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const localUrl = `http://127.0.0.1:${port}`;

  const db = database;
  const vault = createVault(serviceSecrets.keyring);
  // Daraja per environment; the simulator's is this service's own /simulator unless MPESA_BASE_URL moves it.
  const simulatorUrl = config.simulator.enabled
    ? (config.mpesa.baseUrls.simulator ?? `${localUrl}${SIMULATOR_MOUNT}`)
    : undefined;
  const apps = createDarajaApps({
    baseUrls: { ...config.mpesa.baseUrls, simulator: simulatorUrl },
    timeoutMs: config.mpesa.timeoutMs,
    logger,
    observe: (client) => observeDaraja(client, metrics.daraja),
  });
  const accounts = createAccountsService({ db, vault, apps, deploymentAccount: config.mpesa, bus });
  // Outside simulator mode the simulator knows projects' simulator accounts only, never the
  // deployment's own (real) credentials.
  const simulator = config.simulator.enabled
    ? createSimulator({
        ...simulatorOptionsFrom(
          config,
          logger,
          callbackTargets([
            ...callbackRoutesUnder([config.callbacks.baseUrl ?? localUrl, localUrl]),
            ...[config.callbacks.baseUrl ?? localUrl, localUrl].map((base) => ({
              origin: new URL(base).origin,
              pathPrefix: `${new URL(base).pathname.replace(/\/+$/, '')}${PAYOUT_RESULTS_PATH}/`,
            })),
            ...statusResultRoutesUnder([config.callbacks.baseUrl ?? localUrl, localUrl]),
            ...config.simulator.callbackAllowlist.map(targetFromUrl),
          ]),
        ),
        directory: config.mpesa.simulated
          ? combinedDirectory(configuredDirectory(config), accounts.simulatorDirectory())
          : accounts.simulatorDirectory(),
      })
    : undefined;

  // Open sockets stand on a key, a project, a user or a session: ended on every instance when
  // that stops (wired to Socket.io once it is attached, below).
  const revocations = createRevocations(logger);
  const events = createTransactionEvents();
  const settlePayment = createSettlement({ db, events });
  const transactionSecrets = createTransactionSecrets(serviceSecrets.keyring);
  const projects = createProjectsService({
    db,
    vault,
    accounts,
    defaultMode: modeOf(config.mpesa.environment),
    revoke: revocations.revoke,
    revokeAt: revocations.revokeAt,
    bus,
  });
  const callbacks = createCallbacksService({ db, settlePayment, events, logger, metrics: metrics.callbacks });
  // C2B: confirmations become payments on the same ledger; settings register the URLs with Daraja.
  const c2bSettings = createC2bSettings({
    db,
    vault,
    accounts,
    apps,
    callbackBaseUrl: config.callbacks.baseUrl ?? localUrl,
    checkUrl: (url) => checkWebhookUrl(url, config.webhooks.allowPrivateUrls),
    validationTimeoutMs: config.c2b.validationTimeoutMs,
  });
  const receiveC2b = createC2bReceiver({ db, events, matchWindowMs: config.c2b.matchWindowMs });
  const c2bConfirmations = createC2bConfirmations({
    db,
    target: c2bSettings.target,
    receive: receiveC2b,
    logger,
  });
  // Pull Transactions fills confirmations never delivered, through the same ledger path.
  const c2bPull = createC2bPull({
    db,
    accounts,
    apps,
    receive: receiveC2b,
    target: c2bSettings.target,
    callbackBaseUrl: config.callbacks.baseUrl ?? localUrl,
    intervalMs: config.c2b.pullIntervalMs,
    windowMs: config.c2b.pullWindowMs,
    logger,
  });
  // The merchant's validation endpoint is called as webhooks are (same SSRF guard), on its own deadline.
  const validationSender = createWebhookSender({
    timeoutMs: config.c2b.validationTimeoutMs,
    allowPrivate: config.webhooks.allowPrivateUrls,
    userAgent: 'mpesa-bridge-c2b-validation/1',
  });
  const c2bValidations = createC2bValidations({
    db,
    events,
    target: c2bSettings.target,
    post: validationSender.send,
    logger,
  });
  const transactions = createTransactionsService({
    db,
    settlePayment,
    events,
    accounts,
    apps,
    breakers: createBreakers(),
    secrets: transactionSecrets,
    logger,
    callbackUrlFor: callbackUrlBuilder(config.callbacks.baseUrl ?? localUrl, transactionSecrets),
    pushTimeoutMs: config.mpesa.timeoutMs,
    reconcileAfterMs: config.reconciliation.afterMs,
  });
  // Initiator passwords are encrypted with the environment's certificate; the simulator's is
  // its own, fetched from it (the standalone one too, at MPESA_BASE_URL).
  const certificates = createSecurityCertificates({
    configured: config.mpesa.certificates,
    simulatorCertificateUrl: simulatorUrl ? `${simulatorUrl}${CERTIFICATE_PATH}` : undefined,
    timeoutMs: config.mpesa.timeoutMs,
  });
  // Transaction Status: "did receipt X pay us?".
  const statusQueries = createStatusQueriesService({
    db,
    accounts,
    apps,
    certificates,
    events,
    logger,
    ...statusResultUrls(config.callbacks.baseUrl ?? localUrl, transactionSecrets.callbackToken),
  });
  // Money out: the ledger's moves, the one send, the results Safaricom posts, the recovery.
  const payoutLedger = createPayoutLedger({ db, news: events });
  const payoutUrls = payoutResultUrls(config.callbacks.baseUrl ?? localUrl, transactionSecrets);
  const payoutDaraja: PayoutDaraja = async (account) => {
    const client = apps.clientFor(account);
    if (!client)
      throw new AppError(
        'mpesa_unavailable',
        'This account is on the simulator, which is not enabled on this deployment',
        {
          reason: 'simulator_disabled',
        },
      );
    // Made at call time from the sealed password and the environment's certificate; never kept.
    const initiator = await securityCredentialFor(account.initiator, account.environment, certificates);
    return {
      pay: (input) => client.b2cPayment(initiator, input),
      payBusiness: (input) => client.b2bPayment(initiator, input),
      askStatus: async ({ originalConversationId, shortcode, resultUrl, queueTimeoutUrl }) => {
        const asked = await client.transactionStatus({
          ...initiator,
          originalConversationId,
          partyA: shortcode,
          resultUrl,
          queueTimeOutUrl: queueTimeoutUrl,
          remarks: 'Payout status',
          occasion: 'Payout status',
        });
        if (asked.kind === 'accepted') return { kind: 'asked' };
        return asked.kind === 'rejected' ? { kind: 'refused', error: asked.error } : { kind: 'unknown' };
      },
    };
  };
  const payoutSender = createPayoutSender({
    db,
    ledger: payoutLedger,
    accounts,
    daraja: payoutDaraja,
    urlsFor: payoutUrls,
    resultWaitMs: config.payouts.resultWaitMs,
    requestTimeoutMs: config.mpesa.timeoutMs,
    firstStatusCheckMs: config.payouts.statusRetryScheduleMs[0]!,
    logger,
  });
  const payouts = createPayoutsService({
    db,
    ledger: payoutLedger,
    sender: payoutSender,
    accounts,
    projectExists: projects.exists,
    logger,
  });
  const payoutResults = createPayoutResults({
    db,
    ledger: payoutLedger,
    logger,
    firstStatusCheckMs: config.payouts.statusRetryScheduleMs[0]!,
  });
  const payoutBatches = createPayoutBatchesService({
    db,
    ledger: payoutLedger,
    sender: payoutSender,
    accounts,
    logger,
  });
  const payoutBatchWorker = createPayoutBatchWorker({
    db,
    ledger: payoutLedger,
    sender: payoutSender,
    paceMs: config.payouts.batchPaceMs,
    logger,
  });
  const payoutRecovery = createPayoutRecovery({
    db,
    ledger: payoutLedger,
    sender: payoutSender,
    results: payoutResults,
    urlsFor: payoutUrls,
    config: {
      intervalMs: config.payouts.intervalMs,
      statusRetryScheduleMs: config.payouts.statusRetryScheduleMs,
      staleRequestedMs: STALE_REQUESTED_PAYOUT_MS,
    },
    requestTimeoutMs: config.mpesa.timeoutMs,
    logger,
  });
  // Refunds by reversal: payouts' settings decide whether money out is on; the same initiator
  // credential, result tokens and four-eyes rule; their own rows, results and recovery.
  const refundLedger = createRefundLedger({ db, news: events });
  const refundUrls = refundResultUrls(config.callbacks.baseUrl ?? localUrl, transactionSecrets);
  const refundDaraja = async (account: PayoutAccount): Promise<RefundClient> => {
    const client = apps.clientFor(account);
    if (!client)
      throw new AppError(
        'mpesa_unavailable',
        'This account is on the simulator, which is not enabled on this deployment',
        {
          reason: 'simulator_disabled',
        },
      );
    const initiator = await securityCredentialFor(account.initiator, account.environment, certificates);
    return {
      reverse: (input) => client.reversal(initiator, input),
      askStatus: async ({ receipt, shortcode, resultUrl, queueTimeoutUrl }) => {
        const asked = await client.transactionStatus({
          ...initiator,
          receipt,
          partyA: shortcode,
          resultUrl,
          queueTimeOutUrl: queueTimeoutUrl,
          remarks: 'Refund status',
          occasion: 'Refund status',
        });
        return asked.kind === 'accepted'
          ? { ...asked, originatorConversationId: asked.originatorConversationId }
          : asked.kind === 'rejected'
            ? { kind: 'rejected', error: asked.error, resultCode: null }
            : asked;
      },
    };
  };
  const refundAccountOf = (accountId: string | null) => accounts.forStoredPayout(accountId);
  const refunds = createRefundsService({
    db,
    ledger: refundLedger,
    accountOf: refundAccountOf,
    daraja: refundDaraja,
    payoutsEnabled: async (scope) => (await payouts.settingsOf(scope)).enabled,
    urlsFor: refundUrls,
    resultDueMs: config.mpesa.timeoutMs + config.payouts.resultWaitMs,
    firstStatusCheckMs: config.payouts.statusRetryScheduleMs[0]!,
    logger,
  });
  const refundResults = createRefundResults({
    db,
    ledger: refundLedger,
    accountOf: refundAccountOf,
    daraja: refundDaraja,
    urlsFor: refundUrls,
    statusRetryScheduleMs: config.payouts.statusRetryScheduleMs,
    intervalMs: config.payouts.intervalMs,
    logger,
  });
  const balances = createBalancesService({
    db,
    accountFor: (scope, accountId) => accounts.forPayout(scope, accountId),
    daraja: async (account) => {
      const client = apps.clientFor(account);
      if (!client)
        throw new AppError(
          'mpesa_unavailable',
          'This account is on the simulator, which is not enabled on this deployment',
          {
            reason: 'simulator_disabled',
          },
        );
      const initiator = await securityCredentialFor(account.initiator, account.environment, certificates);
      return { accountBalance: (input) => client.accountBalance(initiator, input) };
    },
    baseUrl: config.callbacks.baseUrl ?? localUrl,
    secrets: transactionSecrets,
    logger,
  });
  const deliveryWorker = createDeliveryWorker({
    db,
    vault,
    config: config.webhooks,
    logger,
    metrics: metrics.webhooks,
  });
  // Set once Socket.io is attached: the other instances' delivery workers, woken through the bus.
  let peers: PeerWake | undefined;
  // A committed event that queued a webhook delivery is to be sent now, here or on another
  // instance; one that queued none (a project without endpoints) wakes nobody.
  events.onRecorded((event) => {
    if (!queuedDeliveries(event)) return;
    deliveryWorker.wake();
    peers?.wakeOthers();
  });
  // One pace per Daraja app for the whole deployment (the database's, shared) or, on SQLite, this process's.
  const pacer = createPacer(
    config.reconciliation.queriesPerSecond,
    database.postgres ? postgresPaceStore(database) : memoryPaceStore(),
  );
  const reconciler = createReconciler({
    db,
    settlePayment,
    accounts,
    apps,
    pacer,
    config: config.reconciliation,
    logger,
    metrics: metrics.reconciliation,
  });
  const reconcileWorker = createReconcileWorker({
    db,
    reconciler,
    pacer,
    config: config.reconciliation,
    logger,
  });
  const pruneWorker = createPruneWorker({
    db,
    tables: {
      succeededDeliveries: pruneSucceededDeliveries,
      expiredNonces: pruneExpiredNonces,
      sessions: pruneSessions,
      requestLog: pruneRequestLog,
    },
    config: config.retention,
    logger,
  });

  const endpoints = createEndpointsService({
    db,
    vault,
    config: config.webhooks,
    heldDeliveriesMs: config.retention.webhookDeliveriesMs,
    wake: deliveryWorker.wake,
  });
  const dashboard = createDashboardService({
    db,
    ...config.dashboard,
    failures: {
      bySource: failureLimits.signInBySource,
      bySourceEmail: failureLimits.signInBySourceEmail,
      byEmail: failureLimits.signInByEmail,
    },
    projectExists: projects.exists,
    revoke: revocations.revoke,
  });
  // Payment links and the hosted checkout page: payments start through the one initiate above.
  const urls = checkoutUrls(config.checkout.baseUrl ?? localUrl);
  const checkAccount = async (scope: Scope, accountId: string) => {
    await accounts.forPayment(scope, accountId);
  };
  const links = createLinksService({ db, urls, checkAccount });
  const checkout = createCheckoutService({
    db,
    amount: config.amount,
    payments: { initiate: (scope, input, key) => transactions.initiate(scope, input, key) },
    secrets: transactionSecrets,
    limits: createPushLimits(
      limiterStore,
      config.checkout,
      serviceSecrets.keyring.newest.derive('limit-key'),
    ),
    urls,
    projectState: projects.stateOf,
    payInstead: checkoutC2bFallback(accounts, c2bSettings),
    checkAccount,
    // Daraja's push timeout and as long again: an attempt whose ledger row never came lets go after it.
    claimMs: 2 * config.mpesa.timeoutMs,
  });
  // Signed requests, written in batches after their answers (src/request-log/request-log.writer.ts).
  const requestLog = createRequestLogWriter({
    db,
    ownerOfKey: projects.ownerOfKey,
    flushMs: config.requestLog.flushMs,
    logger,
  });
  const app = createApp({
    requestLog: config.requestLog.enabled ? requestLog.record : undefined,
    links,
    checkout,
    checkoutUrls: urls,
    dashboard,
    audit: createAuditService({ db }),
    config,
    logger,
    database,
    adminToken: serviceSecrets.adminToken,
    projects,
    transactions,
    callbacks,
    c2b: c2bSettings,
    c2bConfirmations,
    c2bValidations,
    c2bPull,
    statusQueries,
    qrCodes: createQrCodesService({ db, accounts, apps, logger }),
    reconciler,
    accounts,
    payouts,
    payoutBatches,
    payoutResults,
    refunds,
    refundResults,
    balances,
    vault,
    keyring: serviceSecrets.keyring,
    endpoints,
    events: createEventsService({ db, wake: deliveryWorker.wake }),
    diagnostics: createDiagnosticsService({ config, accounts, endpoints, localUrl, c2b: c2bSettings }),
    transactionSecrets,
    replays,
    failureLimits,
    limiterStore,
    sharedParts: redis ? { redis: () => redis.ping() } : undefined,
    metrics,
    simulatorRouter: simulator?.router,
  });
  httpServer.on('request', app);
  const realtime = await attachRealtime({
    httpServer,
    corsOrigins: config.corsOrigins,
    db,
    secrets: transactionSecrets,
    events,
    logger,
    guard: createSubscribeGuard(failureLimits, config.trustProxy),
    adapter: realtimeAdapter(bus),
    projectState: projects.stateOf,
    resyncIntervalMs: config.realtimeResyncMs,
    socketLimit: createSocketLimit(config.http.socketsPerAddress, socketSource(config.trustProxy)),
  });
  const stopProjectStream = attachProjectStream({
    io: realtime.io,
    projects,
    events,
    failures: failureLimits,
    toleranceSeconds: config.signatureToleranceSeconds,
    sourceOf: socketSource(config.trustProxy),
    dashboard,
    logger,
    recheckEveryMs: config.streamRecheckMs,
  });
  revocations.attach(realtime.io, ['/', PROJECT_NAMESPACE]);
  metrics.watch({ sockets: () => realtime.io.engine.clientsCount });
  // Deliveries queued here also wake the other instances' workers (deliveriesQueued above, after
  // commit), through the bus: alone, that sends nothing.
  if (realtime.shared) peers = wakeAcrossInstances(realtime.io, deliveryWorker.wake);
  const metricsServer = config.metrics ? await listenForMetrics(config.metrics, metrics, logger) : undefined;

  // After a master-key rotation (MASTER_KEY_PREVIOUS set), move every stored secret onto the new key.
  if (serviceSecrets.keyring.all.length > 1) {
    reencryptAll(db, vault).then(
      (resealed) => logger.info('secrets re-sealed with the newest master key', { resealed }),
      (error: unknown) =>
        logger.error('re-sealing secrets failed; POST /api/v1/vault/reencrypt retries', { error }),
    );
  }

  // Callbacks and C2B confirmations acknowledged but not applied before a crash are applied
  // now, then on a timer.
  const sweep = () =>
    Promise.all([
      callbacks.processPending().catch((error: unknown) => logger.error('callback sweep failed', { error })),
      c2bConfirmations
        .processPending()
        .catch((error: unknown) => logger.error('c2b confirmation sweep failed', { error })),
      statusQueries
        .processPending()
        .catch((error: unknown) => logger.error('status query result sweep failed', { error })),
    ]);
  await sweep();
  const sweeper = setInterval(sweep, CALLBACK_SWEEP_INTERVAL_MS);
  sweeper.unref();
  // Payouts sent before a stop and never answered: Transaction Status is asked before anything else.
  await payoutRecovery.recoverAtStart();
  payoutRecovery.start();
  // Batches carry on where their rows stand (each row's send is claimed in the database).
  payoutBatchWorker.start();
  // Refunds claimed before a stop are asked about (Transaction Status) before anything else.
  await refundResults.runOnce().catch((error: unknown) => logger.error('refund recovery failed', { error }));
  refundResults.start();
  deliveryWorker.start();
  reconcileWorker.start();
  c2bPull.start();
  pruneWorker.start();
  requestLog.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(sweeper);
      simulator?.stop();
      // Stop accepting, let in-flight requests finish, then cut what is left. Every step is
      // bounded: a shutdown that hangs is worse than one that cuts a connection. Browsers
      // connected here are let go at once (they reconnect to another instance and subscribe
      // again); the adapter stays open until the last change committed here has been emitted
      // and has woken the other instances' delivery workers.
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const deadline = setTimeout(() => httpServer.closeAllConnections(), config.shutdownTimeoutMs);
      realtime.disconnectLocal();
      await drained;
      clearTimeout(deadline);
      const workersStopped = Promise.all([
        deliveryWorker.stop(),
        reconcileWorker.stop(),
        pruneWorker.stop(),
        payoutRecovery.stop(),
        payoutBatchWorker.stop(),
        c2bPull.stop(),
        refundResults.stop(),
        requestLog.stop(),
      ]);
      await settleWithin(workersStopped, config.shutdownTimeoutMs, () =>
        logger.warn('workers did not stop in time; leases let another run retry'),
      );
      deliveryWorker.abort();
      validationSender.close();
      peers?.stop();
      revocations.stop();
      stopProjectStream();
      await settleWithin(realtime.close(), config.shutdownTimeoutMs, () =>
        logger.warn('realtime did not close in time'),
      );
      await settleWithin(bus.close(), config.shutdownTimeoutMs, () =>
        logger.warn('bus did not close in time'),
      );
      await settleWithin(database.close(), config.shutdownTimeoutMs, () =>
        logger.warn('database did not close in time'),
      );
      if (redis) await closeRedis(redis);
      await metricsServer?.close();
    })());

  return {
    url: localUrl,
    app,
    port,
    database,
    // The deployment's own account's Daraja (the start banner shows it).
    mpesaBaseUrl:
      (config.mpesa.environment === 'simulator'
        ? simulatorUrl
        : config.mpesa.baseUrls[config.mpesa.environment]) ?? '(the simulator is not enabled)',
    metricsUrl: metricsServer?.url,
    secretsGeneratedIn: serviceSecrets.generatedIn,
    oauthCallCount: apps.oauthCallCount,
    pruneNow: pruneWorker.pruneOnce,
    flushRequestLog: requestLog.flush,
    close,
  };
}

/**
 * The hosted page's "pay PayBill … account … instead": offered where the checkout's account is a
 * PayBill with C2B switched on, the checkout's reference as the account number. A payment from
 * the M-Pesa menu with that bill reference settles the checkout's open attempt (the C2B receiver
 * matches it, src/payments/c2b.receive.ts). A till takes no account number, so it is not offered.
 */
function checkoutC2bFallback(
  accounts: Pick<ReturnType<typeof createAccountsService>, 'forPayment'>,
  c2b: Pick<ReturnType<typeof createC2bSettings>, 'get'>,
): PayInstead {
  return async (checkout) => {
    const scope: Scope = { projectId: checkout.projectId, mode: checkout.mode as Scope['mode'] };
    const account = await accounts.forPayment(scope, checkout.accountId ?? undefined).catch(() => undefined);
    if (!account?.id || !account.payBill) return null;
    const setting = await c2b.get(scope, account.id).catch(() => undefined);
    return setting?.c2b.enabled
      ? { payBill: account.shortcode, accountNumber: checkout.accountReference }
      : null;
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
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]);
  clearTimeout(timer);
}
