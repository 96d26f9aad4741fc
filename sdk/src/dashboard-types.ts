// What the service answers about projects, dashboard sessions and users, a payment's history
// and a project's statistics, as its callers (the dashboard first) see them. Kept by hand in
// step with the server's response schemas; tests/sdk/view-types.test.ts fails the type-check
// when they drift apart.
import type { MpesaAccount } from './account-types.js';
import type { Transaction } from './types.js';
import type { WebhookEventType } from './webhook-types.js';

/** A key pair of one mode; the secret is shown only when issued. */
export interface ProjectKey {
  /** Sent as `X-Api-Key` on signed requests. */
  publicKey: string;
  /** ISO 8601: when this pair was issued (created or rotated). */
  createdAt: string;
}

/** A pair replaced by a roll with a grace period: it keeps working until `expiresAt`. */
export interface RetiringKey {
  mode: 'test' | 'live';
  publicKey: string;
  /** ISO 8601: when this pair was issued. */
  createdAt: string;
  /** ISO 8601: when a roll replaced it. */
  retiredAt: string;
  /** ISO 8601: when it stops working. */
  expiresAt: string;
}

/** A merchant project: its public keys and M-Pesa accounts (never a secret). */
export interface Project {
  /** `prj_…` */
  id: string;
  name: string;
  /** The public key of the deployment's default mode. */
  publicKey: string | null;
  /** The public key of each mode; null where none was issued yet. */
  keys: { test: ProjectKey | null; live: ProjectKey | null };
  /** Pairs replaced by a roll with a grace period that still work, soonest to stop first. */
  retiringKeys: RetiringKey[];
  /** Its M-Pesa accounts of both modes, masked. */
  accounts: MpesaAccount[];
  disabledAt: string | null;
  createdAt: string;
}

/** A new project (`POST /api/v1/projects`): its secret keys are shown only in this answer. */
export interface ProjectWithSecret {
  project: Project;
  /** The secret key of the deployment's default mode (the pair of `project.publicKey`). */
  secretKey: string;
  /** Both secret keys, by mode. */
  secretKeys: { test: string; live: string };
}

/**
 * A rotated key pair (`POST /api/v1/projects/:id/keys/rotate`). The old pair of this mode stopped
 * working at once, or works until `previous.expiresAt` when the roll gave it a grace period.
 */
export interface RotatedKeys {
  project: Project;
  mode: 'test' | 'live';
  publicKey: string;
  /** Shown only in this answer: store it now. */
  secretKey: string;
  /** The pair replaced and when it stops (now, without grace); null when the mode had none. */
  previous: { publicKey: string; expiresAt: string } | null;
}

/** The body of a key roll. */
export interface RotateKeysInput {
  /** Which pair; the deployment's default mode when left out. */
  mode?: 'test' | 'live';
  /** Seconds the old pair keeps working (0 to 604800); 0, the default, stops it at once. */
  graceSeconds?: number;
}

export type DashboardRole = 'operator' | 'member';

/** A person who signs in to the dashboard. */
export interface DashboardUser {
  /** `usr_…` */
  id: string;
  email: string;
  name: string;
  role: DashboardRole;
  /** A member's projects; empty for an operator (who sees all). */
  projectIds: string[];
  createdAt: string;
  disabledAt: string | null;
}

/** The signed-in user, its CSRF token and its projects (`GET /api/v1/dashboard/session`). */
export interface DashboardSession {
  user: DashboardUser;
  /** Send it as `X-CSRF-Token` on every state-changing request made with the session cookie. */
  csrfToken: string;
  /** ISO 8601: when the session ends if unused (moved forward while it is used). */
  expiresAt: string;
  /** The projects this user may see. */
  projects: Project[];
}

/** One status change of a payment, with who caused it. */
export interface StatusChange {
  fromStatus: string | null;
  toStatus: string;
  /** `initiate`, `callback`, `stk_query` (an STK Query answer), `push_refused`, `expiry`, … */
  source: string;
  resultCode: string | null;
  resultDesc: string | null;
  createdAt: string;
}

/** A callback Safaricom sent about a payment. */
export interface ReceivedCallback {
  /** `cbk_…` */
  id: string;
  /** `stk`, `c2b_confirmation`, `c2b_validation` or `c2b_pull` (a Pull Transactions row). */
  kind: 'stk' | 'c2b_confirmation' | 'c2b_validation' | 'c2b_pull';
  receivedAt: string;
  sourceIp: string;
  /** What it did to the payment (`applied`, `duplicate`, …). */
  outcome: string | null;
  /** The body as Safaricom sent it, phone numbers masked, cut at 4 KiB. */
  body: string;
}

/** A payment's status changes and the callbacks received for it (`GET /api/v1/transactions/:id/history`). */
export interface TransactionHistory {
  statusChanges: StatusChange[];
  callbacks: ReceivedCallback[];
}

/** One project's payments and webhooks in one mode over a time window (`GET /api/v1/stats`). */
export interface ProjectStats {
  window: { from: string; to: string };
  currency: 'KES';
  /** Payments created in the window, by their status now. */
  payments: {
    total: number;
    pending: number;
    completed: number;
    failed: number;
    cancelled: number;
    expired: number;
    /** Paid, then given back in full by a refund. */
    reversed: number;
  };
  /** Paid (completed, or completed and since reversed) out of those that ended (0..1); null when none ended. */
  successRate: number | null;
  /** Whole KES of the completed payments. */
  amountCollected: number;
  /** Why payments did not complete, most frequent first. */
  failureReasons: { code: string; message: string; count: number }[];
  /** From the push to the settlement of completed payments. */
  promptToPayment: { averageMs: number | null; maxMs: number | null };
  /** Payments whose callback never came in time: STK Query settled them. */
  settledByQuery: number;
  /** Payments the customer started (C2B: a till or PayBill paid from the M-Pesa menu); counted in `payments` too. */
  receivedByC2b: number;
  webhooks: {
    endpoints: number;
    enabled: number;
    /** Enabled endpoints failing now, those with a delivery failing and retrying included. */
    failing: number;
    /** Deliveries failing and retrying now. */
    retrying: number;
    /** ISO 8601: the soonest next attempt of those; null when none waits. */
    nextRetryAt: string | null;
    /** Created in the window; `retrying` is the part of `pending` that already failed once. */
    deliveries: { succeeded: number; failed: number; pending: number; retrying: number };
  };
}

/** What the project stream (Socket.io namespace `/projects`) sends to a project and mode's room. */
export interface ProjectStreamTransaction {
  transaction: Transaction;
}

/** An event recorded in the project's event log. */
export interface ProjectStreamEvent {
  /** `evt_…` */
  id: string;
  type: WebhookEventType;
  transactionId: string | null;
  createdAt: string;
  /** The webhook body as it is delivered, JSON text. */
  payload: string;
}

/** A callback as it arrived ("did Safaricom call me?"). */
export interface ProjectStreamCallback {
  /** `cbk_…`; null when the source was refused (nothing was stored). */
  id: string | null;
  /** The payment it concerns; null for a C2B validation (no payment exists yet). */
  transactionId: string | null;
  /** An STK callback, a C2B confirmation or validation, or a row Pull Transactions filled (the service always sends it). */
  kind?: 'stk' | 'c2b_confirmation' | 'c2b_validation' | 'c2b_pull';
  receivedAt: string;
  sourceIp: string;
  /** false: the source address is not on the allowlist (answered 403, not stored). */
  allowed: boolean;
  /** applied, enriched, duplicate, orphan, unreadable; `refused` when not allowed. */
  outcome: string;
  /** The body as text, phone numbers masked, cut at 4 KiB; empty when refused. */
  body: string;
}

/** One operator action in the audit trail (`GET /api/v1/audit`, operators only). */
export interface AuditEntry {
  /** `aud_…` */
  id: string;
  /** ISO 8601: when it was done. */
  at: string;
  /** Who: a dashboard user (its email), the admin token, or a public key. */
  actor: { kind: 'dashboard_user' | 'admin_token' | 'api_key'; id: string | null; label: string };
  /** What, e.g. `project.keys_rotated`, `mpesa_account.updated`, `event.resent`. */
  action: string;
  projectId: string | null;
  mode: string | null;
  /** What it was done to: a project, account, endpoint, user or event id. */
  targetId: string | null;
  /** The inputs that say what changed; secrets only as "(changed)". */
  details: Record<string, unknown>;
  /** Where from: the caller's address. */
  sourceIp: string | null;
  requestId: string | null;
}

export interface AuditPage {
  /** Newest first. */
  data: AuditEntry[];
  nextCursor: string | null;
}

/** One signed API request in the request log (`GET /api/v1/request-log`): never its body, headers or secrets. */
export interface RequestLogEntry {
  /** `rql_…` */
  id: string;
  /** ISO 8601: when the request arrived. */
  at: string;
  method: string;
  /** Without the query string; phone numbers masked. */
  path: string;
  /** The HTTP status answered. */
  status: number;
  /** The error code answered (`signature_invalid`, …); null for a success. */
  errorCode: string | null;
  /** From arrival to the last byte of the answer. */
  latencyMs: number;
  /** The `X-Request-Id` answered. */
  requestId: string;
  /** The public key the request was signed with. */
  publicKey: string;
}

export interface RequestLogPage {
  /** Newest first. */
  data: RequestLogEntry[];
  nextCursor: string | null;
}

/** One hour or day of East Africa Time in `GET /api/v1/stats/series`. */
export interface StatsPoint {
  /** ISO 8601 (UTC): when the bucket starts, a Nairobi hour or midnight. */
  start: string;
  /** Payments created in the bucket. */
  payments: number;
  completed: number;
  pending: number;
  /** Paid, then given back in full by a refund. */
  reversed: number;
  /** Failed, cancelled or expired. */
  notCompleted: number;
  /** Paid (completed, or completed and since reversed) out of those that ended (0..1); null when none ended. */
  successRate: number | null;
  /** Whole KES of the completed payments. */
  amountCollected: number;
}

/** One project's payments in one mode per hour or per day (`GET /api/v1/stats/series`). */
export interface ProjectStatsSeries {
  window: { from: string; to: string };
  bucket: 'hour' | 'day';
  timeZone: 'Africa/Nairobi';
  currency: 'KES';
  /** Every bucket of the window, oldest first, empty ones included. */
  points: StatsPoint[];
}
