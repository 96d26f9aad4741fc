// The events resource: the project's event log (what happened, and where each event was
// delivered, attempt by attempt) and replay.
import type { createHttp } from './http.js';
import { pagedList, type PagedList } from './pagination.js';
import type { Page } from './types.js';
import type {
  EventDetail,
  EventFilters,
  EventRecord,
  RedeliverEventOptions,
  WebhookDelivery,
} from './webhook-types.js';

export interface EventsApi {
  /** Newest first: `await` it for the first page, or `for await` over every event of every page. */
  list(filters?: EventFilters): PagedList<EventRecord>;
  /** The event and its deliveries, each with every attempt. */
  get(id: string): Promise<EventDetail>;
  /**
   * Sends the event again, with the same id (receivers that dedupe on `webhook-id` see it once):
   * to one endpoint, or to every endpoint that wants its type, including ones registered after it happened.
   */
  redeliver(id: string, options?: RedeliverEventOptions): Promise<{ deliveries: WebhookDelivery[] }>;
}

const BASE = '/api/v1/events';

export function createEventsApi(request: ReturnType<typeof createHttp>): EventsApi {
  return {
    list(filters = {}) {
      const { cursor, type, transactionId, limit } = filters;
      const query = { type, transactionId, limit: limit === undefined ? undefined : String(limit) };
      return pagedList(async (pageCursor) => {
        const { body } = await request<Page<EventRecord>>({
          method: 'GET',
          path: BASE,
          query: { ...query, cursor: pageCursor },
          retry: 'read',
        });
        return body;
      }, cursor);
    },

    async get(id) {
      const { body } = await request<EventDetail>({
        method: 'GET',
        path: `${BASE}/${encodeURIComponent(id)}`,
        retry: 'read',
      });
      return body;
    },

    async redeliver(id, options = {}) {
      const { body } = await request<{ deliveries: WebhookDelivery[] }>({
        method: 'POST',
        path: `${BASE}/${encodeURIComponent(id)}/redeliver`,
        body: options,
        // The service keeps no record of this key: it marks the call as one that may be sent
        // again after signature_replayed (sdk/src/http.ts), since doing it twice only queues
        // the same event once more, under the same webhook-id receivers already deduplicate.
        headers: { 'Idempotency-Key': globalThis.crypto.randomUUID() },
        retry: 'write',
      });
      return body;
    },
  };
}
