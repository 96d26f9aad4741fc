// One customer payment to a PayBill or till, as M-Pesa runs it (docs/daraja.md §7): take the
// money, ask the ValidationURL when External Validation is on, decide, credit the shortcode and
// post the confirmation. The record says what happened at each step, for tests and demos.
import {
  buildNotification,
  writeCents,
  writeMsisdn,
  type C2bPoster,
  type Payer,
} from './simulator.c2b-callbacks';
import type { PaymentRequest } from './simulator.c2b-requests';
import type { C2bPaymentRecord, C2bState, DeliveryOutcome, ValidationOutcome } from './simulator.c2b-state';
import { newReceiptNumber } from './simulator.ids';
import type { ReceiptLedger } from './simulator.receipts';

/** The counters C2B adds to the simulator's own (simulator.ts SimulatorStats). */
export interface C2bStats {
  /** Register URL calls, v1 and v2, whatever they were answered. */
  c2bRegistrations: number;
  /** Simulate calls, v1 and v2, whatever they were answered. */
  c2bSimulations: number;
  /** Customer payments made (accepted simulate calls and the simulator's own "customer pays"). */
  c2bPayments: number;
  /** Payments M-Pesa cancelled: refused by the ValidationURL, or its failure with ResponseType Cancelled. */
  c2bPaymentsCancelled: number;
  /** POSTs made to ValidationURLs. */
  c2bValidationsSent: number;
  /** POSTs made to ConfirmationURLs, delivered or not (never retried). */
  c2bConfirmationsSent: number;
}

export function emptyC2bStats(): C2bStats {
  return {
    c2bRegistrations: 0,
    c2bSimulations: 0,
    c2bPayments: 0,
    c2bPaymentsCancelled: 0,
    c2bValidationsSent: 0,
    c2bConfirmationsSent: 0,
  };
}

/** The payer when nobody names one: the docs' samples carry a first name only (docs/daraja.md §7). */
export const DEFAULT_PAYER_NAMES = { firstName: 'John', middleName: '', lastName: '' } as const;

export interface PaymentInput {
  /** The Daraja app whose registration and settings apply ('' when no app registered the shortcode). */
  app: string;
  request: PaymentRequest;
  payer: Payer;
  via: C2bPaymentRecord['via'];
}

export function createC2bPayments(deps: {
  state: C2bState;
  poster: C2bPoster;
  stats: C2bStats;
  /** Where a completed payment's receipt is kept, for Transaction Status (simulator.receipts.ts). */
  receipts?: ReceiptLedger;
}) {
  const { state, poster, stats } = deps;

  function completes(validation: ValidationOutcome): boolean {
    if (!validation.requested || validation.decision === 'accepted') return true;
    return validation.decision === 'default' && validation.responseType === 'Completed';
  }

  return async function pay({ app, request, payer, via }: PaymentInput): Promise<C2bPaymentRecord> {
    stats.c2bPayments += 1;
    const at = Date.now();
    const transId = newReceiptNumber(at);
    const registration = state.registration(app, request.shortCode);
    const settings = state.shortCodeSettings(app, request.shortCode);
    // The register path's version decides the form (v1 hashed, v2 masked) unless a setting overrides it.
    const form = settings.msisdnForm ?? (registration?.version === 'v1' ? 'hashed' : 'masked');
    const notification = (orgAccountBalance: string, thirdPartyTransId: string) =>
      buildNotification({
        ...request,
        transId,
        at,
        msisdn: writeMsisdn(payer.msisdn, form),
        payer,
        orgAccountBalance,
        thirdPartyTransId,
      });

    let validation: ValidationOutcome;
    if (!registration) validation = { requested: false, reason: 'no URLs registered' };
    else if (!settings.externalValidation)
      validation = { requested: false, reason: 'external validation is off' };
    // OrgAccountBalance is blank on validation (docs/daraja.md §7).
    else validation = await poster.validate(registration, notification('', ''));

    let confirmation: DeliveryOutcome;
    const completed = completes(validation);
    if (!completed) {
      stats.c2bPaymentsCancelled += 1;
      confirmation = { sent: false, reason: 'payment cancelled' };
    } else {
      // "If no URLs are registered in the system, M-PESA automatically completes the request."
      const balanceCents = state.credit(app, request.shortCode, request.amount * 100);
      deps.receipts?.record({
        receiptNo: transId,
        amount: request.amount,
        phoneNumber: payer.msisdn,
        payerName: [payer.firstName, payer.middleName, payer.lastName]
          .filter(Boolean)
          .join(' ')
          .toUpperCase(),
        shortcode: request.shortCode,
        reason: request.commandId === 'CustomerBuyGoodsOnline' ? 'Pay Merchant' : 'Pay Bill Online',
        completedAt: at,
      });
      const thirdPartyTransId = validation.requested ? (validation.thirdPartyTransId ?? '') : '';
      confirmation = registration
        ? await poster.confirm(registration, notification(writeCents(balanceCents), thirdPartyTransId))
        : { sent: false, reason: 'no URLs registered' };
    }
    const record: C2bPaymentRecord = {
      transId,
      shortCode: request.shortCode,
      commandId: request.commandId,
      amount: request.amount,
      billRefNumber: request.billRefNumber,
      via,
      at: new Date(at).toISOString(),
      status: completed ? 'completed' : 'cancelled',
      validation,
      confirmation,
    };
    state.record(app, record);
    return record;
  };
}
