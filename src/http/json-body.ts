// How our API reads a request body: JSON only (415 naming the type to send otherwise, before
// the signature check, which would otherwise see an empty body and answer signature_invalid),
// the exact bytes kept for the signature, and a nesting bound checked right after parsing,
// before anything recursive (JSON.stringify, zod, a database driver) walks the value.
// JSON.parse itself is iterative in V8 and safe on deep input; the walk here is iterative too.
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors';
import { inspectJson } from '../validation';

/** No request of ours nests deeper than a few levels; metadata is bounded tighter in its schema. */
export const MAX_BODY_DEPTH = 32;

/** A body with bytes in it: `Content-Length: 0` (what fetch sends for a bodiless POST) is none. */
const hasContent = (req: express.Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;

/** Refuses a body that is not JSON, or (on `csvPaths`) CSV. */
const requireJson =
  (csvPaths: ReadonlySet<string>): RequestHandler =>
  (req, _res, next) => {
    if (hasContent(req) && !req.is('application/json') && !(csvPaths.has(req.path) && req.is('text/csv'))) {
      const sent = req.get('content-type');
      throw new AppError(
        'unsupported_media_type',
        `Send the body as Content-Type: application/json${sent ? `, not ${sent.slice(0, 100)}` : ''}`,
        {
          expected: 'application/json',
        },
      );
    }
    next();
  };

const boundDepth: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (body === undefined || !inspectJson(body, MAX_BODY_DEPTH).tooDeep) return next();
  // Name the field the nesting is under, when the body is an object, as validation would.
  const field =
    body && typeof body === 'object' && !Array.isArray(body)
      ? Object.entries(body)
          .find(([, value]) => inspectJson(value, MAX_BODY_DEPTH - 1).tooDeep)?.[0]
          ?.slice(0, 100)
          .toWellFormed()
      : undefined;
  const message = `must not nest deeper than ${MAX_BODY_DEPTH} levels`;
  throw new AppError('validation_failed', field ? `${field} ${message}` : `The body ${message}`, {
    fields: [{ field: field ?? '(body)', in: 'body', message }],
  });
};

/**
 * `csvPaths`: the paths that also take `Content-Type: text/csv` (a payout batch), read as text
 * with its bytes kept for the signature like JSON's.
 */
export function jsonBody(limit: string, csvPaths: readonly string[] = []): RequestHandler[] {
  const keepBytes = (req: express.Request, _res: unknown, buffer: Buffer) => {
    req.rawBody = buffer;
  };
  const parse = express.json({ limit, verify: keepBytes });
  const csv = express.text({ limit, type: 'text/csv', verify: keepBytes });
  const paths = new Set(csvPaths);
  const parseCsv: RequestHandler = (req, res, next) => (paths.has(req.path) ? csv(req, res, next) : next());
  return [requireJson(paths), parse, parseCsv, boundDepth];
}
