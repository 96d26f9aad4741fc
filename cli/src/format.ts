// How payments, amounts, times and phones read in a terminal.
import { InvalidArgumentError } from 'commander';
import type { Transaction } from '@mpesa-bridge/sdk';
import type { Colors } from './output';

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "2m", "24h", "1500ms", or a bare number of seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 90s, 2m or 24h');
  return Number(match[1]) * UNITS_MS[(match[2] ?? 's') as keyof typeof UNITS_MS];
}

export function parseAmount(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError('expected whole shillings, e.g. 10 (M-Pesa takes no cents)');
  return Number(value);
}

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A time or date as given (ISO 8601), or a duration back from now ("24h": a day ago). */
export function parseSince(value: string): string {
  if (/^\d+(ms|s|m|h|d)$/.test(value.trim()))
    return new Date(Date.now() - parseDuration(value)).toISOString();
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(
      'expected an ISO date-time (2026-01-31T09:00:00Z) or a duration back from now (24h)',
    );
  return date.toISOString();
}

/** 254712345678 → 254712***678, as the service masks phones in its logs and callback bodies. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  return phone.length >= 10 ? `${phone.slice(0, 6)}***${phone.slice(-3)}` : '***';
}

/** Local wall-clock time of an ISO instant: what a person tailing a stream wants. */
export function clock(iso: string | Date = new Date()): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return date.toTimeString().slice(0, 8);
}

export const kes = (amount: number | null | undefined) =>
  amount === null || amount === undefined ? '' : `KES ${amount.toLocaleString('en-KE')}`;

export function paintStatus(color: Colors, status: string): string {
  if (status === 'completed') return color.green(status);
  if (status === 'pending') return color.yellow(status);
  return color.red(status);
}

/** One sentence saying how a payment ended, for `pay` and `trigger`. */
export function outcomeSentence(transaction: Transaction): string {
  const amount = kes(transaction.amountPaid ?? transaction.amount);
  if (transaction.status === 'completed') {
    const receipt = transaction.mpesaReceiptNumber
      ? `receipt ${transaction.mpesaReceiptNumber}`
      : 'no receipt yet (settled by STK Query; it comes with the callback)';
    const mismatch = transaction.amountMismatch
      ? ` — but ${kes(transaction.amountPaid)} was paid, not the ${kes(transaction.amount)} asked`
      : '';
    return `Paid ${amount}, ${receipt}${mismatch}`;
  }
  if (transaction.status === 'pending')
    return `Still pending: ${transaction.customerMessage ?? 'no answer from M-Pesa yet'}`;
  const reason = transaction.failure
    ? `${transaction.failure.message} (${transaction.failure.code}${transaction.failure.resultCode !== null ? `, ResultCode ${transaction.failure.resultCode}` : ''})`
    : 'no reason given';
  return `${transaction.status[0]!.toUpperCase()}${transaction.status.slice(1)}: ${reason}`;
}

export function transactionRow(transaction: Transaction, color: Colors): string[] {
  return [
    transaction.id,
    paintStatus(color, transaction.status),
    kes(transaction.amount),
    transaction.phone,
    transaction.accountReference,
    transaction.mpesaReceiptNumber ?? '',
    transaction.createdAt,
  ];
}

export const TRANSACTION_COLUMNS = ['ID', 'STATUS', 'AMOUNT', 'PHONE', 'REFERENCE', 'RECEIPT', 'CREATED'];
