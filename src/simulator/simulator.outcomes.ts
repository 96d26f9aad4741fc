// What the simulated customer does, chosen by the PhoneNumber of each STK Push, so every
// failure path can be exercised per request, without restarting the simulator.
// README: copy SIMULATED_OUTCOMES (phone -> summary) from here.
import type { DarajaError } from './simulator.errors';

/** The final result of a payment, with the callback's and the query's own wording (they differ on Daraja, §3). */
export interface PaymentResult {
  /** A number, except Daraja's alphanumeric codes (SFC_IC0003), which are strings (docs/daraja.md §10.3). */
  resultCode: number | string;
  callbackDesc: string;
  queryDesc: string;
}

/** How the callback reaches the CallBackURL once the payment has a result. */
export type CallbackDelivery =
  | 'once' // after callbackDelayMs
  | 'none' // never: the callback is lost, only STK Query tells the result
  | 'twice' // after callbackDelayMs, and again ~DUPLICATE_CALLBACK_GAP_MS later
  | 'late'; // after lateCallbackMs; the query already answers the result after callbackDelayMs

/** The customer answers the prompt (or not) and Safaricom reports a result. */
export interface CompletionBehaviour {
  kind: 'complete';
  result: PaymentResult;
  delivery: CallbackDelivery;
  callbackAmountDelta: number;
  /** Every other STK Query answers HTTP 500 500.001.1001 "being processed" (no answer this time). */
  flakyQuery?: boolean;
  /** How the success callback's metadata is written; `documented` when absent. */
  callbackShape?: CallbackShape;
  /**
   * While the customer decides, STK Query answers HTTP 200 with `500.001.1001` and an empty
   * errorMessage instead of 4999 (docs/daraja.md §4, §10.5).
   */
  emptyPendingQuery?: boolean;
}

/**
 * The success callback's metadata: Daraja's documented shape (docs/daraja.md §3, §10.3) and two
 * a reader must also survive (an amount as text, as C2B sends it, §7; a one-item list as an object):
 * - `documented`: Amount a number, Balance without a Value;
 * - `amount-string-no-balance`: Amount the text "10.00", no Balance item at all;
 * - `single-item`: `CallbackMetadata.Item` one object, not an array, holding only the receipt.
 */
export type CallbackShape = 'documented' | 'amount-string-no-balance' | 'single-item';

export type OutcomeBehaviour =
  | CompletionBehaviour
  | { kind: 'refuse'; error: DarajaError } // Daraja refuses the push synchronously
  | { kind: 'expireToken' }; // the access token dies between OAuth and the push

/** What the CLI and the dashboard call the outcomes (`POST /api/v1/test-payments`): stable, `paid` first. */
export const OUTCOME_NAMES = [
  'paid',
  'cancelled',
  'insufficient-funds',
  'unreachable',
  'wrong-pin',
  'no-callback',
  'duplicate-callback',
  'late-callback',
  'subscriber-locked',
  'spike-arrest',
  'token-expiry',
  'amount-mismatch',
  'cancelled-no-callback',
  'amount-string-no-balance',
  'single-item-metadata',
  'pending-empty-answer',
  'quota-violation',
  'prompt-failed',
] as const;
export type OutcomeName = (typeof OUTCOME_NAMES)[number];

export interface SimulatedOutcome {
  name: OutcomeName;
  phoneNumber: string;
  summary: string;
  behaviour: OutcomeBehaviour;
}

export const DUPLICATE_CALLBACK_GAP_MS = 100;

export const PAYMENT_RESULTS = {
  success: {
    resultCode: 0,
    callbackDesc: 'The service request is processed successfully.',
    queryDesc: 'The service request is processed successfully.',
  },
  // The 2026 query wording differs in case and punctuation from the callback's (docs/daraja.md §3).
  cancelled: {
    resultCode: 1032,
    callbackDesc: 'Request cancelled by user',
    queryDesc: 'Request Cancelled by user.',
  },
  insufficientBalance: {
    resultCode: 1,
    callbackDesc: 'The balance is insufficient for the transaction.',
    queryDesc: 'The balance is insufficient for the transaction.',
  },
  // Same payment, two texts: callback "No response from user.", query "DS timeout ..." (NKAP 2026).
  noResponse: {
    resultCode: 1037,
    callbackDesc: 'No response from user.',
    queryDesc: 'DS timeout user cannot be reached',
  },
  wrongPin: {
    resultCode: 2001,
    callbackDesc: 'The initiator information is invalid.',
    queryDesc: 'The initiator information is invalid.',
  },
  // A till paid as a PayBill, or a PayBill as a till (docs/daraja.md §2, §3).
  operatorDoesNotExist: {
    resultCode: 'SFC_IC0003',
    callbackDesc: 'The operator does not exist.',
    queryDesc: 'The operator does not exist.',
  },
  // An AccountReference too long for the 182-character prompt is accepted, then fails (docs/daraja.md §2, §10.12).
  promptFailed: {
    resultCode: 1025,
    callbackDesc: 'An error occurred while sending a push request.',
    queryDesc: 'An error occurred while sending a push request.',
  },
  notPermitted: {
    resultCode: 2028,
    callbackDesc: 'The request is not permitted according to product assignment',
    queryDesc: 'The request is not permitted according to product assignment',
  },
} as const satisfies Record<string, PaymentResult>;

const completes = (
  result: PaymentResult,
  delivery: CallbackDelivery = 'once',
  callbackAmountDelta = 0,
): CompletionBehaviour => ({
  kind: 'complete',
  result,
  delivery,
  callbackAmountDelta,
});

/** A normal successful payment: what any unlisted number gets, and the retry after a token expiry. */
export const SUCCESSFUL_PAYMENT: CompletionBehaviour = completes(PAYMENT_RESULTS.success);

/** Outcome for every PhoneNumber not listed in SIMULATED_OUTCOMES (e.g. 254708374149, 254712345678). */
export const DEFAULT_OUTCOME: SimulatedOutcome = {
  name: 'paid',
  phoneNumber: '(any other)',
  summary: 'Success callback (ResultCode 0) after callbackDelayMs',
  behaviour: SUCCESSFUL_PAYMENT,
};

export const SIMULATED_OUTCOMES: readonly SimulatedOutcome[] = [
  {
    name: 'cancelled',
    phoneNumber: '254700000001',
    summary: 'Callback ResultCode 1032 "Request cancelled by user"',
    behaviour: completes(PAYMENT_RESULTS.cancelled),
  },
  {
    name: 'insufficient-funds',
    phoneNumber: '254700000002',
    summary: 'Callback ResultCode 1 "The balance is insufficient for the transaction."',
    behaviour: completes(PAYMENT_RESULTS.insufficientBalance),
  },
  {
    name: 'unreachable',
    phoneNumber: '254700000003',
    summary:
      'Callback ResultCode 1037 "No response from user." (query says "DS timeout user cannot be reached")',
    behaviour: completes(PAYMENT_RESULTS.noResponse),
  },
  {
    name: 'wrong-pin',
    phoneNumber: '254700000004',
    summary: 'Callback ResultCode 2001 "The initiator information is invalid." (wrong PIN)',
    behaviour: completes(PAYMENT_RESULTS.wrongPin),
  },
  {
    name: 'no-callback',
    phoneNumber: '254700000005',
    summary:
      'Payment succeeds but NO callback is ever posted; STK Query answers ResultCode "0" after callbackDelayMs',
    behaviour: completes(PAYMENT_RESULTS.success, 'none'),
  },
  {
    name: 'duplicate-callback',
    phoneNumber: '254700000006',
    summary: `Success callback posted twice, the second ${DUPLICATE_CALLBACK_GAP_MS} ms after the first`,
    behaviour: completes(PAYMENT_RESULTS.success, 'twice'),
  },
  {
    name: 'late-callback',
    phoneNumber: '254700000007',
    summary:
      'Success callback posted after lateCallbackMs; STK Query already answers "0" after callbackDelayMs',
    behaviour: completes(PAYMENT_RESULTS.success, 'late'),
  },
  {
    name: 'subscriber-locked',
    phoneNumber: '254700000008',
    summary: 'Push refused: HTTP 500 500.001.1001 "Unable to lock subscriber, ..."',
    behaviour: {
      kind: 'refuse',
      error: {
        httpStatus: 500,
        errorCode: '500.001.1001',
        errorMessage:
          'Unable to lock subscriber, a transaction is already in process for the current subscriber',
      },
    },
  },
  {
    name: 'spike-arrest',
    phoneNumber: '254700000009',
    summary: 'Push refused: HTTP 500 500.003.02 "Error Occurred: Spike Arrest Violation"',
    behaviour: {
      kind: 'refuse',
      error: {
        httpStatus: 500,
        errorCode: '500.003.02',
        errorMessage: 'Error Occurred: Spike Arrest Violation',
      },
    },
  },
  {
    name: 'token-expiry',
    phoneNumber: '254700000010',
    summary:
      'Token expires mid-flight: the push revokes its token and answers 404 404.001.03; a push with a token issued afterwards succeeds',
    behaviour: { kind: 'expireToken' },
  },
  {
    name: 'amount-mismatch',
    phoneNumber: '254700000011',
    summary: 'Success, but the callback Amount is the requested Amount + 1 (amount mismatch)',
    behaviour: completes(PAYMENT_RESULTS.success, 'once', 1),
  },
  {
    name: 'cancelled-no-callback',
    phoneNumber: '254700000012',
    summary:
      'Cancelled (1032) but NO callback; every other STK Query answers HTTP 500 500.001.1001 "The transaction is being processed"',
    behaviour: { ...completes(PAYMENT_RESULTS.cancelled, 'none'), flakyQuery: true },
  },
  {
    name: 'amount-string-no-balance',
    phoneNumber: '254700000013',
    summary: 'Success callback whose Amount is the text "10.00" (for 10) and which has no Balance item',
    behaviour: { ...completes(PAYMENT_RESULTS.success), callbackShape: 'amount-string-no-balance' },
  },
  {
    name: 'single-item-metadata',
    phoneNumber: '254700000014',
    summary: 'Success callback whose CallbackMetadata.Item is one object (the receipt), not an array',
    behaviour: { ...completes(PAYMENT_RESULTS.success), callbackShape: 'single-item' },
  },
  {
    name: 'pending-empty-answer',
    phoneNumber: '254700000015',
    summary:
      'Success, but until then STK Query answers HTTP 200 500.001.1001 with an empty errorMessage (not 4999)',
    behaviour: { ...completes(PAYMENT_RESULTS.success), emptyPendingQuery: true },
  },
  {
    name: 'quota-violation',
    phoneNumber: '254700000016',
    summary: 'Push refused: HTTP 500 500.003.03 "Quota Violation"',
    behaviour: {
      kind: 'refuse',
      error: { httpStatus: 500, errorCode: '500.003.03', errorMessage: 'Quota Violation' },
    },
  },
  {
    name: 'prompt-failed',
    phoneNumber: '254700000017',
    summary:
      'Push accepted, then callback ResultCode 1025 "An error occurred while sending a push request." (prompt over 182 characters)',
    behaviour: completes(PAYMENT_RESULTS.promptFailed),
  },
];

const OUTCOMES_BY_PHONE = new Map(SIMULATED_OUTCOMES.map((outcome) => [outcome.phoneNumber, outcome]));

/** The phone that makes the simulator play `name`: any unlisted number for `paid`. */
export const PAID_PHONE = '254708374149';

export function phoneForOutcome(name: OutcomeName): string | undefined {
  if (name === DEFAULT_OUTCOME.name) return PAID_PHONE;
  return SIMULATED_OUTCOMES.find((outcome) => outcome.name === name)?.phoneNumber;
}

/** The outcome for a normalised 12-digit PhoneNumber. */
export function outcomeFor(phoneNumber: string): SimulatedOutcome {
  return OUTCOMES_BY_PHONE.get(phoneNumber) ?? DEFAULT_OUTCOME;
}
