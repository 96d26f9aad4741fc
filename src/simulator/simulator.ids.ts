// Identifiers shaped like Safaricom's, so a client that logs, stores or pattern-matches them
// behaves the same against the simulator as against Daraja (docs/daraja.md §2, §3).
import { randomInt, randomUUID } from 'node:crypto';

// Safaricom stamps its identifiers and TransactionDate in Nairobi wall-clock time. Kenya has
// no daylight saving, so a fixed offset is exact and needs no tz database.
const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DAY_CHARS = '123456789ABCDEFGHIJKLMNOPQRSTUV'; // day 1..31
const ACCESS_TOKEN_LENGTH = 28; // observed length (docs/daraja.md §1)
const RECEIPT_RANDOM_LENGTH = 7;
// Receipt year letters seen in samples: L=2017 ... S=2024, U=2026 (docs/daraja.md §3).
const RECEIPT_BASE_YEAR = 2017;
const RECEIPT_BASE_LETTER_INDEX = LETTERS.indexOf('L');

export interface EatParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  millisecond: number;
}

/** Splits an instant into East Africa Time wall-clock fields, zero-padded. */
export function eatParts(epochMs: number): EatParts {
  const shifted = new Date(epochMs + EAT_OFFSET_MS);
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    year: String(shifted.getUTCFullYear()),
    month: pad(shifted.getUTCMonth() + 1),
    day: pad(shifted.getUTCDate()),
    hour: pad(shifted.getUTCHours()),
    minute: pad(shifted.getUTCMinutes()),
    second: pad(shifted.getUTCSeconds()),
    millisecond: shifted.getUTCMilliseconds(),
  };
}

/** YYYYMMDDHHmmss in EAT, the shape of TransactionDate and of the request Timestamp. */
export function eatTimestamp(epochMs: number): string {
  const t = eatParts(epochMs);
  return `${t.year}${t.month}${t.day}${t.hour}${t.minute}${t.second}`;
}

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 28 alphanumeric characters, like `c9SQxWWhmdVRlyh0zh8gZDTkubVF`. */
export function newAccessToken(): string {
  // randomInt per character avoids the modulo bias of mapping random bytes onto 62 symbols.
  return randomString(ALPHANUMERIC, ACCESS_TOKEN_LENGTH);
}

/**
 * Daraja's current MerchantRequestID and error requestId look like the last four groups of
 * a UUID followed by a decimal sequence: `2654-4b64-97ff-b827b542881d3130`. The sequence
 * starts at a random value so two simulator runs do not produce the same suffixes.
 */
export function createHexGroupIds(): () => string {
  let sequence = randomInt(1000, 1_000_000);
  return () => {
    sequence += 1;
    return `${randomUUID().slice(9)}${sequence}`;
  };
}

/**
 * `ws_CO_` + ddMMyyyyHHmmss (EAT) + sub-second part (1-3 digits, not zero-padded) + the last
 * 9 digits of the MSISDN, e.g. `ws_CO_170820261404032708374149`.
 * The format has no room for a counter, so uniqueness comes from a logical clock: no two IDs
 * share a millisecond. The 14-digit time and the 9-digit MSISDN tail are fixed-width, so the
 * same (millisecond, MSISDN) pair is the only way two IDs could collide.
 */
export function createCheckoutRequestIds(now: () => number = Date.now): (msisdn: string) => string {
  let lastMs = 0;
  return (msisdn) => {
    lastMs = Math.max(now(), lastMs + 1);
    const t = eatParts(lastMs);
    return `ws_CO_${t.day}${t.month}${t.year}${t.hour}${t.minute}${t.second}${t.millisecond}${msisdn.slice(-9)}`;
  };
}

/**
 * 10 uppercase characters: year letter, month letter (A=Jan), day (1-9 then A=10 ... V=31),
 * then 7 random characters, e.g. `UJ22T8IYOU` for 2 Oct 2026. Inferred from samples, not
 * documented (docs/daraja.md §3); clients must treat it as opaque.
 */
export function newReceiptNumber(epochMs: number): string {
  const t = eatParts(epochMs);
  const yearIndex = (RECEIPT_BASE_LETTER_INDEX + Number(t.year) - RECEIPT_BASE_YEAR) % LETTERS.length;
  const year = LETTERS[(yearIndex + LETTERS.length) % LETTERS.length];
  const month = LETTERS[Number(t.month) - 1];
  const day = DAY_CHARS[Number(t.day) - 1];
  return `${year}${month}${day}${randomString(UPPER_ALPHANUMERIC, RECEIPT_RANDOM_LENGTH)}`;
}
