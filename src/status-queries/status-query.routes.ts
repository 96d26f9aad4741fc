// "Did receipt X pay us?" for merchants (signed, declared once: src/core/operation.ts), and the
// routes Safaricom posts its answer to: the ResultURL and QueueTimeOutURL each query carries,
// `<CALLBACK_BASE_URL>/api/v1/callbacks/status-results/<id>/<token>` and `…/status-timeouts/…`,
// the token derived from the master key as for STK callbacks. Like the STK callback route:
// allowlisted sources only (403, nothing stored otherwise), everything an allowed source sends
// stored before it is acknowledged, never rate-limited.
import { Router, type RequestHandler } from 'express';
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { idempotencyKeyHeader } from '../payments/transaction.schema';
import type { CallbackTarget } from '../simulator/simulator.callback-targets';
import { createStatusQueryBody, statusQueryIdParams, statusQueryResponseSchema } from './status-query.schema';
import type { ResultKind, StatusQueriesService } from './status-query.service';

// No "query" in them: Safaricom asks that callback URLs not contain it (docs/daraja.md §2).
export const STATUS_RESULT_PATHS: Record<ResultKind, string> = {
  result: '/api/v1/callbacks/status-results',
  timeout: '/api/v1/callbacks/status-timeouts',
};
const ACCEPTED = { ResultCode: 0, ResultDesc: 'Accepted' } as const;

export interface StatusQueriesDeps {
  statusQueries: StatusQueriesService;
}

const BASE = '/api/v1/transactions/status-queries';
const TAG = 'Transaction Status';
const operation = defineOperation<StatusQueriesDeps>();

export const statusQueriesApi: FeatureApi<StatusQueriesDeps> = {
  tags: [
    {
      name: TAG,
      description:
        '"Did receipt X pay us?", asked of M-Pesa with Daraja\'s Transaction Status through an M-Pesa account with an initiator ' +
        '(`initiatorName` and `initiatorPassword`; the password is encrypted into `SecurityCredential` at each call with the ' +
        "certificate of the account's environment). M-Pesa answers later: the query is `pending` until then, and its answer " +
        'raises a `status_query.resolved` event (webhook). `not_found` (ResultCode 2032) is a normal answer, not an error.',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: BASE,
      operationId: 'createStatusQuery',
      tag: TAG,
      summary: 'Ask M-Pesa about a receipt',
      description:
        'Stores the query, then asks Daraja (`/mpesa/transactionstatus/v1/query`). Answers `202` with the query, `pending`; read it ' +
        "again (or wait for `status_query.resolved`) for M-Pesa's answer. When Daraja refuses the request itself the error has " +
        '`details.statusQueryId` and the query is `failed`.',
      auth: 'signature',
      rateLimit: 'perProject',
      idempotent: true,
      headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
      body: createStatusQueryBody,
      sample: { body: { receipt: 'UJ22T8IYOU' }, headers: { 'Idempotency-Key': 'receipt-check-1' } },
      responses: {
        202: {
          description: 'Daraja took the query (or its answer was lost): pending.',
          schema: statusQueryResponseSchema,
        },
      },
      errors: [
        'idempotency_key_reused',
        'mpesa_account_not_found',
        'mpesa_account_missing',
        'mpesa_initiator_missing',
        'mpesa_request_rejected',
        'mpesa_credentials_rejected',
        'mpesa_unavailable',
      ],
      handler: async ({ deps, req, res, body, headers }) => {
        res.status(202).json(await deps.statusQueries.create(scopeOf(req), body, headers['Idempotency-Key']));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getStatusQuery',
      tag: TAG,
      summary: 'Read a status query',
      auth: 'signature',
      rateLimit: 'perProject',
      params: statusQueryIdParams,
      responses: { 200: { description: 'The query.', schema: statusQueryResponseSchema } },
      errors: ['status_query_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.statusQueries.get(scopeOf(req), params.id));
      },
    }),
  ],
};

interface ResultRouteDeps {
  statusQueries: StatusQueriesService;
  isToken: (statusQueryId: string, token: string) => boolean;
  isAllowedSource: (ip: string | undefined) => boolean;
  /** Reads the body's bytes as they came (the STK callbacks' reader, passed in by composition). */
  readBody: RequestHandler;
  logger: Logger;
}

/** Mounted at each of STATUS_RESULT_PATHS; which one it serves is the kind of what arrives. */
export function createStatusResultRoutes(kind: ResultKind, deps: ResultRouteDeps): Router {
  const router = Router({ caseSensitive: true });
  router.use((req, _res, next) => {
    if (!deps.isAllowedSource(req.ip)) {
      deps.logger.warn('status query result refused: source address not allowed', { sourceIp: req.ip });
      throw new AppError('callback_source_forbidden', 'This address may not post M-Pesa callbacks');
    }
    next();
  });
  router.use(deps.readBody);
  router.post(['/', '/:id/:token'], async (req, res) => {
    const { id, token } = req.params as { id?: string; token?: string };
    const vouched = id && token && deps.isToken(id, token) ? id : undefined;
    if (id && !vouched)
      deps.logger.warn('status query result token does not match; storing as orphan', { id });
    await deps.statusQueries.receive({
      statusQueryId: vouched,
      kind,
      sourceIp: req.ip ?? 'unknown',
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.json(ACCEPTED);
  });
  return router;
}

/** The ResultURL and QueueTimeOutURL of a query, under the public base URL. */
export function statusResultUrls(baseUrl: string, tokenOf: (id: string) => string) {
  const base = baseUrl.replace(/\/+$/, '');
  const url = (kind: ResultKind) => (id: string) =>
    `${base}${STATUS_RESULT_PATHS[kind]}/${id}/${tokenOf(id)}`;
  return { resultUrlFor: url('result'), timeoutUrlFor: url('timeout') };
}

/** Where the built-in simulator may post Results: these routes under each base URL (as callbackRoutesUnder). */
export function statusResultRoutesUnder(baseUrls: readonly string[]): CallbackTarget[] {
  return baseUrls.flatMap((base) => {
    const url = new URL(base);
    const basePath = url.pathname.replace(/\/+$/, '');
    return Object.values(STATUS_RESULT_PATHS).map((path) => ({
      origin: url.origin,
      pathPrefix: `${basePath}${path}/`,
    }));
  });
}
