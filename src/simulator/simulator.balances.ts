// Each simulated shortcode's accounts, so "insufficient funds" can happen as on M-Pesa: B2C
// pays from the Utility account, not the Working (MMF) one (Daraja's B2C FAQ, docs/daraja.md
// "Payouts (B2C)"). Exact cents. Every shortcode starts with DEFAULT_BALANCES; a test or a demo
// sets its own through the simulator's control path (simulator.routes.ts).

export interface Balances {
  /** Cents. B2C payouts are debited here. */
  utilityCents: number;
  /** Cents. The Working (MMF) account: not touched by B2C. */
  workingCents: number;
  /** Cents, zero or negative: what the account owes in charges. */
  chargesPaidCents: number;
}

export const DEFAULT_BALANCES: Readonly<Balances> = {
  utilityCents: 1_000_000_00,
  workingCents: 500_000_00,
  chargesPaidCents: 0,
};

export interface BalanceBook {
  of(shortcode: string): Balances;
  set(shortcode: string, balances: Partial<Balances>): Balances;
  /** Takes `cents` from the Utility account when it holds them; false (nothing taken) when not. */
  debitUtility(shortcode: string, cents: number): boolean;
}

export function createBalanceBook(): BalanceBook {
  const books = new Map<string, Balances>();
  const of = (shortcode: string): Balances => {
    let balances = books.get(shortcode);
    if (!balances) {
      balances = { ...DEFAULT_BALANCES };
      books.set(shortcode, balances);
    }
    return balances;
  };
  return {
    of: (shortcode) => ({ ...of(shortcode) }),
    set(shortcode, changes) {
      const balances = of(shortcode);
      Object.assign(balances, changes);
      return { ...balances };
    },
    debitUtility(shortcode, cents) {
      const balances = of(shortcode);
      if (balances.utilityCents < cents) return false;
      balances.utilityCents -= cents;
      return true;
    },
  };
}

/** Cents as Daraja writes an amount in a result: a number with two decimals (8959269.6 for 8959269.60). */
export const kes = (cents: number) => Number((cents / 100).toFixed(2));
