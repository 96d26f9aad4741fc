// Where Safaricom posts STK results: /api/v1/callbacks/stk/<transactionId>/<token> (callback.path.ts).
// Only allowlisted source addresses get in (403 and nothing stored otherwise). Everything an
// allowed source sends is stored, even a body we cannot read or a wrong token (an orphan),
// and acknowledged with Daraja's conventional reply. Never rate-limited.
import { Router } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { TransactionSecrets } from '../security/transaction-secrets';
import type { CallbacksService } from './callback.service';
import { callbackBody } from './callback.body';
import { CALLBACK_PATH, CALLBACK_PATHS } from './callback.path';

export { CALLBACK_PATH, CALLBACK_PATHS };
const ACCEPTED = { ResultCode: 0, ResultDesc: 'Accepted' } as const;

interface Deps {
  callbacks: CallbacksService;
  secrets: TransactionSecrets;
  isAllowedSource: (ip: string | undefined) => boolean;
  bodyLimitBytes: number;
  logger: Logger;
}

export function createCallbackRoutes({
  callbacks,
  secrets,
  isAllowedSource,
  bodyLimitBytes,
  logger,
}: Deps): Router {
  const router = Router({ caseSensitive: true });
  // The source first: nothing of a refused sender is read.
  router.use((req, _res, next) => {
    if (!isAllowedSource(req.ip)) {
      logger.warn('callback refused: source address not allowed', { sourceIp: req.ip });
      // The path is /<transactionId>/<token>: a real token names whose payment was called for.
      const [, transactionId, token] = req.path.split('/');
      if (transactionId && token && secrets.isCallbackToken(transactionId, token)) {
        callbacks
          .noteRefused(transactionId, req.ip ?? 'unknown')
          .catch((error: unknown) =>
            logger.warn('could not tell a refused callback to its project', { error }),
          );
      }
      throw new AppError('callback_source_forbidden', 'This address may not post M-Pesa callbacks');
    }
    next();
  });
  // Any content type, any encoding, any bytes: a callback we cannot parse is still kept as it came.
  router.use(callbackBody(bodyLimitBytes));

  router.post(['/', '/:transactionId/:token'], async (req, res) => {
    const { transactionId, token } = req.params as { transactionId?: string; token?: string };
    const vouched =
      transactionId && token && secrets.isCallbackToken(transactionId, token) ? transactionId : undefined;
    if (transactionId && !vouched)
      logger.warn('callback token does not match; storing as orphan', { transactionId });
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    await callbacks.receive({ transactionId: vouched, sourceIp: req.ip ?? 'unknown', rawBody });
    res.json(ACCEPTED);
  });

  return router;
}

export function callbackUrlBuilder(
  baseUrl: string,
  secrets: TransactionSecrets,
): (transactionId: string) => string {
  const base = baseUrl.replace(/\/+$/, '');
  return (transactionId) =>
    `${base}${CALLBACK_PATH}/${transactionId}/${secrets.callbackToken(transactionId)}`;
}
