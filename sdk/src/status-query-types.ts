// "Did receipt X pay us?" (Daraja's Transaction Status) as the SDK's callers see it. Kept by hand
// in step with src/status-queries/status-query.schema.ts; tests/sdk/view-types.test.ts fails the
// type-check when they drift apart.

export type StatusQueryStatus = 'pending' | 'found' | 'not_found' | 'failed' | 'timed_out';

/** One receipt asked of M-Pesa. `not_found` (ResultCode 2032) is an answer, not an error. */
export interface StatusQuery {
  /** `tsq_…` */
  id: string;
  /** The receipt asked about, upper case. */
  receipt: string;
  /** null: the deployment's own account. */
  accountId: string | null;
  shortcode: string;
  status: StatusQueryStatus;
  /** true when found, false for 2032, null while unknown or failed. */
  found: boolean | null;
  /** What M-Pesa says the receipt was, when found. */
  transaction: {
    receipt: string;
    /** Whole KES; null when M-Pesa reported something else (see amountText). */
    amount: number | null;
    amountText: string | null;
    status: string | null;
    debitParty: string | null;
    creditParty: string | null;
    /** YYYYMMDDHHmmss, East Africa Time. */
    initiatedTime: string | null;
    finalisedTime: string | null;
    reason: string | null;
  } | null;
  /** M-Pesa's ResultCode and ResultDesc, once its Result came. */
  result: { code: string; description: string | null } | null;
  /** `initiator_invalid` (2001), `credential_locked` (8006), `mpesa_refused`, `queue_timeout`, or the error a refused request mapped to. */
  failure: { code: string; message: string; darajaErrorCode: string | null } | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}
