// The Result Safaricom posts about a Transaction Status query, read leniently (docs/daraja.md §7
// "Transaction Status"): ResultCode as number or string, ResultParameter as a list or a lone
// object, each parameter by Key (never by position: Daraja's own sample names DebitPartyName
// twice), a Key without a Value, unknown fields ignored. And what it means for the query.
export interface TransactionStatusResult {
  resultCode: string;
  resultDesc: string | null;
  conversationId: string | null;
  /** Each Key's first Value, as text. */
  parameters: ReadonlyMap<string, string | undefined>;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;

function parametersOf(result: Record<string, unknown>): Map<string, string | undefined> {
  const parameters = new Map<string, string | undefined>();
  const list = (result.ResultParameters as { ResultParameter?: unknown } | undefined)?.ResultParameter;
  const items: unknown[] = Array.isArray(list) ? list : list && typeof list === 'object' ? [list] : [];
  for (const item of items) {
    const key = (item as { Key?: unknown } | null)?.Key;
    if (typeof key === 'string' && !parameters.has(key))
      parameters.set(key, text((item as { Value?: unknown }).Value));
  }
  return parameters;
}

/** The Result's fields; undefined when the body is not a Result at all. */
export function parseTransactionStatusResult(body: unknown): TransactionStatusResult | undefined {
  const result = (body as { Result?: unknown } | null | undefined)?.Result;
  if (!result || typeof result !== 'object') return undefined;
  const fields = result as Record<string, unknown>;
  const resultCode = text(fields.ResultCode)?.trim();
  if (resultCode === undefined || resultCode === '') return undefined;
  return {
    resultCode,
    resultDesc: text(fields.ResultDesc) ?? null,
    conversationId: text(fields.ConversationID) ?? null,
    parameters: parametersOf(fields),
  };
}

/** `ResultCode` 0: M-Pesa knows the receipt. 2032: it knows none by that number (a normal answer). */
export const FOUND = '0';
export const NOT_FOUND = '2032';

/** What a Result's code means for the merchant (failures only; found and not found are answers). */
const FAILURES: Record<string, { code: string; message: string }> = {
  '2001': {
    code: 'initiator_invalid',
    message: 'M-Pesa refused the initiator name or password (check initiatorName and initiatorPassword)',
  },
  '8006': {
    code: 'credential_locked',
    message:
      "M-Pesa locked the initiator's security credential after repeated failures: reset it in the M-Pesa org portal",
  },
};

export function failureOfResult(resultCode: string, resultDesc: string | null) {
  return (
    FAILURES[resultCode] ?? {
      code: 'mpesa_refused',
      message: resultDesc ?? `M-Pesa answered ResultCode ${resultCode}`,
    }
  );
}

/** An amount of whole KES ("300", "300.00"), or null: anything else stays as text only. */
export function wholeKes(value: string | undefined): number | null {
  const match = value === undefined ? null : /^(\d{1,12})(?:\.0{1,2})?$/.exec(value.trim());
  return match ? Number(match[1]) : null;
}
