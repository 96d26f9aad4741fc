// The payout batches API, each operation declared once (src/core/operation.ts). Asking for a
// batch is signed (or made from a dashboard session), like a single payout; approving or
// rejecting it needs a dashboard session of another user than the requester (four eyes).
import type { Request } from 'express';
import { defineOperation, type FeatureApi } from '../core/operation';
import { approverOf } from '../core/four-eyes';
import { scopeOf } from '../core/scope';
import { idempotencyKeyHeader } from '../payments/transaction.schema';
import { PAYOUT_CREATE_ERRORS, requesterOf } from './payout.routes';
import type { PayoutBatchesService } from './payout-batch.service';
import {
  batchDecisionBody,
  batchExportQuery,
  batchIdParams,
  batchListQuery,
  batchPageSchema,
  batchPreviewSchema,
  batchResponseSchema,
  createBatchBody,
} from './payout-batch.schema';

export interface PayoutBatchesDeps {
  payoutBatches: PayoutBatchesService;
}

export const PAYOUT_BATCHES_PATH = '/api/v1/payout-batches';
const PREVIEW_PATH = `${PAYOUT_BATCHES_PATH}/preview`;
/** The paths whose body may be sent as `Content-Type: text/csv` (src/http/json-body.ts). */
export const CSV_BODY_PATHS = [PAYOUT_BATCHES_PATH, PREVIEW_PATH];
const TAG = 'Payouts';
const operation = defineOperation<PayoutBatchesDeps>();

/** A CSV body is read as `{ csv }`, so one schema checks both ways of sending a batch. */
function csvAsJson(req: Request): void {
  if (typeof req.body === 'string') req.body = { csv: req.body };
}

export const payoutBatchesApi: FeatureApi<PayoutBatchesDeps> = {
  operations: [
    operation({
      method: 'post',
      path: PAYOUT_BATCHES_PATH,
      operationId: 'createPayoutBatch',
      tag: TAG,
      summary: 'Pay out a batch (JSON rows or a CSV)',
      description:
        'Every row is checked before anything is stored: one bad row refuses the whole batch with `payout_batch_invalid`, whose `details.rows` names each bad row by its `line` and `fields`; nothing is sent. ' +
        'The rows are then stored as ordinary payouts (same caps, the daily cap on the total, the same approval policy: one approval for the whole batch when any row wants one) and sent one at a time at the deployment’s pace (`PAYOUT_BATCH_PACE`), each at most once. ' +
        'Send `{ "rows": [...] }`, `{ "csv": "..." }`, or the CSV itself with `Content-Type: text/csv`. A repeat with the same `Idempotency-Key` answers the same batch.',
      auth: 'signature',
      rateLimit: 'perProject',
      idempotent: true,
      precondition: csvAsJson,
      headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
      body: createBatchBody,
      sample: {
        sdk: {
          node: 'payouts.createBatch',
          python: 'payouts.create_batch',
          php: 'payouts.createBatch',
          idempotencyKeyOption: true,
        },
        body: {
          rows: [
            { phone: '0712345678', amount: 1500, remarks: 'Salary March' },
            { phone: '0722000000', amount: 900, remarks: 'Salary March' },
          ],
        },
        headers: { 'Idempotency-Key': 'payroll-2026-03' },
      },
      responses: { 201: { description: 'The batch and its rows.', schema: batchResponseSchema } },
      errors: ['payout_batch_invalid', ...PAYOUT_CREATE_ERRORS],
      handler: async ({ deps, req, res, body, headers }) => {
        const batch = await deps.payoutBatches.create(
          scopeOf(req),
          requesterOf(req),
          body,
          headers['Idempotency-Key'],
        );
        res.status(201).json(batch);
      },
    }),
    operation({
      method: 'post',
      path: PREVIEW_PATH,
      operationId: 'previewPayoutBatch',
      tag: TAG,
      summary: 'Check a payout batch without storing it',
      description:
        'The same body as creating one; nothing is stored or sent. Every row as read, with what is wrong with it by field: what the dashboard shows before a batch is submitted.',
      auth: 'signature',
      rateLimit: 'perProject',
      precondition: csvAsJson,
      body: createBatchBody,
      sample: { body: { csv: 'phone,amount,remarks\n0712345678,1500,Salary March\n' } },
      responses: { 200: { description: 'The rows, checked.', schema: batchPreviewSchema } },
      errors: ['payout_batch_invalid'],
      handler: async ({ deps, req, res, body }) => {
        res.json(await deps.payoutBatches.preview(scopeOf(req), body));
      },
    }),
    operation({
      method: 'get',
      path: PAYOUT_BATCHES_PATH,
      operationId: 'listPayoutBatches',
      tag: TAG,
      summary: 'List payout batches',
      description: "The project's batches of this mode, newest first, with their counts per status.",
      auth: 'signature',
      rateLimit: 'perProject',
      query: batchListQuery,
      sample: {
        sdk: { node: 'payouts.listBatches', python: 'payouts.list_batches', php: 'payouts.listBatches' },
      },
      responses: { 200: { description: 'One page.', schema: batchPageSchema } },
      handler: async ({ deps, req, res, query }) => {
        res.json(await deps.payoutBatches.list(scopeOf(req), query.cursor));
      },
    }),
    operation({
      method: 'get',
      path: `${PAYOUT_BATCHES_PATH}/:id`,
      operationId: 'getPayoutBatch',
      tag: TAG,
      summary: 'Get a payout batch, its counts and its rows',
      description:
        'The batch, how many rows stand in each payout status, and every row (by line) with its payout as it stands. `?format=csv` exports the outcome: a line per row with its status, receipt and reason.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: batchIdParams,
      query: batchExportQuery,
      sample: { sdk: { node: 'payouts.getBatch', python: 'payouts.get_batch', php: 'payouts.getBatch' } },
      responses: {
        200: { description: 'The batch (or its CSV export).', schema: batchResponseSchema },
      },
      errors: ['payout_batch_not_found'],
      handler: async ({ deps, req, res, params, query }) => {
        if (query.format === 'csv') {
          const csv = await deps.payoutBatches.exportCsv(scopeOf(req), params.id);
          res.status(200).type('text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', `attachment; filename="${params.id}.csv"`);
          res.send(csv);
          return;
        }
        res.json(await deps.payoutBatches.get(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'post',
      path: `${PAYOUT_BATCHES_PATH}/:id/approve`,
      operationId: 'approvePayoutBatch',
      tag: TAG,
      summary: 'Approve a payout batch (and start sending it)',
      description:
        'One approval for the whole batch. A dashboard session only, of a user who may see the project and is not the one who asked (four eyes); in live mode an operator. Its rows are then sent at the pace, each at most once.',
      auth: 'session',
      params: batchIdParams,
      body: batchDecisionBody,
      audit: { action: 'payout_batch.approved', fields: ['note'] },
      sample: { body: { note: 'Checked against the March payroll' } },
      responses: { 200: { description: 'The batch, sending.', schema: batchResponseSchema } },
      errors: ['payout_batch_not_found', 'payout_approval_forbidden', 'payout_batch_not_awaiting_approval'],
      handler: async ({ deps, req, res, params, body }) => {
        res.json(await deps.payoutBatches.approve(params.id, approverOf(req), body.note));
      },
    }),
    operation({
      method: 'post',
      path: `${PAYOUT_BATCHES_PATH}/:id/reject`,
      operationId: 'rejectPayoutBatch',
      tag: TAG,
      summary: 'Reject a payout batch',
      description:
        'Same rules as approving; every row ends `failed` (`approval_rejected`) and nothing is sent.',
      auth: 'session',
      params: batchIdParams,
      body: batchDecisionBody,
      audit: { action: 'payout_batch.rejected', fields: ['note'] },
      sample: { body: { note: 'Wrong month' } },
      responses: { 200: { description: 'The batch, rejected.', schema: batchResponseSchema } },
      errors: ['payout_batch_not_found', 'payout_approval_forbidden', 'payout_batch_not_awaiting_approval'],
      handler: async ({ deps, req, res, params, body }) => {
        res.json(await deps.payoutBatches.reject(params.id, approverOf(req), body.note));
      },
    }),
  ],
};
