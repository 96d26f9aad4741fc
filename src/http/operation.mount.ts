// Declared operations (src/core/operation.ts) become Express routes: for each, the source-keyed rate
// limit, the auth its declaration names, the project-keyed limit, then its inputs validated
// with the declared schemas (path, query, body, headers, in that order) and its handler.
import type { Request, RequestHandler, Router } from 'express';
import type { Auth, HeaderSpec, OperatorOnly } from '../core/openapi.types';
import { parseOrThrow } from '../validation';
import { LIMITS_BEFORE_AUTH, type Call, type Operation, type RateLimit } from '../core/operation';
import { auditEntry, holdAnswer, type RecordAudit } from './audit-trail';

export interface EdgeGuards {
  /**
   * The check of each kind of auth, made for one operation and mounted on its route only (the
   * signature's depends on `idempotent`, `nonceWithWrite` and `operatorOnly`).
   */
  auth: Record<
    Exclude<Auth, 'none'>,
    (operation: {
      idempotent?: boolean;
      nonceWithWrite?: boolean;
      operatorOnly?: OperatorOnly;
    }) => RequestHandler
  >;
  limits: Record<RateLimit, RequestHandler>;
  /** Writes the audit entry of an operation that declares `audit` (src/http/audit-trail.ts). */
  audit?: { record: RecordAudit; failed(error: unknown): void };
}

export function mountOperations<D>(
  router: Router,
  operations: readonly Operation<D>[],
  deps: D,
  guards: EdgeGuards,
): void {
  for (const operation of operations) {
    const limit = operation.rateLimit;
    if (limit === 'perProject' && operation.auth !== 'signature')
      throw new Error(
        `${operation.operationId}: a per-project limit needs the signature that names the project`,
      );
    if (operation.operatorOnly && operation.auth !== 'signature')
      throw new Error(
        `${operation.operationId}: operatorOnly refuses a member's session where it stands in for the signature`,
      );
    const before = limit && LIMITS_BEFORE_AUTH.has(limit) ? [guards.limits[limit]] : [];
    const after = limit && !LIMITS_BEFORE_AUTH.has(limit) ? [guards.limits[limit]] : [];
    const auth = operation.auth === 'none' ? [] : [guards.auth[operation.auth](operation)];
    router[operation.method](operation.path, [
      ...before,
      ...auth,
      ...after,
      handlerOf(operation, deps, guards.audit),
    ]);
  }
}

function handlerOf<D>(operation: Operation<D>, deps: D, audit: EdgeGuards['audit']): RequestHandler {
  const { params, query, body, headers = {} } = operation;
  return async (req, res) => {
    operation.precondition?.(req);
    const call: Call<D> = {
      deps,
      params: params && parseOrThrow(params, req.params, 'path'),
      query: query && parseOrThrow(query, req.query, 'query'),
      body: body && parseOrThrow(body, req.body, 'body'),
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, spec]) => [name, headerOf(req, name, spec)]),
      ),
      req,
      res,
    };
    // Held only once the inputs are valid: an error thrown before answers through the error handler as ever.
    const held = operation.audit && audit ? holdAnswer(res) : undefined;
    if (!held) return void (await operation.handler(call));
    try {
      await operation.handler(call);
      if (held.answered() && res.statusCode < 400)
        await audit!
          .record(auditEntry(operation.audit!, req, call, held.answer()))
          .catch((error: unknown) => audit!.failed(error));
    } finally {
      held.release();
    }
  };
}

/** An optional header is read only when sent; a required one missing is a validation failure. */
function headerOf(req: Request, name: string, spec: HeaderSpec): unknown {
  const value = req.get(name);
  if (value === undefined && !spec.required) return undefined;
  return parseOrThrow(spec.schema, value, { header: name });
}
