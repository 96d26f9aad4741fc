// Webhook endpoints of a project: register, change, rotate the signing secret, look at and
// replay deliveries. Not a hot path.
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Scope } from '../core/scope';
import type { Vault } from '../security/vault';
import { webhookSecretSealedFor } from './webhook.signature';
import type { CreateEndpointInput, DeliveriesQuery, UpdateEndpointInput } from './endpoint.schema';
import { checkWebhookUrl } from './webhook.url-guard';
import { newWebhookSecret } from './webhook.signature';
import { toDeliveryView, toEndpointView } from './webhook.view';
import { listEndpointDeliveries, requeueFailedDeliveries } from './delivery.repository';
import {
  failPendingDeliveries,
  findProjectEndpoint,
  insertEndpoint,
  listProjectEndpoints,
  rescheduleEndpointDeliveries,
  updateEndpoint,
} from './endpoint.repository';

interface Deps {
  db: Database;
  vault: Vault;
  config: Config['webhooks'];
  /** Tells the delivery worker there is due work now. */
  wake(): void;
}

export type EndpointsService = ReturnType<typeof createEndpointsService>;

export function createEndpointsService({ db, vault, config, wake }: Deps) {
  async function find(scope: Scope, id: string) {
    const row = await findProjectEndpoint(db, scope, id);
    if (!row) throw new AppError('webhook_endpoint_not_found', `No webhook endpoint ${id} in this project`);
    return row;
  }

  async function create(scope: Scope, input: CreateEndpointInput) {
    const url = await checkWebhookUrl(input.url, config.allowPrivateUrls);
    const secret = newWebhookSecret();
    const now = new Date();
    const id = newId('we', now);
    const row = await insertEndpoint(db, {
      id,
      projectId: scope.projectId,
      mode: scope.mode,
      url,
      description: input.description ?? null,
      eventTypes: JSON.stringify(input.eventTypes),
      enabled: input.enabled,
      disabledReason: input.enabled ? null : 'manual',
      secretEnc: vault.seal(secret, webhookSecretSealedFor(scope.projectId, id)),
      createdAt: now,
      updatedAt: now,
    });
    // The secret is shown here and at rotation only.
    return { endpoint: toEndpointView(row), secret };
  }

  async function get(scope: Scope, id: string) {
    return { endpoint: toEndpointView(await find(scope, id)) };
  }

  async function list(scope: Scope) {
    return { data: (await listProjectEndpoints(db, scope)).map(toEndpointView) };
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
      // Deliveries kept pending while it was disabled go out now, not at their old retry time.
      if (enabling) await rescheduleEndpointDeliveries(tx, id, now);
      return updated;
    });
    if (enabling) wake();
    return { endpoint: toEndpointView(row) };
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
