// The one door for Daraja's asynchronous results about money we asked it to move or count
// (payouts, refunds, balance checks): Safaricom posts each to
//   <path>/<id>/<token>/<kind>      kind one of the caller's (result, timeout, status, ...)
// Only allowlisted source addresses get in (403 and nothing stored otherwise). A wrong token
// is no refusal: the body is still stored, as an orphan vouching for nothing, because
// Safaricom sends each result once and never again. `receive` stores before it resolves; the
// acknowledgement goes only after it, and a refusal to store is a 503 Safaricom retries.
// The path avoids the words Safaricom refuses in URLs (docs/daraja.md §2).
import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { TransactionSecrets } from '../security/transaction-secrets';

const ACCEPTED = { ResultCode: 0, ResultDesc: 'Accepted' } as const;
/** Ids in logs are cut: a wrong one is whatever the sender wrote. */
const LOGGED_ID_CHARS = 64;

export interface ArrivedResult<Kind extends string> {
  /** The subject the URL's token vouches for; null when the token was wrong. */
  id: string | null;
  kind: Kind;
  sourceIp: string;
  rawBody: Buffer;
}

export interface ResultRouterDeps<Kind extends string> {
  /** What the results are about, for logs: "payout", "refund", "balance". */
  subject: string;
  kinds: readonly Kind[];
  /** Stores the result (and may apply it); resolves once it is safe to acknowledge. */
  receive(arrived: ArrivedResult<Kind>): Promise<void>;
  secrets: Pick<TransactionSecrets, 'isCallbackToken'>;
  isAllowedSource: (ip: string | undefined) => boolean;
  /** Reads the raw body into req.body as a Buffer, refusing only size (src/callbacks/callback.body.ts). */
  readBody: RequestHandler;
  logger: Logger;
}

export function createResultRouter<Kind extends string>(deps: ResultRouterDeps<Kind>): Router {
  const { subject, logger } = deps;
  const router = Router({ caseSensitive: true });
  router.use((req, _res, next) => {
    if (!deps.isAllowedSource(req.ip)) {
      logger.warn(`${subject} result refused: source address not allowed`, { sourceIp: req.ip });
      throw new AppError('callback_source_forbidden', 'This address may not post M-Pesa results');
    }
    next();
  });
  router.use(deps.readBody);
  router.post('/:id/:token/:kind', async (req, res) => {
    const { id, token, kind } = req.params as { id: string; token: string; kind: string };
    if (!(deps.kinds as readonly string[]).includes(kind))
      throw new AppError('route_not_found', 'No such result route');
    const vouched = deps.secrets.isCallbackToken(id, token) ? id : null;
    if (!vouched)
      logger.warn(`${subject} result token does not match; storing as orphan`, {
        id: id.slice(0, LOGGED_ID_CHARS),
      });
    await deps.receive({
      id: vouched,
      kind: kind as Kind,
      sourceIp: req.ip ?? 'unknown',
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.json(ACCEPTED);
  });
  return router;
}

/** The root of one subject's result URLs (`<root>/<kind>`), under the public base URL and `path`. */
export function resultRootUnder(
  baseUrl: string,
  path: string,
  secrets: Pick<TransactionSecrets, 'callbackToken'>,
): (id: string) => string {
  const base = baseUrl.replace(/\/+$/, '');
  return (id) => `${base}${path}/${id}/${secrets.callbackToken(id)}`;
}
