// C2B request checks in Daraja's order and wording (docs/daraja.md §7). Register URL refusals
// are `400.003.02 Bad Request - Invalid <Field>` (observed: "Bad Request - Invalid ValidationURL
// - URL has the word MPESA"); simulate's field errors are Daraja's general `400.002.02`.
import type { CallbackTargets } from './simulator.callback-targets';
import type { C2bCommandId, C2bVersion, ResponseType } from './simulator.c2b-state';
import { invalidField, type DarajaError } from './simulator.errors';
import { readMsisdn, readShortCode, type Checked } from './simulator.validation';

export const C2B_ERRORS = {
  // Observed on register URL with the other version's product (docs/daraja.md §7): the gateway
  // answers before it reads the body.
  productMismatch: {
    httpStatus: 401,
    errorCode: '401.003.01',
    errorMessage: 'Error Occurred - Invalid Access Token - Invalid API call as no apiproduct match found',
  },
  // Production registers once; the URLs must be deleted before registering again (docs/daraja.md §7).
  alreadyRegistered: {
    httpStatus: 500,
    errorCode: '500.003.1001',
    errorMessage: 'Urls are already registered.',
  },
} as const satisfies Record<string, DarajaError>;

/** `400.003.02 Bad Request - Invalid <Field>[ - <why>]`: the register URL API's refusal. */
export function badRegisterField(field: string, why?: string): DarajaError {
  return {
    httpStatus: 400,
    errorCode: '400.003.02',
    errorMessage: `Bad Request - Invalid ${field}${why ? ` - ${why}` : ''}`,
  };
}

export interface RegisterRequest {
  shortCode: string;
  responseType: ResponseType;
  confirmationUrl: string;
  validationUrl: string;
}

export interface PaymentRequest {
  shortCode: string;
  commandId: C2bCommandId;
  amount: number;
  msisdn: string;
  billRefNumber: string;
}

const COMMAND_IDS: readonly string[] = ['CustomerPayBillOnline', 'CustomerBuyGoodsOnline'];
// "Avoid using keywords such as M-PESA, M-Pesa, mpesa, Safaricom, exe, exec, cmd, sql, query, or
// any of their variants in either upper or lower cases" (docs/daraja.md §7). `exe` covers exec.
const REFUSED_WORDS: ReadonlyArray<{ pattern: RegExp; word: string }> = [
  { pattern: /m[-_.\s]?pesa/i, word: 'MPESA' },
  { pattern: /safaricom/i, word: 'SAFARICOM' },
  { pattern: /exe/i, word: 'EXE' },
  { pattern: /cmd/i, word: 'CMD' },
  { pattern: /sql/i, word: 'SQL' },
  { pattern: /query/i, word: 'QUERY' },
];
// "An alpha-numeric value of up to 20 characters" (docs/daraja.md §7).
const BILL_REF_MAX_LENGTH = 20;

/** Where the register checks a URL and, when refused, why. */
export interface UrlRules {
  /** A production shortcode takes HTTPS only; the sandbox also HTTP (docs/daraja.md §7). */
  production: boolean;
  targets: CallbackTargets;
}

export type UrlRefusal = { kind: 'malformed' | 'word' | 'scheme' | 'target'; why?: string };

export function checkCallbackUrl(value: unknown, rules: UrlRules): { url: string } | UrlRefusal {
  if (typeof value !== 'string' || /\s/.test(value)) return { kind: 'malformed' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: 'malformed' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return { kind: 'malformed' };
  const refused = REFUSED_WORDS.find(({ pattern }) => pattern.test(value));
  if (refused) return { kind: 'word', why: `URL has the word ${refused.word}` };
  if (rules.production && url.protocol !== 'https:') return { kind: 'scheme' };
  // Not Daraja's rule (it posts anywhere public): simulator.callback-targets.ts says why.
  if (!rules.targets.allows(value)) return { kind: 'target' };
  return { url: value };
}

/** ResponseType "must be in sentence case and well-spelled" (docs/daraja.md §7): no `Canceled`. */
export function readResponseType(value: unknown): ResponseType | undefined {
  return value === 'Completed' || value === 'Cancelled' ? value : undefined;
}

/** The fields of a register URL body, in Daraja's order; URLs are checked by the caller. */
export function validateRegisterFields(
  body: Record<string, unknown>,
): Checked<{ shortCode: string; responseType: ResponseType }> {
  const shortCode = readShortCode(body.ShortCode);
  if (shortCode === undefined) return { ok: false, error: badRegisterField('ShortCode') };
  const responseType = readResponseType(body.ResponseType);
  if (responseType === undefined) return { ok: false, error: badRegisterField('ResponseType') };
  return { ok: true, value: { shortCode, responseType } };
}

function readWholeAmount(value: unknown): number | undefined {
  // "Only whole numbers are supported" (docs/daraja.md §7); a decimal is refused, never rounded.
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    const amount = Number(value);
    return Number.isSafeInteger(amount) && amount >= 1 ? amount : undefined;
  }
  return undefined;
}

function readBillRef(value: unknown): string | undefined {
  // "Usually null for till number" (docs/daraja.md §7): absent and null are an empty reference.
  if (value === undefined || value === null) return '';
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof text === 'string' && text.length <= BILL_REF_MAX_LENGTH ? text : undefined;
}

/**
 * A simulate body (Daraja's field names) or the customer action's (camelCase), checked field by
 * field in the same order; `names` maps each field to the name an error reports.
 */
export function validatePayment(
  body: Record<string, unknown>,
  names: Record<keyof PaymentRequest, string>,
): Checked<PaymentRequest> {
  const read = (field: keyof PaymentRequest) => body[names[field]];
  const invalid = (field: keyof PaymentRequest): Checked<PaymentRequest> => ({
    ok: false,
    error: invalidField(names[field]),
  });
  const shortCode = readShortCode(read('shortCode'));
  if (shortCode === undefined) return invalid('shortCode');
  const commandId = read('commandId');
  if (typeof commandId !== 'string' || !COMMAND_IDS.includes(commandId)) return invalid('commandId');
  const amount = readWholeAmount(read('amount'));
  if (amount === undefined) return invalid('amount');
  const msisdn = readMsisdn(read('msisdn'));
  if (msisdn === undefined) return invalid('msisdn');
  const billRefNumber = readBillRef(read('billRefNumber'));
  if (billRefNumber === undefined) return invalid('billRefNumber');
  return {
    ok: true,
    value: { shortCode, commandId: commandId as C2bCommandId, amount, msisdn, billRefNumber },
  };
}

export const SIMULATE_FIELDS: Record<keyof PaymentRequest, string> = {
  shortCode: 'ShortCode',
  commandId: 'CommandID',
  amount: 'Amount',
  msisdn: 'Msisdn',
  billRefNumber: 'BillRefNumber',
};

/** The path's version: `/mpesa/c2b/v1/...` or `/mpesa/c2b/v2/...`. */
export function versionOfPath(path: string): C2bVersion {
  return path.includes('/c2b/v1/') ? 'v1' : 'v2';
}
