// Webhook endpoints of a project: register, change, rotate the signing secret, look at and
// replay deliveries. Not a hot path.
import type { Config } from '../config';
import { createHash } from 'node:crypto';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { AppError, refuseOtherBody } from '../errors';
import { newId } from '../ids';
import type { Scope } from '../core/scope';
import type { Vault } from '../security/vault';
import { webhookSecretSealedFor } from './webhook.signature';
import type { CreateEndpointInput, DeliveriesQuery, UpdateEndpointInput } from './endpoint.schema';
import { checkWebhookUrl } from './webhook.url-guard';
import { newWebhookSecret } from './webhook.signature';
import { toDeliveryView, toEndpointView } from './webhook.view';
import { listEndpointDeliveries, requeueFailedDeliveries, retryingByEndpoint } from './delivery.repository';
import {
  failPendingDeliveries,
  findEndpointByIdempotencyKey,
  findProjectEndpoint,
  insertEndpoint,
  listProjectEndpoints,
  releaseHeldDeliveries,
  updateEndpoint,
  type EndpointRow,
} from './endpoint.repository';

interface Deps {
  db: Database;
  vault: Vault;
  config: Config['webhooks'];
  /** How long a delivery held for a disabled endpoint is still sent when it is enabled (WEBHOOK_RETENTION). */
  heldDeliveriesMs: number;
  /** Tells the delivery worker there is due work now. */
  wake(): void;
}

/** As many as Stripe allows an account per mode; one endpoint can already take every event type. */
export const MAX_ENDPOINTS_PER_PROJECT_MODE = 16;

export type EndpointsService = ReturnType<typeof createEndpointsService>;

export function createEndpointsService({ db, vault, config, heldDeliveriesMs, wake }: Deps) {
  async function find(scope: Scope, id: string) {
    const row = await findProjectEndpoint(db, scope, id);
    if (!row) throw new AppError('webhook_endpoint_not_found', `No webhook endpoint ${id} in this project`);
    return row;
  }

  /**
   * A create's repeat with the same Idempotency-Key (an SDK's send after a copy of it raced
   * ahead) answers the endpoint the first one made, with its current secret; the same key with
   * another body is refused. Without a key every create registers an endpoint.
   */
  async function replay(scope: Scope, idempotencyKey: string, requestHash: string) {
    const existing = await findEndpointByIdempotencyKey(db, scope, idempotencyKey);
    if (!existing) return undefined;
    refuseOtherBody(existing.requestHash, requestHash, { endpointId: existing.id });
    const secret = vault.open(existing.secretEnc, webhookSecretSealedFor(existing.projectId, existing.id));
    return { endpoint: toEndpointView(existing), secret };
  }

  async function create(scope: Scope, input: CreateEndpointInput, idempotencyKey?: string) {
    const requestHash = idempotencyKey
      ? createHash('sha256').update(JSON.stringify(input)).digest('hex')
      : null;
    if (idempotencyKey) {
      const replayed = await replay(scope, idempotencyKey, requestHash!);
      if (replayed) return replayed;
    }
    // Each endpoint may hold WEBHOOK_ENDPOINT_CONCURRENCY attempts; a cap on how many a project
    // has bounds what one project can put in flight (delivery.fairness.ts). Two creates racing
    // at the limit may both pass: the cap is a bound on abuse, not an invariant.
    if ((await listProjectEndpoints(db, scope)).length >= MAX_ENDPOINTS_PER_PROJECT_MODE)
      throw new AppError(
        'webhook_endpoint_limit_reached',
        `A project has at most ${MAX_ENDPOINTS_PER_PROJECT_MODE} webhook endpoints in each mode; delete one first`,
      );
    const url = await checkWebhookUrl(input.url, config.allowPrivateUrls);
    const secret = newWebhookSecret();
    const now = new Date();
    const id = newId('we', now);
    let row;
    try {
      row = await insertEndpoint(db, {
        id,
        projectId: scope.projectId,
        mode: scope.mode,
        url,
        description: input.description ?? null,
        eventTypes: JSON.stringify(input.eventTypes),
        enabled: input.enabled,
        disabledReason: input.enabled ? null : 'manual',
        secretEnc: vault.seal(secret, webhookSecretSealedFor(scope.projectId, id)),
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      // Two creates with one key at once: the other one's insert won.
      if (idempotencyKey && isUniqueViolation(error))
        return (await replay(scope, idempotencyKey, requestHash!))!;
      throw error;
    }
    // The secret is shown here and at rotation only (and to a create's repeat, as above).
    return { endpoint: toEndpointView(row), secret };
  }

  /** Endpoints as answers show them, each with its deliveries failing and retrying. */
  async function viewsOf(rows: readonly EndpointRow[]) {
    const retrying = await retryingByEndpoint(
      db,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toEndpointView(row, retrying.get(row.id)));
  }

  async function get(scope: Scope, id: string) {
    return { endpoint: (await viewsOf([await find(scope, id)]))[0]! };
  }

  async function list(scope: Scope) {
    return { data: await viewsOf(await listProjectEndpoints(db, scope)) };
  }

  async function update(scope: Scope, id: string, input: UpdateEndpointInput) {
    const current = await find(scope, id);
    const now = new Date();
    const url =
      input.url === undefined ? undefined : await checkWebhookUrl(input.url, config.allowPrivateUrls);
    const enabling = input.enabled === true && !current.enabled;
    const row = await db.transaction(async (tx) => {
      const updated = await updateEndpoint(tx, id, {
        url,
        description: input.description,
        eventTypes: input.eventTypes ? JSON.stringify(input.eventTypes) : undefined,
        enabled: input.enabled,
        disabledReason: input.enabled === undefined ? undefined : input.enabled ? null : 'manual',
        failingSince: enabling ? null : undefined,
        updatedAt: now,
      });
      // Events of the time it was disabled (and deliveries mid-retry then) go out now, not at
      // their old retry time.
      if (enabling) await releaseHeldDeliveries(tx, id, new Date(now.getTime() - heldDeliveriesMs), now);
      return updated;
    });
    if (enabling) wake();
    return { endpoint: (await viewsOf([row]))[0]! };
  }

  async function remove(scope: Scope, id: string): Promise<void> {
    await find(scope, id);
    const now = new Date();
    // Kept (soft delete) so its delivery history stays readable through the events API.
    await db.transaction(async (tx) => {
      await updateEndpoint(tx, id, {
        deletedAt: now,
        enabled: false,
        disabledReason: 'deleted',
        updatedAt: now,
      });
      await failPendingDeliveries(tx, id, 'endpoint deleted', now);
    });
  }

  async function rotateSecret(scope: Scope, id: string, overlapSeconds: number | undefined) {
    const current = await find(scope, id);
    const secret = newWebhookSecret();
    const overlapMs = overlapSeconds === undefined ? config.secretOverlapMs : overlapSeconds * 1000;
    const now = new Date();
    const row = await updateEndpoint(db, id, {
      secretEnc: vault.seal(secret, webhookSecretSealedFor(current.projectId, current.id)),
      previousSecretEnc: overlapMs > 0 ? current.secretEnc : null,
      previousSecretExpiresAt: overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null,
      updatedAt: now,
    });
    return { endpoint: toEndpointView(row), secret };
  }

  async function deliveries(scope: Scope, id: string, query: DeliveriesQuery) {
    await find(scope, id);
    const rows = await listEndpointDeliveries(db, id, {
      status: query.status,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      data: page.map((row) => toDeliveryView(row)),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** Sends again every delivery to this endpoint that failed for good since `since`. */
  async function redeliverFailed(scope: Scope, id: string, since: Date) {
    await find(scope, id);
    const count = await requeueFailedDeliveries(db, id, since, new Date());
    if (count > 0) wake();
    return { redelivered: count };
  }

  return { create, list, get, update, remove, rotateSecret, deliveries, redeliverFailed };
}
