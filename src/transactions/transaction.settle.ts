// The one way a payment changes state: compare-and-set on the current status, plus the
// StatusChange row, inside the caller's database transaction. A duplicate or out-of-order
// outcome finds the status already moved and changes nothing.
import type { DbTx } from '../db/db.client';
import { newId } from '../ids';
import { canMove, isStatus, type FinalStatus } from './transaction.states';
import type { TransactionRow } from './transaction.view';

export interface Settlement {
  to: FinalStatus;
  source: 'callback' | 'daraja_rejected' | 'stk_query' | 'expiry';
  resultCode: string | null;
  resultDesc: string | null;
  /** The refusal of the push itself, serialised (see transaction.service.ts). */
  submitError?: string;
  checkoutRequestId?: string;
  mpesaReceiptNumber?: string;
  amountPaid?: number;
  paidPhone?: string;
  transactionDate?: string;
}

export type SettleResult = { changed: true; row: TransactionRow } | { changed: false; row: TransactionRow | null };

export async function settleTransaction(tx: DbTx, transactionId: string, settlement: Settlement): Promise<SettleResult> {
  const current = await tx.transaction.findUnique({ where: { id: transactionId } });
  if (!current || !isStatus(current.status) || !canMove(current.status, settlement.to)) {
    return { changed: false, row: current };
  }
  const now = new Date();
  const data = {
    status: settlement.to,
    resultCode: settlement.resultCode,
    resultDesc: settlement.resultDesc,
    submitError: settlement.submitError ?? null,
    checkoutRequestId: current.checkoutRequestId ?? settlement.checkoutRequestId ?? null,
    mpesaReceiptNumber: settlement.mpesaReceiptNumber ?? current.mpesaReceiptNumber,
    amountPaid: settlement.amountPaid ?? current.amountPaid,
    amountMismatch: settlement.amountPaid !== undefined && settlement.amountPaid !== current.amount,
    paidPhone: settlement.paidPhone ?? current.paidPhone,
    transactionDate: settlement.transactionDate ?? current.transactionDate,
    settledAt: now,
    updatedAt: now,
  };
  // The status in the WHERE clause is the compare-and-set: a concurrent settlement that
  // committed first leaves count 0 here, and we report no change.
  const { count } = await tx.transaction.updateMany({ where: { id: transactionId, status: current.status }, data });
  if (count === 0) return { changed: false, row: current };
  await tx.statusChange.create({
    data: {
      id: newId('chg'),
      transactionId,
      fromStatus: current.status,
      toStatus: settlement.to,
      source: settlement.source,
      resultCode: settlement.resultCode,
      createdAt: now,
    },
  });
  return { changed: true, row: { ...current, ...data } };
}
