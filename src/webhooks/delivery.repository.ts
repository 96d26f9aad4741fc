// Durable webhook deliveries: record each attempt, read the history, queue again, prune. What is
// due is claimed in delivery.claim.ts.
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import { compilable } from '../db/query-builder';
import { postgresJsonRows } from '../db/sql-values';
import type { DB, DeliveryAttempt, WebhookDelivery } from '../db/database.types';
import { recordEvents } from '../payments/event.repository';
import type { NewDelivery, NewEvent } from '../payments/event.types';
import { idTimePart } from '../ids';

export type DeliveryRow = Selectable<WebhookDelivery>;
export type AttemptRow = Selectable<DeliveryAttempt>;
export type AttemptRecord = AttemptRow;

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
  await updateDeliveries(tx, results);
  const disabledEvents: NewEvent[] = [];
  for (const { attempt, endpointId, endpointChange } of results) {
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

/**
 * Each delivery's columns after its attempt. On PostgreSQL, where each statement is a round trip
 * and the worker records after every attempt, a batch is one statement: UPDATE … FROM a typed row
 * set (json_populate_recordset over the table's row type), a column an outcome leaves alone
 * (nextAttemptAt unless retried, completedAt while retried) kept by COALESCE. SQLite runs in
 * process: a statement per delivery.
 */
async function updateDeliveries(tx: Queryable, results: readonly AttemptResult[]): Promise<void> {
  if (tx.engine !== 'postgres' || results.length === 1) {
    for (const { attempt, outcome } of results)
      await tx.run(
        tx.qb
          .updateTable('WebhookDelivery')
          .set(deliveryAfter(attempt, outcome))
          .where('id', '=', attempt.deliveryId),
      );
    return;
  }
  const rows = results.map(({ attempt, outcome }) => ({
    ...deliveryAfter(attempt, outcome),
    id: attempt.deliveryId,
  }));
  await tx.run(
    compilable(
      tx.qb,
      sql`UPDATE "WebhookDelivery" AS d SET
        "status" = v."status",
        "nextAttemptAt" = COALESCE(v."nextAttemptAt", d."nextAttemptAt"),
        "lockedUntil" = NULL,
        "lastStatusCode" = v."lastStatusCode",
        "lastError" = v."lastError",
        "completedAt" = COALESCE(v."completedAt", d."completedAt")
      FROM json_populate_recordset(NULL::"WebhookDelivery", ${postgresJsonRows(rows)}::json) AS v
      WHERE d."id" = v."id"`,
    ),
  );
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
