// The transactions resource: initiate, get, list, reconcile, and waiting for the result.
import { randomUUID } from 'node:crypto';
import type { createHttp } from './http.js';
import { pagedList, type PagedList } from './pagination.js';
import type {
  InitiateInput,
  InitiateResult,
  ListFilters,
  Page,
  ReconcileResult,
  TestOutcomeInfo,
  TestPaymentInput,
  Transaction,
  TransactionSearch,
} from './types.js';
import { waitForResult, type WaitOptions } from './wait.js';

export interface InitiateOptions {
  /**
   * Makes the call safe to repeat: the same key and body give the first answer again, never a
   * second prompt. Use your order id (or a key stored with it) so a retry after a crash is safe
   * too. Generated (a random UUID) when omitted; returned in the result.
   */
  idempotencyKey?: string;
}

export interface TransactionsApi {
  initiate(input: InitiateInput, options?: InitiateOptions): Promise<InitiateResult>;
  /** Test mode: a payment whose simulated customer does what `input.outcome` names; then waitForResult as with initiate. */
  initiateTest(input: TestPaymentInput, options?: InitiateOptions): Promise<InitiateResult>;
  /** The outcomes initiateTest can play. */
  testOutcomes(): Promise<TestOutcomeInfo[]>;
  get(id: string): Promise<Transaction>;
  /** `await` it for the first page, or `for await` over every transaction of every page. */
  list(filters?: ListFilters): PagedList<Transaction>;
  /**
   * One text tried as a receipt, a phone in any form, an account reference, an id and a
   * CheckoutRequestID (exact, indexed lookups), newest first: what the dashboard's search box asks.
   */
  search(q: string, options?: { limit?: number }): Promise<TransactionSearch>;
  /** Resolves with the transaction once it is completed, failed, cancelled or expired; rejects with MpesaBridgeTimeoutError. */
  waitForResult(id: string, options?: WaitOptions): Promise<Transaction>;
  /**
   * Asks M-Pesa now (STK Query) about a payment still pending, instead of waiting for its
   * callback or the service's own reconciliation. `reconciliation.outcome` says what happened.
   */
  reconcile(id: string): Promise<ReconcileResult>;
}

/** Client secrets of recent initiates, so waitForResult can use the socket without being handed one. */
const REMEMBERED_SECRETS_MAX = 1_000;

export function createTransactionsApi(
  request: ReturnType<typeof createHttp>,
  realtimeUrl: string,
): TransactionsApi {
  const secrets = new Map<string, string>();
  const remember = (id: string, clientSecret: string) => {
    secrets.set(id, clientSecret);
    if (secrets.size > REMEMBERED_SECRETS_MAX) secrets.delete(secrets.keys().next().value as string);
  };

  const get = async (id: string) => {
    const { body } = await request<{ transaction: Transaction }>({
      method: 'GET',
      path: `/api/v1/transactions/${encodeURIComponent(id)}`,
      retry: 'read',
    });
    return body.transaction;
  };

  const start = async (
    path: string,
    input: InitiateInput | TestPaymentInput,
    options: InitiateOptions,
  ): Promise<InitiateResult> => {
    const idempotencyKey = options.idempotencyKey ?? randomUUID();
    const { status, body } = await request<{ transaction: Transaction; clientSecret: string }>({
      method: 'POST',
      path,
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
      retry: 'idempotent-write',
    });
    remember(body.transaction.id, body.clientSecret);
    return {
      transaction: body.transaction,
      clientSecret: body.clientSecret,
      idempotencyKey,
      push: status === 202 ? 'unknown' : 'accepted',
    };
  };

  return {
    initiate: (input, options = {}) => start('/api/v1/transactions/initiate', input, options),
    initiateTest: (input, options = {}) => start('/api/v1/test-payments', input, options),

    async testOutcomes() {
      const { body } = await request<{ data: TestOutcomeInfo[] }>({
        method: 'GET',
        path: '/api/v1/test-payments/outcomes',
        retry: 'read',
      });
      return body.data;
    },

    get,

    list(filters = {}) {
      const { cursor, ...rest } = filters;
      const query = {
        status: rest.status,
        channel: rest.channel,
        phone: rest.phone,
        accountReference: rest.accountReference,
        receipt: rest.receipt,
        from: rest.from instanceof Date ? rest.from.toISOString() : rest.from,
        to: rest.to instanceof Date ? rest.to.toISOString() : rest.to,
        limit: rest.limit === undefined ? undefined : String(rest.limit),
      };
      return pagedList(async (pageCursor) => {
        const { body } = await request<Page<Transaction>>({
          method: 'GET',
          path: '/api/v1/transactions',
          query: { ...query, cursor: pageCursor },
          retry: 'read',
        });
        return body;
      }, cursor);
    },

    async search(q, options = {}) {
      const { body } = await request<TransactionSearch>({
        method: 'GET',
        path: '/api/v1/transactions/search',
        query: { q, limit: options.limit === undefined ? undefined : String(options.limit) },
        retry: 'read',
      });
      return body;
    },

    async reconcile(id) {
      // Not retried after a lost answer: the repeat would report `already_final` for a payment this call settled.
      const { body } = await request<ReconcileResult>({
        method: 'POST',
        path: `/api/v1/transactions/${encodeURIComponent(id)}/reconcile`,
        retry: 'write',
      });
      return body;
    },

    async waitForResult(id, options = {}) {
      try {
        return await waitForResult(
          { realtimeUrl, getTransaction: get },
          id,
          options.clientSecret ?? secrets.get(id),
          options,
        );
      } finally {
        secrets.delete(id);
      }
    },
  };
}
