// createApp(deps): the Express app. It never listens: main.ts does, and tests drive it on a
// real port. Order matters: the simulator and the callback route parse their own bodies, so
// they come before the JSON parser of the merchant API.
import path from 'node:path';
import express, { type Router } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import type { Config } from './config';
import type { Database } from './db/database';
import { createErrorHandler, notFoundHandler } from './http/error-handler';
import type { Logger } from './logger';
import { requestContext } from './request-context';
import { accessLog } from './http/access-log';
import { createRateLimits } from './http/rate-limits';
import { jsonBody } from './http/json-body';
import { noStore } from './http/no-store';
import { createReadiness, type DiskProbe } from './http/readiness';
import { createAdminAuth } from './auth/admin-auth';
import { createTestPaymentRoutes, TEST_PAYMENT_PATH } from './test-payments/test-payment.routes';
import { createVaultRoutes } from './vault/vault.routes';
import type { Keyring, Vault } from './security/vault';
import { createMerchantAuth } from './auth/merchant-auth';
import type { FailureLimits } from './security/failure-limiter';
import type { LimiterStore } from './security/limiter-store';
import type { Metrics } from './metrics/metrics';
import type { ReplayGuard } from './auth/replay-guard';
import { createAllowlist } from './core/callback-allowlist';
import { CALLBACK_PATHS, createCallbackRoutes } from './callbacks/callback.routes';
import type { CallbacksService } from './callbacks/callback.service';
import { createProjectRoutes } from './projects/project.routes';
import type { ProjectsService } from './projects/project.service';
import type { TransactionSecrets } from './security/transaction-secrets';
import { createTransactionRoutes, INITIATE_PATH } from './transactions/transaction.routes';
import { createOpenApiRoutes } from './openapi/openapi.routes';
import { HOME_TARGET } from './openapi/system.openapi';
import type { TransactionsService } from './transactions/transaction.service';
import type { Reconciler } from './reconciliation/reconcile.service';
import { createEventRoutes } from './webhooks/event.routes';
import type { EventsService } from './webhooks/event.service';
import { createEndpointRoutes } from './webhooks/endpoint.routes';
import { createAccountRoutes } from './accounts/account.routes';
import type { AccountsService } from './accounts/account.service';
import type { EndpointsService } from './webhooks/endpoint.service';
import { createDiagnosticsRoutes } from './diagnostics/diagnostics.routes';
import type { DiagnosticsService } from './diagnostics/diagnostics.service';
import type { DashboardService } from './operators/dashboard.service';
import { createSessionGuard } from './security/session-cookie';
import { createSessionScopes } from './auth/session-scope';
import { createDashboardRoutes, DASHBOARD_API } from './operators/dashboard.routes';
import { createDashboardPages, DASHBOARD_PATH } from './operators/dashboard.pages';
import { createStatsRoutes } from './stats/stats.routes';

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  adminToken: string;
  projects: ProjectsService;
  transactions: TransactionsService;
  callbacks: CallbacksService;
  reconciler: Reconciler;
  endpoints: EndpointsService;
  accounts: AccountsService;
  vault: Vault;
  keyring: Keyring;
  events: EventsService;
  diagnostics: DiagnosticsService;
  /** Dashboard users and sessions (src/operators). */
  dashboard: DashboardService;
  transactionSecrets: TransactionSecrets;
  /** Signatures already used (shared by instances when Redis is configured). */
  replays: ReplayGuard;
  /** Failed authentication attempts per source, key and socket. */
  failureLimits: FailureLimits;
  /** Where request counts live (shared by instances on Redis or PostgreSQL). */
  limiterStore: LimiterStore;
  /** The shared parts this instance needs besides its database, each with a cheap round trip (for /ready). */
  sharedParts?: Readonly<Record<'redis', () => Promise<unknown>>>;
  /** Counts and times requests for GET /metrics (served on its own address, src/metrics). */
  metrics?: Metrics;
  /** How /ready sees the disk (tests hand in a full one); the real filesystem by default. */
  disk?: DiskProbe;
  /** The Daraja simulator's router, mounted at /simulator in simulator mode. */
  simulatorRouter?: Router;
}

export const SIMULATOR_MOUNT = '/simulator';

export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(requestContext);
  app.use(accessLog(logger));
  if (deps.metrics) app.use(deps.metrics.http);
  // Safaricom and the simulator are not browsers: their routes skip helmet's browser headers.
  if (deps.simulatorRouter) app.use(SIMULATOR_MOUNT, deps.simulatorRouter);
  app.use(
    [...CALLBACK_PATHS],
    createCallbackRoutes({
      callbacks: deps.callbacks,
      secrets: deps.transactionSecrets,
      isAllowedSource: createAllowlist(config.callbacks.allowedIps),
      bodyLimitBytes: config.bodyLimitBytes,
      logger,
    }),
  );

  // The dashboard's pages: their own, stricter Content-Security-Policy (dashboard.pages.ts).
  app.use(DASHBOARD_PATH, createDashboardPages());
  app.use(helmet());

  app.use(cors({ origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins] }));
  app.use('/api', noStore);
  app.use(jsonBody(config.bodyLimit));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when every part this instance needs answers in time: the database, room on the disk
  // SQLite writes to, and Redis when configured (a balancer then sends nothing to an instance
  // that could not serve it).
  const ready = createReadiness({
    pingDatabase: () => deps.database.ping(),
    storageDir: config.databaseUrl.startsWith('file:')
      ? path.dirname(path.resolve(config.databaseUrl.slice('file:'.length)))
      : undefined,
    pingRedis: deps.sharedParts?.redis,
    timeoutMs: config.databaseDeadlines.readyTimeoutMs,
    disk: deps.disk,
  });
  app.get('/ready', async (_req, res) => {
    const status = await ready();
    res.status(status === 'ready' ? 200 : 503).json({ status });
  });
  // GET /openapi.json and /docs, public: the reference is generated from the same schemas
  // the routes below validate with.
  app.use(createOpenApiRoutes(config));
  app.get('/', (_req, res) => {
    res.redirect(302, HOME_TARGET);
  });

  const limits = createRateLimits(config.rateLimit, deps.limiterStore);
  const guard = createSessionGuard(deps.dashboard);
  const sessions = createSessionScopes(guard, deps.projects.stateOf);
  const adminAuth = createAdminAuth(deps.adminToken, deps.failureLimits.adminBySource, sessions);
  app.use(
    DASHBOARD_API,
    createDashboardRoutes({ dashboard: deps.dashboard, projects: deps.projects, guard, adminAuth }),
  );
  app.use(
    '/api/v1/projects',
    createProjectRoutes({ projects: deps.projects, adminAuth, createLimiter: limits.projectCreate }),
  );
  app.use(
    '/api/v1/vault',
    createVaultRoutes({ db: deps.database, vault: deps.vault, keyring: deps.keyring, adminAuth }),
  );
  const authDeps = {
    projects: deps.projects,
    toleranceSeconds: config.signatureToleranceSeconds,
    replays: deps.replays,
    failures: deps.failureLimits,
    sessions,
  };
  const signed = (idempotentPaths?: string[]) => [
    createMerchantAuth(authDeps, idempotentPaths),
    limits.merchant,
  ];
  app.use(
    '/api/v1/transactions',
    ...signed([INITIATE_PATH]),
    createTransactionRoutes({
      transactions: deps.transactions,
      reconciler: deps.reconciler,
      amount: config.amount,
      db: deps.database,
      exportConcurrency: config.exportConcurrency,
    }),
  );
  app.use(
    '/api/v1/test-payments',
    ...signed([TEST_PAYMENT_PATH]),
    createTestPaymentRoutes({
      transactions: deps.transactions,
      accounts: deps.accounts,
      amount: config.amount,
    }),
  );
  app.use('/api/v1/webhook-endpoints', ...signed(), createEndpointRoutes(deps.endpoints));
  app.use('/api/v1/mpesa-accounts', ...signed(), createAccountRoutes(deps.accounts));
  app.use('/api/v1/events', ...signed(), createEventRoutes(deps.events));
  app.use('/api/v1/diagnostics', ...signed(), createDiagnosticsRoutes(deps.diagnostics));
  app.use('/api/v1/stats', ...signed(), createStatsRoutes(deps.database));

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
