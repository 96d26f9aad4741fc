import { z } from 'zod';
import type { Config } from '../config';
import { expecting, filterDateTime, inspectJson, text, UNCLEAN_TEXT } from '../validation';
import { normalizeKenyanPhone } from './phone';
import { STATUSES } from './transaction.states';
import { c2bDetailsSchema } from './c2b.details';

const METADATA_MAX_BYTES = 2048;
const METADATA_MAX_DEPTH = 5;
const LIST_LIMIT_MAX = 100;
const ACCOUNT_ID = 'an M-Pesa account id (acc_…)';
const PHONE = 'a Kenyan mobile number, e.g. 0712345678 or 254712345678';

// The description sits on the input string: a transform's output cannot be shown, and zod
// keeps examples only on the input side of a pipe.
export const phoneField = text(PHONE)
  .meta({
    description:
      'Kenyan mobile number in any common form (07…, 01…, 7…, 2547…, +2547…, spaces allowed); stored as 2547XXXXXXXX or 2541XXXXXXXX.',
    examples: ['0712345678'],
  })
  .transform((value, ctx) => {
    const phone = normalizeKenyanPhone(value);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: `must be ${PHONE}` });
      return z.NEVER;
    }
    return phone;
  });

// The payment names the account it used; the accounts feature owns the accounts themselves.
export const accountIdField = text(ACCOUNT_ID)
  .regex(/^acc_[0-9a-z]+$/, expecting(ACCOUNT_ID))
  .meta({
    description:
      "The M-Pesa account to use (`acc_…`); the project's default account of this mode when left out.",
    examples: ['acc_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'],
  });

export const CHANNELS = ['paybill', 'till'] as const;
/** How a payment started: a prompt we sent, or the customer paying the till or PayBill (C2B). */
export const ORIGINS = ['stk_push', 'c2b'] as const;
const channel = z.enum(CHANNELS, expecting('paybill or till')).meta({
  description:
    "`paybill`: CustomerPayBillOnline to the shortcode. `till`: CustomerBuyGoodsOnline to the configured till number. Left out: `till` when the account has a till number (its shortcode is then the till's Head Office number, which takes no PayBill payment), else `paybill`.",
});
const status = z.enum(STATUSES, expecting(`one of ${STATUSES.join(', ')}`)).meta({
  description:
    "pending → completed | failed | cancelled | expired; expired → failed | cancelled (M-Pesa's late reason replaces our timeout); " +
    'failed | cancelled | expired → completed (a success always wins: the money moved); completed → reversed (a refund gave the money back, docs/payouts.md "Refunds"). reversed is final.',
});

// Daraja documents AccountReference up to 12 characters and TransactionDesc up to 13; longer
// ones may be accepted and then fail asynchronously with 1025 (docs/daraja.md §2).
const printable = /^[\x20-\x7E]+$/;

const ACCOUNT_REFERENCE = '1–12 printable ASCII characters';
const DESCRIPTION = '1–13 printable ASCII characters';
const METADATA = `a JSON object of at most ${METADATA_MAX_BYTES} bytes, nested at most ${METADATA_MAX_DEPTH} levels`;

/** The merchant's own JSON, bounded (depth first, without recursion) before anything serialises it. */
export const metadataField = z
  .record(z.string(), z.unknown(), expecting(METADATA))
  .superRefine((value, ctx) => {
    const shape = inspectJson(value, METADATA_MAX_DEPTH);
    if (shape.tooDeep) ctx.addIssue({ code: 'custom', message: `must be ${METADATA}` });
    else if (!shape.cleanText) ctx.addIssue({ code: 'custom', message: UNCLEAN_TEXT });
    else if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES)
      ctx.addIssue({ code: 'custom', message: `must be ${METADATA}` });
  })
  .meta({
    description: `Your own JSON object (at most ${METADATA_MAX_BYTES} bytes, ${METADATA_MAX_DEPTH} levels deep), returned as given.`,
    examples: [{ orderId: '1234' }],
  });

/** Daraja's AccountReference: the order a payment is for (and a C2B payment's bill reference). */
export const accountReferenceField = text(ACCOUNT_REFERENCE)
  .trim()
  .min(1, expecting(ACCOUNT_REFERENCE))
  .max(12, expecting(ACCOUNT_REFERENCE))
  .regex(printable, expecting(ACCOUNT_REFERENCE))
  .meta({ description: 'Shown to the customer in the M-Pesa prompt.', examples: ['INV001'] });

/** Daraja's TransactionDesc. */
export const paymentDescriptionField = text(DESCRIPTION)
  .trim()
  .min(1, expecting(DESCRIPTION))
  .max(13, expecting(DESCRIPTION))
  .regex(printable, expecting(DESCRIPTION));

/** The amount rule of this deployment (AMOUNT_MIN..AMOUNT_MAX), in whole KES. */
export function amountField(amount: Config['amount']) {
  const AMOUNT = `a whole number of KES from ${amount.min} to ${amount.max}`;
  return z
    .number(expecting(AMOUNT))
    .int(expecting(AMOUNT))
    .min(amount.min, expecting(AMOUNT))
    .max(amount.max, expecting(AMOUNT));
}

export function initiateBody(amount: Config['amount']) {
  return z.strictObject({
    phone: phoneField,
    amount: amountField(amount).meta({ description: 'Whole Kenyan shillings.', examples: [150] }),
    accountReference: accountReferenceField,
    description: paymentDescriptionField.optional().meta({
      description: 'Sent to Daraja as TransactionDesc; `Payment` when left out.',
      examples: ['Order 1'],
    }),
    account: accountIdField.optional(),
    // No fixed default: it follows the account (transaction.service.ts accountFor).
    channel: channel.optional(),
    metadata: metadataField.optional(),
  });
}
export type InitiateInput = z.infer<ReturnType<typeof initiateBody>>;

const IDEMPOTENCY_KEY = '1–255 visible ASCII characters';
export const idempotencyKeyHeader = text(IDEMPOTENCY_KEY)
  .min(1, expecting(IDEMPOTENCY_KEY))
  .max(255, expecting(IDEMPOTENCY_KEY))
  .regex(/^[\x21-\x7E]+$/, expecting(IDEMPOTENCY_KEY))
  .meta({
    description:
      'A retry with the same key and body returns the first result without a second prompt; the same key with another body is 409 idempotency_key_reused.',
    examples: ['order-1234-attempt-1'],
  });

const ID = 'a transaction id (txn_…, at most 64 characters)';
export const transactionIdParams = z.object({
  id: text(ID)
    .min(1, expecting(ID))
    .max(64, expecting(ID))
    .meta({ examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

const LIMIT = `a whole number from 1 to ${LIST_LIMIT_MAX}`;
const CURSOR = 'a nextCursor value from a previous page';
const RECEIPT = 'an M-Pesa receipt number (6 to 20 letters and digits)';

/** How a payment came: a prompt we sent (`stk`), or a customer paying from the menu (C2B) to a PayBill or till. */
export const PAYMENT_CHANNEL_FILTERS = ['stk', 'paybill', 'till'] as const;

export const listQuery = z.strictObject({
  status: status.optional(),
  channel: z
    .enum(PAYMENT_CHANNEL_FILTERS, expecting('stk, paybill or till'))
    .optional()
    .meta({
      description:
        '`stk`: payments started by a prompt (STK Push); `paybill` or `till`: payments the customer made from the M-Pesa menu or a QR (C2B) to a PayBill or a till.',
      examples: ['till'],
    }),
  phone: phoneField.optional(),
  accountReference: text(ACCOUNT_REFERENCE)
    .trim()
    .min(1, expecting(ACCOUNT_REFERENCE))
    .max(12, expecting(ACCOUNT_REFERENCE))
    .optional()
    .meta({
      description: 'Exactly the `accountReference` given at initiate (merchants look payments up by order).',
      examples: ['INV001'],
    }),
  receipt: text(RECEIPT)
    .trim()
    .regex(/^[0-9A-Za-z]{6,20}$/, expecting(RECEIPT))
    .transform((value) => value.toUpperCase())
    .optional()
    .meta({
      description: "The M-Pesa receipt number on the customer's SMS (any case).",
      examples: ['TLS8K2B4XY'],
    }),
  from: filterDateTime()
    .optional()
    .meta({ description: 'Created at or after (ISO 8601).', examples: ['2025-01-01T00:00:00Z'] }),
  to: filterDateTime()
    .optional()
    .meta({ description: 'Created at or before (ISO 8601).', examples: ['2025-01-31T23:59:59+03:00'] }),
  limit: z.coerce
    .number(expecting(LIMIT))
    .int(expecting(LIMIT))
    .min(1, expecting(LIMIT))
    .max(LIST_LIMIT_MAX, expecting(LIMIT))
    .default(20)
    .meta({ description: 'Page size.' }),
  cursor: text(CURSOR)
    .regex(/^txn_[0-9a-z]+$/, expecting(CURSOR))
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});
export type ListQuery = z.infer<typeof listQuery>;

/** The export takes the list's filters and streams every row that matches (no pages to ask for). */
export const exportQuery = listQuery.omit({ limit: true, cursor: true });
export type ExportQuery = z.infer<typeof exportQuery>;

// Responses. The mappers in transaction.view.ts are typed by these, and the OpenAPI document
// is generated from them; `id` names the component in the document.
const isoTime = z.iso.datetime();
const nullableTime = isoTime.nullable();

export const failureSchema = z
  .object({
    code: z.string().meta({
      description: 'Stable reason code, e.g. `cancelled_by_customer`, `insufficient_funds`, `wrong_pin`.',
      examples: ['cancelled_by_customer'],
    }),
    message: z.string().meta({
      description: 'Readable reason, fit to show a customer.',
      examples: ['The customer cancelled the M-Pesa prompt'],
    }),
    resultCode: z
      .string()
      .nullable()
      .meta({ description: "Daraja's ResultCode, when Daraja gave one.", examples: ['1032'] }),
    resultDesc: z
      .string()
      .nullable()
      .meta({ description: "Daraja's ResultDesc, as sent.", examples: ['Request cancelled by user'] }),
  })
  .meta({
    id: 'Failure',
    description: 'Why a payment did not complete; null while pending and when completed.',
  });

// The examples describe one completed payment, so the documented example reads as a whole.
const STATUS_EXAMPLE = { examples: ['completed'] };

export const merchantTransactionSchema = z
  .object({
    id: z.string().meta({ examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    status: status.meta(STATUS_EXAMPLE),
    amount: z
      .number()
      .int()
      .meta({
        description:
          'Amount asked, whole KES. For a C2B payment, the amount paid (its whole shillings when Safaricom sent a fraction: `c2b.amountWholeKes`).',
        examples: [150],
      }),
    currency: z.literal('KES'),
    phone: z.string().meta({
      description:
        'Normalised MSISDN. For a C2B payment (`origin: "c2b"`), the payer as Safaricom sent it: a number, masked, or a SHA-256 hash (`c2b.msisdnForm`).',
      examples: ['254712345678'],
    }),
    mode: z.enum(['test', 'live']).meta({
      description: 'The mode of the key it was made with: only keys of that mode see it.',
      examples: ['live'],
    }),
    accountId: z
      .string()
      .nullable()
      .meta({
        description:
          "The project's M-Pesa account it was paid into (`acc_…`); null for the deployment's own account.",
        examples: ['acc_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'],
      }),
    channel,
    accountReference: z.string().meta({ examples: ['INV001'] }),
    description: z.string().meta({ examples: ['Order 1'] }),
    metadata: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: 'As given at initiate.', examples: [{ orderId: '1234' }] }),
    checkoutRequestId: z
      .string()
      .nullable()
      .meta({
        description: "Daraja's CheckoutRequestID once the push was accepted.",
        examples: ['ws_CO_01012025093000123712345678'],
      }),
    merchantRequestId: z
      .string()
      .nullable()
      .meta({ examples: ['29115-34620561-1'] }),
    customerMessage: z
      .string()
      .nullable()
      .meta({ examples: ['Success. Request accepted for processing'] }),
    mpesaReceiptNumber: z
      .string()
      .nullable()
      .meta({ description: 'M-Pesa receipt, once completed.', examples: ['TLS8K2B4XY'] }),
    amountPaid: z
      .number()
      .int()
      .nullable()
      .meta({
        description:
          "Amount M-Pesa's callback reported as paid; null while unknown (pending, or settled by STK Query, whose answer carries no amount, until the callback arrives).",
        examples: [150],
      }),
    amountVerified: z.boolean().meta({
      description: 'True only when the amount paid is known and equals the amount asked.',
      examples: [true],
    }),
    amountMismatch: z.boolean().meta({
      description: 'True only when the amount paid is known and differs from the amount asked.',
      examples: [false],
    }),
    failure: failureSchema.nullable().meta({ examples: [null] }),
    origin: z.enum(ORIGINS).meta({
      description:
        '`stk_push`: a prompt this service sent. `c2b`: the customer paid the till or PayBill from the M-Pesa menu or a QR, and a C2B confirmation reported it.',
      examples: ['stk_push'],
    }),
    paidAt: z
      .string()
      .nullable()
      .meta({
        description:
          "When M-Pesa says the money moved, in East Africa Time (+03:00): the callback's TransactionDate or the confirmation's TransTime; null until known.",
        examples: ['2025-01-01T12:30:12+03:00'],
      }),
    c2b: c2bDetailsSchema.nullable().meta({ examples: [null] }),
    paidAs: z
      .string()
      .nullable()
      .meta({
        description:
          "The id of the payment that holds this request's money: set when the request's own success reported an M-Pesa receipt another payment already held (a walk-in C2B payment recorded first). The request then keeps its status and is not completed a second time; null otherwise.",
        examples: [null],
      }),
    createdAt: isoTime.meta({ examples: ['2025-01-01T09:30:00.000Z'] }),
    updatedAt: isoTime.meta({ examples: ['2025-01-01T09:30:14.000Z'] }),
    settledAt: nullableTime.meta({
      description: 'When the payment reached its final state.',
      examples: ['2025-01-01T09:30:14.000Z'],
    }),
    reversal: z
      .object({
        receipt: z
          .string()
          .nullable()
          .meta({
            description:
              "The reversal's own M-Pesa receipt; null when Transaction Status settled the refund and M-Pesa did not name it.",
            examples: ['UAJ7K2M9QX'],
          }),
        reversedAt: isoTime,
      })
      .nullable()
      .meta({ description: 'Set once a refund reversed the payment (status `reversed`).', examples: [null] }),
  })
  .meta({ id: 'Transaction', description: 'A payment as the merchant sees it (signed API and webhooks).' });

export const clientTransactionSchema = z
  .object({
    id: z.string().meta({ examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    status: status.meta(STATUS_EXAMPLE),
    amount: z
      .number()
      .int()
      .meta({ examples: [150] }),
    currency: z.literal('KES'),
    phone: z
      .string()
      .meta({ description: 'Masked: first six and last three digits.', examples: ['254712***678'] }),
    customerMessage: z
      .string()
      .nullable()
      .meta({ examples: ['Success. Request accepted for processing'] }),
    mpesaReceiptNumber: z
      .string()
      .nullable()
      .meta({ examples: ['TLS8K2B4XY'] }),
    failure: failureSchema.nullable().meta({ examples: [null] }),
    paidElsewhere: z.boolean().meta({
      description:
        "True when this request's money was recorded as another payment (its M-Pesa receipt was already held by a walk-in C2B payment: the merchant view's `paidAs`). The customer has paid, though `status` stays where it was (often `pending`).",
      examples: [false],
    }),
    updatedAt: isoTime.meta({ examples: ['2025-01-01T09:30:14.000Z'] }),
    settledAt: nullableTime.meta({ examples: ['2025-01-01T09:30:14.000Z'] }),
  })
  .meta({
    id: 'ClientTransaction',
    description: 'What a browser holding the client secret sees (Socket.io `transaction.updated`).',
  });

export const initiateResponseSchema = z
  .object({
    transaction: merchantTransactionSchema,
    clientSecret: z.string().meta({
      description: 'Opens this one transaction on Socket.io; safe to hand to the browser.',
      examples: ['cs_3q2…'],
    }),
  })
  .meta({ id: 'InitiateResponse' });

export const transactionResponseSchema = z
  .object({ transaction: merchantTransactionSchema })
  .meta({ id: 'TransactionResponse' });

export const transactionPageSchema = z
  .object({
    data: z.array(merchantTransactionSchema).meta({ description: 'Newest first.' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({
        description: 'Pass as `cursor` for the next page; null on the last page.',
        examples: ['txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'],
      }),
  })
  .meta({ id: 'TransactionPage' });

export const RECONCILE_OUTCOMES = [
  'settled', // a final answer moved the payment
  'already_final', // it was no longer pending (a callback won the race)
  'in_progress', // Daraja: 4999, the customer has not answered yet
  'no_answer', // Daraja gave no answer this time (500.001.1001, throttled, unreachable)
  'awaiting_callback', // the push's own answer was lost: no CheckoutRequestID to ask about
  'expired', // no final answer within RECONCILE_EXPIRE_AFTER
  'busy', // another worker is asking about it right now
] as const;
export type ReconcileOutcome = (typeof RECONCILE_OUTCOMES)[number];

export const reconcileResponseSchema = z
  .object({
    transaction: merchantTransactionSchema,
    reconciliation: z.object({ outcome: z.enum(RECONCILE_OUTCOMES) }),
  })
  .meta({ id: 'ReconcileResponse' });
