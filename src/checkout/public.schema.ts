// What the hosted page (and anyone holding a link's URL) may read and send: the merchant's name,
// what is paid and how, and the state. Nothing else of the project, never another payment.
import { z } from 'zod';
import { MODES } from '../core/scope';
import { expecting, text } from '../validation';
import { accountReferenceField, clientTransactionSchema, phoneField } from '../payments/transaction.schema';
import { AMOUNT_TYPES, LINK_STATES } from './link.schema';
import { SESSION_STATES } from './session.schema';

const SLUG = 'a payment link slug';
const CLIENT_SECRET = "the session's client secret (cs_…)";

export const slugParams = z.object({
  slug: text(SLUG)
    .max(40, expecting(SLUG))
    .regex(/^[a-z0-9][a-z0-9-]{2,39}$/, expecting(SLUG))
    .meta({ examples: ['yoga-class'] }),
});

export const clientSecretHeader = text(CLIENT_SECRET)
  .max(200, expecting(CLIENT_SECRET))
  .meta({
    description: "The session's client secret (the fragment of its `url`).",
    examples: ['cs_1a2b3c4d.SESSIONSECRET'],
  });

const merchant = z.object({ name: z.string().meta({ examples: ['Mama Mboga Grocers'] }) });

const payInstead = z
  .object({
    payBill: z.string().meta({ examples: ['123456'] }),
    accountNumber: z.string().meta({ examples: ['INV-9'] }),
  })
  .nullable()
  .meta({
    description:
      'Where the account takes C2B payments: the PayBill and account number to pay from the M-Pesa menu instead (a payment there with this account number settles the checkout). Null otherwise.',
  });

export const publicLinkSchema = z
  .object({
    slug: z.string(),
    merchant,
    mode: z.enum(MODES).meta({ description: '`test`: no real money moves (the page shows a banner).' }),
    state: z.enum(LINK_STATES),
    title: z.string(),
    description: z.string().nullable(),
    amount: z.object({
      type: z.enum(AMOUNT_TYPES),
      value: z.int().nullable(),
      min: z.int(),
      max: z.int(),
    }),
    reference: z.object({
      type: z.enum(['numbered', 'customer']),
      label: z.string().nullable(),
    }),
    redirectUrl: z.string().nullable(),
  })
  .meta({ id: 'PublicPaymentLink' });
export type PublicLinkView = z.output<typeof publicLinkSchema>;

export const publicSessionSchema = z
  .object({
    id: z.string(),
    merchant,
    mode: z.enum(MODES),
    state: z.enum(SESSION_STATES),
    title: z.string().nullable(),
    amount: z.int(),
    accountReference: z.string(),
    expiresAt: z.iso.datetime(),
    successUrl: z.string().nullable(),
    cancelUrl: z.string().nullable(),
    linkSlug: z.string().nullable(),
    payInstead,
    payment: z.object({ transaction: clientTransactionSchema, clientSecret: z.string() }).nullable().meta({
      description:
        'The latest attempt, with the client secret that follows it over Socket.io (docs/realtime.md); null before the first.',
    }),
  })
  .meta({ id: 'PublicCheckoutSession' });
export type PublicSessionView = z.output<typeof publicSessionSchema>;

export const sessionSecretResponse = z.object({ session: publicSessionSchema });

export const payLinkBody = z.strictObject({
  phone: phoneField,
  amount: z
    .number(expecting('a whole number of KES'))
    .int(expecting('a whole number of KES'))
    .optional()
    .meta({
      description: "The customer's amount: required for range and open links, ignored for fixed ones.",
    }),
  reference: accountReferenceField.optional().meta({
    description: 'Required when the link asks the customer for it (`reference.type` = `customer`).',
  }),
});
export type PayLinkInput = z.infer<typeof payLinkBody>;

export const paySessionBody = z.strictObject({ phone: phoneField });

export const payResponseSchema = z.object({
  session: publicSessionSchema,
  sessionClientSecret: z.string().meta({ description: 'Opens the session: to try again after a failure.' }),
});
