// What the simulated M-Pesa knows about C2B, per Daraja app (consumer key): the app's C2B product
// version, each shortcode's settings, the URLs registered for it, its balance and the payments
// made to it. Two projects holding the same shortcode are two apps, so neither sees the other's
// registration, exactly as STK merchants are kept apart (simulator.directory.ts).

/** The C2B product an app is subscribed to; the other version's paths answer 401.003.01 (docs/daraja.md §7). */
export type C2bVersion = 'v1' | 'v2';
/** What M-Pesa does when the ValidationURL does not answer in time (docs/daraja.md §7). */
export type ResponseType = 'Completed' | 'Cancelled';
/** How the payer's MSISDN is written in validation and confirmation bodies (docs/daraja.md §7). */
export type MsisdnForm = 'hashed' | 'masked' | 'clear';
export type C2bCommandId = 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';

export interface C2bRegistration {
  shortCode: string;
  /** The register path's version: it decides the MSISDN form of the bodies (v1 hashed, v2 masked). */
  version: C2bVersion;
  responseType: ResponseType;
  confirmationUrl: string;
  validationUrl: string;
  registeredAt: string;
}

export interface ShortCodeSettings {
  /** Safaricom enables External Validation per shortcode, on request; off by default (docs/daraja.md §7). */
  externalValidation: boolean;
  /** Overrides the registration version's MSISDN form (`clear` is what no public Daraja version sends). */
  msisdnForm?: MsisdnForm;
  /** Production registers URLs once and takes HTTPS only; the sandbox re-registers freely (docs/daraja.md §7). */
  production: boolean;
}

export type ValidationOutcome =
  | { requested: false; reason: 'external validation is off' | 'no URLs registered' }
  | {
      requested: true;
      /** `default`: the ValidationURL failed (timeout, error, no ResultCode) and ResponseType decided. */
      decision: 'accepted' | 'rejected' | 'default';
      resultCode?: string;
      resultDesc?: string;
      thirdPartyTransId?: string;
      httpStatus?: number;
      failure?: string;
      responseType: ResponseType;
    };

export type DeliveryOutcome =
  { sent: false; reason: string } | { sent: true; delivered: boolean; httpStatus?: number; failure?: string };

/** One customer payment and what M-Pesa did with it; what the simulator's admin API shows. */
export interface C2bPaymentRecord {
  transId: string;
  shortCode: string;
  commandId: C2bCommandId;
  amount: number;
  billRefNumber: string;
  /** `simulate`: Daraja's simulate API; `customer`: the simulator's own "customer pays" action. */
  via: 'simulate' | 'customer';
  at: string;
  status: 'completed' | 'cancelled';
  validation: ValidationOutcome;
  confirmation: DeliveryOutcome;
}

/**
 * A completed payment as M-Pesa's books keep it, for Pull Transactions (simulator.pull.ts): the
 * payer's number in clear, whatever form the confirmation carried (docs/daraja.md §7 "Pull").
 */
export interface C2bLedgerEntry {
  transId: string;
  shortCode: string;
  commandId: C2bCommandId;
  amount: number;
  billRefNumber: string;
  msisdn: string;
  /** When M-Pesa completed it (epoch ms). */
  at: number;
}

/** An app's Pull registration of a shortcode (`/pulltransactions/v1/register`). */
export interface PullRegistration {
  shortCode: string;
  nominatedNumber: string;
  callbackUrl: string;
  registeredAt: string;
}

/** Rows per Pull answer page when the app sets none: what the simulator assumes of Daraja (docs/daraja.md §7 "Pull"). */
export const DEFAULT_PULL_PAGE_SIZE = 1000;

// Bounded like the STK payment store: long demo runs must not grow the process without limit.
const MAX_REMEMBERED_PAYMENTS = 10_000;

interface AppState {
  productVersion: C2bVersion;
  shortCodes: Map<string, ShortCodeSettings>;
  registrations: Map<string, C2bRegistration>;
  /** Utility account balance per shortcode, in cents: OrgAccountBalance after each payment. */
  balancesCents: Map<string, number>;
  pullRegistrations: Map<string, PullRegistration>;
  /** Rows per Pull answer page (a knob for tests and demos: paging without 1000 payments). */
  pullPageSize: number;
}

const DEFAULT_SHORTCODE_SETTINGS: ShortCodeSettings = { externalValidation: false, production: false };

export interface C2bState {
  productVersion(app: string): C2bVersion;
  setProductVersion(app: string, version: C2bVersion): void;
  shortCodeSettings(app: string, shortCode: string): ShortCodeSettings;
  updateShortCode(app: string, shortCode: string, change: Partial<ShortCodeSettings>): ShortCodeSettings;
  /** Every shortcode the app has settings or URLs for. */
  knownShortCodes(app: string): string[];
  registration(app: string, shortCode: string): C2bRegistration | undefined;
  register(app: string, registration: C2bRegistration): void;
  /** Daraja's self-service URL deletion; true when there was something to delete. */
  deleteRegistration(app: string, shortCode: string): boolean;
  /** The apps that registered URLs for a shortcode (the customer pays a number, not an app). */
  appsRegistering(shortCode: string): string[];
  /** Adds a payment to the shortcode's balance and answers the new balance in cents. */
  credit(app: string, shortCode: string, amountCents: number): number;
  record(app: string, payment: C2bPaymentRecord): void;
  payments(app: string): C2bPaymentRecord[];
  /** Keeps a completed payment in M-Pesa's books (what Pull answers). */
  book(app: string, entry: C2bLedgerEntry): void;
  /** The app's completed payments to a shortcode, oldest first. */
  booked(app: string, shortCode: string): C2bLedgerEntry[];
  pullRegistration(app: string, shortCode: string): PullRegistration | undefined;
  registerPull(app: string, registration: PullRegistration): void;
  pullPageSize(app: string): number;
  setPullPageSize(app: string, size: number): void;
}

export function createC2bState(defaultVersion: C2bVersion): C2bState {
  const apps = new Map<string, AppState>();
  const payments: Array<{ app: string; payment: C2bPaymentRecord }> = [];
  const books: Array<{ app: string; entry: C2bLedgerEntry }> = [];

  function app(key: string): AppState {
    let state = apps.get(key);
    if (!state) {
      state = {
        productVersion: defaultVersion,
        shortCodes: new Map(),
        registrations: new Map(),
        balancesCents: new Map(),
        pullRegistrations: new Map(),
        pullPageSize: DEFAULT_PULL_PAGE_SIZE,
      };
      apps.set(key, state);
    }
    return state;
  }

  return {
    productVersion: (key) => apps.get(key)?.productVersion ?? defaultVersion,
    setProductVersion(key, version) {
      app(key).productVersion = version;
    },
    shortCodeSettings: (key, shortCode) =>
      apps.get(key)?.shortCodes.get(shortCode) ?? { ...DEFAULT_SHORTCODE_SETTINGS },
    updateShortCode(key, shortCode, change) {
      const state = app(key);
      const next = { ...(state.shortCodes.get(shortCode) ?? DEFAULT_SHORTCODE_SETTINGS), ...change };
      if (next.msisdnForm === undefined) delete next.msisdnForm;
      state.shortCodes.set(shortCode, next);
      return { ...next };
    },
    knownShortCodes(key) {
      const state = apps.get(key);
      return state
        ? [
            ...new Set([
              ...state.shortCodes.keys(),
              ...state.registrations.keys(),
              ...state.pullRegistrations.keys(),
            ]),
          ].sort()
        : [];
    },
    registration: (key, shortCode) => apps.get(key)?.registrations.get(shortCode),
    register(key, registration) {
      app(key).registrations.set(registration.shortCode, registration);
    },
    deleteRegistration: (key, shortCode) => apps.get(key)?.registrations.delete(shortCode) ?? false,
    appsRegistering: (shortCode) =>
      [...apps].filter(([, state]) => state.registrations.has(shortCode)).map(([key]) => key),
    credit(key, shortCode, amountCents) {
      const balances = app(key).balancesCents;
      const balance = (balances.get(shortCode) ?? 0) + amountCents;
      balances.set(shortCode, balance);
      return balance;
    },
    record(key, payment) {
      payments.push({ app: key, payment });
      if (payments.length > MAX_REMEMBERED_PAYMENTS) payments.shift();
    },
    payments: (key) => payments.filter((entry) => entry.app === key).map((entry) => entry.payment),
    book(key, entry) {
      books.push({ app: key, entry });
      if (books.length > MAX_REMEMBERED_PAYMENTS) books.shift();
    },
    booked: (key, shortCode) =>
      books
        .filter((kept) => kept.app === key && kept.entry.shortCode === shortCode)
        .map((kept) => kept.entry),
    pullRegistration: (key, shortCode) => apps.get(key)?.pullRegistrations.get(shortCode),
    registerPull(key, registration) {
      app(key).pullRegistrations.set(registration.shortCode, registration);
    },
    pullPageSize: (key) => apps.get(key)?.pullPageSize ?? DEFAULT_PULL_PAGE_SIZE,
    setPullPageSize(key, size) {
      app(key).pullPageSize = size;
    },
  };
}
