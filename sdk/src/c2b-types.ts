// An account's C2B (till and PayBill payments the customer starts) as the service describes it
// (src/c2b/c2b.schema.ts): the registration, validation, and catch-up with Pull Transactions.

export type C2bVersion = 'v1' | 'v2';
export type C2bResponseType = 'Completed' | 'Cancelled';

export interface C2bValidationRules {
  billReferencePattern?: string | null;
  billReferences?: string[] | null;
  minAmount?: number | null;
  maxAmount?: number | null;
  /** Your own endpoint, called signed like webhooks. */
  url?: string | null;
}

export interface EnableC2bInput {
  /** The C2B product version enabled on your Daraja app. */
  version: C2bVersion;
  responseType?: C2bResponseType;
  validation?: C2bValidationRules | null;
}

export interface C2bSetting {
  accountId: string;
  enabled: boolean;
  version: C2bVersion | null;
  responseType: C2bResponseType | null;
  registeredAt: string | null;
  lastError: { code: string; message: string; darajaErrorCode: string | null; at: string } | null;
  validation: {
    enabled: boolean;
    billReferencePattern: string | null;
    billReferences: string[] | null;
    minAmount: number | null;
    maxAmount: number | null;
    url: string | null;
    timeoutMs: number;
  };
  pull: {
    enabled: boolean;
    nominatedNumber: string | null;
    registeredAt: string | null;
    lastPullAt: string | null;
    /** Payments the last pull filled in; null when it failed. */
    lastPullFilled: number | null;
    lastPullError: string | null;
  };
}

export interface C2bSettingResult {
  c2b: C2bSetting;
  /** Shown once, when a new validation url is set. */
  validationSecret?: string;
}

export interface SetC2bPullInput {
  enabled: boolean;
  /** Required to switch it on: the Safaricom number nominated for the shortcode. */
  nominatedNumber?: string;
}

/** What one pull found and filled in (`POST /api/v1/mpesa-accounts/:id/c2b/pull/runs`). */
export interface C2bPullRun {
  accountId: string;
  window: { from: string; to: string };
  pages: number;
  rows: number;
  filled: number;
  alreadyHeld: number;
  unreadable: number;
  at: string;
}
