// The refunds API, each operation declared once (src/core/operation.ts). A refund is asked for
// with the merchant's signed key (or from a dashboard session) on the payment itself, and
// approved or rejected from a dashboard session of another user (four eyes, core/four-eyes.ts).
import type { Request } from 'express';
import { z } from 'zod';
import { defineOperation, type FeatureApi } from '../core/operation';
import { approverOf, requesterActor } from '../core/four-eyes';
import { scopeOf } from '../core/scope';
import { decisionBody } from '../payments/payout.schema';
import { REFUND_STATUSES, type RefundRow } from '../payments/refund.ledger';
import { transactionIdParams } from '../payments/transaction.schema';
import { expecting, text } from '../validation';
import type { RefundsService } from './refund.service';

export interface RefundsDeps {
  refunds: RefundsService;
}

const TAG = 'Refunds';
const operation = defineOperation<RefundsDeps>();

const ID = 'a refund id (rf_…)';
const refundIdParams = z.object({
  id: text(ID)
    .regex(/^rf_[0-9a-z]{1,64}$/, expecting(ID))
    .meta({ examples: ['rf_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

const refundBody = z
  .strictObject({
    remarks: text('2 to 100 characters')
      .trim()
      .min(2, expecting('2 to 100 characters'))
      .max(100, expecting('2 to 100 characters'))
      .optional()
      .meta({ description: "Daraja's Remarks; `Refund` by default.", examples: ['Returned goods'] }),
  })
  .optional();

export const refundSchema = z
  .object({
    id: z.string(),
    transactionId: z.string(),
    status: z.enum(REFUND_STATUSES).meta({
      description:
        'awaiting_approval → submitted (approved, sent once) | failed (rejected); submitted → succeeded | failed | unknown; unknown → succeeded | failed (Transaction Status on the receipt).',
    }),
    amount: z.number().int().meta({ description: 'Whole KES: the full amount of the payment.' }),
    receipt: z.string().meta({ description: "The payment's M-Pesa receipt (Daraja's TransactionID)." }),
    reversalReceipt: z
      .string()
      .nullable()
      .meta({ description: "The reversal's own receipt, once it succeeded." }),
    shortcode: z.string(),
    remarks: z.string(),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    conversationId: z.string().nullable(),
    reason: z
      .object({ code: z.string(), message: z.string(), resultCode: z.string().nullable() })
      .nullable()
      .meta({
        description:
          'Why it failed or is unknown: `already_reversed` (R000001), `receipt_unknown` (R000002), …',
      }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    settledAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Refund' });
const refundResponse = z.object({ refund: refundSchema }).meta({ id: 'RefundResponse' });

export type RefundView = z.output<typeof refundSchema>;

export function toRefundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    transactionId: row.transactionId,
    status: row.status as RefundView['status'],
    amount: row.amount,
    receipt: row.receipt,
    reversalReceipt: row.reversalReceipt,
    shortcode: row.shortcode,
    remarks: row.remarks,
    requestedBy: row.requestedBy,
    decidedBy: row.decidedBy,
    conversationId: row.conversationId,
    reason: row.reasonCode
      ? { code: row.reasonCode, message: row.reasonMessage ?? '', resultCode: row.resultCode }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
  };
}

const LIMIT = 'a whole number from 1 to 100';
const refundListQuery = z.strictObject({
  status: z.enum(REFUND_STATUSES, expecting(`one of ${REFUND_STATUSES.join(', ')}`)).optional(),
  transactionId: text('a transaction id').max(64).optional(),
  limit: z.coerce
    .number(expecting(LIMIT))
    .int()
    .min(1, expecting(LIMIT))
    .max(100, expecting(LIMIT))
    .default(20),
  cursor: text('a nextCursor value')
    .regex(/^rf_[0-9a-z]+$/, expecting('a nextCursor value'))
    .optional(),
});

const requesterOf = (req: Request) => ({ actor: requesterActor(req) });

export const refundsApi: FeatureApi<RefundsDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'Give a received payment (STK or C2B) back in full through Daraja\'s Reversal API. Money out: payouts must be on for the project, and every refund waits for a second person\'s approval. Sent at most once; an unknown outcome is resolved by Transaction Status on the receipt (docs/payouts.md "Refunds").',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: '/api/v1/transactions/:id/refund',
      operationId: 'refundTransaction',
      tag: TAG,
      summary: 'Refund a payment (reversal)',
      description:
        'Stores a refund of the whole payment, `awaiting_approval`: a dashboard user other than the one who asked approves it, and only then is it sent to Daraja, once. ' +
        'The payment becomes `reversed` (event `transaction.reversed`) when M-Pesa says the money went back. A payout (`po_…`) cannot be reversed through the API: `payout_not_reversible`.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: transactionIdParams,
      body: refundBody,
      sample: { body: { remarks: 'Returned goods' } },
      responses: { 201: { description: 'The refund, awaiting approval.', schema: refundResponse } },
      errors: [
        'transaction_not_found',
        'payment_not_refundable',
        'payout_not_reversible',
        'payouts_disabled',
        'payout_account_unsupported',
        'mpesa_unavailable',
      ],
      handler: async ({ deps, req, res, params, body }) => {
        const row = await deps.refunds.request(scopeOf(req), requesterOf(req), params.id, body?.remarks);
        res.status(201).json({ refund: toRefundView(row) });
      },
    }),
    operation({
      method: 'get',
      path: '/api/v1/refunds',
      operationId: 'listRefunds',
      tag: TAG,
      summary: 'List refunds',
      description: "The project's refunds of this mode, newest first (follow `nextCursor`).",
      auth: 'signature',
      rateLimit: 'perProject',
      query: refundListQuery,
      responses: {
        200: {
          description: 'One page.',
          schema: z
            .object({ data: z.array(refundSchema), nextCursor: z.string().nullable() })
            .meta({ id: 'RefundPage' }),
        },
      },
      handler: async ({ deps, req, res, query }) => {
        const page = await deps.refunds.list(scopeOf(req), query);
        res.json({ data: page.rows.map(toRefundView), nextCursor: page.nextCursor });
      },
    }),
    operation({
      method: 'get',
      path: '/api/v1/refunds/:id',
      operationId: 'getRefund',
      tag: TAG,
      summary: 'Get a refund',
      auth: 'signature',
      rateLimit: 'perProject',
      params: refundIdParams,
      responses: { 200: { description: 'The refund.', schema: refundResponse } },
      errors: ['refund_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json({ refund: toRefundView(await deps.refunds.get(scopeOf(req), params.id)) });
      },
    }),
    operation({
      method: 'post',
      path: '/api/v1/refunds/:id/approve',
      operationId: 'approveRefund',
      tag: TAG,
      summary: 'Approve a refund (and send it)',
      description:
        'A dashboard session only, of a user who may see the project and is not the one who asked (four eyes); in live mode an operator. Of several approvals at once, one sends and the others get `refund_not_awaiting_approval`.',
      auth: 'session',
      params: refundIdParams,
      body: decisionBody,
      sample: { body: { note: 'Goods came back' } },
      responses: { 200: { description: 'The refund, sent.', schema: refundResponse } },
      errors: [
        'refund_not_found',
        'refund_approval_forbidden',
        'refund_not_awaiting_approval',
        'mpesa_unavailable',
      ],
      handler: async ({ deps, req, res, params, body }) => {
        res.json({ refund: toRefundView(await deps.refunds.approve(params.id, approverOf(req), body.note)) });
      },
    }),
    operation({
      method: 'post',
      path: '/api/v1/refunds/:id/reject',
      operationId: 'rejectRefund',
      tag: TAG,
      summary: 'Reject a refund',
      description:
        'Same rules as approving; the refund ends `failed` (`approval_rejected`) and nothing is sent.',
      auth: 'session',
      params: refundIdParams,
      body: decisionBody,
      sample: { body: { note: 'Not returned' } },
      responses: { 200: { description: 'The refund, failed.', schema: refundResponse } },
      errors: ['refund_not_found', 'refund_approval_forbidden', 'refund_not_awaiting_approval'],
      handler: async ({ deps, req, res, params, body }) => {
        res.json({ refund: toRefundView(await deps.refunds.reject(params.id, approverOf(req), body.note)) });
      },
    }),
  ],
};
