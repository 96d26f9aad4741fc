// Claiming due webhook deliveries: which ones (fairly, delivery.fairness.ts) and the lease that
// makes them ours. A claim is a lease (lockedUntil) taken atomically, so several workers or
// instances never send one delivery at the same time, and a worker that dies mid-delivery only
// delays it until the lease ends.
//
// The worker claims again after every finished attempt, so a claim must cost about what it
// returns, never a whole backlog: each read below goes through an index (migration 0012) and
// stops at what the claim may take. Ranking every due delivery per endpoint in one window query
// made each claim read and sort the whole backlog, and the in-flight count read every pending
// row; with an endpoint's 8 slots that was paid nearly once per delivery (issue 17; the plans are
// checked in tests/webhooks/delivery-claim.test.ts).
import { sql } from 'kysely';
import type { Queryable } from '../db/database';
import type { Mode } from '../core/scope';
import { pickFairly, type DueDelivery, type FairnessLimits, type InFlight } from './delivery.fairness';

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

/** Due deliveries read in one go before looking endpoint by endpoint, per row the claim may take. */
const OLDEST_PER_SLOT = 2;

/**
 * Takes up to `limit` due deliveries, leased until `leaseUntil`, fairly (delivery.fairness.ts):
 * at most `perEndpoint` in flight per endpoint and `perProject` per project and mode, projects
 * in turn; only endpoints of `mode` when given. `tx` is a transaction. The leasing UPDATE checks
 * again on PostgreSQL that each row is still due and unleased, with SKIP LOCKED: of two workers
 * picking one row, one takes it, and neither waits for the other; on SQLite the transaction has
 * held the one write lock since it began, so what it read is still so. Two instances reading the
 * counts at the same moment may together pass a cap, by at most one batch each.
 */
export async function claimDueDeliveries(
  tx: Queryable,
  limit: number,
  now: Date,
  leaseUntil: Date,
  fairness: { mode?: Mode; limits?: FairnessLimits } = {},
): Promise<ClaimedDelivery[]> {
  const limits = fairness.limits ?? { perEndpoint: limit, perProject: limit };
  const inFlight = await readInFlight(tx, now, fairness.mode);
  // pickFairly never takes more than this of one endpoint, so more need not be read.
  const perEndpoint = Math.max(1, Math.min(limits.perEndpoint, limit));
  const due = await readDue(tx, now, fairness.mode, perEndpoint, limit * OLDEST_PER_SLOT);
  return leaseAndRead(tx, pickFairly(due, inFlight, limits, limit), now, leaseUntil);
}

/** What a worker has room for: `total` deliveries, of which at most `test` in test mode. */
export interface WorkerRoom {
  total: number;
  test: number;
}

/**
 * The worker's claim (delivery.worker.ts): live deliveries first, from all of `room.total`;
 * test ones then, from what live left and never more than `room.test`, so test endpoints that
 * hang (made with test keys, which anyone with a project has) cannot take the slots live
 * webhooks need. Both modes in one transaction, from one read of the leases and the due rows:
 * the worker claims after every finished attempt, and a claim per mode doubled that cost (the
 * webhook bench fell from 1,295 to 438 deliveries/s on SQLite once the endpoint cap made
 * claims that frequent). `limits` as claimDueDeliveries.
 */
export async function claimLiveThenTest(
  tx: Queryable,
  room: WorkerRoom,
  now: Date,
  leaseUntil: Date,
  limits: FairnessLimits,
): Promise<{ live: ClaimedDelivery[]; test: ClaimedDelivery[]; full: boolean }> {
  if (room.total <= 0) return { live: [], test: [], full: false };
  const inFlight = await readInFlight(tx, now, undefined);
  const perEndpoint = Math.max(1, Math.min(limits.perEndpoint, room.total));
  const due = await readDue(tx, now, undefined, perEndpoint, room.total * OLDEST_PER_SLOT);
  // Caps are per endpoint and per project *and mode*: the two picks never count against each other.
  const live = pickFairly(
    due.filter((row) => row.mode === 'live'),
    inFlight,
    limits,
    room.total,
  );
  const testLimit = Math.max(0, Math.min(room.test, room.total - live.length));
  const test =
    testLimit > 0
      ? pickFairly(
          due.filter((row) => row.mode === 'test'),
          inFlight,
          limits,
          testLimit,
        )
      : [];
  const claimed = await leaseAndRead(tx, [...live, ...test], now, leaseUntil);
  const byMode = (mode: Mode) => claimed.filter((delivery) => delivery.endpoint.mode === mode);
  // A pick that filled its room may have left more behind: the worker looks again.
  const full = live.length === room.total || (testLimit > 0 && test.length === testLimit);
  return { live: byMode('live'), test: byMode('test'), full };
}

async function leaseAndRead(
  tx: Queryable,
  picked: string[],
  now: Date,
  leaseUntil: Date,
): Promise<ClaimedDelivery[]> {
  if (picked.length === 0) return [];
  const leased = await lease(tx, picked, now, leaseUntil);
  return leased.length === 0 ? [] : readClaimed(tx, leased);
}

/**
 * Attempts in flight, by endpoint and by project and mode: the leases not yet run out. A lease
 * is an attempt in flight whatever the row's status became meanwhile, so the status is not
 * asked (which also keeps the lockedUntil index the one SQLite chooses).
 */
async function readInFlight(tx: Queryable, now: Date, mode: Mode | undefined): Promise<InFlight> {
  let leased = tx.qb
    .selectFrom('WebhookDelivery as d')
    .innerJoin('WebhookEndpoint as e', 'e.id', 'd.endpointId')
    .select(['d.endpointId', 'e.projectId', 'e.mode'])
    .where('d.lockedUntil', '>', now);
  if (mode) leased = leased.where('e.mode', '=', mode);
  const byEndpoint = new Map<string, number>();
  const byProject = new Map<string, number>();
  for (const row of await tx.all(leased)) {
    const project = projectKey(row);
    byEndpoint.set(row.endpointId, (byEndpoint.get(row.endpointId) ?? 0) + 1);
    byProject.set(project, (byProject.get(project) ?? 0) + 1);
  }
  return { byEndpoint, byProject };
}

/**
 * The due deliveries a fair pick needs, oldest first: of every endpoint that may receive them,
 * its `perEndpoint` oldest. Usually few are due, and the `window` oldest of all are every one of
 * them; when that many are due (a backlog), each endpoint's oldest are read from its own index
 * instead, so one endpoint's backlog is never read past what a claim may take of it.
 */
async function readDue(
  tx: Queryable,
  now: Date,
  mode: Mode | undefined,
  perEndpoint: number,
  window: number,
): Promise<Array<DueDelivery & { mode: Mode }>> {
  const dueOf = (row: { id: string; endpointId: string; projectId: string; mode: string }) => ({
    id: row.id,
    endpointId: row.endpointId,
    projectId: projectKey(row),
    mode: row.mode as Mode,
  });
  // Nothing but "due and unleased" is asked of these rows, so the index walk stops after
  // `window` rows even when those belong to disabled endpoints or to the other mode.
  const oldest = await tx.all(
    tx.qb
      .selectFrom('WebhookDelivery as d')
      .innerJoin('WebhookEndpoint as e', 'e.id', 'd.endpointId')
      .select(['d.id', 'd.endpointId', 'e.projectId', 'e.mode', 'e.enabled', 'e.deletedAt'])
      .where('d.status', '=', 'pending')
      .where('d.nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('d.lockedUntil', 'is', null), eb('d.lockedUntil', '<=', now)]))
      .orderBy('d.nextAttemptAt')
      .orderBy('d.id')
      .limit(window),
  );
  if (oldest.length < window) {
    return oldest
      .filter((row) => row.enabled && row.deletedAt === null && (!mode || row.mode === mode))
      .map(dueOf);
  }
  return (await tx.all(oldestOfEachEndpoint(tx, now, mode, perEndpoint))).map(dueOf);
}

/**
 * Each enabled endpoint's `perEndpoint` oldest due deliveries, oldest first: one index seek per
 * endpoint (LATERAL on PostgreSQL; SQLite has no LATERAL, and runs the correlated IN the same way).
 */
function oldestOfEachEndpoint(tx: Queryable, now: Date, mode: Mode | undefined, perEndpoint: number) {
  let endpoints = tx.qb
    .selectFrom('WebhookEndpoint as e')
    .where('e.enabled', '=', true)
    .where('e.deletedAt', 'is', null);
  if (mode) endpoints = endpoints.where('e.mode', '=', mode);
  // The endpoint's own oldest, through its (endpointId, status, nextAttemptAt, id) index.
  const oldestOf = () =>
    tx.qb
      .selectFrom('WebhookDelivery as o')
      .where('o.endpointId', '=', sql.ref<string>('e.id'))
      .where('o.status', '=', 'pending')
      .where('o.nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('o.lockedUntil', 'is', null), eb('o.lockedUntil', '<=', now)]))
      .orderBy('o.nextAttemptAt')
      .orderBy('o.id')
      .limit(perEndpoint);
  const joined =
    tx.engine === 'postgres'
      ? endpoints.innerJoinLateral(
          () => oldestOf().select(['o.id', 'o.nextAttemptAt']).as('d'),
          (join) => join.onTrue(),
        )
      : endpoints.innerJoin('WebhookDelivery as d', (join) =>
          join.on((eb) => eb('d.id', 'in', oldestOf().select('o.id'))),
        );
  return joined
    .select(['d.id', 'e.id as endpointId', 'e.projectId', 'e.mode'])
    .orderBy('d.nextAttemptAt')
    .orderBy('d.id');
}

/** Leases the picked deliveries; returns those it took, with their attempt count. */
function lease(tx: Queryable, picked: string[], now: Date, leaseUntil: Date) {
  const leasing = tx.qb
    .updateTable('WebhookDelivery')
    .set((eb) => ({ lockedUntil: leaseUntil, attempts: eb('attempts', '+', 1) }));
  if (tx.engine !== 'postgres')
    return tx.all(leasing.where('id', 'in', picked).returning(['id', 'attempts']));
  const stillFree = tx.qb
    .selectFrom('WebhookDelivery as d')
    .select('d.id')
    .where('d.id', 'in', picked)
    .where('d.status', '=', 'pending')
    .where('d.nextAttemptAt', '<=', now)
    .where((eb) => eb.or([eb('d.lockedUntil', 'is', null), eb('d.lockedUntil', '<=', now)]))
    .forUpdate(['d'])
    .skipLocked();
  return tx.all(leasing.where('id', 'in', stillFree).returning(['id', 'attempts']));
}

/** What sending the leased deliveries needs: the event and the endpoint. */
async function readClaimed(
  tx: Queryable,
  leased: ReadonlyArray<{ id: string; attempts: number }>,
): Promise<ClaimedDelivery[]> {
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
        leased.map((row) => row.id),
      )
      .orderBy('d.id'),
  );
  const attempts = new Map(leased.map((row) => [row.id, Number(row.attempts)]));
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

/** Caps count per project and mode. */
const projectKey = (row: { projectId: string; mode: string }) => `${row.projectId}:${row.mode}`;
