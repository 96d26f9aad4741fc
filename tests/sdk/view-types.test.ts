// The SDK describes the service's requests and responses by hand (it must not import the
// server). These assignments stop `tsc --noEmit` (the first half of `npm test`) when the two
// drift apart.
import type { z } from 'zod';
import type {
  ApiErrorCode,
  ClientTransaction,
  CreateWebhookEndpointInput,
  DeliveryAttempt,
  DeliveryFilters,
  EventDetail,
  EventFilters,
  EventRecord,
  EventTypeSelector,
  ReconcileOutcome,
  RedeliverEventOptions,
  RotateSecretOptions,
  Transaction,
  TransactionStatus,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryWithAttempts,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventType,
  MpesaAccount,
  MpesaAccountCheck,
  TransactionSearch,
  AuditPage,
  RequestLogPage,
  ProjectStatsSeries,
  CreateMpesaAccountInput,
  UpdateMpesaAccountInput,
  InitiateInput,
  ListFilters,
  TestOutcome,
  TestPaymentInput,
  DashboardSession,
  DashboardUser,
  Project,
  ProjectStats,
  ProjectStreamCallback,
  ProjectStreamEvent,
  ProjectStreamTransaction,
  ProjectWithSecret,
  RotatedKeys,
  RotateKeysInput,
  TransactionHistory,
  Payout,
  PayoutHistory,
  PayoutSettings,
  PayoutStatus,
  CreatePayoutInput,
  PayoutListFilters,
  PayoutBatch,
  PayoutBatchDetail,
  PayoutBatchPreview,
  PaymentLink,
  CreatePaymentLinkInput,
  UpdatePaymentLinkInput,
  CheckoutSession,
  CreateCheckoutSessionInput,
} from '@mpesa-bridge/sdk';
import type { LinkView, createLinkBody, updateLinkBody } from '../../src/checkout/link.schema';
import type { SessionView, createSessionBody } from '../../src/checkout/session.schema';
import type * as SdkTypes from '@mpesa-bridge/sdk/types';
import type { sessionSchema, userSchema } from '../../src/operators/dashboard.schema';
import type {
  projectSchema,
  projectWithSecretSchema,
  rotatedKeysSchema,
  rotateKeysBody,
} from '../../src/projects/project.schema';
import type { StatsSeriesView, StatsView } from '../../src/stats/stats.schema';
import type { HistoryView } from '../../src/payments/transaction.history';
import type { CallbackReceipt } from '../../src/payments/payment.news';
import type { NewEvent } from '../../src/payments/event.types';
import type { AccountView } from '../../src/accounts/account.view';
import type { AccountCheckView } from '../../src/accounts/account.schema';
import type { searchResultSchema } from '../../src/transactions/transaction.search';
import type { auditPageSchema } from '../../src/audit/audit.schema';
import type { requestLogPageSchema } from '../../src/request-log/request-log.schema';
import type { createAccountBody, updateAccountBody } from '../../src/accounts/account.schema';
import type { initiateBody, listQuery } from '../../src/payments/transaction.schema';
import type { testPaymentBody } from '../../src/test-payments/test-payment.schema';
import type { OutcomeName } from '../../src/simulator/simulator.outcomes';
import type { ClientTransactionView, MerchantTransactionView } from '../../src/payments/transaction.view';
import type { Status } from '../../src/payments/transaction.states';
import type { ErrorCode as ServerErrorCode } from '../../src/errors';
import type {
  createPayoutBody,
  payoutHistorySchema,
  payoutListQuery,
  PayoutView,
} from '../../src/payments/payout.schema';
import type { PayoutStatus as ServerPayoutStatus } from '../../src/payments/payout.states';
import type { settingsSchema } from '../../src/payouts/payout.settings.schema';
import type {
  BatchView,
  batchPreviewSchema,
  batchResponseSchema,
} from '../../src/payouts/payout-batch.schema';
import type { ReconcileOutcome as ServerReconcileOutcome } from '../../src/reconciliation/reconcile.service';
import type { ALL_EVENTS, EventType as ServerEventType } from '../../src/payments/event.types';
import type { eventsQuery, redeliverEventBody } from '../../src/webhooks/event.schema';
import type { EventsService } from '../../src/webhooks/event.service';
import type {
  createEndpointBody,
  deliveriesQuery,
  rotateSecretBody,
  updateEndpointBody,
} from '../../src/webhooks/endpoint.schema';
import type { EndpointsService } from '../../src/webhooks/endpoint.service';
import type {
  toAttemptView,
  toDeliveryView,
  toEndpointView,
  toEventView,
} from '../../src/webhooks/webhook.view';

/** Identical types, to any depth: an optional field added, dropped or made nullable anywhere fails it. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Same fields, and every SDK value is one the server's type allows: where the server stores a plain string, the SDK names the values. */
type Narrows<Sdk, Server> =
  Same<keyof Sdk, keyof Server> extends true ? ([Sdk] extends [Server] ? true : false) : false;
type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

const merchantView: Same<MerchantTransactionView, Transaction> = true;
const clientView: Same<ClientTransactionView, ClientTransaction> = true;
const statuses: Same<Status, TransactionStatus> = true;
const errorCodes: Same<ServerErrorCode, ApiErrorCode> = true;
const reconcileOutcomes: Same<ServerReconcileOutcome, ReconcileOutcome> = true;

// Webhooks: the views.
type EndpointView = ReturnType<typeof toEndpointView>;
type EventView = ReturnType<typeof toEventView>;
type DeliveryView = ReturnType<typeof toDeliveryView>;
const eventTypes: Same<ServerEventType, WebhookEventType> = true;
const selectors: Same<ServerEventType | typeof ALL_EVENTS, EventTypeSelector> = true;
// The service types event types as strings; the SDK names their values (and ties each type to its data).
const endpointView: Same<Omit<EndpointView, 'eventTypes'>, Omit<WebhookEndpoint, 'eventTypes'>> = true;
const endpointEventTypes: Narrows<WebhookEndpoint, EndpointView> = true;
const eventView: Same<Omit<EventView, 'type'>, Omit<EventRecord, 'type'>> = true;
const eventRecord: Narrows<EventRecord, EventView> = true;
const attemptView: Same<ReturnType<typeof toAttemptView>, DeliveryAttempt> = true;
const deliveryView: Same<Omit<DeliveryView, 'attemptLog'>, WebhookDelivery> = true;
const attemptLog: Same<DeliveryView['attemptLog'], DeliveryAttempt[] | undefined> = true;
// On an event's detail every delivery has its attempt log, and nothing else besides.
const withAttempts: Same<Omit<WebhookDeliveryWithAttempts, 'attemptLog'>, WebhookDelivery> = true;
const withAttemptsLog: Same<
  WebhookDeliveryWithAttempts['attemptLog'],
  NonNullable<DeliveryView['attemptLog']>
> = true;

// Webhooks: what each call answers (the SDK unwraps single-entity envelopes).
const created: Narrows<WebhookEndpointWithSecret, Result<EndpointsService['create']>> = true;
const rotated: Narrows<WebhookEndpointWithSecret, Result<EndpointsService['rotateSecret']>> = true;
const listed: Same<keyof Result<EndpointsService['list']>, 'data'> = true;
const fetched: Same<keyof Result<EndpointsService['get']>, 'endpoint'> = true;
const updated: Same<keyof Result<EndpointsService['update']>, 'endpoint'> = true;
const deliveriesPage: Same<
  Omit<Result<EndpointsService['deliveries']>['data'][number], 'attemptLog'>,
  WebhookDelivery
> = true;
const deliveriesCursor: Same<Result<EndpointsService['deliveries']>['nextCursor'], string | null> = true;
const redeliveredFailed: Same<Result<EndpointsService['redeliverFailed']>, { redelivered: number }> = true;
const eventsPage: Same<keyof Result<EventsService['list']>, 'data' | 'nextCursor'> = true;
const eventDetail: Narrows<EventDetail, Result<EventsService['get']>> = true;
const redelivered: Same<keyof Result<EventsService['redeliver']>, 'deliveries'> = true;

// Webhooks: what each call sends (zod's input types of the service's own schemas).
const createInput: Same<z.input<typeof createEndpointBody>, CreateWebhookEndpointInput> = true;
const updateInput: Same<z.input<typeof updateEndpointBody>, UpdateWebhookEndpointInput> = true;
// These bodies may be omitted; the SDK always sends one ({} at least).
const rotateInput: Same<NonNullable<z.input<typeof rotateSecretBody>>, RotateSecretOptions> = true;
const redeliverInput: Same<NonNullable<z.input<typeof redeliverEventBody>>, RedeliverEventOptions> = true;
// Query strings arrive as text (`limit` is coerced), so their names and enums are compared.
const deliveryFilters: Same<keyof z.input<typeof deliveriesQuery>, keyof DeliveryFilters> = true;
const deliveryStatus: Same<z.output<typeof deliveriesQuery>['status'], DeliveryFilters['status']> = true;
const eventFilters: Same<keyof z.input<typeof eventsQuery>, keyof EventFilters> = true;
const eventFilterType: Same<z.output<typeof eventsQuery>['type'], EventFilters['type']> = true;

// M-Pesa accounts and the initiate that names one.
const accountView: Same<AccountView, MpesaAccount> = true;
const accountCheck: Same<AccountCheckView, MpesaAccountCheck> = true;
const transactionSearch: Same<z.output<typeof searchResultSchema>, TransactionSearch> = true;
const auditPage: Same<z.output<typeof auditPageSchema>, AuditPage> = true;
const requestLogPage: Same<z.output<typeof requestLogPageSchema>, RequestLogPage> = true;
const statsSeries: Same<StatsSeriesView, ProjectStatsSeries> = true;
const createAccountInput: Same<z.input<typeof createAccountBody>, CreateMpesaAccountInput> = true;
const updateAccountInput: Same<z.input<typeof updateAccountBody>, UpdateMpesaAccountInput> = true;
const initiateFields: Same<keyof z.input<ReturnType<typeof initiateBody>>, keyof InitiateInput> = true;
const listFilters: Same<keyof z.input<typeof listQuery>, keyof ListFilters> = true;
const testPaymentFields: Same<keyof z.input<ReturnType<typeof testPaymentBody>>, keyof TestPaymentInput> =
  true;
const testOutcomes: Same<OutcomeName, TestOutcome> = true;

// What the dashboard reads (dashboard/src checks its calls with these types).
const project: Same<z.output<typeof projectSchema>, Project> = true;
const projectWithSecret: Same<z.output<typeof projectWithSecretSchema>, ProjectWithSecret> = true;
const rotatedKeys: Same<z.output<typeof rotatedKeysSchema>, RotatedKeys> = true;
const rotateKeysInput: Same<Exclude<z.input<typeof rotateKeysBody>, undefined>, RotateKeysInput> = true;
const dashboardUser: Same<z.output<typeof userSchema>, DashboardUser> = true;
const dashboardSession: Same<z.output<typeof sessionSchema>, DashboardSession> = true;
const stats: Same<StatsView, ProjectStats> = true;
const history: Same<HistoryView, TransactionHistory> = true;
// The project stream (src/realtime/project-stream.ts) sends these fields of its own types, dates as ISO text.
type Iso<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] };
const streamTransaction: Same<ProjectStreamTransaction, { transaction: MerchantTransactionView }> = true;
const streamEvent: Same<
  ProjectStreamEvent,
  Iso<Pick<NewEvent, 'id' | 'type' | 'transactionId' | 'createdAt' | 'payload'>>
> = true;
const streamCallback: Same<ProjectStreamCallback, Iso<Omit<CallbackReceipt, 'projectId' | 'mode'>>> = true;
// The types-only entry the dashboard imports carries the same types as the main one.
const typesEntry: Same<SdkTypes.DashboardSession, DashboardSession> = true;
const typesEntryTransaction: Same<SdkTypes.Transaction, Transaction> = true;

// Payouts: the view, its states, its history, the settings, and what a create sends.
const payoutView: Same<PayoutView, Payout> = true;
const payoutStatuses: Same<ServerPayoutStatus, PayoutStatus> = true;
const payoutHistory: Same<z.output<typeof payoutHistorySchema>, PayoutHistory> = true;
const payoutSettings: Same<z.output<typeof settingsSchema>, PayoutSettings> = true;
const createPayoutInput: Same<z.input<typeof createPayoutBody>, CreatePayoutInput> = true;
const payoutFilters: Same<keyof z.input<typeof payoutListQuery>, keyof PayoutListFilters> = true;
const payoutBatch: Same<BatchView, PayoutBatch> = true;
const payoutBatchDetail: Same<z.output<typeof batchResponseSchema>, PayoutBatchDetail> = true;
const payoutBatchPreview: Same<z.output<typeof batchPreviewSchema>, PayoutBatchPreview> = true;
// Payment links and checkout sessions (docs/checkout.md).
const paymentLink: Same<LinkView, PaymentLink> = true;
const checkoutSession: Same<SessionView, CheckoutSession> = true;
const createLinkInput: Same<z.input<ReturnType<typeof createLinkBody>>, CreatePaymentLinkInput> = true;
const updateLinkInput: Same<z.input<typeof updateLinkBody>, UpdatePaymentLinkInput> = true;
const createSessionInput: Same<
  z.input<ReturnType<typeof createSessionBody>>,
  CreateCheckoutSessionInput
> = true;

const checks = [
  paymentLink,
  checkoutSession,
  createLinkInput,
  updateLinkInput,
  createSessionInput,
  project,
  projectWithSecret,
  rotatedKeys,
  rotateKeysInput,
  dashboardUser,
  dashboardSession,
  stats,
  history,
  streamTransaction,
  streamEvent,
  streamCallback,
  typesEntry,
  typesEntryTransaction,
  accountView,
  accountCheck,
  transactionSearch,
  auditPage,
  requestLogPage,
  statsSeries,
  createAccountInput,
  updateAccountInput,
  initiateFields,
  listFilters,
  testPaymentFields,
  testOutcomes,
  merchantView,
  clientView,
  statuses,
  errorCodes,
  reconcileOutcomes,
  eventTypes,
  selectors,
  endpointView,
  endpointEventTypes,
  eventView,
  eventRecord,
  attemptView,
  deliveryView,
  attemptLog,
  withAttempts,
  withAttemptsLog,
  created,
  rotated,
  listed,
  fetched,
  updated,
  deliveriesPage,
  deliveriesCursor,
  redeliveredFailed,
  eventsPage,
  eventDetail,
  redelivered,
  createInput,
  updateInput,
  rotateInput,
  redeliverInput,
  deliveryFilters,
  deliveryStatus,
  eventFilters,
  eventFilterType,
  payoutView,
  payoutStatuses,
  payoutHistory,
  payoutSettings,
  createPayoutInput,
  payoutFilters,
  payoutBatch,
  payoutBatchDetail,
  payoutBatchPreview,
];

it('then the SDK types match the service views, inputs, statuses and error codes', () => {
  expect(checks.every((check) => check === true)).toBe(true);
});
