// The merchant payment API in the OpenAPI document (routes: transaction.routes.ts, mounted in
// app.ts behind the signature check). The same schema factories the routes validate with.
import type { Config } from '../config';
import type { ApiSection } from '../core/openapi.types';
import {
  idempotencyKeyHeader,
  initiateBody,
  initiateResponseSchema,
  listQuery,
  exportQuery,
  transactionIdParams,
  transactionPageSchema,
  reconcileResponseSchema,
  transactionResponseSchema,
} from '../payments/transaction.schema';
import { historySchema } from '../payments/transaction.history';
import { CSV_COLUMNS } from './transaction.export';
import { z } from 'zod';

const BASE = '/api/v1/transactions';
const TAG = 'Transactions';

export function transactionsApi(amount: Config['amount']): ApiSection {
  return {
    tags: [{ name: TAG, description: 'Signed merchant endpoints: start an STK Push and read its outcome.' }],
    operations: [
      {
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
      },
      {
        method: 'get',
        path: BASE,
        operationId: 'listTransactions',
        tag: TAG,
        summary: 'List transactions',
        description: "The project's transactions, newest first, a page at a time (follow `nextCursor`).",
        auth: 'signature',
        query: listQuery,
        responses: { 200: { description: 'One page.', schema: transactionPageSchema } },
      },
      {
        method: 'get',
        path: `${BASE}/export`,
        operationId: 'exportTransactions',
        tag: TAG,
        summary: 'Export transactions as CSV',
        description: `Every transaction the list's filters match, newest first, streamed (a million rows take constant memory). Columns: ${CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}. Texts starting with = + - @ are prefixed with ' so spreadsheets do not run them. At most \`EXPORT_CONCURRENCY\` exports run at once per instance; more answer 503 \`service_unavailable\` with \`Retry-After\`.`,
        auth: 'signature',
        query: exportQuery,
        responses: {
          200: { description: 'The CSV (RFC 4180, CRLF).', contentType: 'text/csv', schema: z.string() },
        },
        errors: ['service_unavailable'],
      },
      {
        method: 'get',
        path: `${BASE}/:id/history`,
        operationId: 'getTransactionHistory',
        tag: TAG,
        summary: "A transaction's status changes and callbacks",
        description:
          'Every status change with its source (callback, STK Query answer, expiry, refused push) and the callbacks Safaricom sent for it, phone numbers masked.',
        auth: 'signature',
        params: transactionIdParams,
        responses: { 200: { description: 'The history.', schema: historySchema } },
        errors: ['transaction_not_found'],
      },
      {
        method: 'get',
        path: `${BASE}/:id`,
        operationId: 'getTransaction',
        tag: TAG,
        summary: 'Get a transaction',
        auth: 'signature',
        params: transactionIdParams,
        responses: { 200: { description: 'The transaction.', schema: transactionResponseSchema } },
        errors: ['transaction_not_found'],
      },
      {
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
        params: transactionIdParams,
        responses: {
          200: { description: 'The transaction after the query.', schema: reconcileResponseSchema },
        },
        errors: ['transaction_not_found'],
      },
    ],
  };
}
