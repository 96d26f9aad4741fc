// Operator endpoints (project management) take the admin token from the environment as a
// bearer token. Compared in constant time; wrong tokens are counted per source address and,
// past ADMIN_FAILURES_PER_SOURCE in the window, that address gets 429 before any check.
// An operator's dashboard session is accepted in its place (src/auth/session-scope.ts).
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { safeEqual } from '../security/vault';
import { sourceKey, tooManyFailures, type FailureLimiter } from '../security/failure-limiter';
import { usesSession } from '../security/session-cookie';
import type { SessionScopes } from './session-scope';

/** An operator's dashboard session stands in for the token (src/auth/session-scope.ts). */
export function createAdminAuth(
  adminToken: string,
  failuresBySource: FailureLimiter,
  sessions?: Pick<SessionScopes, 'operator'>,
): RequestHandler {
  return async (req, _res, next) => {
    if (sessions && usesSession(req)) {
      await sessions.operator(req);
      return next();
    }
    const source = sourceKey(req.ip);
    const blocked = await failuresBySource.blockedFor(source);
    if (blocked) throw tooManyFailures(blocked, 'wrong admin tokens from this address');
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!token || !safeEqual(token, adminToken)) {
      await failuresBySource.fail(source);
      throw new AppError('admin_unauthorized', 'Send the admin token as Authorization: Bearer <token>');
    }
    next();
  };
}
