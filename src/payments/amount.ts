// Amounts as Safaricom reports them (a callback's Amount, a result's TransactionAmount): read
// exactly, never rounded. Shared by every reader of Daraja's bodies.

// A decimal number as text: digits, optionally a fraction. Not hex ("0x0A"), not an exponent,
// not a sign: an amount paid is none of those. Bounded, so a huge string is not an amount.
const DECIMAL = /^(\d{1,15})(?:\.(\d{1,15}))?$/;

/**
 * Only a JSON number or a decimal string is an amount (Daraja sends 1 or 1.00, docs/daraja.md
 * §3); `true`, `[10]`, `"0x0A"` are not. Whole KES, or undefined: "9.6" is never rounded into a
 * whole amount that would then count as verified (the stored callback keeps it as sent).
 */
export function wholeAmountOf(value: unknown): number | undefined {
  let text: string | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'string') text = value.trim();
  const decimal = text === undefined ? null : DECIMAL.exec(text);
  if (!decimal || /[1-9]/.test(decimal[2] ?? '')) return undefined;
  const whole = Number(decimal[1]);
  return Number.isSafeInteger(whole) ? whole : undefined;
}
