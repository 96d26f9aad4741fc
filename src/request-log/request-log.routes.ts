// GET /api/v1/request-log: the project's last signed API requests in one mode, as Stripe's
// logs show them (method, path, status, error code, latency, request id, public key), newest
// first; filtered by status class and error code. Kept for REQUEST_LOG_RETENTION.
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { Queryable } from '../db/database';
import { listRequestLog, type RequestLogRow } from './request-log.repository';
import { requestLogPageSchema, requestLogQuery, type RequestLogEntryView } from './request-log.schema';

export interface RequestLogDeps {
  database: Queryable;
}

const TAG = 'Request log';
const operation = defineOperation<RequestLogDeps>();

function toView(row: RequestLogRow): RequestLogEntryView {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    method: row.method,
    path: row.path,
    status: row.status,
    errorCode: row.errorCode,
    latencyMs: row.latencyMs,
    requestId: row.requestId,
    publicKey: row.publicKey,
  };
}

export const requestLogApi: FeatureApi<RequestLogDeps> = {
  tags: [
    {
      name: TAG,
      description:
        "The project's signed API requests of one mode, refused ones included (a bad signature, a stale timestamp): what a developer looks at when an integration fails. " +
        'Written within a second of the answer; never a body, a header or a secret; kept for `REQUEST_LOG_RETENTION` (7 days).',
    },
  ],
  operations: [
    operation({
      method: 'get',
      path: '/api/v1/request-log',
      operationId: 'listRequestLog',
      tag: TAG,
      summary: 'List signed API requests',
      description: 'Newest first, a page at a time (follow `nextCursor`).',
      auth: 'signature',
      rateLimit: 'perProject',
      query: requestLogQuery,
      responses: { 200: { description: 'One page.', schema: requestLogPageSchema } },
      sample: { query: { status: '4xx', limit: 20 } },
      handler: async ({ deps, req, res, query }) => {
        const rows = await listRequestLog(deps.database, scopeOf(req), {
          statusClass: query.status,
          errorCode: query.errorCode,
          before: query.cursor,
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        res.json({
          data: page.map(toView),
          nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
        });
      },
    }),
  ],
};
