// Request checks in Daraja's order and wording. Daraja accepts numbers and numeric strings
// alike for the numeric fields (its own samples mix them, docs/daraja.md §2), so we do too.
import type { SimulatorMerchant } from './simulator.directory';
import { DARAJA_ERRORS, invalidField, type DarajaError } from './simulator.errors';

export type TransactionType = 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';

export interface StkPushRequest {
  businessShortCode: string;
  password: string;
  timestamp: string;
  transactionType: TransactionType;
  amount: number;
  partyA: string;
  partyB: string;
  phoneNumber: string;
  callbackUrl: string;
  accountReference: string;
  transactionDesc: string;
}

export interface StkQueryRequest {
  businessShortCode: string;
  password: string;
  timestamp: string;
  checkoutRequestId: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: DarajaError };

const TRANSACTION_TYPES: readonly string[] = ['CustomerPayBillOnline', 'CustomerBuyGoodsOnline'];
// 2541... numbers are real Safaricom lines although the docs still say 2547... (docs/daraja.md §8).
const MSISDN = /^254[17]\d{8}$/;

const invalid = <T>(field: string): Checked<T> => ({ ok: false, error: invalidField(field) });

/** A non-negative integer given as a JSON number or as a string of digits, as its digit string. */
function readDigits(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return undefined;
}

export function readShortCode(value: unknown): string | undefined {
  const digits = readDigits(value);
  return digits !== undefined && /^\d{5,7}$/.test(digits) ? digits : undefined;
}

/** The 12-digit MSISDN, or undefined when PartyA/PhoneNumber would be rejected. */
export function readMsisdn(value: unknown): string | undefined {
  const digits = readDigits(value);
  return digits !== undefined && MSISDN.test(digits) ? digits : undefined;
}

function readTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.UTC rolls 31 Feb over into March; a round trip catches every impossible date.
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrips ? value : undefined;
}

function readAmount(value: unknown): number | undefined {
  // Only whole shillings are documented; a decimal is refused rather than rounded (docs/daraja.md §9
  // leaves the real behaviour open, and refusing makes a client bug visible).
  const digits = readDigits(value);
  const amount = digits === undefined ? undefined : Number(digits);
  return amount !== undefined && Number.isSafeInteger(amount) && amount >= 1 ? amount : undefined;
}

function readCallbackUrl(value: unknown): string | undefined {
  // Daraja rejected URLs with stray spaces and unfilled `<placeholders>` (docs/daraja.md §2).
  if (typeof value !== 'string' || /\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

function readText(value: unknown, allowEmpty: boolean): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  return allowEmpty || value.trim() !== '' ? value : undefined;
}

/** Checks an STK Push body field by field; the first failure wins, as on Daraja. */
export function validateStkPush(body: Record<string, unknown>): Checked<StkPushRequest> {
  const businessShortCode = readShortCode(body.BusinessShortCode);
  if (businessShortCode === undefined) return invalid('BusinessShortCode');
  const timestamp = readTimestamp(body.Timestamp);
  if (timestamp === undefined) return invalid('Timestamp');
  const transactionType = body.TransactionType;
  if (typeof transactionType !== 'string' || !TRANSACTION_TYPES.includes(transactionType))
    return invalid('TransactionType');
  const amount = readAmount(body.Amount);
  if (amount === undefined) return invalid('Amount');
  const partyA = readMsisdn(body.PartyA);
  if (partyA === undefined) return invalid('PartyA');
  const partyB = readDigits(body.PartyB);
  if (partyB === undefined) return invalid('PartyB');
  const phoneNumber = readMsisdn(body.PhoneNumber);
  if (phoneNumber === undefined) return invalid('PhoneNumber');
  const callbackUrl = readCallbackUrl(body.CallBackURL);
  if (callbackUrl === undefined) return invalid('CallBackURL');
  const accountReference = readText(body.AccountReference, false);
  if (accountReference === undefined) return invalid('AccountReference');
  // Documented as optional, but a missing or null TransactionDesc is refused under the name
  // "Remarks" (observed 2026-08-17, docs/daraja.md §2). An empty string is not known to fail.
  const transactionDesc = readText(body.TransactionDesc, true);
  if (transactionDesc === undefined) return invalid('Remarks');
  return {
    ok: true,
    value: {
      businessShortCode,
      password: typeof body.Password === 'string' ? body.Password : '',
      timestamp,
      transactionType: transactionType as TransactionType,
      amount,
      partyA,
      partyB,
      phoneNumber,
      callbackUrl,
      accountReference,
      transactionDesc,
    },
  };
}

export function validateStkQuery(body: Record<string, unknown>): Checked<StkQueryRequest> {
  const businessShortCode = readShortCode(body.BusinessShortCode);
  if (businessShortCode === undefined) return invalid('BusinessShortCode');
  const timestamp = readTimestamp(body.Timestamp);
  if (timestamp === undefined) return invalid('Timestamp');
  const checkoutRequestId = readText(body.CheckoutRequestID, false);
  if (checkoutRequestId === undefined) return invalid('CheckoutRequestID');
  const password = typeof body.Password === 'string' ? body.Password : '';
  return { ok: true, value: { businessShortCode, password, timestamp, checkoutRequestId } };
}

/** Daraja's Password: base64 of shortcode, passkey and Timestamp concatenated as plain text. */
export function buildPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`).toString('base64');
}

/** Merchant checks come after field validation and answer 500, as on Daraja (docs/daraja.md §2). */
export function checkMerchant(
  merchant: SimulatorMerchant | undefined,
  request: { businessShortCode: string; password: string; timestamp: string },
): DarajaError | undefined {
  if (merchant === undefined) return DARAJA_ERRORS.merchantDoesNotExist;
  if (request.password !== buildPassword(request.businessShortCode, merchant.passkey, request.timestamp))
    return DARAJA_ERRORS.wrongCredentials;
  return undefined;
}
