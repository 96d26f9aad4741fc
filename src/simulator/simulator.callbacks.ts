// Posting the STK callback to the merchant's CallBackURL, the way Safaricom does: once, no
// retry, no signature, JSON with a `Businessshortcode` header (docs/daraja.md §3, §10.10).
import type { Logger } from '../logger';
import { eatTimestamp } from './simulator.ids';
import { DUPLICATE_CALLBACK_GAP_MS, type CallbackDelivery } from './simulator.outcomes';
import type { Payment } from './simulator.payments';

export const CALLBACK_TIMEOUT_MS = 10_000;

export interface StkCallbackItem {
  Name: string;
  Value?: number | string;
}

export interface StkCallbackBody {
  Body: {
    stkCallback: {
      MerchantRequestID: string;
      CheckoutRequestID: string;
      ResultCode: number | string;
      ResultDesc: string;
      CallbackMetadata?: { Item: StkCallbackItem[] | StkCallbackItem };
    };
  };
}

/** The callback body, shaped like Daraja's documented samples; failures carry no metadata. */
export function buildStkCallback(payment: Payment): StkCallbackBody {
  const { result } = payment;
  const stkCallback: StkCallbackBody['Body']['stkCallback'] = {
    MerchantRequestID: payment.merchantRequestId,
    CheckoutRequestID: payment.checkoutRequestId,
    ResultCode: result.resultCode,
    ResultDesc: result.callbackDesc,
  };
  if (result.resultCode === 0) stkCallback.CallbackMetadata = { Item: metadataItems(payment) };
  return { Body: { stkCallback } };
}

function metadataItems(payment: Payment): StkCallbackItem[] | StkCallbackItem {
  const receipt = { Name: 'MpesaReceiptNumber', Value: payment.receiptNumber ?? '' };
  // Not in Daraja's samples (a list there, docs/daraja.md §3): a JSON relay may collapse a
  // one-item list into an object, and the receipt must survive it.
  if (payment.callbackShape === 'single-item') return receipt;
  const amount = payment.amount + payment.callbackAmountDelta;
  const textAmount = payment.callbackShape === 'amount-string-no-balance';
  return [
    // Daraja writes the number 1.00 or 1 (docs/daraja.md §3); its C2B writes amounts as text
    // ("5.00", §7), and a relay may too.
    { Name: 'Amount', Value: textAmount ? amount.toFixed(2) : amount },
    receipt,
    // Real captures carry Balance without a Value, later ones none at all (docs/daraja.md §3): readers must cope.
    ...(textAmount ? [] : [{ Name: 'Balance' }]),
    // Numbers, not strings, on Daraja (docs/daraja.md §10.3).
    { Name: 'TransactionDate', Value: Number(eatTimestamp(payment.settlesAt)) },
    { Name: 'PhoneNumber', Value: Number(payment.phoneNumber) },
  ];
}

/** Delays, from acceptance, at which the callback is posted (none for a lost callback). */
export function callbackDelaysFor(
  delivery: CallbackDelivery,
  callbackDelayMs: number,
  lateCallbackMs: number,
): number[] {
  switch (delivery) {
    case 'once':
      return [callbackDelayMs];
    case 'none':
      return [];
    case 'twice':
      return [callbackDelayMs, callbackDelayMs + DUPLICATE_CALLBACK_GAP_MS];
    case 'late':
      return [lateCallbackMs];
  }
}

/** fetch hides the useful part ("ECONNREFUSED", "timeout") in `cause`. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}

export interface CallbackDispatcher {
  schedule(payment: Payment, delaysMs: readonly number[]): void;
  /** Cancels every pending callback and aborts the ones being posted. */
  stop(): void;
}

export function createCallbackDispatcher(deps: { logger: Logger; onPost: () => void }): CallbackDispatcher {
  const { logger } = deps;
  const timers = new Set<NodeJS.Timeout>();
  const stopping = new AbortController();

  async function post(payment: Payment): Promise<void> {
    // Only the origin: callback URLs carry a secret token in their path.
    const fields = {
      checkoutRequestId: payment.checkoutRequestId,
      resultCode: payment.result.resultCode,
      callbackOrigin: originOf(payment.callbackUrl),
    };
    deps.onPost();
    try {
      const response = await fetch(payment.callbackUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json;charset=UTF-8', Businessshortcode: payment.shortcode },
        body: JSON.stringify(buildStkCallback(payment)),
        // A redirect would lead the POST past the allowed targets (simulator.callback-targets.ts).
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(CALLBACK_TIMEOUT_MS), stopping.signal]),
      });
      // Drain the body so the connection is released; its content is of no interest.
      await response.arrayBuffer();
      if (response.ok) logger.info('simulator callback delivered', { ...fields, status: response.status });
      else
        logger.warn('simulator callback refused by receiver; Safaricom does not retry', {
          ...fields,
          status: response.status,
        });
    } catch (error) {
      logger.warn('simulator callback not delivered; Safaricom does not retry', {
        ...fields,
        reason: describeFailure(error),
      });
    }
  }

  return {
    schedule(payment, delaysMs) {
      if (stopping.signal.aborted) return;
      for (const delayMs of delaysMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void post(payment);
        }, delayMs);
        // A pending callback must never be what keeps a process (or a test run) alive.
        timer.unref();
        timers.add(timer);
      }
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stopping.abort();
    },
  };
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
