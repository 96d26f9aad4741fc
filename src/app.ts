// createApp(deps): the Express app. It never listens: main.ts does, and tests drive it on a
// real port. Order matters: the simulator and the callback route parse their own bodies, so
// they come before the JSON parser of the merchant API.
import express, { type Router } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import type { Config } from './config';
import type { Database } from './db/db.client';
import { createErrorHandler, notFoundHandler } from './errors';
import type { Logger } from './logger';
import { requestContext } from './request-context';
import { accessLog } from './http/access-log';
import { createRateLimits } from './http/rate-limits';
import { createAdminAuth } from './auth/admin-auth';
import { createMerchantAuth } from './auth/merchant-auth';
import { createAllowlist } from './callbacks/callback.allowlist';
import { CALLBACK_PATH, createCallbackRoutes } from './callbacks/callback.routes';
import type { CallbacksService } from './callbacks/callback.service';
import { createProjectRoutes } from './projects/project.routes';
import type { ProjectsService } from './projects/project.service';
import type { TransactionSecrets } from './security/transaction-secrets';
import { createTransactionRoutes } from './transactions/transaction.routes';
import type { TransactionsService } from './transactions/transaction.service';

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  adminToken: string;
  projects: ProjectsService;
  transactions: TransactionsService;
  callbacks: CallbacksService;
  transactionSecrets: TransactionSecrets;
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
  // Safaricom and the simulator are not browsers: their routes skip helmet's browser headers.
  if (deps.simulatorRouter) app.use(SIMULATOR_MOUNT, deps.simulatorRouter);
  app.use(
    CALLBACK_PATH,
    createCallbackRoutes({
      callbacks: deps.callbacks,
      secrets: deps.transactionSecrets,
      isAllowedSource: createAllowlist(config.callbacks.allowedIps),
      bodyLimit: config.bodyLimit,
      logger,
    }),
  );

  app.use(helmet());

  app.use(cors({ origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins] }));
  app.use(
    express.json({
      limit: config.bodyLimit,
      verify: (req, _res, buffer) => {
        (req as express.Request).rawBody = buffer;
      },
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const reachable = await deps.database.prisma.$queryRawUnsafe('SELECT 1').then(
      () => true,
      () => false,
    );
    res.status(reachable ? 200 : 503).json({ status: reachable ? 'ready' : 'database_unreachable' });
  });

  const limits = createRateLimits(config.rateLimit);
  app.use(
    '/api/v1/projects',
    createProjectRoutes({ projects: deps.projects, adminAuth: createAdminAuth(deps.adminToken), createLimiter: limits.projectCreate }),
  );
  app.use(
    '/api/v1/transactions',
    createMerchantAuth(deps.projects, config.signatureToleranceSeconds),
    limits.merchant,
    createTransactionRoutes({ transactions: deps.transactions, amount: config.amount }),
  );

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
