// A status query as the merchant sees it (answers, the event, the webhook): never the row as it is.
import type { StatusQueryRow } from './status-query.repository';
import { failureOfResult, FOUND, NOT_FOUND } from './status-query.result';
import type { StatusQueryStatus, StatusQueryView } from './status-query.schema';

export const QUEUE_TIMEOUT = {
  code: 'queue_timeout',
  message: "M-Pesa's queue timed out before it answered: ask again",
};

function failureOf(row: StatusQueryRow): StatusQueryView['failure'] {
  if (row.refusalCode !== null)
    return {
      code: row.refusalCode,
      message: row.refusalMessage ?? '',
      darajaErrorCode: row.refusalDarajaCode,
    };
  if (row.status === 'timed_out') return { ...QUEUE_TIMEOUT, darajaErrorCode: null };
  if (row.status === 'failed' && row.resultCode !== null)
    return { ...failureOfResult(row.resultCode, row.resultDesc), darajaErrorCode: null };
  return null;
}

export function toStatusQueryView(row: StatusQueryRow): StatusQueryView {
  return {
    id: row.id,
    receipt: row.receipt,
    accountId: row.accountId,
    shortcode: row.shortcode,
    status: row.status as StatusQueryStatus,
    found: row.resultCode === FOUND ? true : row.resultCode === NOT_FOUND ? false : null,
    transaction:
      row.status === 'found'
        ? {
            receipt: row.receiptNo ?? row.receipt,
            amount: row.amount,
            amountText: row.amountText,
            status: row.transactionStatus,
            debitParty: row.debitParty,
            creditParty: row.creditParty,
            initiatedTime: row.initiatedTime,
            finalisedTime: row.finalisedTime,
            reason: row.reasonType,
          }
        : null,
    result: row.resultCode === null ? null : { code: row.resultCode, description: row.resultDesc },
    failure: failureOf(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}
