// Money out: a payout to a phone (B2C) or a supplier payment to a PayBill or till (B2B), its
// history, and the project's safety settings. A payout
// is sent to Daraja at most once by the service; the SDK sends every create with an
// Idempotency-Key, so a create retried after a lost answer finds the same payout instead of
// asking for a second one. Approving a payout takes a dashboard session (a second person), never
// this client's key: the SDK has no approve.
import { randomUUID } from 'node:crypto';
import type { createHttp } from './http.js';
import { pagedList, type PagedList } from './pagination.js';
import type { Page, PayoutTestOutcomeInfo } from './types.js';
import type {
  CreatePayoutBatchInput,
  CreatePayoutInput,
  Payout,
  PayoutBatch,
  PayoutBatchDetail,
  PayoutHistory,
  PayoutListFilters,
  PayoutSettings,
} from './payout-types.js';

export interface CreatePayoutOptions {
  /**
   * Names this payout: a repeat with the same key (a retry after a crash) answers the same payout,
   * never a second one. Use your refund or salary line's own id. A random one when left out.
   */
  idempotencyKey?: string;
}

export interface CreatePayoutResult {
  /** As it stands: `submitted`, `awaiting_approval`, `failed` or `unknown`. */
  payout: Payout;
  idempotencyKey: string;
}

export interface WaitForPayoutOptions {
  /** Default 120 000 ms. */
  timeoutMs?: number;
  /** Default 2 000 ms. */
  intervalMs?: number;
}

export interface PayoutsApi {
  create(input: CreatePayoutInput, options?: CreatePayoutOptions): Promise<CreatePayoutResult>;
  get(id: string): Promise<Payout>;
  /** Newest first; `await` it for the first page, or `for await` over every payout. */
  list(filters?: PayoutListFilters): PagedList<Payout>;
  history(id: string): Promise<PayoutHistory>;
  /** This mode's safety settings (only an operator changes them) and what was asked today. */
  settings(): Promise<PayoutSettings>;
  /**
   * Polls until the payout is `succeeded` or `failed` (an `unknown` one is still being asked
   * about). Webhooks (`payout.succeeded`, `payout.failed`) tell you without polling.
   */
  waitForOutcome(id: string, options?: WaitForPayoutOptions): Promise<Payout>;
  /** The outcomes the simulator plays for payouts, each with the phone, PayBill or till that plays it. */
  testOutcomes(): Promise<PayoutTestOutcomeInfo[]>;
  /**
   * A batch: every row checked before anything is stored (one bad row refuses it whole:
   * `payout_batch_invalid`), one approval when the policy wants one, then sent row by row.
   * Sent with an Idempotency-Key (random when left out), so a retry finds the same batch.
   */
  createBatch(
    input: CreatePayoutBatchInput,
    options?: CreatePayoutOptions,
  ): Promise<PayoutBatchDetail & { idempotencyKey: string }>;
  /** The batch, its counts per status, and every row with its payout as it stands. */
  getBatch(id: string): Promise<PayoutBatchDetail>;
  /** Newest first; `await` it for the first page, or `for await` over every batch. */
  listBatches(options?: { cursor?: string }): PagedList<PayoutBatch>;
}

const BASE = '/api/v1/payouts';
const BATCHES = '/api/v1/payout-batches';
const DEFAULT_WAIT_MS = 120_000;
const DEFAULT_INTERVAL_MS = 2_000;

export function createPayoutsApi(request: ReturnType<typeof createHttp>): PayoutsApi {
  const pathOf = (id: string) => `${BASE}/${encodeURIComponent(id)}`;
  const get = async (id: string) => {
    const { body } = await request<{ payout: Payout }>({ method: 'GET', path: pathOf(id), retry: 'read' });
    return body.payout;
  };
  return {
    async create(input, options = {}) {
      const idempotencyKey = options.idempotencyKey ?? randomUUID();
      const { body } = await request<{ payout: Payout }>({
        method: 'POST',
        path: BASE,
        body: input,
        headers: { 'Idempotency-Key': idempotencyKey },
        retry: 'idempotent-write',
      });
      return { payout: body.payout, idempotencyKey };
    },
    get,
    list(filters = {}) {
      const { cursor, ...rest } = filters;
      const query = {
        status: rest.status,
        channel: rest.channel,
        phone: rest.phone,
        limit: rest.limit === undefined ? undefined : String(rest.limit),
      };
      return pagedList(async (pageCursor) => {
        const { body } = await request<Page<Payout>>({
          method: 'GET',
          path: BASE,
          query: { ...query, cursor: pageCursor },
          retry: 'read',
        });
        return body;
      }, cursor);
    },
    async history(id) {
      const { body } = await request<PayoutHistory>({
        method: 'GET',
        path: `${pathOf(id)}/history`,
        retry: 'read',
      });
      return body;
    },
    async settings() {
      const { body } = await request<{ settings: PayoutSettings }>({
        method: 'GET',
        path: `${BASE}/settings`,
        retry: 'read',
      });
      return body.settings;
    },
    async createBatch(input, options = {}) {
      const idempotencyKey = options.idempotencyKey ?? randomUUID();
      const { body } = await request<PayoutBatchDetail>({
        method: 'POST',
        path: BATCHES,
        body: input,
        headers: { 'Idempotency-Key': idempotencyKey },
        retry: 'idempotent-write',
      });
      return { ...body, idempotencyKey };
    },
    async getBatch(id) {
      const { body } = await request<PayoutBatchDetail>({
        method: 'GET',
        path: `${BATCHES}/${encodeURIComponent(id)}`,
        retry: 'read',
      });
      return body;
    },
    listBatches(options = {}) {
      return pagedList(async (pageCursor) => {
        const { body } = await request<Page<PayoutBatch>>({
          method: 'GET',
          path: BATCHES,
          query: { cursor: pageCursor },
          retry: 'read',
        });
        return body;
      }, options.cursor);
    },
    async testOutcomes() {
      const { body } = await request<{ payouts: PayoutTestOutcomeInfo[] }>({
        method: 'GET',
        path: '/api/v1/test-payments/outcomes',
        retry: 'read',
      });
      return body.payouts;
    },
    async waitForOutcome(id, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
      for (;;) {
        const payout = await get(id);
        if (payout.status === 'succeeded' || payout.status === 'failed') return payout;
        if (Date.now() >= deadline)
          throw new Error(
            `Payout ${id} has no outcome yet (status ${payout.status}); it is never sent again`,
          );
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? DEFAULT_INTERVAL_MS));
      }
    },
  };
}
