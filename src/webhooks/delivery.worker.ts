// Sends due webhook deliveries, in this process, beside the API. Woken at once when a state
// change commits (so the first attempt follows within milliseconds), and on a timer for
// retries and for deliveries other instances left behind. Up to `concurrency` requests are in
// flight; each is claimed with a lease first (delivery.claim.ts), so a crash anywhere here
// ends in a retry, never in a lost event.
import type { Config } from '../config';
import { createBatcher } from '../db/batcher';
import type { Database } from '../db/database';
import { endpointDisabledEvent } from '../payments/event.build';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { WebhookMetrics } from '../metrics/metrics';
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
  const record = createBatcher(db, {
    durability: 'process',
    write: async (tx, results: readonly AttemptResult[]) => {
      await recordAttempts(tx, results);
      return results.map(() => undefined);
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
    await record({
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
      outcome,
      endpointChange,
    });
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
      })
      .finally(() => {
        inFlight.delete(running);
        if (test) testInFlight -= 1;
        // A freed slot may be exactly what a cap (endpoint, project, test share) was holding work
        // back for, and the claim that held it may be running now: look again after every attempt.
        // Waiting for a signal from the claim alone left a single endpoint's backlog at 8 per poll tick.
        maybeMore = true;
        void pump();
      });
    inFlight.add(running);
  }

  /** Claims what `room` allows: live first, test within its share (delivery.claim.ts). */
  function claim(room: WorkerRoom) {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + config.timeoutMs + LEASE_MARGIN_MS);
    const limits = { perEndpoint: config.perEndpointConcurrency, perProject: config.perProjectConcurrency };
    return db.transaction((tx) => claimLiveThenTest(tx, room, now, leaseUntil, limits), {
      durability: 'process',
    });
  }

  async function pump(): Promise<void> {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (maybeMore && !stopped && inFlight.size < config.concurrency) {
        maybeMore = false;
        const { live, test, full } = await claim({
          total: Math.min(CLAIM_BATCH, config.concurrency - inFlight.size),
          test: testShare - testInFlight,
        });
        for (const delivery of [...live, ...test]) track(delivery);
        if (full) maybeMore = true;
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
