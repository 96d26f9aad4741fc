// A payment's story for people: every status change with who caused it (callback, STK Query,
// our own expiry or refused push), and the callbacks Safaricom sent, phone numbers masked.
import { z } from 'zod';
import {
  CALLBACK_KINDS,
  listTransactionCallbacks,
  receiptBody,
  type CallbackKind,
} from './callback.repository';
import type { Queryable } from '../db/database';
import { AppError } from '../errors';
import type { Scope } from '../core/scope';
import { findProjectTransaction, listStatusChanges } from './transaction.repository';

export const historySchema = z
  .object({
    statusChanges: z.array(
      z.object({
        fromStatus: z
          .string()
          .nullable()
          .meta({ examples: ['pending'] }),
        toStatus: z.string().meta({ examples: ['completed'] }),
        source: z.string().meta({
          description:
            'Who caused it: `initiate`, `callback`, `stk_query` (an STK Query answer), `push_refused`, `expiry`, …',
          examples: ['callback'],
        }),
        resultCode: z
          .string()
          .nullable()
          .meta({ examples: ['0'] }),
        resultDesc: z
          .string()
          .nullable()
          .meta({ examples: ['The service request is processed successfully.'] }),
        createdAt: z.iso.datetime(),
      }),
    ),
    callbacks: z.array(
      z.object({
        id: z.string().meta({ examples: ['cbk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
        kind: z.enum(CALLBACK_KINDS).meta({
          description:
            '`stk`: the STK Push callback; `c2b_confirmation`: the C2B confirmation Safaricom posted; `c2b_pull`: the Pull Transactions row that filled a confirmation never delivered.',
          examples: ['stk'],
        }),
        receivedAt: z.iso.datetime(),
        sourceIp: z.string().meta({ examples: ['196.201.214.200'] }),
        outcome: z
          .string()
          .nullable()
          .meta({ description: 'What it did to the payment.', examples: ['applied'] }),
        body: z
          .string()
          .meta({ description: 'The body as Safaricom sent it, phone numbers masked, cut at 4 KiB.' }),
      }),
    ),
  })
  .meta({
    id: 'TransactionHistory',
    description: "A payment's status changes and the callbacks received for it.",
  });
export type HistoryView = z.output<typeof historySchema>;

export async function paymentHistory(q: Queryable, scope: Scope, id: string): Promise<HistoryView> {
  const row = await findProjectTransaction(q, scope, id);
  if (!row) throw new AppError('transaction_not_found', `No transaction ${id} in this project`);
  const [changes, callbacks] = await Promise.all([listStatusChanges(q, id), listTransactionCallbacks(q, id)]);
  return {
    statusChanges: changes.map((change) => ({
      fromStatus: change.fromStatus,
      toStatus: change.toStatus,
      source: change.source,
      resultCode: change.resultCode,
      resultDesc: change.resultDesc,
      createdAt: change.createdAt.toISOString(),
    })),
    callbacks: callbacks.map((callback) => ({
      id: callback.id,
      kind: callback.kind as CallbackKind,
      receivedAt: callback.receivedAt.toISOString(),
      sourceIp: callback.sourceIp,
      outcome: callback.outcome,
      body: receiptBody(Buffer.from(callback.rawBody)),
    })),
  };
}
