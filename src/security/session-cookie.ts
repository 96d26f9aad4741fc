// The dashboard session on HTTP: the cookie, the CSRF rules, and the guard the merchant API
// and the operator API accept in place of a signature or the admin token ("no second back
// end": the pages call the same routes everyone else does).
//
// CSRF: the cookie is SameSite=Strict, and on top of that every state-changing request made
// with it must carry the session's CSRF token in X-CSRF-Token and come from our own origin
// (Origin, or Referer when a browser sends no Origin). Either alone would do in today's
// browsers; both cost nothing.
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { AppError } from '../errors';
import { safeEqual } from './vault';
import type { Principal, SessionAuthenticator } from '../core/principal';

export const SESSION_COOKIE = 'mb_session';
export const CSRF_HEADER = 'x-csrf-token';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One cookie's value from a Cookie header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const sessionTokenOf = (request: Pick<IncomingMessage, 'headers'>) =>
  readCookie(request.headers.cookie, SESSION_COOKIE);

/** Secure whenever the browser reached us over HTTPS (req.secure follows TRUST_PROXY for X-Forwarded-Proto). */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** The origin the browser says it sent from is this service's own (as the Host header names it). */
export function fromOwnOrigin(headers: IncomingMessage['headers'], ownOrigins: readonly string[]): boolean {
  const stated = typeof headers.origin === 'string' ? headers.origin : originOf(headers.referer);
  return stated !== undefined && ownOrigins.includes(stated);
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export const ownOriginsOf = (req: Request) => [`${req.protocol}://${req.get('host')}`];

export function assertSameOrigin(req: Request): void {
  if (!fromOwnOrigin(req.headers, ownOriginsOf(req)))
    throw new AppError('csrf_failed', "This request did not come from the dashboard's own origin");
}

export type SessionGuard = (req: Request) => Promise<Principal>;

/**
 * The principal of the request's session cookie, CSRF rules applied for state-changing
 * methods. Throws session_invalid without a live session.
 */
export function createSessionGuard(dashboard: SessionAuthenticator): SessionGuard {
  return async (req) => {
    const token = sessionTokenOf(req);
    const principal = token ? await dashboard.authenticate(token) : undefined;
    if (!principal)
      throw new AppError(
        'session_invalid',
        'Sign in to the dashboard again: the session is missing, expired or ended',
      );
    if (STATE_CHANGING.has(req.method)) {
      assertSameOrigin(req);
      const sent = req.get(CSRF_HEADER) ?? '';
      if (!sent || !safeEqual(sent, principal.csrfToken))
        throw new AppError('csrf_failed', "Send the session's CSRF token as X-CSRF-Token");
    }
    req.principal = principal;
    return principal;
  };
}

/** A request with no signature or bearer token but a session cookie is the dashboard's. */
export const usesSession = (req: Request) =>
  !req.get('x-api-key') && !req.get('authorization') && sessionTokenOf(req) !== undefined;
