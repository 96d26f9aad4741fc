// Where Safaricom posts a C2B account's confirmations and validations:
//   <CALLBACK_BASE_URL>/api/v1/callbacks/c2b/<accountId>/<token>/confirmation
//   <CALLBACK_BASE_URL>/api/v1/callbacks/c2b/<accountId>/<token>/validation
// The token is random, made at each registration and kept only as its SHA-256 (C2bSetting),
// so the URL cannot be guessed from the account id. Like the STK path it names none of the
// words Daraja refuses in URLs (docs/daraja.md §2). In the kernel: the accounts feature builds
// these URLs when it registers them, the c2b feature serves them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const C2B_CALLBACK_PATH = '/api/v1/callbacks/c2b';
export const C2B_KINDS = ['confirmation', 'validation'] as const;
export type C2bKind = (typeof C2B_KINDS)[number];

const TOKEN_BYTES = 24;
// Daraja refuses a C2B URL holding any of these words, in any case (docs/daraja.md §7). A
// random token spells one now and then ("exe", "cmd" or "sql" in about 1 in 250 draws), and
// registering would then fail for no reason the merchant could see: such a draw is drawn again.
const WORDS_DARAJA_REFUSES = /m[-_.\s]?pesa|safaricom|exe|cmd|sql|query/i;

export function newC2bToken(): string {
  for (;;) {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    if (!WORDS_DARAJA_REFUSES.test(token)) return token;
  }
}

export function c2bTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `token` is the one whose hash is stored; constant time over the hashes. */
export function isC2bToken(token: string, storedHash: string | null): boolean {
  if (storedHash === null) return false;
  const given = Buffer.from(c2bTokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export function c2bUrls(
  baseUrl: string,
  accountId: string,
  token: string,
): Record<'confirmationUrl' | 'validationUrl', string> {
  const base = `${baseUrl.replace(/\/+$/, '')}${C2B_CALLBACK_PATH}/${accountId}/${token}`;
  return { confirmationUrl: `${base}/confirmation`, validationUrl: `${base}/validation` };
}
