// Durable webhook deliveries: claim what is due, record each attempt, read the history. A claim
// is a lease (lockedUntil) taken atomically, so several workers or instances never send one
// delivery at the same time, and a worker that dies mid-delivery only delays it until the
// lease ends.
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { DB, DeliveryAttempt, WebhookDelivery } from '../db/database.types';
import { recordEvents } from '../payments/event.repository';
import type { NewDelivery, NewEvent } from '../payments/event.types';
import { idTimePart } from '../ids';
import type { Mode } from '../core/scope';
import { pickFairly, type FairnessLimits } from './delivery.fairness';

export type DeliveryRow = Selectable<WebhookDelivery>;
export type AttemptRow = Selectable<DeliveryAttempt>;
export type AttemptRecord = AttemptRow;

export interface ClaimedDelivery {
  id: string;
  /** Attempts including the one this claim is for. */
  attempts: number;
  eventId: string;
  eventType: string;
  payload: string;
  /** When this attempt was due (its lag is measured from here). */
  dueAt: Date;
  endpoint: {
    id: string;
    projectId: string;
    mode: Mode;
    url: string;
    secretEnc: string;
    previousSecretEnc: string | null;
    previousSecretExpiresAt: Date | null;
    failingSince: Date | null;
  };
}

export type DeliveryOutcome = { kind: 'succeeded' } | { kind: 'retry'; at: Date } | { kind: 'failed' };

/** What an attempt does to its endpoint: start or end a run of failures, or disable it. */
export interface EndpointChange {
  failingSince?: Date | null;
  disable?: { reason: 'gone' | 'failing'; event: NewEvent };
}

export interface AttemptResult {
  attempt: AttemptRecord;
  endpointId: string;
  outcome: DeliveryOutcome;
  endpointChange: EndpointChange;
}

/**
 * Takes up to `limit` due deliveries of live endpoints, leased until `leaseUntil`, fairly
 * (delivery.fairness.ts): at most `perEndpoint` in flight per endpoint and `perProject` per
 * project and mode, projects in turn; only endpoints of `mode` when given. The candidates are
 * read first (at most min(perEndpoint, limit) per endpoint, so a backlog of one endpoint is never
 * all read), then leased by an UPDATE that checks again that each is still due and unleased: of
 * two workers picking one row, one takes it. On PostgreSQL the rows are locked with SKIP LOCKED,
 * so concurrent workers never wait for each other; SQLite has one writer. Two instances reading
 * the counts at the same moment may together pass a cap, by at most one batch each.
 */
export async function claimDueDeliveries(
  tx: Queryable,
  limit: number,
  now: Date,
  leaseUntil: Date,
  fairness: { mode?: Mode; limits?: FairnessLimits } = {},
): Promise<ClaimedDelivery[]> {
  const limits = fairness.limits ?? { perEndpoint: limit, perProject: limit };
  const perEndpointRead = Math.max(1, Math.min(limits.perEndpoint, limit));
  let ranked = tx.qb
    .selectFrom('WebhookDelivery as d')
    .innerJoin('WebhookEndpoint as e', 'e.id', 'd.endpointId')
    .select(['d.id', 'd.endpointId', 'e.projectId', 'e.mode', 'd.nextAttemptAt'])
    .select((eb) =>
      eb.fn
        .agg<number>('row_number')
        .over((ob) => ob.partitionBy('d.endpointId').orderBy('d.nextAttemptAt').orderBy('d.id'))
        .as('endpointRank'),
    )
    .where('d.status', '=', 'pending')
    .where('d.nextAttemptAt', '<=', now)
    .where((eb) => eb.or([eb('d.lockedUntil', 'is', null), eb('d.lockedUntil', '<=', now)]))
    .where('e.enabled', '=', true)
    .where('e.deletedAt', 'is', null);
  if (fairness.mode) ranked = ranked.where('e.mode', '=', fairness.mode);
  const due = await tx.all(
    tx.qb
      .selectFrom(ranked.as('r'))
      .selectAll()
      .where('r.endpointRank', '<=', perEndpointRead)
      .orderBy('r.nextAttemptAt')
      .orderBy('r.id'),
  );
  if (due.length === 0) return [];
  let leased = tx.qb
    .selectFrom('WebhookDelivery as d')
    .innerJoin('WebhookEndpoint as e', 'e.id', 'd.endpointId')
    .select(['d.endpointId', 'e.projectId', 'e.mode'])
    .select((eb) => eb.fn.countAll<number>().as('inFlight'))
    .where('d.status', '=', 'pending')
    .where('d.lockedUntil', '>', now)
    .groupBy(['d.endpointId', 'e.projectId', 'e.mode']);
  if (fairness.mode) leased = leased.where('e.mode', '=', fairness.mode);
  const byEndpoint = new Map<string, number>();
  const byProject = new Map<string, number>();
  for (const row of await tx.all(leased)) {
    const key = `${row.projectId}:${row.mode}`;
    byEndpoint.set(row.endpointId, (byEndpoint.get(row.endpointId) ?? 0) + Number(row.inFlight));
    byProject.set(key, (byProject.get(key) ?? 0) + Number(row.inFlight));
  }
  const picked = pickFairly(
    due.map((row) => ({ id: row.id, endpointId: row.endpointId, projectId: `${row.projectId}:${row.mode}` })),
    { byEndpoint, byProject },
    limits,
    limit,
  );
  if (picked.length === 0) return [];
  const stillFree = tx.qb
    .selectFrom('WebhookDelivery as d')
    .select('d.id')
    .where('d.id', 'in', picked)
    .where('d.status', '=', 'pending')
    .where('d.nextAttemptAt', '<=', now)
    .where((eb) => eb.or([eb('d.lockedUntil', 'is', null), eb('d.lockedUntil', '<=', now)]));
  const claimed = await tx.all(
    tx.qb
      .updateTable('WebhookDelivery')
      .set((eb) => ({ lockedUntil: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', tx.engine === 'postgres' ? stillFree.forUpdate(['d']).skipLocked() : stillFree)
      .returning(['id', 'attempts']),
  );
  if (claimed.length === 0) return [];
  const details = await tx.all(
    tx.qb
      .selectFrom('WebhookDelivery as d')
      .innerJoin('Event as ev', 'ev.id', 'd.eventId')
      .innerJoin('WebhookEndpoint as e', 'e.id', 'd.endpointId')
      .select([
        'd.id',
        'd.eventId',
        'ev.type',
        'ev.payload',
        'e.id as endpointId',
        'e.projectId',
        'e.mode',
        'e.url',
        'e.secretEnc',
        'e.previousSecretEnc',
      ])
      .select(['e.previousSecretExpiresAt', 'e.failingSince', 'd.nextAttemptAt'])
      .where(
        'd.id',
        'in',
        claimed.map((row) => row.id),
      )
      .orderBy('d.id'),
  );
  const attempts = new Map(claimed.map((row) => [row.id, Number(row.attempts)]));
  return details.map((row) => ({
    id: row.id,
    attempts: attempts.get(row.id)!,
    eventId: row.eventId,
    eventType: row.type,
    payload: row.payload,
    dueAt: row.nextAttemptAt,
    endpoint: {
      id: row.endpointId,
      projectId: row.projectId,
      mode: row.mode as Mode,
      url: row.url,
      secretEnc: row.secretEnc,
      previousSecretEnc: row.previousSecretEnc,
      previousSecretExpiresAt: row.previousSecretExpiresAt,
      failingSince: row.failingSince,
    },
  }));
}

/** The delivery's columns after an attempt. */
function deliveryAfter(attempt: AttemptRecord, outcome: DeliveryOutcome) {
  return {
    status: outcome.kind === 'retry' ? 'pending' : outcome.kind,
    nextAttemptAt: outcome.kind === 'retry' ? outcome.at : undefined,
    lockedUntil: null,
    lastStatusCode: attempt.statusCode,
    lastError: attempt.error,
    completedAt: outcome.kind === 'retry' ? undefined : attempt.attemptedAt,
  };
}

/** Records attempts (of several deliveries at once): the attempt log, the delivery, its endpoint. */
export async function recordAttempts(tx: Queryable, results: readonly AttemptResult[]): Promise<void> {
  if (results.length === 0) return;
  await tx.run(tx.qb.insertInto('DeliveryAttempt').values(results.map((result) => result.attempt)));
  const disabledEvents: NewEvent[] = [];
  for (const { attempt, outcome, endpointId, endpointChange } of results) {
    await tx.run(
      tx.qb
        .updateTable('WebhookDelivery')
        .set(deliveryAfter(attempt, outcome))
        .where('id', '=', attempt.deliveryId),
    );
    if (endpointChange.disable) {
      const disabled = await tx.run(
        tx.qb
          .updateTable('WebhookEndpoint')
          .set({
            enabled: false,
            disabledReason: endpointChange.disable.reason,
            updatedAt: attempt.attemptedAt,
          })
          .where('id', '=', endpointId)
          .where('enabled', '=', true),
      );
      if (disabled === 1) disabledEvents.push(endpointChange.disable.event);
    } else if (endpointChange.failingSince !== undefined) {
      await tx.run(
        tx.qb
          .updateTable('WebhookEndpoint')
          .set({ failingSince: endpointChange.failingSince })
          .where('id', '=', endpointId),
      );
    }
  }
  await recordEvents(tx, disabledEvents);
}

/** The delivery's last attempt did not get a 2xx (network error, or another status). */
export const lastAttemptFailed = (eb: ExpressionBuilder<DB, 'WebhookDelivery'>) =>
  eb.or([
    eb('WebhookDelivery.lastError', 'is not', null),
    eb('WebhookDelivery.lastStatusCode', '<', 200),
    eb('WebhookDelivery.lastStatusCode', '>=', 300),
  ]);

/** Per endpoint: deliveries that failed at least once and wait for their next attempt. */
export interface Retrying {
  retrying: number;
  nextRetryAt: Date | null;
}
export const NOT_RETRYING: Retrying = { retrying: 0, nextRetryAt: null };

/**
 * Deliveries failing and retrying, by endpoint: pending, and their last attempt failed (an
 * attempt in flight is counted once it fails: `attempts` goes up when one is claimed, so it
 * cannot tell). Honest health counts them as failing: a retry is a failure not given up yet.
 */
export async function retryingByEndpoint(
  q: Queryable,
  endpointIds: readonly string[],
): Promise<Map<string, Retrying>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await q.all(
    q.qb
      .selectFrom('WebhookDelivery')
      .select((eb) => [
        'endpointId',
        eb.fn.countAll<number>().as('retrying'),
        eb.fn.min('nextAttemptAt').as('nextRetryAt'),
      ])
      .where('status', '=', 'pending')
      .where(lastAttemptFailed)
      .where('endpointId', 'in', [...endpointIds])
      .groupBy('endpointId'),
  );
  return new Map(
    rows.map((row) => [
      row.endpointId,
      {
        retrying: Number(row.retrying),
        // An aggregate is not converted by column name on SQLite: ISO text there, a Date on PostgreSQL.
        nextRetryAt: row.nextRetryAt === null ? null : new Date(row.nextRetryAt as unknown as string),
      },
    ]),
  );
}

export function listEndpointDeliveries(
  q: Queryable,
  endpointId: string,
  filters: { status?: string; before?: string; limit: number },
): Promise<DeliveryRow[]> {
  let query = q.qb.selectFrom('WebhookDelivery').selectAll().where('endpointId', '=', endpointId);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.before) query = query.where('id', '<', filters.before);
  return q.all(query.orderBy('id', 'desc').limit(filters.limit));
}

/** An event's deliveries, each with its attempts in order. */
export async function listEventDeliveries(
  q: Queryable,
  eventId: string,
): Promise<Array<DeliveryRow & { attemptLog: AttemptRow[] }>> {
  const deliveries = await q.all(
    q.qb.selectFrom('WebhookDelivery').selectAll().where('eventId', '=', eventId).orderBy('id'),
  );
  if (deliveries.length === 0) return [];
  const attempts = await q.all(
    q.qb
      .selectFrom('DeliveryAttempt')
      .selectAll()
      .where(
        'deliveryId',
        'in',
        deliveries.map((row) => row.id),
      )
      .orderBy('attemptedAt')
      .orderBy('id'),
  );
  return deliveries.map((row) => ({
    ...row,
    attemptLog: attempts.filter((attempt) => attempt.deliveryId === row.id),
  }));
}

/** Queues an event again for endpoints: a new delivery, or the old one reset (same webhook-id). */
export async function requeueDeliveries(
  tx: Queryable,
  deliveries: readonly NewDelivery[],
): Promise<DeliveryRow[]> {
  if (deliveries.length === 0) return [];
  return tx.all(
    tx.qb
      .insertInto('WebhookDelivery')
      .values([...deliveries])
      .onConflict((oc) =>
        oc.columns(['eventId', 'endpointId']).doUpdateSet((eb) => ({
          status: 'pending',
          attempts: 0,
          nextAttemptAt: eb.ref('excluded.nextAttemptAt'),
          lockedUntil: null,
          completedAt: null,
        })),
      )
      .returningAll(),
  );
}

/** Sends again every delivery to `endpointId` that failed for good since `since`. */
export function requeueFailedDeliveries(
  q: Queryable,
  endpointId: string,
  since: Date,
  now: Date,
): Promise<number> {
  return q.run(
    q.qb
      .updateTable('WebhookDelivery')
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null, completedAt: null })
      .where('endpointId', '=', endpointId)
      .where('status', '=', 'failed')
      .where('createdAt', '>=', since),
  );
}

/**
 * Deletes up to `limit` succeeded deliveries created before `before`, with their attempts.
 * Pending and failed ones stay (a failed one can still be replayed).
 */
export async function pruneSucceededDeliveries(tx: Queryable, before: Date, limit: number): Promise<number> {
  const old = await tx.all(
    tx.qb
      .selectFrom('WebhookDelivery')
      .select('id')
      .where('id', '<', idTimePart('whd', before))
      .where('status', '=', 'succeeded')
      .limit(limit),
  );
  if (old.length === 0) return 0;
  const ids = old.map((row) => row.id);
  await tx.run(tx.qb.deleteFrom('DeliveryAttempt').where('deliveryId', 'in', ids));
  return tx.run(tx.qb.deleteFrom('WebhookDelivery').where('id', 'in', ids));
}
