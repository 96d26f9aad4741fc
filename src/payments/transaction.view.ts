// Every response goes through these mappers: a database row is never sent as it is.
// The merchant (signed API) sees the whole payment; a browser holding only the client secret
// sees what a checkout page needs, with the phone masked.
// The return types come from the response schemas (transaction.schema.ts) that the OpenAPI
// document is generated from, so a field added here without documenting it does not compile.
import type { z } from 'zod';
import type { TransactionRow } from './transaction.repository';
import type {
  CHANNELS,
  ORIGINS,
  clientTransactionSchema,
  failureSchema,
  merchantTransactionSchema,
} from './transaction.schema';
import { interpretResultCode, type Status } from './transaction.states';
import type { Mode } from '../core/scope';
import { c2bDetailsOf, eatTimeOf } from './c2b.details';

export type { TransactionRow };
export type Failure = z.output<typeof failureSchema>;
export type MerchantTransactionView = z.output<typeof merchantTransactionSchema>;
export type ClientTransactionView = z.output<typeof clientTransactionSchema>;

function failureOf(row: TransactionRow): Failure | null {
  if (row.status === 'pending' || row.status === 'completed' || row.status === 'reversed') return null;
  if (row.refusalCode !== null) {
    return {
      code: row.refusalCode,
      message: row.refusalMessage ?? '',
      resultCode: row.resultCode,
      resultDesc: row.resultDesc,
    };
  }
  const reason = row.resultCode
    ? interpretResultCode(row.resultCode)
    : { code: 'no_answer', message: 'M-Pesa gave no final answer in time' };
  return {
    code: reason.code,
    message: reason.message,
    resultCode: row.resultCode,
    resultDesc: row.resultDesc,
  };
}

export function maskedPhone(phone: string): string {
  return `${phone.slice(0, 6)}***${phone.slice(-3)}`;
}

export function toMerchantView(row: TransactionRow): MerchantTransactionView {
  return {
    id: row.id,
    status: row.status as Status,
    amount: row.amount,
    currency: 'KES' as const,
    phone: row.phone,
    mode: row.mode as Mode,
    accountId: row.accountId,
    channel: row.channel as (typeof CHANNELS)[number],
    accountReference: row.accountReference,
    description: row.description,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    checkoutRequestId: row.checkoutRequestId,
    merchantRequestId: row.merchantRequestId,
    customerMessage: row.customerMessage,
    mpesaReceiptNumber: row.mpesaReceiptNumber,
    // Unknown is not "fine": with no amount reported (an STK Query settled it, or the
    // callback had no Amount), the amount is neither verified nor a mismatch.
    amountPaid: row.amountPaid,
    amountVerified: row.amountPaid !== null && row.amountPaid === row.amount,
    amountMismatch: row.amountPaid !== null && row.amountPaid !== row.amount,
    failure: failureOf(row),
    origin: row.origin as (typeof ORIGINS)[number],
    paidAt: eatTimeOf(row.transactionDate),
    c2b: c2bDetailsOf(row.c2bDetails),
    paidAs: row.paidAs,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
    reversal: row.reversedAt
      ? { receipt: row.reversalReceipt, reversedAt: row.reversedAt.toISOString() }
      : null,
  };
}

/** The payload of the Socket.io `transaction.updated` event. */
export function toClientView(row: TransactionRow): ClientTransactionView {
  return {
    id: row.id,
    status: row.status as Status,
    amount: row.amount,
    currency: 'KES' as const,
    phone: maskedPhone(row.phone),
    customerMessage: row.customerMessage,
    mpesaReceiptNumber: row.mpesaReceiptNumber,
    failure: failureOf(row),
    // A boolean, not the id: the browser is shown nothing of another payment.
    paidElsewhere: row.paidAs !== null,
    updatedAt: row.updatedAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
  };
}
