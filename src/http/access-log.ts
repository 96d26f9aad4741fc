// One log line per request. Callback URLs carry a secret token, so only their fixed prefix
// is logged; query strings are dropped (they may carry phone numbers, masked anyway).
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { CALLBACK_PATHS } from '../callbacks/callback.path';
import { STATUS_RESULT_PATHS } from '../status-queries/status-query.routes';

/** Every route whose path carries a token after its prefix. */
const TOKEN_PATHS = [...CALLBACK_PATHS, ...Object.values(STATUS_RESULT_PATHS)];

/** A request's path as every log line shows it: no query, no callback token. */
export function pathForLog(req: Pick<Request, 'originalUrl'>): string {
  const url = req.originalUrl.split('?')[0] ?? '';
  // In any letter case: routing is case-sensitive, but a path in another case is still logged
  // (as a 404), and its token must not be.
  const lower = url.toLowerCase();
  const callbackPath = TOKEN_PATHS.find((path) => lower.startsWith(path.toLowerCase()));
  return callbackPath ? `${callbackPath}/…` : url;
}

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = pathForLog(req);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info('request', {
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
      });
    });
    next();
  };
}
