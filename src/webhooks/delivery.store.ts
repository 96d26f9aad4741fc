// Durable webhook deliveries: claim what is due, record each attempt. A claim is a lease
// (lockedUntil), taken atomically, so several workers or instances never send one delivery
// at the same time, and a worker that dies mid-delivery only delays it until the lease ends.
// Two implementations for the same reason as the payment store (db/payment-store.ts): raw
// SQLite on the embedded default, Prisma with FOR UPDATE SKIP LOCKED on PostgreSQL.
import type { NewEvent } from '../events/event.types';

export interface ClaimedDelivery {
  id: string;
  /** Attempts including the one this claim is for. */
  attempts: number;
  eventId: string;
  eventType: string;
  payload: string;
  endpoint: {
    id: string;
    projectId: string;
    url: string;
    secretEnc: string;
    previousSecretEnc: string | null;
    previousSecretExpiresAt: Date | null;
    failingSince: Date | null;
  };
}

export interface AttemptRecord {
  id: string;
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
}

export type DeliveryOutcome = { kind: 'succeeded' } | { kind: 'retry'; at: Date } | { kind: 'failed' };

/** What an attempt does to its endpoint: start or end a run of failures, or disable it. */
export interface EndpointChange {
  failingSince?: Date | null;
  disable?: { reason: 'gone' | 'failing'; event: NewEvent };
}

/** The delivery's columns after an attempt: the same on both databases. */
export function deliveryAfter(attempt: AttemptRecord, outcome: DeliveryOutcome) {
  return {
    status: outcome.kind === 'retry' ? 'pending' : outcome.kind,
    nextAttemptAt: outcome.kind === 'retry' ? outcome.at : undefined,
    lockedUntil: null,
    lastStatusCode: attempt.statusCode,
    lastError: attempt.error,
    completedAt: outcome.kind === 'retry' ? undefined : attempt.attemptedAt,
  };
}

export interface DeliveryStore {
  claimDue(limit: number, now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]>;
  recordAttempt(attempt: AttemptRecord, outcome: DeliveryOutcome, endpointChange: EndpointChange): Promise<void>;
}
