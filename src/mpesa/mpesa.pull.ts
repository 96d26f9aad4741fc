// Daraja's Pull Transactions (docs/daraja.md §7 "Pull Transactions"): registering a shortcode,
// and one page of its C2B payments in a window. Nothing here moves money, so a failure is
// simply an error and the caller may ask again. The answer is read leniently: rows by field
// name, the nested array or a flat one, `Response` even as the text "[[]]" integrators report.
import { darajaError, readDarajaError } from './mpesa.errors';

export const PULL_REGISTER_PATH = '/pulltransactions/v1/register';
export const PULL_QUERY_PATH = '/pulltransactions/v1/query';
/** A page of 1000 rows runs to a few hundred KB, far past the other APIs' answers. */
export const PULL_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

// 1000: registered; 1001: "already registered" (a success for whoever wants it registered).
const REGISTERED_STATUSES = new Set(['1000', '1001']);
// 1000: rows; 1001: "No transactions available for the selected time period".
const QUERY_CODES = new Set(['1000', '1001']);

export interface PullRegistration {
  shortcode: string;
  /** The Safaricom MSISDN nominated for the shortcode (2547…). */
  nominatedNumber: string;
  callbackUrl: string;
}

export interface PullQuery {
  shortcode: string;
  /** "YYYY-MM-DD HH:mm:ss", Kenyan time. */
  startDate: string;
  endDate: string;
  offset: number;
}

/** One pulled payment, as Daraja wrote it (values are kept as text; the C2B reader decides). */
export interface PulledRow {
  transactionId: string;
  trxDate: string | null;
  msisdn: string | null;
  transactionType: string | null;
  billReference: string | null;
  amount: string | null;
  organizationName: string | null;
  /** The row exactly as it came, for the record. */
  raw: Record<string, unknown>;
}

export function pullRegisterBody(input: PullRegistration) {
  return {
    ShortCode: input.shortcode,
    RequestType: 'Pull',
    NominatedNumber: input.nominatedNumber,
    CallBackURL: input.callbackUrl,
  };
}

export function pullQueryBody(input: PullQuery) {
  return {
    ShortCode: input.shortcode,
    StartDate: input.startDate,
    EndDate: input.endDate,
    // A string in every sample.
    OffSetValue: String(input.offset),
  };
}

const field = (body: Record<string, unknown>, name: string): unknown => body[name];

/** Daraja took the registration; its error body (or anything else) throws the mapped AppError. */
export function readPullRegisterAnswer(httpStatus: number, data: unknown): void {
  const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const status = String(field(body, 'ResponseStatus') ?? field(body, 'ResponseCode') ?? '');
  if (httpStatus === 200 && REGISTERED_STATUSES.has(status)) return;
  throw darajaError(httpStatus, data);
}

const textOf = (value: unknown): string | null => {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim().slice(0, 200);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
};

/** `Response`: [[rows]], [rows], or that as text; anything else is no rows. */
function rowsOf(response: unknown): unknown[] {
  let value = response;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => (Array.isArray(item) ? item : [item]));
}

/** One page's rows (empty past the end); a Daraja error body throws its mapped AppError. */
export function readPullPage(httpStatus: number, data: unknown): PulledRow[] {
  const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const code = String(field(body, 'ResponseCode') ?? '');
  if (httpStatus !== 200 || !QUERY_CODES.has(code) || readDarajaError(data).errorCode !== undefined)
    throw darajaError(httpStatus, data);
  const rows: PulledRow[] = [];
  for (const item of rowsOf(field(body, 'Response'))) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const raw = item as Record<string, unknown>;
    const transactionId = textOf(raw.transactionId);
    if (!transactionId) continue;
    rows.push({
      transactionId,
      trxDate: textOf(raw.trxDate),
      msisdn: textOf(raw.msisdn),
      transactionType: textOf(raw.transactiontype),
      billReference: textOf(raw.billreference),
      amount: textOf(raw.amount),
      organizationName: textOf(raw.organizationname),
      raw,
    });
  }
  return rows;
}
