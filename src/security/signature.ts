// The merchant request signature: HMAC-SHA256 with the project's secret key over
// "<timestamp>\n<METHOD>\n<path with query>\n<raw body>", hex encoded. Documented in the README
// with Node and curl+openssl examples; the SDK and Postman compute the same string.
import { createHmac } from 'node:crypto';
import type { Mode } from '../core/scope';
import { safeEqual } from './vault';

/** Who signs with a public key: the project, its mode and the secret key the signature is checked with. */
export interface Signer {
  projectId: string;
  mode: Mode;
  secretKey: string;
  disabled: boolean;
  /** A replaced pair in its grace period (a roll with grace): when it stops signing. */
  expiresAt?: Date;
}

export interface SignedParts {
  timestamp: string;
  method: string;
  path: string;
  body: string;
}

export function signingString({ timestamp, method, path, body }: SignedParts): string {
  return `${timestamp}\n${method.toUpperCase()}\n${path}\n${body}`;
}

export function sign(secretKey: string, parts: SignedParts): string {
  return createHmac('sha256', secretKey).update(signingString(parts)).digest('hex');
}

export function verifySignature(secretKey: string, parts: SignedParts, signature: string): boolean {
  return safeEqual(sign(secretKey, parts), signature.toLowerCase());
}

/** A timestamp (unix seconds) within `toleranceSeconds` of now, either side. */
export function isFreshTimestamp(timestamp: string, toleranceSeconds: number, nowMs = Date.now()): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= toleranceSeconds;
}
