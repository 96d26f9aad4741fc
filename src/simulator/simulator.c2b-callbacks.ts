// What M-Pesa does after a customer pays a PayBill or till (docs/daraja.md §7): with External
// Validation on, POST the payment to the ValidationURL and wait at most ~8 s; on a timeout or an
// error the registered ResponseType decides. Once completed, POST it to the ConfirmationURL,
// once: Safaricom does not retry a confirmation it could not deliver.
import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import { originOf } from './simulator.callbacks';
import type {
  C2bCommandId,
  C2bRegistration,
  DeliveryOutcome,
  MsisdnForm,
  ValidationOutcome,
} from './simulator.c2b-state';
import { eatTimestamp } from './simulator.ids';

/** "Usually < 8 seconds from the moment the request leaves M-PESA" (docs/daraja.md §7). */
export const VALIDATION_TIMEOUT_MS = 8000;
/** How long a confirmation POST may take before it counts as not delivered. */
export const CONFIRMATION_TIMEOUT_MS = 10_000;

/** The flat body M-Pesa posts to both URLs; every value a string (docs/daraja.md §7). */
export interface C2bNotification {
  TransactionType: 'Pay Bill' | 'Buy Goods';
  TransID: string;
  TransTime: string;
  TransAmount: string;
  BusinessShortCode: string;
  BillRefNumber: string;
  InvoiceNumber: string;
  OrgAccountBalance: string;
  ThirdPartyTransID: string;
  MSISDN: string;
  FirstName: string;
  MiddleName: string;
  LastName: string;
}

export interface Payer {
  msisdn: string;
  firstName: string;
  middleName: string;
  lastName: string;
}

/** v1 sends a SHA-256 hash (hex), v2 a masked number such as `2547 ***** 126` (docs/daraja.md §7). */
export function writeMsisdn(msisdn: string, form: MsisdnForm): string {
  if (form === 'hashed') return createHash('sha256').update(msisdn).digest('hex');
  if (form === 'masked') return `${msisdn.slice(0, 4)} ***** ${msisdn.slice(-3)}`;
  return msisdn;
}

/** Amounts and balances are text with two decimals, e.g. "5.00" and "25.00" (docs/daraja.md §7). */
export function writeCents(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function buildNotification(payment: {
  transId: string;
  at: number;
  commandId: C2bCommandId;
  amount: number;
  shortCode: string;
  billRefNumber: string;
  msisdn: string;
  payer: Payer;
  /** Blank on validation; the balance after the payment on confirmation. */
  orgAccountBalance: string;
  thirdPartyTransId: string;
}): C2bNotification {
  return {
    TransactionType: payment.commandId === 'CustomerBuyGoodsOnline' ? 'Buy Goods' : 'Pay Bill',
    TransID: payment.transId,
    TransTime: eatTimestamp(payment.at),
    TransAmount: writeCents(payment.amount * 100),
    BusinessShortCode: payment.shortCode,
    BillRefNumber: payment.billRefNumber,
    InvoiceNumber: '',
    OrgAccountBalance: payment.orgAccountBalance,
    ThirdPartyTransID: payment.thirdPartyTransId,
    MSISDN: payment.msisdn,
    // Names as on the M-Pesa register, upper case; often only the first (data minimisation).
    FirstName: payment.payer.firstName.toUpperCase(),
    MiddleName: payment.payer.middleName.toUpperCase(),
    LastName: payment.payer.lastName.toUpperCase(),
  };
}

function describeFailure(error: unknown): string {
  // AbortSignal.timeout rejects with a DOMException, which is not always an `instanceof Error`.
  if (typeof error === 'object' && error !== null && 'name' in error && error.name === 'TimeoutError')
    return 'timeout';
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}

export interface C2bPoster {
  /** Asks the ValidationURL; whatever goes wrong, the registration's ResponseType decides. */
  validate(registration: C2bRegistration, body: C2bNotification): Promise<ValidationOutcome>;
  /** Posts the confirmation once; never again, whatever the answer. */
  confirm(registration: C2bRegistration, body: C2bNotification): Promise<DeliveryOutcome>;
  stop(): void;
}

export function createC2bPoster(deps: {
  logger: Logger;
  validationTimeoutMs: number;
  onValidation: () => void;
  onConfirmation: () => void;
}): C2bPoster {
  const { logger } = deps;
  const stopping = new AbortController();

  async function post(url: string, body: C2bNotification, timeoutMs: number) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      // A redirect would lead the POST past the allowed targets (simulator.callback-targets.ts).
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
    });
    return { status: response.status, ok: response.ok, text: await response.text() };
  }

  async function validate(registration: C2bRegistration, body: C2bNotification): Promise<ValidationOutcome> {
    const { responseType } = registration;
    const fallback = (failure: string, httpStatus?: number): ValidationOutcome => {
      // Only the origin: registered URLs carry the merchant's token in their path.
      logger.warn('simulator C2B validation failed; the registered ResponseType decides', {
        transId: body.TransID,
        validationOrigin: originOf(registration.validationUrl),
        failure,
        responseType,
      });
      return { requested: true, decision: 'default', responseType, failure, httpStatus };
    };
    deps.onValidation();
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post(registration.validationUrl, body, deps.validationTimeoutMs);
    } catch (error) {
      return fallback(describeFailure(error));
    }
    if (!answer.ok) return fallback(`HTTP ${answer.status}`, answer.status);
    const reply = parseReply(answer.text);
    if (reply === undefined) return fallback('no ResultCode in the answer', answer.status);
    // "0 (zero) always means complete. Other values mean cancelling the transaction" (docs/daraja.md §7).
    return {
      requested: true,
      decision: reply.resultCode === '0' ? 'accepted' : 'rejected',
      resultCode: reply.resultCode,
      resultDesc: reply.resultDesc,
      thirdPartyTransId: reply.thirdPartyTransId,
      httpStatus: answer.status,
      responseType,
    };
  }

  async function confirm(registration: C2bRegistration, body: C2bNotification): Promise<DeliveryOutcome> {
    const fields = { transId: body.TransID, confirmationOrigin: originOf(registration.confirmationUrl) };
    deps.onConfirmation();
    try {
      const answer = await post(registration.confirmationUrl, body, CONFIRMATION_TIMEOUT_MS);
      if (answer.ok)
        logger.info('simulator C2B confirmation delivered', { ...fields, status: answer.status });
      else
        logger.warn('simulator C2B confirmation refused by receiver; Safaricom does not retry', {
          ...fields,
          status: answer.status,
        });
      return { sent: true, delivered: answer.ok, httpStatus: answer.status };
    } catch (error) {
      const failure = describeFailure(error);
      logger.warn('simulator C2B confirmation not delivered; Safaricom does not retry', {
        ...fields,
        failure,
      });
      return { sent: true, delivered: false, failure };
    }
  }

  return { validate, confirm, stop: () => stopping.abort() };
}

/** The validation answer's fields, read by name; a number 0 counts as "0". */
function parseReply(
  text: string,
): { resultCode: string; resultDesc?: string; thirdPartyTransId?: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const reply = json as Record<string, unknown>;
  const code = reply.ResultCode;
  if (typeof code !== 'string' && typeof code !== 'number') return undefined;
  const asText = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return {
    resultCode: String(code),
    resultDesc: asText(reply.ResultDesc),
    thirdPartyTransId: asText(reply.ThirdPartyTransID),
  };
}
