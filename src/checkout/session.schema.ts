// Checkout sessions as the merchant API takes and shows them: the merchant's server fixes the
// amount and the reference, the customer only types a phone on the hosted page.
import { z } from 'zod';
import type { Config } from '../config';
import { MODES } from '../core/scope';
import { expecting, text } from '../validation';
import {
  accountIdField,
  accountReferenceField,
  amountField,
  metadataField,
  paymentDescriptionField,
} from '../payments/transaction.schema';
import { redirectUrlField } from './link.schema';

export const SESSION_TTL_MIN_SECONDS = 60;
export const SESSION_TTL_MAX_SECONDS = 7 * 24 * 3600;
export const SESSION_TTL_DEFAULT_SECONDS = 24 * 3600;
const TTL = `a whole number of seconds from ${SESSION_TTL_MIN_SECONDS} to ${SESSION_TTL_MAX_SECONDS}`;
const TITLE = '1 to 80 characters';
const SESSION_ID = 'a checkout session id (chk_…)';

/**
 * open: waiting for the customer; pending: a prompt is on their phone; paid: an attempt
 * completed (final); expired: past expiresAt with nothing paid.
 */
export const SESSION_STATES = ['open', 'pending', 'paid', 'expired'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export function createSessionBody(amount: Config['amount']) {
  return z.strictObject({
    amount: amountField(amount).meta({ description: 'Whole Kenyan shillings.', examples: [1500] }),
    accountReference: accountReferenceField.meta({
      description:
        'Your order reference: shown in the M-Pesa prompt, and the bill reference a C2B payment of this order would carry.',
      examples: ['INV-9'],
    }),
    title: text(TITLE)
      .trim()
      .min(1, expecting(TITLE))
      .max(80, expecting(TITLE))
      .optional()
      .meta({ description: 'What is paid for, shown on the page.', examples: ['Order 9'] }),
    description: paymentDescriptionField
      .optional()
      .meta({ description: 'Sent to Daraja as TransactionDesc; `Payment` when left out.' }),
    metadata: metadataField.optional(),
    expiresInSeconds: z
      .int(expecting(TTL))
      .min(SESSION_TTL_MIN_SECONDS, expecting(TTL))
      .max(SESSION_TTL_MAX_SECONDS, expecting(TTL))
      .default(SESSION_TTL_DEFAULT_SECONDS)
      .meta({ description: 'How long the page takes payments; 24 h when left out.' }),
    successUrl: redirectUrlField
      .optional()
      .meta({ description: 'Where the page sends the customer after paying (a button).' }),
    cancelUrl: redirectUrlField
      .optional()
      .meta({ description: 'Where the page sends a customer who gives up (a button).' }),
    account: accountIdField.optional(),
  });
}
export type CreateSessionInput = z.infer<ReturnType<typeof createSessionBody>>;

export const sessionIdParams = z.object({
  id: text(SESSION_ID)
    .max(64, expecting(SESSION_ID))
    .regex(/^chk_[0-9a-z]+$/, expecting(SESSION_ID))
    .meta({ examples: ['chk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const sessionSchema = z
  .object({
    id: z.string().meta({ examples: ['chk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    url: z.string().meta({
      description:
        'The hosted page to send the customer to. Its fragment carries the client secret (a fragment never reaches a server or its logs).',
      examples: ['https://pay.example.com/c/chk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1#cs_1a2b3c4d.Xy…'],
    }),
    clientSecret: z.string().meta({
      description:
        'Opens this session only (its page, its QR, the embeddable button): safe to hand to the browser, never a key.',
      examples: ['cs_1a2b3c4d.Xy…'],
    }),
    expiresAt: z.iso.datetime(),
    state: z.enum(SESSION_STATES),
    mode: z.enum(MODES),
    amount: z.int(),
    accountReference: z.string(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    successUrl: z.string().nullable(),
    cancelUrl: z.string().nullable(),
    linkId: z.string().nullable().meta({ description: 'The payment link it came from; null for yours.' }),
    transactionIds: z.array(z.string()).meta({ description: "Each attempt's payment, oldest first." }),
    paidTransactionId: z.string().nullable().meta({
      description:
        "The attempt's payment that paid. When its money was recorded as another payment (`paidAs` set: a walk-in C2B payment already held its M-Pesa receipt), it keeps its own status and its `paidAs` names the payment holding the money.",
    }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CheckoutSession', description: 'One checkout on the hosted page.' });
export type SessionView = z.output<typeof sessionSchema>;

export const sessionResponseSchema = sessionSchema;
