// Refunds (Daraja's Reversal of a received payment) and account balances (Account Balance).
// A refund waits for a second person's approval in the dashboard (never this client's key), and
// the service sends it to Daraja at most once; the payment becomes `reversed` with the
// reversal's receipt (webhook `transaction.reversed`). A balance check's answer comes later:
// `balances.check` polls it for you.
import type { createHttp } from './http.js';
import { pagedList, type PagedList } from './pagination.js';
import type { Page } from './types.js';
import type { BalanceCheck, BalanceOverview, Refund, RefundListFilters } from './refund-types.js';
export type * from './refund-types.js';

export interface RefundsApi {
  /** Asks for a refund of the whole payment; it waits for a second person's approval in the dashboard. */
  create(transactionId: string, input?: { remarks?: string }): Promise<Refund>;
  get(id: string): Promise<Refund>;
  list(filters?: RefundListFilters): PagedList<Refund>;
}

export interface BalancesApi {
  /** Asks Daraja for an account's balances and waits (polling) until the answer is in. */
  check(options?: { account?: string; timeoutMs?: number; intervalMs?: number }): Promise<BalanceCheck>;
  get(id: string): Promise<BalanceCheck>;
  /** The latest balances of each account, the payouts waiting to go, and warnings. */
  list(): Promise<BalanceOverview>;
}

export function createRefundsApi(request: ReturnType<typeof createHttp>): RefundsApi {
  return {
    async create(transactionId, input = {}) {
      const { body } = await request<{ refund: Refund }>({
        method: 'POST',
        path: `/api/v1/transactions/${encodeURIComponent(transactionId)}/refund`,
        body: input,
        // A second create while one is live is refused (payment_not_refundable): safe to retry.
        retry: 'idempotent-write',
      });
      return body.refund;
    },
    async get(id) {
      const { body } = await request<{ refund: Refund }>({
        method: 'GET',
        path: `/api/v1/refunds/${encodeURIComponent(id)}`,
        retry: 'read',
      });
      return body.refund;
    },
    list(filters = {}) {
      const { cursor, ...rest } = filters;
      const query = {
        status: rest.status,
        transactionId: rest.transactionId,
        limit: rest.limit === undefined ? undefined : String(rest.limit),
      };
      return pagedList(async (pageCursor) => {
        const { body } = await request<Page<Refund>>({
          method: 'GET',
          path: '/api/v1/refunds',
          query: { ...query, cursor: pageCursor },
          retry: 'read',
        });
        return body;
      }, cursor);
    },
  };
}

export function createBalancesApi(request: ReturnType<typeof createHttp>): BalancesApi {
  const get = async (id: string) => {
    const { body } = await request<{ balanceCheck: BalanceCheck }>({
      method: 'GET',
      path: `/api/v1/balances/${encodeURIComponent(id)}`,
      retry: 'read',
    });
    return body.balanceCheck;
  };
  return {
    async check(options = {}) {
      const { body } = await request<{ balanceCheck: BalanceCheck }>({
        method: 'POST',
        path: '/api/v1/balances',
        body: options.account ? { account: options.account } : {},
        // Asking again moves no money.
        retry: 'idempotent-write',
      });
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      let check = body.balanceCheck;
      while (check.status === 'pending' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
        check = await get(check.id);
      }
      return check;
    },
    get,
    async list() {
      const { body } = await request<BalanceOverview>({
        method: 'GET',
        path: '/api/v1/balances',
        retry: 'read',
      });
      return body;
    },
  };
}
