// Hands every finished signed API request to the request log (src/request-log): on `finish`,
// after the answer went out, and only into the writer's in-memory buffer, so serving a signed
// request waits for no write. A dashboard session's requests are not signed and not logged.
// What is kept: method, the path as the access log writes it (no query, no callback token)
// with phones masked, status, our error code, latency, request id, and the public key sent.
import type { RequestHandler } from 'express';
import { maskPhone } from '../logger';
import { currentRequestId } from '../request-context';
import type { FinishedRequest } from '../request-log/request-log.writer';
import { pathForLog } from './access-log';

/** A public key as this service issues them (pk_test_…, pk_live_…); anything else names no project. */
const PUBLIC_KEY = /^pk_[A-Za-z0-9_-]{8,160}$/;

export function requestLog(record: (entry: FinishedRequest) => void): RequestHandler {
  return (req, res, next) => {
    const publicKey = req.get('x-api-key');
    // A dashboard session sends no X-Api-Key (src/security/session-cookie.ts, usesSession).
    if (!publicKey || !PUBLIC_KEY.test(publicKey)) return next();
    const at = new Date();
    const started = process.hrtime.bigint();
    const requestId = currentRequestId() ?? '';
    res.on('finish', () => {
      const errorCode = res.locals.errorCode;
      record({
        at,
        ...(req.project ? { project: { id: req.project.id, mode: req.project.mode } } : {}),
        publicKey,
        method: req.method,
        path: maskPhone(pathForLog(req)).slice(0, 500),
        status: res.statusCode,
        errorCode: typeof errorCode === 'string' ? errorCode : null,
        latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
        requestId,
      });
    });
    next();
  };
}
