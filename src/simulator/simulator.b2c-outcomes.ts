// What the simulated recipient's side does with a B2C payout, chosen by its PartyB, so every
// outcome Daraja documents can be exercised per request (`mpesa-bridge trigger --list`). Any
// other phone is paid, if the shortcode's Utility account holds the amount (simulator.balances.ts).
// Result codes and their ResultDesc are the B2C page's (docs/daraja.md "Payouts (B2C)").

export interface B2cResult {
  /** A number on Daraja's result, or a string for the alphanumeric SFC_IC0003. */
  resultCode: number | string;
  resultDesc: string;
}

export const B2C_RESULTS = {
  success: { resultCode: 0, resultDesc: 'The service request is processed successfully.' },
  insufficientBalance: { resultCode: 1, resultDesc: 'The balance is insufficient for the transaction.' },
  belowMinimum: { resultCode: 2, resultDesc: 'Declined due to limit rule' },
  aboveMaximum: {
    resultCode: 3,
    resultDesc: 'Declined due to limit rule: greater than the maximum transaction amount.',
  },
  debitPartyInvalid: { resultCode: 11, resultDesc: 'The DebitParty is in an invalid state.' },
  initiatorNotAllowed: {
    resultCode: 21,
    resultDesc: 'The initiator is not allowed to initiate this request',
  },
  initiatorInvalid: { resultCode: 2001, resultDesc: 'The initiator information is invalid.' },
  unregistered: {
    resultCode: 2040,
    resultDesc:
      "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
  },
  credentialLocked: { resultCode: 8006, resultDesc: 'The security credential is locked' },
  operatorDoesNotExist: { resultCode: 'SFC_IC0003', resultDesc: 'The operator does not exist.' },
} as const satisfies Record<string, B2cResult>;

/**
 * How the result reaches the merchant:
 * - `result`: posted to ResultURL after the delay;
 * - `lost`: never posted (Safaricom does not retry): only Transaction Status tells;
 * - `twice`: posted twice;
 * - `queue-timeout`: M-Pesa processes it, but the QueueTimeOutURL is told it timed out;
 * - `drifted`: posted with ResultCode and ResultType as strings, one ResultParameter object,
 *   an item without Value (what a relay or another API version sends).
 */
export type B2cDelivery = 'result' | 'lost' | 'twice' | 'queue-timeout' | 'drifted';

/** How Daraja answers the request itself. */
export type B2cAnswer = 'prompt' | 'slow' | 'never';

export interface B2cBehaviour {
  result?: B2cResult;
  delivery: B2cDelivery;
  answer: B2cAnswer;
}

export const B2C_OUTCOME_NAMES = [
  'payout-paid',
  'payout-insufficient-balance',
  'payout-unregistered',
  'payout-unknown-number',
  'payout-shortcode-inactive',
  'payout-initiator-not-allowed',
  'payout-initiator-invalid',
  'payout-credential-locked',
  'payout-result-lost',
  'payout-queue-timeout',
  'payout-answer-slow',
  'payout-answer-lost',
  'payout-result-drift',
  'payout-result-twice',
] as const;
export type B2cOutcomeName = (typeof B2C_OUTCOME_NAMES)[number];

export interface SimulatedB2cOutcome {
  name: B2cOutcomeName;
  phoneNumber: string;
  summary: string;
  behaviour: B2cBehaviour;
}

const paid = (delivery: B2cDelivery = 'result', answer: B2cAnswer = 'prompt'): B2cBehaviour => ({
  delivery,
  answer,
});
const fails = (result: B2cResult): B2cBehaviour => ({ result, delivery: 'result', answer: 'prompt' });

export const B2C_PAID_PHONE = '254708374149';

export const DEFAULT_B2C_OUTCOME: SimulatedB2cOutcome = {
  name: 'payout-paid',
  phoneNumber: '(any other)',
  summary: 'Paid (ResultCode 0) when the Utility account holds the amount, else ResultCode 1',
  behaviour: paid(),
};

export const SIMULATED_B2C_OUTCOMES: readonly SimulatedB2cOutcome[] = [
  {
    name: 'payout-insufficient-balance',
    phoneNumber: '254700000201',
    summary: 'Result ResultCode 1 "The balance is insufficient for the transaction." (Utility account)',
    behaviour: fails(B2C_RESULTS.insufficientBalance),
  },
  {
    name: 'payout-unregistered',
    phoneNumber: '254700000202',
    summary: 'Result ResultCode 2040: the recipient is not a registered M-Pesa customer',
    behaviour: fails(B2C_RESULTS.unregistered),
  },
  {
    name: 'payout-unknown-number',
    phoneNumber: '254700000203',
    summary: 'Result ResultCode "SFC_IC0003" "The operator does not exist." (no such M-Pesa number)',
    behaviour: fails(B2C_RESULTS.operatorDoesNotExist),
  },
  {
    name: 'payout-shortcode-inactive',
    phoneNumber: '254700000204',
    summary: 'Result ResultCode 11 "The DebitParty is in an invalid state."',
    behaviour: fails(B2C_RESULTS.debitPartyInvalid),
  },
  {
    name: 'payout-initiator-not-allowed',
    phoneNumber: '254700000205',
    summary: 'Result ResultCode 21: the initiator lacks the ORG B2C API initiator role',
    behaviour: fails(B2C_RESULTS.initiatorNotAllowed),
  },
  {
    name: 'payout-initiator-invalid',
    phoneNumber: '254700000206',
    summary: 'Result ResultCode 2001 "The initiator information is invalid."',
    behaviour: fails(B2C_RESULTS.initiatorInvalid),
  },
  {
    name: 'payout-credential-locked',
    phoneNumber: '254700000207',
    summary: 'Result ResultCode 8006 "The security credential is locked"',
    behaviour: fails(B2C_RESULTS.credentialLocked),
  },
  {
    name: 'payout-result-lost',
    phoneNumber: '254700000208',
    summary:
      'Paid, but no result is ever posted; Transaction Status by OriginatorConversationID says Completed',
    behaviour: paid('lost'),
  },
  {
    name: 'payout-queue-timeout',
    phoneNumber: '254700000209',
    summary: 'Paid, but the QueueTimeOutURL is told it timed out; Transaction Status says Completed',
    behaviour: paid('queue-timeout'),
  },
  {
    name: 'payout-answer-slow',
    phoneNumber: '254700000210',
    summary: 'Paid; the request is answered only after lateCallbackMs (the result is posted after that)',
    behaviour: paid('result', 'slow'),
  },
  {
    name: 'payout-answer-lost',
    phoneNumber: '254700000211',
    summary: 'Paid; the request is never answered (the client times out), the result is posted anyway',
    behaviour: paid('result', 'never'),
  },
  {
    name: 'payout-result-drift',
    phoneNumber: '254700000212',
    summary:
      'Paid; the result has ResultCode and ResultType as strings, one ResultParameter object, an item without Value',
    behaviour: paid('drifted'),
  },
  {
    name: 'payout-result-twice',
    phoneNumber: '254700000213',
    summary: 'Paid; the result is posted twice',
    behaviour: paid('twice'),
  },
];

const BY_PHONE = new Map(SIMULATED_B2C_OUTCOMES.map((outcome) => [outcome.phoneNumber, outcome]));

export function b2cOutcomeFor(phoneNumber: string): SimulatedB2cOutcome {
  return BY_PHONE.get(phoneNumber) ?? DEFAULT_B2C_OUTCOME;
}

export function phoneForB2cOutcome(name: B2cOutcomeName): string {
  if (name === DEFAULT_B2C_OUTCOME.name) return B2C_PAID_PHONE;
  return SIMULATED_B2C_OUTCOMES.find((outcome) => outcome.name === name)!.phoneNumber;
}
