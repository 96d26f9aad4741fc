// What the simulated receiving business does with a supplier payment (B2B), chosen by its PartyB
// (the PayBill or till paid), so each outcome can be played per request (`mpesa-bridge trigger
// --list`). Any other PayBill or till is paid when the payer's Working account holds the amount
// (B2B pays from Working (MMF), docs/daraja.md "Supplier payments (B2B)").
import type { B2cResult } from './simulator.b2c-outcomes';

export const B2B_RESULTS = {
  success: { resultCode: 0, resultDesc: 'The service request is processed successfully.' },
  insufficientBalance: { resultCode: 1, resultDesc: 'The balance is insufficient for the transaction.' },
  // M-Pesa's older result code list (G2): 7 "Unresolved Receiver Party"; the wording is ours.
  invalidReceiver: { resultCode: 7, resultDesc: 'The receiver party is invalid or cannot be resolved.' },
  aboveMaximum: {
    resultCode: 3,
    resultDesc: 'Declined due to limit rule: greater than the maximum transaction amount.',
  },
  initiatorInvalid: { resultCode: 2001, resultDesc: 'The initiator information is invalid.' },
  credentialLocked: { resultCode: 8006, resultDesc: 'The security credential is locked' },
} as const satisfies Record<string, B2cResult>;

/** `result`: posted after the delay; `lost`: never posted (only Transaction Status tells); `queue-timeout`: the QueueTimeOutURL is told. */
export type B2bDelivery = 'result' | 'lost' | 'queue-timeout';

export const B2B_OUTCOME_NAMES = [
  'supplier-paid',
  'supplier-insufficient-funds',
  'supplier-invalid-receiver',
  'supplier-result-lost',
  'supplier-queue-timeout',
  'supplier-answer-lost',
] as const;
export type B2bOutcomeName = (typeof B2B_OUTCOME_NAMES)[number];

export interface SimulatedB2bOutcome {
  name: B2bOutcomeName;
  /** The PayBill or till (PartyB) that plays it. */
  shortcode: string;
  summary: string;
  result?: B2cResult;
  delivery: B2bDelivery;
  /** The request is never answered (the client times out); the result is posted anyway. */
  unanswered?: true;
}

/** A PayBill that pays, for samples and `trigger supplier-paid`. */
export const B2B_PAID_SHORTCODE = '888880';

export const DEFAULT_B2B_OUTCOME: SimulatedB2bOutcome = {
  name: 'supplier-paid',
  shortcode: '(any other)',
  summary: 'Paid (ResultCode 0) when the Working account holds the amount, else ResultCode 1',
  delivery: 'result',
};

export const SIMULATED_B2B_OUTCOMES: readonly SimulatedB2bOutcome[] = [
  {
    name: 'supplier-insufficient-funds',
    shortcode: '900201',
    summary: 'Result ResultCode 1 "The balance is insufficient for the transaction." (Working account)',
    result: B2B_RESULTS.insufficientBalance,
    delivery: 'result',
  },
  {
    name: 'supplier-invalid-receiver',
    shortcode: '900202',
    summary: 'Result ResultCode 7: no such PayBill or till (Unresolved Receiver Party)',
    result: B2B_RESULTS.invalidReceiver,
    delivery: 'result',
  },
  {
    name: 'supplier-result-lost',
    shortcode: '900203',
    summary:
      'Paid, but no result is ever posted; Transaction Status by the OriginatorConversationID Daraja gave says Completed',
    delivery: 'lost',
  },
  {
    name: 'supplier-queue-timeout',
    shortcode: '900204',
    summary: 'Paid, but the QueueTimeOutURL is told it timed out; Transaction Status says Completed',
    delivery: 'queue-timeout',
  },
  {
    name: 'supplier-answer-lost',
    shortcode: '900205',
    summary:
      'Paid; the request is never answered (no OriginatorConversationID to ask by), the result still reaches the ResultURL',
    delivery: 'result',
    unanswered: true,
  },
];

const BY_SHORTCODE = new Map(SIMULATED_B2B_OUTCOMES.map((outcome) => [outcome.shortcode, outcome]));

export function b2bOutcomeFor(shortcode: string): SimulatedB2bOutcome {
  return BY_SHORTCODE.get(shortcode) ?? DEFAULT_B2B_OUTCOME;
}

export function shortcodeForB2bOutcome(name: B2bOutcomeName): string {
  if (name === DEFAULT_B2B_OUTCOME.name) return B2B_PAID_SHORTCODE;
  return SIMULATED_B2B_OUTCOMES.find((outcome) => outcome.name === name)!.shortcode;
}
