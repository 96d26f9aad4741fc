// Sends due webhook deliveries, in this process, beside the API. Woken at once when a state
// change commits (so the first attempt follows within milliseconds), and on a timer for
// retries and for deliveries other instances left behind. Up to `concurrency` requests are in
// flight; each is claimed with a lease first (delivery.claim.ts), so a crash anywhere here
// ends in a retry, never in a lost event.
import type { Config } from '../config';
import { createBatcher } from '../db/batcher';
import type { Database, Queryable } from '../db/database';
import { endpointDisabledEvent } from '../payments/event.build';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { WebhookMetrics } from '../metrics/metrics';
import type { Mode } from '../core/scope';
import type { Vault } from '../security/vault';
import { webhookSecretSealedFor } from './webhook.signature';
import { claimLiveThenTest, type ClaimedDelivery, type WorkerRoom } from './delivery.claim';
import {
  recordAttempts,
  type AttemptResult,
  type DeliveryOutcome,
  type EndpointChange,
} from './delivery.repository';
import { createWebhookSender } from './webhook.http';
import { afterFailure, afterSuccess, type HealthChange } from './webhook.health';
import { nextStep, parseRetryAfter } from './webhook.schedule';
import { webhookHeaders } from './webhook.signature';

/** How long past the request timeout a claim stays ours before another worker may retry it. */
const LEASE_MARGIN_MS = 5000;
const CLAIM_BATCH = 100;
const NO_ROOM: WorkerRoom = { total: 0, test: 0 };

/** Room held for a claim until what it took is started, or until its leases would end. */
interface Reservation {
  room: WorkerRoom;
  until: number;
}

/** What one claim took, and the room it had reserved for it. */
interface Claimed {
  deliveries: ClaimedDelivery[];
  reservation?: Reservation;
  /** It filled its room (or had none): more may be due. */
  full: boolean;
}
const NOTHING_CLAIMED: Claimed = { deliveries: [], full: false };

/** A finished attempt to record, and the mode of the slot it lets go of. */
type Finished = AttemptResult & { mode: Mode };

interface Deps {
  db: Database;
  vault: Vault;
  config: Config['webhooks'];
  logger: Logger;
  metrics?: WebhookMetrics;
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;

export function createDeliveryWorker({ db, vault, config, logger, metrics }: Deps) {
  // Not fsynced on SQLite: after a power loss the worst case is the same event sent again,
  // with the same webhook-id, which receivers dedupe on.
  //
  // The slots the recorded attempts free are claimed again in the same transaction: the lease
  // count it reads already has them released, and a claim of its own after each commit (a
  // transaction and a turn in the one claim loop per finished attempt) was most of an attempt's
  // cost once an endpoint's cap of 8 made the cycle the limit (issue 17). The claimed deliveries
  // go back with the batch's first item, whose attempt starts them.
  const record = createBatcher(db, {
    durability: 'process',
    write: async (tx, results: readonly Finished[]) => {
      await recordAttempts(tx, results);
      const next = stopped ? NOTHING_CLAIMED : await claimIn(tx, freedBy(results));
      return results.map((_, index) => (index === 0 ? next : NOTHING_CLAIMED));
    },
  });
  const sender = createWebhookSender({
    timeoutMs: config.timeoutMs,
    allowPrivate: config.allowPrivateUrls,
    userAgent: 'mpesa-bridge-webhooks/1',
  });
  const retryRules = { scheduleMs: config.retryScheduleMs, overloadPenaltyMs: config.overloadPenaltyMs };
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let pumping = false;
  // Set when there may be due work we have not claimed yet: a wake-up, a full batch, a tick.
  let maybeMore = false;
  // Test deliveries use at most half of this process's slots; live ones may use all.
  const testShare = Math.max(1, Math.floor(config.concurrency / 2));
  let testInFlight = 0;
  // Slots promised to claims not started yet (the loop's, records'), so two at once never take
  // more than the process has. A claim whose transaction then failed never starts: its promise
  // lapses with the leases it would have held.
  const reservations = new Set<Reservation>();
  let timer: NodeJS.Timeout | undefined;

  function signingSecrets(endpoint: ClaimedDelivery['endpoint'], now: Date): string[] {
    const sealedFor = webhookSecretSealedFor(endpoint.projectId, endpoint.id);
    const current = vault.open(endpoint.secretEnc, sealedFor);
    const previousValid =
      endpoint.previousSecretEnc &&
      endpoint.previousSecretExpiresAt &&
      endpoint.previousSecretExpiresAt > now;
    return previousValid ? [current, vault.open(endpoint.previousSecretEnc!, sealedFor)] : [current];
  }

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const attemptedAt = new Date();
    const headers = webhookHeaders(
      signingSecrets(delivery.endpoint, attemptedAt),
      delivery.eventId,
      delivery.payload,
      attemptedAt,
    );
    const result = await sender.send(delivery.endpoint.url, headers, delivery.payload);
    const finishedAt = new Date();
    const step = nextStep(
      delivery.attempts,
      {
        statusCode: result.statusCode,
        retryAfterMs: parseRetryAfter(result.retryAfter, finishedAt),
        error: result.error,
      },
      retryRules,
      finishedAt,
    );

    const outcome: DeliveryOutcome = step.kind === 'retry' ? step : { kind: step.kind };
    metrics?.attempted(outcome.kind, (attemptedAt.getTime() - delivery.dueAt.getTime()) / 1000);
    const { endpoint } = delivery;
    const health =
      step.kind === 'succeeded'
        ? afterSuccess(endpoint)
        : afterFailure(
            endpoint,
            { gone: step.kind === 'failed' && step.gone },
            finishedAt,
            config.disableAfterMs,
          );
    const endpointChange = endpointChangeFor(endpoint, health, finishedAt);
    if (health.kind === 'disable')
      logger.warn('webhook endpoint disabled', { endpointId: endpoint.id, reason: health.reason });
    const next = await record({
      attempt: {
        id: newId('wha', attemptedAt),
        deliveryId: delivery.id,
        attemptedAt,
        statusCode: result.statusCode,
        latencyMs: finishedAt.getTime() - attemptedAt.getTime(),
        responseBody: result.responseBody,
        error: result.error,
      },
      endpointId: endpoint.id,
      mode: endpoint.mode,
      outcome,
      endpointChange,
    });
    startClaimed(next);
    logger.debug('webhook attempt', {
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      attempt: delivery.attempts,
      statusCode: result.statusCode,
      outcome: outcome.kind,
      ...(step.kind === 'retry' ? { retryReason: step.reason, retryAt: step.at.toISOString() } : {}),
    });
    if (endpointChange.disable) wake();
  }

  function track(delivery: ClaimedDelivery) {
    const test = delivery.endpoint.mode === 'test';
    if (test) testInFlight += 1;
    const running: Promise<void> = deliver(delivery)
      .catch((error: unknown) => {
        logger.error('webhook delivery failed unexpectedly; it is retried when its lease ends', {
          deliveryId: delivery.id,
          error,
        });
        // Its record (and the claim in it) may not have run: the loop looks for work instead.
        maybeMore = true;
      })
      .finally(() => {
        inFlight.delete(running);
        if (test) testInFlight -= 1;
        void pump();
      });
    inFlight.add(running);
  }

  /** What this process has room for now, beyond `freed` slots about to be let go. */
  function roomFor(freed: WorkerRoom): WorkerRoom {
    const now = Date.now();
    let total = config.concurrency - inFlight.size + freed.total;
    let test = testShare - testInFlight + freed.test;
    for (const reservation of reservations) {
      if (reservation.until <= now) reservations.delete(reservation);
      else {
        total -= reservation.room.total;
        test -= reservation.room.test;
      }
    }
    total = Math.max(0, Math.min(CLAIM_BATCH, total));
    return { total, test: Math.max(0, Math.min(total, test)) };
  }

  /** The slots a recorded batch lets go of (their attempts are still counted in flight). */
  function freedBy(results: readonly Finished[]): WorkerRoom {
    return { total: results.length, test: results.filter((result) => result.mode === 'test').length };
  }

  /**
   * Claims in `tx` what there is room for (live first, test within its share: delivery.claim.ts),
   * the room reserved until the claimed ones are started (startClaimed).
   */
  async function claimIn(tx: Queryable, freed: WorkerRoom): Promise<Claimed> {
    const room = roomFor(freed);
    // No room: every slot is taken, and these attempts' own are not free yet. The loop looks
    // again once they are (their work may be due already).
    if (room.total === 0) return { ...NOTHING_CLAIMED, full: true };
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + config.timeoutMs + LEASE_MARGIN_MS);
    const reservation = { room, until: leaseUntil.getTime() };
    reservations.add(reservation);
    const limits = { perEndpoint: config.perEndpointConcurrency, perProject: config.perProjectConcurrency };
    try {
      const { live, test, full } = await claimLiveThenTest(tx, room, now, leaseUntil, limits);
      return { deliveries: [...live, ...test], reservation, full };
    } catch (error) {
      reservations.delete(reservation);
      throw error;
    }
  }

  /** Starts what a claim took and lets go of the room it reserved. */
  function startClaimed(claimed: Claimed) {
    if (claimed.reservation) reservations.delete(claimed.reservation);
    for (const delivery of claimed.deliveries) track(delivery);
    if (claimed.full) maybeMore = true;
  }

  /** The claim loop: wakes, ticks, and whatever a record's own claim left (a full claim, an error). */
  async function pump(): Promise<void> {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (maybeMore && !stopped && roomFor(NO_ROOM).total > 0) {
        maybeMore = false;
        startClaimed(
          await db.transaction((tx) => claimIn(tx, NO_ROOM), {
            durability: 'process',
          }),
        );
      }
    } catch (error) {
      logger.error('claiming webhook deliveries failed', { error });
    } finally {
      pumping = false;
    }
  }

  /** There may be new due deliveries (a state change committed, a redelivery was asked). */
  function wake() {
    maybeMore = true;
    void pump();
  }

  function start() {
    timer = setInterval(wake, config.pollIntervalMs);
    timer.unref();
    wake();
  }

  /** Stops claiming, and waits (bounded by the request timeout) for attempts in flight. */
  async function stop(): Promise<void> {
    stopped = true;
    clearInterval(timer);
    await Promise.all(inFlight);
    sender.close();
  }

  /** Cuts the attempts still in flight (after stop() ran out of time): their leases make them retry. */
  function abort() {
    sender.close();
  }

  return { start, wake, stop, abort };
}

/** The endpoint's columns (and event) for a health decision. */
function endpointChangeFor(
  endpoint: ClaimedDelivery['endpoint'],
  health: HealthChange,
  now: Date,
): EndpointChange {
  switch (health.kind) {
    case 'recovered':
      return { failingSince: null };
    case 'failing':
      return { failingSince: health.since };
    case 'disable':
      return {
        disable: { reason: health.reason, event: endpointDisabledEvent(endpoint, health.reason, now) },
      };
    case 'unchanged':
      return {};
  }
}
