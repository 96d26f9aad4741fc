// A payout as it is first stored (alone or as a row of a batch), before anything is sent: the
// row (pure), and its writing with its first status changes and its audit entry.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';
import { newId } from '../ids';
import type { Scope } from '../core/scope';
import { auditRow } from '../payments/payout.audit';
import { insertPayout, insertPayoutChanges, type NewPayout } from '../payments/payout.repository';
import type { CreatePayoutInput } from '../payments/payout.schema';
import { B2B_COMMAND_OF, type PayoutChannel } from '../payments/payout.states';

const DEFAULT_REMARKS = 'Payout';

/** Where the money goes, as stored: a phone (B2C), or a PayBill and account number or a till (B2B). Pure. */
function recipientOf(input: CreatePayoutInput) {
  if (input.phone !== undefined)
    return {
      channel: 'b2c' as PayoutChannel,
      phone: input.phone,
      recipientShortcode: null,
      accountReference: null,
      purpose: input.purpose ?? 'BusinessPayment',
    };
  const channel: Exclude<PayoutChannel, 'b2c'> = input.paybill !== undefined ? 'b2b_paybill' : 'b2b_till';
  return {
    channel: channel as PayoutChannel,
    // Stored as the empty string: no phone is paid (the column predates B2B).
    phone: '',
    recipientShortcode: (input.paybill ?? input.till)!,
    accountReference: input.accountNumber ?? null,
    purpose: B2B_COMMAND_OF[channel],
  };
}

export function hashOf(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** How a payout was asked for: alone (with its Idempotency-Key), or as a line of a batch. */
export interface PayoutOrigin {
  idempotencyKey?: string | null;
  requestHash?: string | null;
  batchId?: string;
  batchLine?: number;
}

/** A new payout as it is stored before anything is sent. Pure. */
export function newPayout(
  scope: Scope,
  requestedBy: string,
  input: CreatePayoutInput,
  account: { id: string | null; shortcode: string },
  approval: boolean,
  at: Date,
  origin: PayoutOrigin,
): NewPayout {
  const id = newId('po', at);
  const recipient = recipientOf(input);
  return {
    id,
    projectId: scope.projectId,
    mode: scope.mode,
    accountId: account.id,
    shortcode: account.shortcode,
    ...recipient,
    // B2C v3 takes our id; B2B's request takes none: Daraja's answer gives it (payout.send.ts).
    originatorConversationId: recipient.channel === 'b2c' ? id : null,
    amount: input.amount,
    remarks: input.remarks ?? DEFAULT_REMARKS,
    occasion: input.occasion ?? null,
    metadata: input.metadata ? JSON.stringify(input.metadata) : null,
    idempotencyKey: origin.idempotencyKey ?? null,
    requestHash: origin.requestHash ?? null,
    batchId: origin.batchId ?? null,
    batchLine: origin.batchLine ?? null,
    status: approval ? 'awaiting_approval' : 'requested',
    requestedBy,
    approvalRequired: approval,
    decidedBy: null,
    decidedAt: null,
    submittedAt: null,
    answeredAt: null,
    conversationId: null,
    resultCode: null,
    resultDesc: null,
    reasonCode: null,
    reasonMessage: null,
    mpesaReceiptNumber: null,
    receiverName: null,
    completedTime: null,
    utilityBalance: null,
    createdAt: at,
    updatedAt: at,
    settledAt: null,
    settledBy: null,
    statusCheckAt: null,
    statusChecks: 0,
  };
}

/**
 * Inside `tx`: the new payout, its first status changes (requested, then awaiting_approval when
 * `approval`), and its `payout.requested` audit entry with `detail`.
 */
export async function writeNewPayout(
  tx: Queryable,
  scope: Scope,
  row: NewPayout,
  actor: string,
  approval: boolean,
  detail: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await insertPayout(tx, row);
  // Both changes share `at`: the history orders them by id, so the ids are handed out in order
  // (random ids of one millisecond would put awaiting_approval before requested half the time).
  const ids = [newId('chg', at), newId('chg', at)].sort();
  const change = (from: string | null, to: string) => ({
    id: ids.shift()!,
    payoutId: row.id,
    fromStatus: from,
    toStatus: to,
    source: 'request',
    actor,
    resultCode: null,
    resultDesc: null,
    createdAt: at,
  });
  await insertPayoutChanges(tx, [
    change(null, 'requested'),
    ...(approval ? [change('requested', 'awaiting_approval')] : []),
  ]);
  await tx.run(
    tx.qb
      .insertInto('PayoutAudit')
      .values(
        auditRow(
          { scope, action: 'payout.requested', actor, outcome: 'allowed', payoutId: row.id, detail },
          at,
        ),
      ),
  );
}
