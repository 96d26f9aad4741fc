// A test payment names what the simulated customer does instead of giving a phone number: the
// simulator's phone numbers (src/simulator/simulator.outcomes.ts) stay its own detail.
import { z } from 'zod';
import type { Config } from '../config';
import { OUTCOME_NAMES } from '../simulator/simulator.outcomes';
import { initiateBody } from '../payments/transaction.schema';
import { expecting } from '../validation';

const OUTCOME = `one of ${OUTCOME_NAMES.join(', ')}`;
const DEFAULT_AMOUNT = 10;
const DEFAULT_REFERENCE = 'TEST';

export function testPaymentBody(amount: Config['amount']) {
  const initiate = initiateBody(amount);
  return initiate
    .omit({ phone: true })
    .extend({
      outcome: z
        .enum(OUTCOME_NAMES, expecting(OUTCOME))
        .meta({ description: 'What the simulated customer does.', examples: ['cancelled'] }),
      amount: initiate.shape.amount.default(Math.max(amount.min, Math.min(DEFAULT_AMOUNT, amount.max))),
      accountReference: initiate.shape.accountReference.default(DEFAULT_REFERENCE),
    })
    .meta({ description: 'Everything initiate takes but the phone, all optional but `outcome`.' });
}
export type TestPaymentInput = z.infer<ReturnType<typeof testPaymentBody>>;

export const outcomeListSchema = z
  .object({
    data: z.array(
      z.object({
        name: z.string().meta({ examples: ['cancelled'] }),
        summary: z.string().meta({
          description: 'What Daraja answers and calls back, as the simulator plays it.',
          examples: ['Callback ResultCode 1032 "Request cancelled by user"'],
        }),
      }),
    ),
    payouts: z
      .array(
        z.object({
          name: z.string().meta({ examples: ['payout-unregistered'] }),
          recipient: z.string().meta({
            description: 'Pay this phone (a payout) or this PayBill or till (a supplier payment) to play it.',
            examples: ['0700000202'],
          }),
          summary: z.string().meta({
            examples: ['Result ResultCode 2040: the recipient is not a registered M-Pesa customer'],
          }),
        }),
      )
      .meta({
        description:
          'The outcomes the simulator plays for payouts (`POST /api/v1/payouts`), chosen by the phone, PayBill or till paid (docs/simulator.md).',
      }),
  })
  .meta({ id: 'TestOutcomeList' });
