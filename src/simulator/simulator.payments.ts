// Accepted STK Pushes and what STK Query says about them. A payment's result is fixed when it
// is accepted; only the moment it becomes visible (settlesAt) is in the future.
import type { CallbackDelivery, CallbackShape, PaymentResult } from './simulator.outcomes';

// Enough for long demo or benchmark runs, small enough that a forgotten simulator cannot
// grow without bound. The oldest payments are forgotten first.
const MAX_REMEMBERED_PAYMENTS = 100_000;

export interface Payment {
  merchantRequestId: string;
  checkoutRequestId: string;
  shortcode: string;
  phoneNumber: string;
  amount: number;
  callbackUrl: string;
  result: PaymentResult;
  delivery: CallbackDelivery;
  callbackAmountDelta: number;
  settlesAt: number; // epoch ms from which the query answers the final result
  receiptNumber?: string; // successful payments only
  flakyQuery: boolean;
  callbackShape: CallbackShape;
  emptyPendingQuery: boolean;
  queries: number; // STK Queries about this payment so far
}

export interface StkQueryResponse {
  ResponseCode: '0';
  ResponseDescription: string;
  MerchantRequestID: string;
  CheckoutRequestID: string;
  ResultCode: string;
  ResultDesc: string;
}

export interface PaymentStore {
  add(payment: Payment): void;
  find(checkoutRequestId: string): Payment | undefined;
}

export function createPaymentStore(): PaymentStore {
  const payments = new Map<string, Payment>();
  return {
    add(payment) {
      payments.set(payment.checkoutRequestId, payment);
      if (payments.size > MAX_REMEMBERED_PAYMENTS) {
        const oldest = payments.keys().next();
        if (!oldest.done) payments.delete(oldest.value);
      }
    },
    find(checkoutRequestId) {
      return payments.get(checkoutRequestId);
    },
  };
}

// "successsfully" with three s's is Daraja's own typo (docs/daraja.md §4, §10.14).
const QUERY_ACCEPTED = 'The service request has been accepted successsfully';
const IN_FLIGHT = { resultCode: '4999', resultDesc: 'The transaction is still under processing' };

/** The query answer at a given instant: 4999 until the payment settles, then its final result. */
export function queryAnswer(payment: Payment, at: number): StkQueryResponse {
  const settled = at >= payment.settlesAt;
  return {
    ResponseCode: '0',
    ResponseDescription: QUERY_ACCEPTED,
    MerchantRequestID: payment.merchantRequestId,
    CheckoutRequestID: payment.checkoutRequestId,
    // A string on the query, unlike the callback's number (docs/daraja.md §10.2).
    ResultCode: settled ? String(payment.result.resultCode) : IN_FLIGHT.resultCode,
    ResultDesc: settled ? payment.result.queryDesc : IN_FLIGHT.resultDesc,
  };
}
