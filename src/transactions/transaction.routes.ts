// Merchant API for payments: each operation declared once (src/core/operation.ts), every one
// behind the signature check and the per-project limit. The schemas are the ones the
// reference shows.
import { searchQuery, searchResultSchema } from './transaction.search';
import { z } from 'zod';
import { scopeOf, type Scope } from '../core/scope';
import { AppError } from '../errors';
import type { Config } from '../config';
import type { Queryable } from '../db/database';
import { defineOperation, type FeatureApi } from '../core/operation';
import { CSV_COLUMNS, streamTransactionsCsv } from './transaction.export';
import { historySchema, paymentHistory } from '../payments/transaction.history';
import {
  exportQuery,
  idempotencyKeyHeader,
  initiateBody,
  initiateResponseSchema,
  listQuery,
  reconcileResponseSchema,
  transactionIdParams,
  transactionPageSchema,
  transactionResponseSchema,
  type ReconcileOutcome,
} from '../payments/transaction.schema';
import type { TransactionRow } from '../payments/transaction.repository';
import type { TransactionsService } from './transaction.service';
import { toMerchantView } from '../payments/transaction.view';

/** Reconcile one payment now: the reconciliation feature's, passed in by composition (app.ts). */
export interface ReconcileNow {
  reconcileNow(scope: Scope, id: string): Promise<{ row: TransactionRow; outcome: ReconcileOutcome }>;
}

/** A refused export is told to come back after about one export of a large set. */
const EXPORT_RETRY_AFTER_SECONDS = 30;

/**
 * CSV exports running at once (EXPORT_CONCURRENCY); more are refused with 503. Counted in this
 * process, per app: with several instances each runs its own EXPORT_CONCURRENCY.
 */
export interface ExportSlots {
  limit: number;
  running: number;
}

export interface TransactionsDeps {
  exports: ExportSlots;
  transactions: TransactionsService;
  reconciler: ReconcileNow;
  database: Queryable;
}

const BASE = '/api/v1/transactions';
const TAG = 'Transactions';
const operation = defineOperation<TransactionsDeps>();

export function transactionsApi(amount: Config['amount']): FeatureApi<TransactionsDeps> {
  return {
    tags: [{ name: TAG, description: 'Signed merchant endpoints: start an STK Push and read its outcome.' }],
    operations: [
      operation({
        method: 'post',
        path: `${BASE}/initiate`,
        operationId: 'initiateTransaction',
        tag: TAG,
        summary: 'Start an STK Push',
        description:
          "Sends the M-Pesa PIN prompt to the customer's phone. The answer carries the `clientSecret` a browser uses to follow the " +
          'payment live over Socket.io. When Daraja refuses the push, the error has `details.transactionId` and `details.darajaErrorCode` ' +
          'and the transaction is `failed`.',
        auth: 'signature',
        rateLimit: 'perProject',
        idempotent: true,
        nonceWithWrite: true,
        headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
        body: initiateBody(amount),
        responses: {
          201: {
            description: 'Daraja accepted the push; the transaction is `pending` until the callback.',
            schema: initiateResponseSchema,
          },
          202: {
            description:
              "Daraja's answer never came (timeout): the prompt may or may not have reached the customer, so it is not resent. " +
              'The transaction stays `pending` and settles when the callback arrives.',
            schema: initiateResponseSchema,
          },
        },
        errors: [
          'idempotency_key_reused',
          'mpesa_subscriber_busy',
          'mpesa_request_rejected',
          'mpesa_credentials_rejected',
          'mpesa_unavailable',
        ],
        sample: {
          sdk: {
            node: 'transactions.initiate',
            python: 'transactions.initiate',
            php: 'transactions.initiate',
            idempotencyKeyOption: true,
          },
          headers: { 'Idempotency-Key': 'order-1001' },
        },
        handler: async ({ deps, req, res, body, headers }) => {
          const result = await deps.transactions.initiate(
            scopeOf(req),
            body,
            headers['Idempotency-Key'],
            req.replayNonce,
          );
          res.status(result.httpStatus).json(result.body);
        },
      }),
      operation({
        method: 'get',
        path: BASE,
        operationId: 'listTransactions',
        tag: TAG,
        summary: 'List transactions',
        description: "The project's transactions, newest first, a page at a time (follow `nextCursor`).",
        auth: 'signature',
        rateLimit: 'perProject',
        query: listQuery,
        responses: { 200: { description: 'One page.', schema: transactionPageSchema } },
        sample: {
          sdk: { node: 'transactions.list', python: 'transactions.list', php: 'transactions.list' },
          query: { status: 'completed', limit: 10 },
        },
        handler: async ({ deps, req, res, query }) => {
          res.json(await deps.transactions.list(scopeOf(req), query));
        },
      }),
      // Before /:id, which would take "search" for an id.
      operation({
        method: 'get',
        path: `${BASE}/search`,
        operationId: 'searchTransactions',
        tag: TAG,
        summary: 'Find transactions by what a person has at hand',
        description:
          'One text, tried as each thing it could be: an M-Pesa receipt (any case), a phone in any form, an account reference, a transaction id, a CheckoutRequestID. ' +
          'Each try is an exact, indexed lookup in the key’s project and mode; the matches come newest first, with what the text matched as. The dashboard’s search box.',
        auth: 'signature',
        rateLimit: 'perProject',
        query: searchQuery,
        responses: { 200: { description: 'The matches.', schema: searchResultSchema } },
        sample: { query: { q: '0712 345 678' } },
        handler: async ({ deps, req, res, query }) => {
          res.json(await deps.transactions.search(scopeOf(req), query));
        },
      }),
      // Before /:id, which would take "export" for an id.
      operation({
        method: 'get',
        path: `${BASE}/export`,
        operationId: 'exportTransactions',
        tag: TAG,
        summary: 'Export transactions as CSV',
        description: `Every transaction the list's filters match, newest first, streamed (a million rows take constant memory). Columns: ${CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}. Texts starting with = + - @ are prefixed with ' so spreadsheets do not run them. At most \`EXPORT_CONCURRENCY\` exports run at once per instance; more answer 429 \`rate_limited\` with \`Retry-After\`.`,
        auth: 'signature',
        rateLimit: 'perProject',
        query: exportQuery,
        responses: {
          200: { description: 'The CSV (RFC 4180, CRLF).', contentType: 'text/csv', schema: z.string() },
        },
        errors: ['rate_limited'],
        sample: { query: { status: 'completed' } },
        handler: async ({ deps, req, res, query }) => {
          const scope = scopeOf(req);
          const slots = deps.exports;
          // A limit the caller can wait out, like the request allowance: 429, never a 5xx.
          if (slots.running >= slots.limit)
            throw new AppError(
              'rate_limited',
              `${slots.limit} exports are already running; retry after Retry-After`,
              { limit: slots.limit },
              { 'Retry-After': String(EXPORT_RETRY_AFTER_SECONDS) },
            );
          slots.running += 1;
          res.once('close', () => (slots.running -= 1));
          res.status(200).type('text/csv; charset=utf-8');
          res.set(
            'Content-Disposition',
            `attachment; filename="payments-${scope.projectId}-${scope.mode}.csv"`,
          );
          res.set('Cache-Control', 'no-store');
          const { receipt, ...filters } = query;
          await streamTransactionsCsv(deps.database, scope, { ...filters, mpesaReceiptNumber: receipt }, res);
          res.end();
        },
      }),
      operation({
        method: 'get',
        path: `${BASE}/:id/history`,
        operationId: 'getTransactionHistory',
        tag: TAG,
        summary: "A transaction's status changes and callbacks",
        description:
          'Every status change with its source (callback, STK Query answer, expiry, refused push) and the callbacks Safaricom sent for it, phone numbers masked.',
        auth: 'signature',
        rateLimit: 'perProject',
        params: transactionIdParams,
        responses: { 200: { description: 'The history.', schema: historySchema } },
        errors: ['transaction_not_found'],
        handler: async ({ deps, req, res, params }) => {
          res.json(await paymentHistory(deps.database, scopeOf(req), params.id));
        },
      }),
      operation({
        method: 'get',
        path: `${BASE}/:id`,
        operationId: 'getTransaction',
        tag: TAG,
        summary: 'Get a transaction',
        auth: 'signature',
        rateLimit: 'perProject',
        params: transactionIdParams,
        responses: { 200: { description: 'The transaction.', schema: transactionResponseSchema } },
        errors: ['transaction_not_found'],
        sample: {
          sdk: { node: 'transactions.get', python: 'transactions.retrieve', php: 'transactions.retrieve' },
        },
        handler: async ({ deps, req, res, params }) => {
          res.json({ transaction: await deps.transactions.get(scopeOf(req), params.id) });
        },
      }),
      operation({
        method: 'post',
        path: `${BASE}/:id/reconcile`,
        operationId: 'reconcileTransaction',
        tag: TAG,
        summary: 'Ask M-Pesa now (STK Query)',
        description:
          'Pending payments are reconciled by a worker anyway (`RECONCILE_AFTER`, 90 s); this asks Daraja at once, through the same ' +
          'compare-and-set as the callback, so a racing callback and query settle the payment once. `reconciliation.outcome`: ' +
          '`settled`, `already_final`, `in_progress` (4999: the customer has not answered), `no_answer` (Daraja gave none this time), ' +
          '`awaiting_callback` (the push answer was lost, so there is no CheckoutRequestID to ask about), `expired` or `busy`.',
        auth: 'signature',
        rateLimit: 'perProject',
        params: transactionIdParams,
        responses: {
          200: { description: 'The transaction after the query.', schema: reconcileResponseSchema },
        },
        errors: ['transaction_not_found'],
        sample: {
          sdk: {
            node: 'transactions.reconcile',
            python: 'transactions.reconcile',
            php: 'transactions.reconcile',
          },
        },
        handler: async ({ deps, req, res, params }) => {
          const { row, outcome } = await deps.reconciler.reconcileNow(scopeOf(req), params.id);
          res.json({ transaction: toMerchantView(row), reconciliation: { outcome } });
        },
      }),
    ],
  };
}
