// Safaricom's STK callback, read leniently: items by Name (never by index: Safaricom's own
// samples disagree on order and count), ResultCode as number or string, Balance with or
// without a Value, unknown fields ignored (docs/daraja.md §3).
import { wholeAmountOf } from '../payments/amount';

export { wholeAmountOf };
export interface StkCallback {
  merchantRequestId: string | undefined;
  checkoutRequestId: string | undefined;
  resultCode: string;
  resultDesc: string | undefined;
  /** Whole KES, exactly as reported; undefined when no amount, not a number, or not whole. */
  amount: number | undefined;
  mpesaReceiptNumber: string | undefined;
  transactionDate: string | undefined;
  phone: string | undefined;
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;

function metadataItems(stk: Record<string, unknown>): Map<string, unknown> {
  const items = new Map<string, unknown>();
  const metadata = stk.CallbackMetadata as { Item?: unknown } | undefined;
  // A list in Daraja's samples (docs/daraja.md §3); a relay may collapse a lone item into an
  // object, which is still that item (the receipt must not be lost).
  const item = metadata?.Item;
  const list: unknown[] = Array.isArray(item) ? item : item && typeof item === 'object' ? [item] : [];
  for (const item of list) {
    if (item && typeof item === 'object' && typeof (item as { Name?: unknown }).Name === 'string') {
      items.set((item as { Name: string }).Name, (item as { Value?: unknown }).Value);
    }
  }
  return items;
}

/** The callback's fields, or undefined when the body is not an STK callback at all. */
export function parseStkCallback(body: unknown): StkCallback | undefined {
  const stk = (body as { Body?: { stkCallback?: unknown } } | undefined)?.Body?.stkCallback;
  if (!stk || typeof stk !== 'object') return undefined;
  const fields = stk as Record<string, unknown>;
  const resultCode = asString(fields.ResultCode)?.trim();
  if (resultCode === undefined || resultCode === '') return undefined;
  const items = metadataItems(fields);
  return {
    merchantRequestId: asString(fields.MerchantRequestID),
    checkoutRequestId: asString(fields.CheckoutRequestID),
    resultCode,
    resultDesc: asString(fields.ResultDesc),
    amount: wholeAmountOf(items.get('Amount')),
    mpesaReceiptNumber: asString(items.get('MpesaReceiptNumber')),
    transactionDate: asString(items.get('TransactionDate')),
    phone: asString(items.get('PhoneNumber')),
  };
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
