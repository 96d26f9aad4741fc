// Daraja's AccountBalance result value: one string, accounts joined by `&`, fields by `|`
// (docs/daraja.md §7 "Account Balance"):
//   Working Account|KES|46713.00|46713.00|0.00|0.00&Utility Account|KES|49217.00|...
// read as name | currency | current | available | reserved | uncleared (an integrator's capture
// has current = available + reserved: "Working Account|KES|346568.83|6186.83|340382.00|0.00").
// Amounts become exact integer cents from their digits, never through a float. A string that
// does not read this way is refused whole, naming the part, rather than half-read. Pure.

export interface NamedBalance {
  /** As M-Pesa names it: "Working Account", "Utility Account", "Charges Paid Account", … */
  name: string;
  currency: string;
  currentCents: number;
  availableCents: number;
  reservedCents: number;
  unclearedCents: number;
}

export type ParsedBalances = { ok: true; accounts: NamedBalance[] } | { ok: false; problem: string };

const AMOUNT = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "46713.00" -> 4671300, "-220.5" -> -22050; undefined when it is not a plain decimal amount. */
export function centsOfAmount(text: string): number | undefined {
  const match = AMOUNT.exec(text.trim());
  if (!match) return undefined;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '0').padEnd(2, '0'));
  return match[1] === '-' && cents !== 0 ? -cents : cents;
}

export function parseAccountBalance(value: unknown): ParsedBalances {
  if (typeof value !== 'string' || value.trim() === '')
    return { ok: false, problem: 'AccountBalance is missing or not text' };
  const accounts: NamedBalance[] = [];
  const parts = value.split('&');
  for (const [index, part] of parts.entries()) {
    const fields = part.split('|').map((field) => field.trim());
    if (fields.length !== 6)
      return { ok: false, problem: `account ${index + 1} has ${fields.length} fields, not 6` };
    const [name, currency, ...amounts] = fields as [string, string, string, string, string, string];
    if (name === '') return { ok: false, problem: `account ${index + 1} has no name` };
    if (!/^[A-Z]{3}$/.test(currency))
      return { ok: false, problem: `${name}: currency "${currency}" is not a code` };
    const cents = amounts.map(centsOfAmount);
    const bad = cents.findIndex((amount) => amount === undefined);
    if (bad >= 0) return { ok: false, problem: `${name}: "${amounts[bad]}" is not an amount` };
    const [currentCents, availableCents, reservedCents, unclearedCents] = cents as number[];
    accounts.push({
      name,
      currency,
      currentCents: currentCents!,
      availableCents: availableCents!,
      reservedCents: reservedCents!,
      unclearedCents: unclearedCents!,
    });
  }
  return { ok: true, accounts };
}
