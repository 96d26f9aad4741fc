// Public ids: a prefix naming the kind, then a time-ordered part (so ids sort by creation and
// can serve as pagination cursors) and randomness (so they cannot be guessed or enumerated).
// The time part is the row's createdAt to the millisecond when both come from one `at`, which
// turns a createdAt window into an id range (transaction.repository.ts).
import { randomBytes } from 'node:crypto';

const TIME_CHARS = 9; // base36 milliseconds: enough until the year 5188

export type IdPrefix =
  | 'prj'
  | 'key'
  | 'rky'
  | 'acc'
  | 'txn'
  | 'chg'
  | 'cbk'
  | 'evt'
  | 'we'
  | 'whd'
  | 'wha'
  | 'usr'
  | 'dss'
  | 'aud'
  // Payouts: the payout (also its OriginatorConversationID), its stored results, its audit entries.
  | 'po'
  | 'pob'
  | 'pres'
  | 'pau'
  // A Transaction Status query, a Result Safaricom posted about one, a Dynamic QR code.
  | 'tsq'
  | 'tsr'
  | 'qr'
  // payment links, checkout sessions and their attempts (src/checkout)
  | 'lnk'
  | 'chk'
  | 'cka'
  // A refund (a reversal of a received payment), a balance check, a result posted about either.
  | 'rf'
  | 'bal'
  | 'mres'
  // a signed API request in the request log (src/request-log)
  | 'rql';

export function newId(prefix: IdPrefix, at: Date = new Date()): string {
  return `${idTimePart(prefix, at)}${randomBytes(10).toString('hex')}`;
}

/**
 * The part of every id of `prefix` created at `at`: ids created at or after `at` sort at or
 * after it, ids created before sort before it.
 */
export function idTimePart(prefix: IdPrefix, at: Date): string {
  return `${prefix}_${Math.max(0, at.getTime()).toString(36).padStart(TIME_CHARS, '0')}`;
}

export function randomKey(prefix: string, bytes = 24): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
