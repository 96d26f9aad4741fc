// Public ids: a prefix naming the kind, then a time-ordered part (so ids sort by creation and
// can serve as pagination cursors) and randomness (so they cannot be guessed or enumerated).
import { randomBytes } from 'node:crypto';

const TIME_CHARS = 9; // base36 milliseconds: enough until the year 5188

export type IdPrefix = 'prj' | 'txn' | 'chg' | 'cbk' | 'evt' | 'we' | 'whd' | 'wha';

export function newId(prefix: IdPrefix): string {
  const time = Date.now().toString(36).padStart(TIME_CHARS, '0');
  return `${prefix}_${time}${randomBytes(10).toString('hex')}`;
}

export function randomKey(prefix: string, bytes = 24): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
