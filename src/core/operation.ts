// One declaration per operation: method, path, auth, rate limit, the zod schemas of its inputs
// and answers, what the reference says about it, and its handler. The Express route
// (src/http/operation.mount.ts) and the OpenAPI entry (src/openapi) are both made from it, so there is
// no second copy to keep in step. Models: Infisical's `server.route({ method, url, config:
// { rateLimit }, onRequest, schema, handler })` and svix's `api_route_with(path, handler, op)`.
// It sits in the kernel beside openapi.types.ts because every feature declares with it (a
// feature may not import the HTTP edge); it holds types and one identity function, no Express.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ApiSection, HeaderSpec, OperationSpec } from './openapi.types';
import type { AuditSpec } from './audit';

/**
 * Which request-count limit applies. `perProject` counts per verified project, so it runs after
 * the signature; `projectCreatePerSource` and `checkoutPerSource` (the public checkout pages)
 * count per source address, so they run before any check (they must hold against callers who
 * cannot authenticate).
 */
export type RateLimit = 'perProject' | 'projectCreatePerSource' | 'checkoutPerSource';
export const LIMITS_BEFORE_AUTH: ReadonlySet<RateLimit> = new Set([
  'projectCreatePerSource',
  'checkoutPerSource',
]);

type Headers = Record<string, HeaderSpec>;
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type HeaderValues<H> = {
  [K in keyof H]: H[K] extends HeaderSpec ? z.output<H[K]['schema']> | undefined : never;
};

/** What a handler gets: its dependencies, the request's inputs already validated, and req/res. */
export interface Call<D, P = unknown, Q = unknown, B = unknown, H = unknown> {
  deps: D;
  params: P;
  query: Q;
  body: B;
  /** Each declared header, parsed when the request carries it. */
  headers: H;
  req: Request;
  res: Response;
}

interface HttpRules {
  rateLimit?: RateLimit;
  /**
   * The operation answers a repeat with the same Idempotency-Key from its own store, so a
   * signed replay carrying the first use's key is let through to it (src/auth/merchant-auth.ts).
   */
  idempotent?: boolean;
  /**
   * The handler stores the signature's replay nonce with what it writes (req.replayNonce,
   * src/core/replay-nonce.ts) where the replay guard is the database, and refuses a replay itself.
   */
  nonceWithWrite?: boolean;
  /** A refusal that does not depend on the inputs: runs after auth, before they are read. */
  precondition?: (req: Request) => void;
  /** Written to the audit trail, before the answer goes out, when the operation succeeded (src/core/audit.ts). */
  audit?: AuditSpec;
}

export interface Operation<D> extends OperationSpec, HttpRules {
  // Method syntax on purpose: the inputs' types are checked where the operation is declared
  // (defineOperation), and a list of operations is stored without them.
  handler(call: Call<D>): unknown;
}

type Declaration<D, P, Q, B, H> = Omit<OperationSpec, 'params' | 'query' | 'body' | 'headers'> &
  HttpRules & {
    params?: P;
    query?: Q;
    body?: B;
    headers?: H;
    handler: (call: Call<D, Parsed<P>, Parsed<Q>, Parsed<B>, HeaderValues<H>>) => unknown;
  };

/** A feature's part of the API: its tags, its operations (and any webhooks it documents). */
export interface FeatureApi<D> extends ApiSection {
  operations?: readonly Operation<D>[];
}

/**
 * `const operation = defineOperation<Deps>()` in a feature, then `operation({ ... })` per
 * operation: the handler's inputs are typed from the schemas declared beside it.
 */
export function defineOperation<D>() {
  return <
    P extends z.ZodObject | undefined = undefined,
    Q extends z.ZodObject | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
    H extends Headers | undefined = undefined,
  >(
    declaration: Declaration<D, P, Q, B, H>,
  ): Operation<D> => declaration as unknown as Operation<D>;
}
