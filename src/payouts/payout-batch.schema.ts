// Requests and answers of the payout batches API (payout-batch.routes.ts), and the mapper every
// batch answer goes through (a row is never sent as it is).
import { z } from 'zod';
import { expecting, text } from '../validation';
import type { Mode } from '../core/scope';
import { accountIdField } from '../payments/transaction.schema';
import { payoutSchema } from '../payments/payout.schema';
import { toPayoutView } from '../payments/payout.view';
import { PAYOUT_STATUSES, type PayoutStatus } from '../payments/payout.states';
import type { PayoutRow } from '../payments/payout.repository';
import { BATCH_STATUSES, type BatchStatus, type PayoutBatchRow } from './payout-batch.repository';
import { CSV_COLUMNS, MAX_BATCH_ROWS } from './payout-batch.rows';

const CSV = `a CSV whose first line names its columns (${CSV_COLUMNS.join(', ')})`;

export const createBatchBody = z
  .strictObject({
    rows: z
      .array(z.unknown(), expecting(`a list of payouts, at most ${MAX_BATCH_ROWS}`))
      .optional()
      .meta({
        description: `The payouts, each as \`POST /api/v1/payouts\` takes one (without \`account\`): at most ${MAX_BATCH_ROWS}. A row's line is its place in the list, from 1.`,
        examples: [
          [
            { phone: '0712345678', amount: 1500, remarks: 'Salary March' },
            { phone: '0722000000', amount: 900, remarks: 'Salary March' },
          ],
        ],
      }),
    csv: text(CSV)
      .optional()
      .meta({
        description: `The payouts as CSV instead of \`rows\` (or send the CSV itself as the body, \`Content-Type: text/csv\`): ${CSV}; a row's line is its line in the file.`,
        examples: ['phone,amount,remarks,reference\n0712345678,1500,Salary March,EMP-001\n'],
      }),
    account: accountIdField.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.rows === undefined) === (body.csv === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['rows'],
        message: 'or csv is required: exactly one of them',
        input: body.rows,
      });
  });
export type CreateBatchInput = z.infer<typeof createBatchBody>;

const ID = 'a payout batch id (pob_…)';
export const batchIdParams = z.object({
  id: text(ID)
    .regex(/^pob_[0-9a-z]{1,64}$/, expecting(ID))
    .meta({ examples: ['pob_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const batchDecisionBody = z.strictObject({
  note: text('up to 500 characters').max(500).optional(),
});

export const batchExportQuery = z.strictObject({
  format: z.enum(['json', 'csv'], expecting('json or csv')).default('json'),
});

const isoTime = z.iso.datetime();

const batchSchema = z
  .object({
    id: z.string().meta({ examples: ['pob_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    status: z.enum(BATCH_STATUSES).meta({
      description:
        'awaiting_approval (one approval for the whole batch) → sending (its rows go one at a time at the configured pace) → sent (every row handed to Daraja; their outcomes follow); or rejected (no row sent).',
    }),
    mode: z.enum(['test', 'live']),
    rowCount: z.number().int(),
    total: z.number().int().meta({ description: 'KES, the sum of its rows.' }),
    counts: z.partialRecord(z.enum(PAYOUT_STATUSES), z.number().int()).meta({
      description: 'How many rows stand in each payout status.',
      examples: [{ succeeded: 2, failed: 1 }],
    }),
    requestedBy: z.string(),
    approval: z
      .object({
        decision: z.enum(['approved', 'rejected']).nullable(),
        decidedBy: z.string().nullable(),
        decidedAt: isoTime.nullable(),
      })
      .nullable()
      .meta({ description: 'Present when the policy wanted an approval.' }),
    createdAt: isoTime,
    completedAt: isoTime.nullable().meta({ description: 'When its last row was handed to Daraja.' }),
  })
  .meta({ id: 'PayoutBatch', description: 'A batch of payouts, approved once, sent row by row.' });

const batchRowSchema = z
  .object({ line: z.number().int(), payout: payoutSchema })
  .meta({ id: 'PayoutBatchRow' });

export const batchResponseSchema = z
  .object({ batch: batchSchema, rows: z.array(batchRowSchema).meta({ description: 'By line.' }) })
  .meta({ id: 'PayoutBatchResponse' });
export const batchPageSchema = z
  .object({ data: z.array(batchSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PayoutBatchPage' });
export const batchListQuery = z.strictObject({
  cursor: text('a nextCursor value from a previous page')
    .regex(/^pob_[0-9a-z]+$/)
    .optional(),
});

export type BatchView = z.output<typeof batchSchema>;

export function toBatchView(row: PayoutBatchRow, counts: Record<string, number>): BatchView {
  return {
    id: row.id,
    status: row.status as BatchStatus,
    mode: row.mode as Mode,
    rowCount: row.rowCount,
    total: row.total,
    counts: counts as Partial<Record<PayoutStatus, number>>,
    requestedBy: row.requestedBy,
    approval: row.approvalRequired
      ? {
          decision: row.decidedBy ? (row.status === 'rejected' ? 'rejected' : 'approved') : null,
          decidedBy: row.decidedBy,
          decidedAt: row.decidedAt?.toISOString() ?? null,
        }
      : null,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export const toBatchRowView = (row: PayoutRow) => ({ line: row.batchLine!, payout: toPayoutView(row) });

export const batchPreviewSchema = z
  .object({
    rows: z.array(
      z.object({
        line: z.number().int(),
        payout: z
          .record(z.string(), z.unknown())
          .nullable()
          .meta({ description: 'The payout the row asks for, as read; null when the row is bad.' }),
        given: z
          .record(z.string(), z.unknown())
          .nullable()
          .meta({ description: 'A bad row as it was given (its cells by column).' }),
        errors: z.array(z.object({ field: z.string(), message: z.string() })),
      }),
    ),
    rowCount: z.number().int(),
    badRows: z.number().int(),
    total: z.number().int().meta({ description: 'KES, the sum of the good rows.' }),
    approvalRequired: z.boolean().meta({ description: 'Whether the policy would want one approval for it.' }),
  })
  .meta({ id: 'PayoutBatchPreview' });
