// Node entry: `import { createClient, verifyWebhook } from '@mpesa-bridge/sdk'`.
export { createClient, type ClientOptions, type MpesaBridgeClient, type RawRequest } from './client.js';
export type { HttpResponse } from './http.js';
export type { TransactionsApi, InitiateOptions } from './transactions.js';
export type { WebhookEndpointsApi } from './webhook-endpoints.js';
export type { MpesaAccountsApi } from './mpesa-accounts.js';
export type { EventsApi } from './events.js';
export type {
  RefundsApi,
  BalancesApi,
  Refund,
  RefundStatus,
  RefundListFilters,
  BalanceCheck,
  BalanceOverview,
  NamedBalance,
} from './refunds.js';
export type { PayoutsApi, CreatePayoutOptions, CreatePayoutResult, WaitForPayoutOptions } from './payouts.js';
export type { PaymentLinksApi, CheckoutSessionsApi } from './checkout.js';
export type { PagedList } from './pagination.js';
export type { WaitOptions } from './wait.js';
export type { FetchLike } from './http.js';
export {
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookHeaders,
  type VerifyWebhookOptions,
} from './webhooks.js';
export { signRequest, type SignInput, type SignatureHeaders } from './signature.js';
export {
  CLIENT_SECRET_HEADER,
  subscribeToTransaction,
  type SubscribeOptions,
  type TransactionSubscription,
} from './realtime.js';
export {
  MpesaBridgeError,
  MpesaBridgeTimeoutError,
  WebhookVerificationError,
  type ApiErrorCode,
  type ClientErrorCode,
  type ErrorCode,
  type WebhookErrorCode,
} from './errors.js';
export * from './types.js';
export * from './webhook-types.js';
export * from './payout-types.js';
export * from './account-types.js';
export * from './c2b-types.js';
export * from './status-query-types.js';
export * from './dashboard-types.js';
export * from './checkout-types.js';
export { SDK_VERSION } from './version.js';
