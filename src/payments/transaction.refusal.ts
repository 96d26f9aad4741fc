// A refused STK Push, as columns of its payment and back. The refusal is the AppError the
// merchant got (src/mpesa/mpesa.errors.ts): darajaError() when Daraja answered (its HTTP
// status, errorCode, errorMessage and requestId in `details`), darajaUnreachable() when it
// could not be reached (`details.reason`). A replay with the same Idempotency-Key answers
// with the same code, message, details and Retry-After, rebuilt from these columns.
import { AppError, type ErrorCode } from '../errors';
import type { TransactionRow } from './transaction.repository';

export type RefusalColumns = Pick<
  TransactionRow,
  | 'refusalCode'
  | 'refusalMessage'
  | 'refusalRetryAfter'
  | 'refusalHttpStatus'
  | 'refusalDarajaCode'
  | 'refusalDarajaMessage'
  | 'refusalDarajaRequestId'
  | 'refusalUnreachable'
>;

/** No refusal: what a payment that moved for any other reason stores. */
export const NO_REFUSAL: RefusalColumns = {
  refusalCode: null,
  refusalMessage: null,
  refusalRetryAfter: null,
  refusalHttpStatus: null,
  refusalDarajaCode: null,
  refusalDarajaMessage: null,
  refusalDarajaRequestId: null,
  refusalUnreachable: null,
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The columns that keep `error`; only the fields mpesa.errors.ts puts in a refusal are kept. */
export function refusalColumns(error: AppError): RefusalColumns {
  const details = error.details ?? {};
  const retryAfter = Number(error.headers?.['Retry-After']);
  return {
    refusalCode: error.code,
    refusalMessage: error.message,
    refusalRetryAfter: Number.isInteger(retryAfter) ? retryAfter : null,
    refusalHttpStatus: typeof details.darajaHttpStatus === 'number' ? details.darajaHttpStatus : null,
    refusalDarajaCode: text(details.darajaErrorCode),
    refusalDarajaMessage: text(details.darajaMessage),
    refusalDarajaRequestId: text(details.darajaRequestId),
    refusalUnreachable: text(details.reason),
  };
}

/** The error a refused payment answers with; undefined when its push was not refused. */
export function refusalOf(row: TransactionRow): AppError | undefined {
  if (row.refusalCode === null) return undefined;
  const darajaAnswered = row.refusalHttpStatus !== null;
  const details: Record<string, unknown> = darajaAnswered
    ? {
        darajaErrorCode: row.refusalDarajaCode,
        darajaMessage: row.refusalDarajaMessage,
        darajaRequestId: row.refusalDarajaRequestId,
        darajaHttpStatus: row.refusalHttpStatus,
      }
    : row.refusalUnreachable !== null
      ? { reason: row.refusalUnreachable }
      : {};
  return new AppError(
    row.refusalCode as ErrorCode,
    row.refusalMessage ?? '',
    { ...details, transactionId: row.id },
    row.refusalRetryAfter === null ? undefined : { 'Retry-After': String(row.refusalRetryAfter) },
  );
}
