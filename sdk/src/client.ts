// createClient: the one object a merchant backend holds. It keeps the secret key, so it is
// for servers only; browsers use `@mpesa-bridge/sdk/browser` with a client secret instead.
import { createEventsApi, type EventsApi } from './events.js';
import { createHttp, type FetchLike, type HttpResponse } from './http.js';
import { createMpesaAccountsApi, type MpesaAccountsApi } from './mpesa-accounts.js';
import { createPayoutsApi, type PayoutsApi } from './payouts.js';
import { createBalancesApi, createRefundsApi, type BalancesApi, type RefundsApi } from './refunds.js';
import {
  createCheckoutSessionsApi,
  createPaymentLinksApi,
  type CheckoutSessionsApi,
  type PaymentLinksApi,
} from './checkout.js';
import { createTransactionsApi, type TransactionsApi } from './transactions.js';
import { createWebhookEndpointsApi, type WebhookEndpointsApi } from './webhook-endpoints.js';
import type { WaitOptions } from './wait.js';
import type { Transaction } from './types.js';

export interface ClientOptions {
  /** Where the service runs, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** `pk_test_…` or `pk_live_…`: the mode of the key is the mode of everything the client sees. */
  publicKey: string;
  /** `sk_test_…` or `sk_live_…`: keep it on the server. */
  secretKey: string;
  /** A fetch implementation; global `fetch` by default (Node 20+). */
  fetch?: FetchLike;
  /** Per-request timeout; default 30 000 ms (above the service's own 15 s Daraja timeout). */
  timeoutMs?: number;
  /** Retries of a failed call where retrying is safe (see http.ts); default 2. */
  maxRetries?: number;
  /** Socket.io endpoint for waitForResult; the baseUrl by default. */
  realtimeUrl?: string;
}

export interface MpesaBridgeClient {
  transactions: TransactionsApi;
  webhookEndpoints: WebhookEndpointsApi;
  /** The project's own M-Pesa accounts (of the key's mode). */
  mpesaAccounts: MpesaAccountsApi;
  /** The event log behind webhooks, and replay. */
  events: EventsApi;
  /** Money out to a phone (B2C): off until an operator turns it on (docs/payouts.md). */
  payouts: PayoutsApi;
  /** Refunds of received payments (Daraja's Reversal), approved in the dashboard (docs/payouts.md). */
  refunds: RefundsApi;
  /** An M-Pesa account's balances (Daraja's Account Balance). */
  balances: BalancesApi;
  /** Payment links: a public page anyone may pay (docs/checkout.md). */
  paymentLinks: PaymentLinksApi;
  /** Checkout sessions: a hosted page for one order your server prices. */
  checkoutSessions: CheckoutSessionsApi;
  /** Shorthand for `transactions.waitForResult`. */
  waitForResult(id: string, options?: WaitOptions): Promise<Transaction>;
  /**
   * A signed call to a route this version of the SDK does not wrap yet, with the same signing,
   * errors and retry rules: a GET is retried like a read, a write only on 429 (or, carrying an
   * `Idempotency-Key` header, like an initiate).
   */
  request<T = unknown>(call: RawRequest): Promise<HttpResponse<T>>;
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path under the base URL, e.g. `/api/v1/diagnostics`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;

export function createClient(options: ClientOptions): MpesaBridgeClient {
  if (!options.baseUrl || !options.publicKey || !options.secretKey) {
    throw new TypeError('createClient needs baseUrl, publicKey and secretKey');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function')
    throw new TypeError('No global fetch: use Node 20+ or pass options.fetch');

  const request = createHttp({
    baseUrl: options.baseUrl,
    publicKey: options.publicKey,
    secretKey: options.secretKey,
    fetch: fetchImpl,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
  });
  const transactions = createTransactionsApi(request, options.realtimeUrl ?? options.baseUrl);
  return {
    transactions,
    webhookEndpoints: createWebhookEndpointsApi(request),
    mpesaAccounts: createMpesaAccountsApi(request),
    events: createEventsApi(request),
    payouts: createPayoutsApi(request),
    refunds: createRefundsApi(request),
    balances: createBalancesApi(request),
    paymentLinks: createPaymentLinksApi(request),
    checkoutSessions: createCheckoutSessionsApi(request),
    waitForResult: transactions.waitForResult,
    request: <T>(call: RawRequest) => {
      const idempotent = Object.keys(call.headers ?? {}).some(
        (name) => name.toLowerCase() === 'idempotency-key',
      );
      return request<T>({
        ...call,
        retry: call.method === 'GET' ? 'read' : idempotent ? 'idempotent-write' : 'write',
      });
    },
  };
}
