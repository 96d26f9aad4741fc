// Safaricom's C2B confirmation and validation bodies, read leniently (docs/daraja.md §7): flat
// JSON, fields by name, strings or numbers, unknown fields ignored. `TransAmount` is text
// ("5.00"); it is read exactly, never through a float. The MSISDN comes clear, masked (v2:
// "2547 ***** 126") or as a SHA-256 hash (v1), and is kept in the form it came.
import { normalizeKenyanPhone } from '../payments/phone';
import type { C2bPayment } from '../payments/c2b.receive';
import type { MsisdnForm } from '../payments/c2b.details';

/** A field kept for people to read: bounded, so a huge value is not a detail of a payment. */
const MAX_FIELD_CHARS = 200;
/** A receipt: letters and digits (RKL51ZDR4F), bounded. */
const TRANS_ID = /^[0-9A-Za-z]{1,40}$/;
// A decimal number as text: digits, optionally a fraction. Not hex, not an exponent, not a sign.
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,15}))?$/;
const DARAJA_TIME = /^\d{14}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export type ParsedC2b =
  | { ok: true; payment: C2bPayment; raw: Record<string, unknown> }
  | { ok: false; reason: 'malformed_body' | 'missing_trans_id' | 'bad_amount' };

const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.slice(0, MAX_FIELD_CHARS);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

/** `text`, with an empty or blank value read as absent (Daraja sends "" for fields it has not). */
const present = (value: unknown): string | null => {
  const read = text(value)?.trim();
  return read ? read : null;
};

/** TransAmount exactly: whole KES when the fraction is zero ("5.00", "10"), else only its shillings. */
export function amountOf(
  value: unknown,
): { reported: string; wholeKes?: number; shillings: number } | undefined {
  const reported = typeof value === 'number' && Number.isFinite(value) ? String(value) : text(value)?.trim();
  const decimal = reported === undefined ? null : DECIMAL.exec(reported);
  if (!reported || !decimal) return undefined;
  const shillings = Number(decimal[1]);
  if (!Number.isSafeInteger(shillings)) return undefined;
  const whole = !/[1-9]/.test(decimal[2] ?? '');
  return whole ? { reported, wholeKes: shillings, shillings } : { reported, shillings };
}

/** The payer's MSISDN as kept, and its form: a number is normalised, anything else kept as sent. */
export function msisdnOf(value: unknown): { phone: string; form: MsisdnForm } {
  const sent = present(value);
  if (sent === null) return { phone: '', form: 'absent' };
  if (SHA256_HEX.test(sent)) return { phone: sent.toLowerCase(), form: 'hashed' };
  const clear = normalizeKenyanPhone(sent);
  if (clear) return { phone: clear, form: 'clear' };
  return { phone: sent, form: 'masked' };
}

/** "Pay Bill" or "Buy Goods" (any spacing or case); null when it says neither. */
function channelOf(transactionType: string | null): 'paybill' | 'till' | null {
  const type = (transactionType ?? '').replace(/\s+/g, '').toLowerCase();
  if (type.includes('buygoods')) return 'till';
  if (type.includes('paybill')) return 'paybill';
  return null;
}

function objectOf(rawBody: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(rawBody.toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What a confirmation (or validation) body says; a refusal reason when it is not one. */
export function parseC2bBody(rawBody: Buffer): ParsedC2b {
  const raw = objectOf(rawBody);
  if (!raw) return { ok: false, reason: 'malformed_body' };
  const transId = text(raw.TransID)?.trim();
  if (!transId || !TRANS_ID.test(transId)) return { ok: false, reason: 'missing_trans_id' };
  const amount = amountOf(raw.TransAmount);
  if (!amount) return { ok: false, reason: 'bad_amount' };
  const transTime = present(raw.TransTime);
  const msisdn = msisdnOf(raw.MSISDN);
  const transactionType = present(raw.TransactionType);
  return {
    ok: true,
    raw,
    payment: {
      transId,
      transTime: transTime && DARAJA_TIME.test(transTime) ? transTime : null,
      wholeKes: amount.wholeKes,
      shillings: amount.shillings,
      channel: channelOf(transactionType),
      phone: msisdn.phone,
      details: {
        transactionType,
        businessShortCode: present(raw.BusinessShortCode),
        billReference: present(raw.BillRefNumber),
        invoiceNumber: present(raw.InvoiceNumber),
        thirdPartyTransId: present(raw.ThirdPartyTransID),
        msisdn: msisdn.form === 'absent' ? null : msisdn.phone,
        msisdnForm: msisdn.form,
        firstName: present(raw.FirstName),
        middleName: present(raw.MiddleName),
        lastName: present(raw.LastName),
        orgAccountBalance: present(raw.OrgAccountBalance),
        amountReported: amount.reported,
        amountWholeKes: amount.wholeKes !== undefined,
      },
    },
  };
}
