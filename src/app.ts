// createApp(deps): the Express app. It never listens: main.ts does, and tests drive it on a
// real port. Order matters: the simulator and the callback route parse their own bodies, so
// they come before the JSON parser of the merchant API.
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
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
import type { FeatureApi } from './core/operation';
import { mountOperations, type EdgeGuards } from './http/operation.mount';
import { systemApi, type SystemDeps } from './http/system.routes';
import { noStore } from './http/no-store';
import { createReadiness, type DiskProbe } from './http/readiness';
import { createAdminAuth } from './auth/admin-auth';
import { testPaymentsApi } from './test-payments/test-payment.routes';
import { vaultApi } from './vault/vault.routes';
import type { Keyring, Vault } from './security/vault';
import { createMerchantAuth } from './auth/merchant-auth';
import type { FailureLimits } from './security/failure-limiter';
import type { LimiterStore } from './security/limiter-store';
import type { Metrics } from './metrics/metrics';
import type { ReplayGuard } from './auth/replay-guard';
import { createAllowlist } from './core/callback-allowlist';
import { CALLBACK_PATHS, createCallbackRoutes } from './callbacks/callback.routes';
import type { CallbacksService } from './callbacks/callback.service';
import { projectsApi } from './projects/project.routes';
import type { ProjectsService } from './projects/project.service';
import type { TransactionSecrets } from './security/transaction-secrets';
import { transactionsApi, type ExportSlots } from './transactions/transaction.routes';
import {
  createOpenApiDocument,
  createReference,
  referenceApi,
  type ReferenceDeps,
} from './openapi/openapi.routes';
import type { OpenApiDocument } from './core/openapi.types';
import type { TransactionsService } from './transactions/transaction.service';
import type { Reconciler } from './reconciliation/reconcile.service';
import { eventsApi } from './webhooks/event.routes';
import type { EventsService } from './webhooks/event.service';
import { webhooksApi } from './webhooks/endpoint.routes';
import { accountsApi } from './accounts/account.routes';
import type { AccountsService } from './accounts/account.service';
import type { EndpointsService } from './webhooks/endpoint.service';
import { diagnosticsApi } from './diagnostics/diagnostics.routes';
import type { DiagnosticsService } from './diagnostics/diagnostics.service';
import type { DashboardService } from './operators/dashboard.service';
import { createSessionGuard } from './security/session-cookie';
import { createSessionScopes } from './auth/session-scope';
import { dashboardApi } from './operators/dashboard.routes';
import { createDashboardPages, DASHBOARD_PATH } from './operators/dashboard.pages';
import { statsApi } from './stats/stats.routes';
import { realtimeApi } from './realtime/realtime.openapi';
import { payoutsApi } from './payouts/payout.routes';
import { payoutBatchesApi, CSV_BODY_PATHS } from './payouts/payout-batch.routes';
import type { PayoutBatchesService } from './payouts/payout-batch.service';
import type { PayoutsService } from './payouts/payout.service';
import { createPayoutResultRoutes, PAYOUT_RESULTS_PATH, type PayoutResults } from './payouts/payout.results';
import { refundsApi } from './refunds/refund.routes';
import { balancesApi } from './balances/balance.routes';
import {
  BALANCE_RESULTS_PATH,
  createBalanceResultRoutes,
  type BalancesService,
} from './balances/balance.service';
import type { RefundsService } from './refunds/refund.service';
import { createRefundResultRoutes, REFUND_RESULTS_PATH, type RefundResults } from './refunds/refund.results';
import { auditApi } from './audit/audit.routes';
import type { AuditService } from './audit/audit.service';
import { c2bApi } from './c2b/c2b.api';
import type { C2bSettings } from './c2b/c2b.settings';
import type { C2bConfirmations } from './c2b/c2b.confirm';
import type { C2bValidations } from './c2b/c2b.validate';
import type { C2bPull } from './c2b/c2b.pull';
import { createC2bCallbackRoutes } from './c2b/c2b.callback-routes';
import { C2B_CALLBACK_PATH } from './core/c2b-path';
import { callbackBody } from './callbacks/callback.body';
import type { StatusQueriesService } from './status-queries/status-query.service';
import type { QrCodesService } from './qr-codes/qr-code.service';
import { qrCodesApi } from './qr-codes/qr-code.routes';
import {
  createStatusResultRoutes,
  STATUS_RESULT_PATHS,
  statusQueriesApi,
} from './status-queries/status-query.routes';
import { linksApi } from './checkout/link.routes';
import { publicCheckoutApi } from './checkout/public.routes';
import type { LinksService } from './checkout/link.service';
import type { CheckoutService } from './checkout/checkout.service';
import type { CheckoutUrls } from './checkout/checkout.view';
import { createCheckoutAssets } from './checkout/checkout.assets';
import { CHECKOUT_ASSETS_PATH } from './checkout/checkout.shell';
import { requestLogApi } from './request-log/request-log.routes';
import type { FinishedRequest } from './request-log/request-log.writer';
import { requestLog } from './http/request-log';

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  adminToken: string;
  projects: ProjectsService;
  transactions: TransactionsService;
  callbacks: CallbacksService;
  /** C2B: accounts' settings, and what Safaricom posts to their URLs. */
  c2b: C2bSettings;
  c2bConfirmations: C2bConfirmations;
  c2bValidations: C2bValidations;
  /** Pull Transactions: catch-up of confirmations never delivered. */
  c2bPull: C2bPull;
  /** "Did receipt X pay us?" (Transaction Status) and the Results Safaricom posts about it. */
  statusQueries: StatusQueriesService;
  /** Dynamic QR codes of accounts. */
  qrCodes: QrCodesService;
  reconciler: Reconciler;
  /** Money out (src/payouts), and the results Safaricom posts about payouts. */
  payouts: PayoutsService;
  /** Batches of payouts: approved once, sent row by row at a pace. */
  payoutBatches: PayoutBatchesService;
  payoutResults: PayoutResults;
  /** Refunds by reversal (src/refunds), and the results Safaricom posts about them. */
  refunds: RefundsService;
  refundResults: RefundResults;
  /** Account balances (src/balances). */
  balances: BalancesService;
  endpoints: EndpointsService;
  accounts: AccountsService;
  vault: Vault;
  keyring: Keyring;
  events: EventsService;
  diagnostics: DiagnosticsService;
  /** Dashboard users and sessions (src/operators). */
  dashboard: DashboardService;
  /** The audit trail of operator actions (src/audit). */
  audit: AuditService;
  /** Payment links, checkout sessions and the hosted page (src/checkout). */
  links: LinksService;
  checkout: CheckoutService;
  checkoutUrls: CheckoutUrls;
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
  /** Takes each finished signed API request for the request log (src/request-log); absent: none kept. */
  requestLog?: (entry: FinishedRequest) => void;
  /** The Daraja simulator's router, mounted at /simulator in simulator mode. */
  simulatorRouter?: Router;
}

export const SIMULATOR_MOUNT = '/simulator';

/** What the operations' handlers are given: the app's parts, and the reference they serve. */
type ApiDeps = AppDeps & ReferenceDeps & SystemDeps & { exports: ExportSlots };

/** The API's parts in the order the reference shows them; the app serves exactly their operations. */
export function apiSections(config: Pick<Config, 'amount'>): FeatureApi<ApiDeps>[] {
  return [
    transactionsApi(config.amount),
    statusQueriesApi,
    qrCodesApi(config.amount),
    testPaymentsApi(config.amount),
    payoutsApi,
    payoutBatchesApi,
    refundsApi,
    balancesApi,
    linksApi(config.amount),
    publicCheckoutApi,
    accountsApi,
    c2bApi,
    realtimeApi,
    webhooksApi,
    eventsApi,
    requestLogApi,
    statsApi,
    diagnosticsApi,
    projectsApi,
    dashboardApi,
    auditApi,
    vaultApi,
    systemApi,
    referenceApi,
  ];
}

/** The OpenAPI document of the API, without an app (the production build's check uses it). */
export function apiDocument(config: Pick<Config, 'amount' | 'signatureToleranceSeconds'>): OpenApiDocument {
  return createOpenApiDocument(apiSections(config), config);
}

export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Paths match in the case they were declared (every Router too): a path in another case is a
  // 404, never a second spelling of a route, so logs and metrics see declared paths only.
  app.set('case sensitive routing', true);
  app.use(requestContext);
  app.use(accessLog(logger));
  if (deps.requestLog) app.use('/api', requestLog(deps.requestLog));
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

  app.use(
    PAYOUT_RESULTS_PATH,
    createPayoutResultRoutes({
      results: deps.payoutResults,
      secrets: deps.transactionSecrets,
      isAllowedSource: createAllowlist(config.callbacks.allowedIps),
      readBody: callbackBody(config.bodyLimitBytes),
      logger,
    }),
  );
  app.use(
    REFUND_RESULTS_PATH,
    createRefundResultRoutes({
      results: deps.refundResults,
      secrets: deps.transactionSecrets,
      isAllowedSource: createAllowlist(config.callbacks.allowedIps),
      readBody: callbackBody(config.bodyLimitBytes),
      logger,
    }),
  );
  app.use(
    BALANCE_RESULTS_PATH,
    createBalanceResultRoutes({
      balances: deps.balances,
      secrets: deps.transactionSecrets,
      isAllowedSource: createAllowlist(config.callbacks.allowedIps),
      readBody: callbackBody(config.bodyLimitBytes),
      logger,
    }),
  );
  app.use(
    C2B_CALLBACK_PATH,
    createC2bCallbackRoutes({
      confirmations: deps.c2bConfirmations,
      validations: deps.c2bValidations,
      isAllowedSource: createAllowlist(config.callbacks.allowedIps),
      rawBody: callbackBody(config.bodyLimitBytes),
    }),
  );
  for (const [kind, path] of Object.entries(STATUS_RESULT_PATHS) as [
    keyof typeof STATUS_RESULT_PATHS,
    string,
  ][])
    app.use(
      path,
      createStatusResultRoutes(kind, {
        statusQueries: deps.statusQueries,
        isToken: deps.transactionSecrets.isCallbackToken,
        isAllowedSource: createAllowlist(config.callbacks.allowedIps),
        readBody: callbackBody(config.bodyLimitBytes),
        logger,
      }),
    );

  // The dashboard's pages: their own, stricter Content-Security-Policy (dashboard.pages.ts).
  app.use(DASHBOARD_PATH, createDashboardPages());
  // The hosted checkout page's script and styles, and the embeddable button (checkout.assets.ts).
  app.use(CHECKOUT_ASSETS_PATH, createCheckoutAssets());
  app.use(helmet());

  app.use(cors({ origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins] }));
  app.use('/api', noStore);
  app.use(jsonBody(config.bodyLimit, CSV_BODY_PATHS));

  const limits = createRateLimits(config.rateLimit, deps.limiterStore);
  const guard = createSessionGuard(deps.dashboard);
  const sessions = createSessionScopes(guard, deps.projects.stateOf);
  const adminAuth = createAdminAuth(deps.adminToken, deps.failureLimits.adminBySource, sessions);
  const authDeps = {
    projects: deps.projects,
    toleranceSeconds: config.signatureToleranceSeconds,
    replays: deps.replays,
    failures: deps.failureLimits,
    sessions,
  };
  const signed = createMerchantAuth(authDeps);
  const sessionOnly: RequestHandler = async (req, _res, next) => {
    await guard(req);
    next();
  };
  const guards: EdgeGuards = {
    auth: {
      signature: ({ idempotent, nonceWithWrite, operatorOnly }) =>
        idempotent || nonceWithWrite || operatorOnly
          ? createMerchantAuth(authDeps, { idempotent, nonceWithWrite, operatorOnly })
          : signed,
      admin: () => adminAuth,
      session: () => sessionOnly,
    },
    limits: {
      perProject: limits.merchant,
      projectCreatePerSource: limits.projectCreate,
      checkoutPerSource: limits.checkout,
    },
    audit: {
      record: deps.audit.record,
      failed: (error) => logger.error('audit entry not written', { error }),
    },
  };
  // Every operation the API serves, declared once in its feature: the routes and the
  // reference (GET /openapi.json, /docs) are both made from this list.
  const sections = apiSections(config);
  // Ready when every part this instance needs answers in time (src/http/readiness.ts).
  const ready = createReadiness({
    pingDatabase: () => deps.database.ping(),
    ...(deps.database.probeWrite ? { probeDatabaseWrite: deps.database.probeWrite } : {}),
    storageDir: config.databaseUrl.startsWith('file:')
      ? path.dirname(path.resolve(config.databaseUrl.slice('file:'.length)))
      : undefined,
    pingRedis: deps.sharedParts?.redis,
    timeoutMs: config.databaseDeadlines.readyTimeoutMs,
    disk: deps.disk,
  });
  const reference = createReference(() => createOpenApiDocument(sections, config));
  mountOperations(
    app,
    sections.flatMap((section) => section.operations ?? []),
    { ...deps, reference, ready, exports: { limit: config.exportConcurrency, running: 0 } },
    guards,
  );

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
