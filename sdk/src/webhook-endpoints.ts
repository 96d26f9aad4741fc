// The webhook endpoints resource: register where events go, change, rotate the signing secret,
// look at and replay deliveries.
import type { createHttp } from './http.js';
import { pagedList, type PagedList } from './pagination.js';
import type { Page } from './types.js';
import type {
  CreateWebhookEndpointInput,
  DeliveryFilters,
  RedeliverFailedInput,
  RotateSecretOptions,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook-types.js';

export interface WebhookEndpointsApi {
  /** Registers an endpoint; the result holds its signing secret, shown this once. */
  create(input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret>;
  /** Every endpoint of the project, newest first. */
  list(): Promise<WebhookEndpoint[]>;
  get(id: string): Promise<WebhookEndpoint>;
  update(id: string, changes: UpdateWebhookEndpointInput): Promise<WebhookEndpoint>;
  /** Stops deliveries to it (pending ones fail); its history stays readable through `events.get`. */
  delete(id: string): Promise<void>;
  /**
   * A new signing secret. Deliveries carry signatures with both secrets for `overlapSeconds`,
   * so receivers can switch without losing any. Not retried after a lost answer: a second
   * rotation would retire the secret the first one returned.
   */
  rotateSecret(id: string, options?: RotateSecretOptions): Promise<WebhookEndpointWithSecret>;
  /** Deliveries to this endpoint, newest first: `await` for a page, `for await` for all. */
  deliveries(id: string, filters?: DeliveryFilters): PagedList<WebhookDelivery>;
  /** Sends again, from the first attempt, every delivery to this endpoint that failed for good since `since`. */
  redeliverFailed(id: string, input: RedeliverFailedInput): Promise<{ redelivered: number }>;
}

const BASE = '/api/v1/webhook-endpoints';

export function createWebhookEndpointsApi(request: ReturnType<typeof createHttp>): WebhookEndpointsApi {
  const pathOf = (id: string, rest = '') => `${BASE}/${encodeURIComponent(id)}${rest}`;

  return {
    async create(input) {
      // Not retried after a lost answer. The random key lets the service answer a repeat of
      // this very call (sent again after signature_replayed, sdk/src/http.ts) with the endpoint
      // it already made, instead of registering a second one.
      const { body } = await request<WebhookEndpointWithSecret>({
        method: 'POST',
        path: BASE,
        body: input,
        headers: { 'Idempotency-Key': globalThis.crypto.randomUUID() },
        retry: 'write',
      });
      return body;
    },

    async list() {
      const { body } = await request<{ data: WebhookEndpoint[] }>({
        method: 'GET',
        path: BASE,
        retry: 'read',
      });
      return body.data;
    },

    async get(id) {
      const { body } = await request<{ endpoint: WebhookEndpoint }>({
        method: 'GET',
        path: pathOf(id),
        retry: 'read',
      });
      return body.endpoint;
    },

    async update(id, changes) {
      // The same changes applied twice leave the endpoint as applying them once.
      const { body } = await request<{ endpoint: WebhookEndpoint }>({
        method: 'PATCH',
        path: pathOf(id),
        body: changes,
        retry: 'idempotent-write',
      });
      return body.endpoint;
    },

    async delete(id) {
      await request<undefined>({ method: 'DELETE', path: pathOf(id), retry: 'write' });
    },

    async rotateSecret(id, options = {}) {
      const { body } = await request<WebhookEndpointWithSecret>({
        method: 'POST',
        path: pathOf(id, '/secret/rotate'),
        body: options,
        retry: 'write',
      });
      return body;
    },

    deliveries(id, filters = {}) {
      const { cursor, status, limit } = filters;
      const query = { status, limit: limit === undefined ? undefined : String(limit) };
      return pagedList(async (pageCursor) => {
        const { body } = await request<Page<WebhookDelivery>>({
          method: 'GET',
          path: pathOf(id, '/deliveries'),
          query: { ...query, cursor: pageCursor },
          retry: 'read',
        });
        return body;
      }, cursor);
    },

    async redeliverFailed(id, { since }) {
      const { body } = await request<{ redelivered: number }>({
        method: 'POST',
        path: pathOf(id, '/redeliver-failed'),
        body: { since: since instanceof Date ? since.toISOString() : since },
        retry: 'write',
      });
      return body;
    },
  };
}
