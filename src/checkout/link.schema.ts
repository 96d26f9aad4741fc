// Payment links as the merchant API takes and shows them. A link's amount is one of three
// rules (fixed, a range the customer chooses in, or any amount the deployment allows), and its
// reference is a template the service numbers (INV-{n}) or a text the customer types.
import { z } from 'zod';
import type { Config } from '../config';
import { MODES } from '../core/scope';
import { expecting, text } from '../validation';
import {
  accountIdField,
  amountField,
  merchantTransactionSchema,
  metadataField,
  paymentDescriptionField,
} from '../payments/transaction.schema';
import { REFERENCE_NUMBER_DIGITS, TEMPLATE_PLACEHOLDER, templateProblem } from './reference';

const TITLE = '1 to 80 characters';
const DESCRIPTION = 'at most 500 characters';
const SLUG = '3 to 40 lower-case letters, digits and dashes, starting with a letter or digit';
const LABEL = '1 to 40 characters';
const TEMPLATE = `1 to 12 printable ASCII characters with at most one ${TEMPLATE_PLACEHOLDER}, leaving room for ${REFERENCE_NUMBER_DIGITS} digits`;
const HTTP_URL = 'an http(s) URL of at most 2048 characters';
const USES = 'a whole number from 1 to 1000000, or null for unlimited';
const LINK_ID = 'a payment link id (lnk_…)';
const LIMIT = 'a whole number from 1 to 100';
const CURSOR = 'a nextCursor value from a previous page';
const DATE = 'an ISO 8601 date-time in the future';

export const AMOUNT_TYPES = ['fixed', 'range', 'open'] as const;
export type AmountType = (typeof AMOUNT_TYPES)[number];

/** What a link says of itself now; only `active` takes payments. */
export const LINK_STATES = ['active', 'disabled', 'expired', 'used_up'] as const;
export type LinkState = (typeof LINK_STATES)[number];

const title = text(TITLE).trim().min(1, expecting(TITLE)).max(80, expecting(TITLE));
const description = text(DESCRIPTION).trim().max(500, expecting(DESCRIPTION));
const slug = text(SLUG)
  .regex(/^[a-z0-9][a-z0-9-]{2,39}$/, expecting(SLUG))
  .meta({ description: 'The public part of the URL (`/l/{slug}`); a random one when left out.' });
export const redirectUrlField = text(HTTP_URL)
  .max(2048, expecting(HTTP_URL))
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be ${HTTP_URL}`);
const maxUses = z
  .int(expecting(USES))
  .min(1, expecting(USES))
  .max(1_000_000, expecting(USES))
  .nullable()
  .meta({ description: 'Paid checkouts the link takes; `null` (the default): unlimited.' });
const futureDate = z.iso
  .datetime({ offset: true, ...expecting(DATE) })
  .transform((value) => new Date(value))
  .refine((date) => date.getTime() > Date.now(), `must be ${DATE}`);
const referenceTemplate = text(TEMPLATE)
  .superRefine((value, ctx) => {
    const problem = templateProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `must be ${TEMPLATE}: ${problem}` });
  })
  .meta({
    description: `Each checkout's AccountReference, \`${TEMPLATE_PLACEHOLDER}\` replaced by the link's next number (1, 2, …). The default when neither this nor \`referenceLabel\` is given: \`PAY-{n}\`.`,
    examples: ['INV-{n}'],
  });
const referenceLabel = text(LABEL)
  .trim()
  .min(1, expecting(LABEL))
  .max(40, expecting(LABEL))
  .meta({
    description:
      'The customer types the reference (1–12 printable characters), under this label (e.g. `Account number`); instead of `referenceTemplate`.',
    examples: ['House number'],
  });

export function createLinkBody(amount: Config['amount']) {
  return z
    .strictObject({
      title: title.meta({ description: 'What is paid for, shown on the page.', examples: ['Yoga class'] }),
      description: description.optional(),
      amount: amountField(amount).optional().meta({ description: 'A fixed amount, in whole KES.' }),
      minAmount: amountField(amount)
        .optional()
        .meta({ description: 'With `maxAmount`: the customer chooses an amount in this range.' }),
      maxAmount: amountField(amount).optional(),
      maxUses: maxUses.optional(),
      expiresAt: futureDate.optional(),
      referenceTemplate: referenceTemplate.optional(),
      referenceLabel: referenceLabel.optional(),
      paymentDescription: paymentDescriptionField
        .optional()
        .meta({ description: 'Sent to Daraja as TransactionDesc; `Payment` when left out.' }),
      metadata: metadataField.optional(),
      redirectUrl: redirectUrlField
        .optional()
        .meta({ description: 'Where the page sends the customer after paying (a button, never automatic).' }),
      account: accountIdField.optional(),
      slug: slug.optional(),
    })
    .superRefine((body, ctx) => {
      const problem = amountRuleProblem(body);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
      if (body.referenceTemplate !== undefined && body.referenceLabel !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'give referenceTemplate or referenceLabel, not both',
          path: ['referenceLabel'],
        });
    });
}
export type CreateLinkInput = z.infer<ReturnType<typeof createLinkBody>>;

function amountRuleProblem(body: {
  amount?: number;
  minAmount?: number;
  maxAmount?: number;
}): { field: string; message: string } | undefined {
  const ranged = body.minAmount !== undefined || body.maxAmount !== undefined;
  if (body.amount !== undefined && ranged)
    return { field: 'amount', message: 'give amount (fixed) or minAmount and maxAmount (a range), not both' };
  if (ranged && (body.minAmount === undefined || body.maxAmount === undefined))
    return {
      field: body.minAmount === undefined ? 'minAmount' : 'maxAmount',
      message: 'a range needs both minAmount and maxAmount',
    };
  if (ranged && body.minAmount! > body.maxAmount!)
    return { field: 'maxAmount', message: 'must not be below minAmount' };
  return undefined;
}

export const updateLinkBody = z
  .strictObject({
    title: title.optional(),
    description: description.nullable().optional(),
    disabled: z.boolean(expecting('true or false')).optional().meta({
      description: '`true` stops the link taking payments (its page says so); `false` opens it again.',
    }),
    maxUses: maxUses.optional(),
    expiresAt: futureDate.nullable().optional(),
    redirectUrl: redirectUrlField.nullable().optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'must change at least one of title, description, disabled, maxUses, expiresAt, redirectUrl',
  );
export type UpdateLinkInput = z.infer<typeof updateLinkBody>;

export const linkIdParams = z.object({
  id: text(LINK_ID)
    .max(64, expecting(LINK_ID))
    .regex(/^lnk_[0-9a-z]+$/, expecting(LINK_ID))
    .meta({ examples: ['lnk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const listLinksQuery = z.strictObject({
  limit: z.coerce
    .number(expecting(LIMIT))
    .int(expecting(LIMIT))
    .min(1, expecting(LIMIT))
    .max(100, expecting(LIMIT))
    .default(20),
  cursor: text(CURSOR).max(64, expecting(CURSOR)).optional(),
});

export const linkSchema = z
  .object({
    id: z.string().meta({ examples: ['lnk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    slug: z.string().meta({ examples: ['yoga-class'] }),
    url: z.string().meta({
      description: "The page customers open (CHECKOUT_BASE_URL's `/l/{slug}`).",
      examples: ['https://pay.example.com/l/yoga-class'],
    }),
    qr: z.object({ svg: z.string(), png: z.string() }).meta({
      description: "Where the link's QR code (its URL) is served, for printing.",
    }),
    mode: z.enum(MODES),
    state: z.enum(LINK_STATES).meta({ description: 'Only `active` takes payments.' }),
    title: z.string(),
    description: z.string().nullable(),
    amountType: z.enum(AMOUNT_TYPES),
    amount: z.int().nullable(),
    minAmount: z.int().nullable(),
    maxAmount: z.int().nullable(),
    maxUses: z.int().nullable(),
    uses: z.int().meta({ description: 'Checkouts paid through the link.' }),
    expiresAt: z.iso.datetime().nullable(),
    referenceTemplate: z.string().nullable(),
    referenceLabel: z.string().nullable(),
    paymentDescription: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    redirectUrl: z.string().nullable(),
    accountId: z.string().nullable(),
    disabledAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'PaymentLink', description: 'A payment link and what it has taken.' });
export type LinkView = z.output<typeof linkSchema>;

export const linkResponseSchema = z.object({ link: linkSchema });
export const linkPageSchema = z.object({ data: z.array(linkSchema), nextCursor: z.string().nullable() });
export const linkPaymentsSchema = z.object({
  data: z.array(merchantTransactionSchema),
  nextCursor: z.string().nullable(),
});
