// Safaricom's STK callback, read leniently: items by Name (never by index: Safaricom's own
// samples disagree on order and count), ResultCode as number or string, Balance with or
// without a Value, unknown fields ignored (docs/daraja.md §3).
export interface StkCallback {
  merchantRequestId: string | undefined;
  checkoutRequestId: string | undefined;
  resultCode: string;
  resultDesc: string | undefined;
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
  const list = Array.isArray(metadata?.Item) ? metadata.Item : [];
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
  const amount = Number(items.get('Amount'));
  return {
    merchantRequestId: asString(fields.MerchantRequestID),
    checkoutRequestId: asString(fields.CheckoutRequestID),
    resultCode,
    resultDesc: asString(fields.ResultDesc),
    amount: items.has('Amount') && Number.isFinite(amount) ? amount : undefined,
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
