// Every payout answer goes through this mapper: a row is never sent as it is. Typed by the
// response schema (payout.schema.ts) the OpenAPI document is generated from.
import type { Mode } from '../core/scope';
import { receiptBody } from './callback.repository';
import type { PayoutChangeRow, PayoutResultRow, PayoutRow } from './payout.repository';
import type { payoutHistorySchema, PayoutView } from './payout.schema';
import type { PayoutChannel, PayoutStatus } from './payout.states';
import type { z } from 'zod';

export const REJECTED_REASON = 'approval_rejected';

function approvalOf(row: PayoutRow): PayoutView['approval'] {
  if (!row.approvalRequired) return null;
  const decided = row.decidedBy !== null;
  return {
    decision: decided ? (row.reasonCode === REJECTED_REASON ? 'rejected' : 'approved') : null,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

export function toPayoutView(row: PayoutRow): PayoutView {
  const explained = row.status === 'failed' || row.status === 'unknown';
  return {
    id: row.id,
    status: row.status as PayoutStatus,
    amount: row.amount,
    currency: 'KES',
    channel: row.channel as PayoutChannel,
    // A B2B payout pays no phone: its stored phone is the empty string.
    phone: row.phone === '' ? null : row.phone,
    paybill: row.channel === 'b2b_paybill' ? row.recipientShortcode : null,
    accountNumber: row.channel === 'b2b_paybill' ? row.accountReference : null,
    till: row.channel === 'b2b_till' ? row.recipientShortcode : null,
    purpose: row.purpose as PayoutView['purpose'],
    remarks: row.remarks,
    occasion: row.occasion,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    mode: row.mode as Mode,
    accountId: row.accountId,
    shortcode: row.shortcode,
    requestedBy: row.requestedBy,
    approval: approvalOf(row),
    conversationId: row.conversationId,
    originatorConversationId: row.originatorConversationId,
    mpesaReceiptNumber: row.mpesaReceiptNumber,
    receiverName: row.receiverName,
    reason:
      explained && row.reasonCode
        ? {
            code: row.reasonCode,
            message: row.reasonMessage ?? '',
            resultCode: row.resultCode,
            resultDesc: row.resultDesc,
          }
        : null,
    batch: row.batchId ? { id: row.batchId, line: row.batchLine ?? 0 } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    settledAt: row.settledAt?.toISOString() ?? null,
  };
}

export function toPayoutHistory(
  changes: readonly PayoutChangeRow[],
  results: readonly PayoutResultRow[],
): z.output<typeof payoutHistorySchema> {
  return {
    statusChanges: changes.map((change) => ({
      fromStatus: change.fromStatus,
      toStatus: change.toStatus,
      source: change.source,
      actor: change.actor,
      resultCode: change.resultCode,
      resultDesc: change.resultDesc,
      createdAt: change.createdAt.toISOString(),
    })),
    results: results.map((result) => ({
      id: result.id,
      kind: result.kind as 'result' | 'timeout' | 'status',
      receivedAt: result.receivedAt.toISOString(),
      sourceIp: result.sourceIp,
      outcome: result.outcome,
      body: receiptBody(Buffer.from(result.rawBody)),
    })),
  };
}
