// Requests and answers of the payouts API (src/payouts/payout.routes.ts). The mappers in
// payout.view.ts are typed by these, and the OpenAPI document is generated from them.
import { z } from 'zod';
import { expecting, text } from '../validation';
import { accountIdField, metadataField, phoneField } from './transaction.schema';
import {
  B2C_MAX_AMOUNT,
  B2C_MIN_AMOUNT,
  PAYOUT_CHANNELS,
  PAYOUT_PURPOSES,
  PAYOUT_STATUSES,
  type PayoutStatus,
} from './payout.states';

const AMOUNT = `a whole number of KES from ${B2C_MIN_AMOUNT} to ${B2C_MAX_AMOUNT.toLocaleString('en')} (Daraja's B2C bounds)`;
// Daraja documents Remarks as 2–100 characters and Occassion as 1–100 (docs/daraja.md "Payouts (B2C)").
const REMARKS = '2–100 printable ASCII characters';
const OCCASION = '1–100 printable ASCII characters';
const printable = /^[\x20-\x7E]+$/;
const PURPOSE = PAYOUT_PURPOSES.join(', ');
const LIST_LIMIT_MAX = 100;

export const payoutAmountField = z
  .number(expecting(AMOUNT))
  .int(expecting(AMOUNT))
  .min(B2C_MIN_AMOUNT, expecting(AMOUNT))
  .max(B2C_MAX_AMOUNT, expecting(AMOUNT))
  .meta({ description: 'Whole Kenyan shillings, 10 to 250,000.', examples: [1500] });

const purpose = z.enum(PAYOUT_PURPOSES, expecting(PURPOSE)).meta({
  description:
    "Daraja's CommandID. `BusinessPayment` (the default): a plain payment. `SalaryPayment`: salary. `PromotionPayment`: winnings or rewards (the SMS congratulates). Each pays registered M-Pesa customers only.",
  examples: ['BusinessPayment'],
});

const status = z.enum(PAYOUT_STATUSES, expecting(`one of ${PAYOUT_STATUSES.join(', ')}`)).meta({
  description:
    'requested → awaiting_approval (when the policy wants approval) → submitted (sent to Daraja once) → succeeded | failed; ' +
    'submitted → unknown when the answer or the result is missing (resolved by Transaction Status, never by sending again); ' +
    'unknown → succeeded | failed. An approver rejecting ends it failed.',
});

// A PayBill or till number, as PartyB of Daraja's B2B request (shortcodes are 5 to 7 digits).
const SHORTCODE = 'a PayBill or till number: 5 to 7 digits';
const shortcodeField = text(SHORTCODE)
  .trim()
  .regex(/^\d{5,7}$/, expecting(SHORTCODE));
// AccountReference: client libraries document "up to 13 characters" (docs/daraja.md "Supplier payments (B2B)").
const ACCOUNT_NUMBER = '1–13 printable ASCII characters';

/** Exactly one recipient: a phone (B2C), a PayBill with its account number, or a till (B2B). */
function oneRecipient(
  body: {
    phone?: unknown;
    paybill?: unknown;
    accountNumber?: unknown;
    till?: unknown;
    purpose?: unknown;
    occasion?: unknown;
  },
  ctx: z.core.$RefinementCtx,
) {
  const given = (['phone', 'paybill', 'till'] as const).filter((field) => body[field] !== undefined);
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message, input: body[path as keyof typeof body] });
  if (given.length === 0)
    return issue('phone', 'is required (or paybill with accountNumber, or till): who is paid');
  if (given.length > 1) return issue(given[1]!, `cannot be given with ${given[0]}: one recipient per payout`);
  if (body.paybill !== undefined && body.accountNumber === undefined)
    issue('accountNumber', `is required with paybill (${ACCOUNT_NUMBER})`);
  if (body.paybill === undefined && body.accountNumber !== undefined)
    issue('accountNumber', 'is only for a paybill');
  if (body.phone === undefined) {
    if (body.purpose !== undefined) issue('purpose', 'is only for a payout to a phone (B2C)');
    if (body.occasion !== undefined) issue('occasion', 'is only for a payout to a phone (B2C)');
  }
}

export const createPayoutBody = z
  .strictObject({
    phone: phoneField.optional().meta({
      description: 'Pay this M-Pesa customer (B2C). Give exactly one of `phone`, `paybill` or `till`.',
    }),
    paybill: shortcodeField.optional().meta({
      description: 'Pay this PayBill (B2B, BusinessPayBill), with `accountNumber`. A supplier payment.',
      examples: ['888880'],
    }),
    accountNumber: text(ACCOUNT_NUMBER)
      .trim()
      .min(1, expecting(ACCOUNT_NUMBER))
      .max(13, expecting(ACCOUNT_NUMBER))
      .regex(printable, expecting(ACCOUNT_NUMBER))
      .optional()
      .meta({
        description: "The account number at the PayBill (Daraja's AccountReference).",
        examples: ['INV-2024-88'],
      }),
    till: shortcodeField.optional().meta({
      description: 'Pay this till (B2B, BusinessBuyGoods). A supplier payment.',
      examples: ['5123456'],
    }),
    amount: payoutAmountField,
    purpose: purpose.optional(),
    remarks: text(REMARKS)
      .trim()
      .min(2, expecting(REMARKS))
      .max(100, expecting(REMARKS))
      .regex(printable, expecting(REMARKS))
      .optional()
      .meta({
        description: 'Sent to Daraja as Remarks; `Payout` when left out.',
        examples: ['Refund INV001'],
      }),
    occasion: text(OCCASION)
      .trim()
      .min(1, expecting(OCCASION))
      .max(100, expecting(OCCASION))
      .regex(printable, expecting(OCCASION))
      .optional()
      .meta({ description: 'Sent to Daraja as Occassion (its spelling).', examples: ['December'] }),
    account: accountIdField.optional(),
    metadata: metadataField.optional(),
  })
  .superRefine(oneRecipient);
export type CreatePayoutInput = z.infer<typeof createPayoutBody>;

const ID = 'a payout id (po_…)';
export const payoutIdParams = z.object({
  id: text(ID)
    .regex(/^po_[0-9a-z]{1,64}$/, expecting(ID))
    .meta({ examples: ['po_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

const LIMIT = `a whole number from 1 to ${LIST_LIMIT_MAX}`;
const CURSOR = 'a nextCursor value from a previous page';
export const payoutListQuery = z.strictObject({
  status: status.optional(),
  channel: z
    .enum(PAYOUT_CHANNELS, expecting(PAYOUT_CHANNELS.join(', ')))
    .optional()
    .meta({ description: 'Only payouts to phones (`b2c`), PayBills (`b2b_paybill`) or tills (`b2b_till`).' }),
  phone: phoneField.optional(),
  limit: z.coerce
    .number(expecting(LIMIT))
    .int(expecting(LIMIT))
    .min(1, expecting(LIMIT))
    .max(LIST_LIMIT_MAX, expecting(LIMIT))
    .default(20)
    .meta({ description: 'Page size.' }),
  cursor: text(CURSOR)
    .regex(/^po_[0-9a-z]+$/, expecting(CURSOR))
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});
export type PayoutListQuery = z.infer<typeof payoutListQuery>;

const NOTE = '1–200 characters';
export const decisionBody = z.strictObject({
  note: text(NOTE)
    .trim()
    .min(1, expecting(NOTE))
    .max(200, expecting(NOTE))
    .optional()
    .meta({ description: 'Why, for the audit trail.', examples: ['Checked against invoice 88'] }),
});

const isoTime = z.iso.datetime();

export const payoutReasonSchema = z
  .object({
    code: z.string().meta({
      description:
        'Stable reason code: `insufficient_balance` (1), `recipient_unregistered` (2040), `recipient_unknown` (SFC_IC0003), `shortcode_inactive` (11), `initiator_not_permitted` (21), `initiator_invalid` (2001), `initiator_locked` (8006), `recipient_invalid` (7: no such PayBill or till), `approval_rejected`, `rejected_by_mpesa`; for `unknown`: `answer_lost`, `result_overdue`, `queue_timeout`.',
      examples: ['recipient_unregistered'],
    }),
    message: z.string().meta({ examples: ['The phone is not a registered M-Pesa customer'] }),
    resultCode: z
      .string()
      .nullable()
      .meta({ description: "Daraja's ResultCode (or errorCode), when it gave one.", examples: ['2040'] }),
    resultDesc: z.string().nullable(),
  })
  .meta({ id: 'PayoutReason', description: 'Why a payout failed, or why its outcome is unknown.' });

export const payoutSchema = z
  .object({
    id: z.string().meta({
      description:
        'For a payout to a phone, also the OriginatorConversationID Daraja was sent (Transaction Status finds it by it).',
      examples: ['po_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'],
    }),
    status: status.meta({ examples: ['succeeded'] }),
    amount: z
      .number()
      .int()
      .meta({ examples: [1500] }),
    currency: z.literal('KES'),
    channel: z.enum(PAYOUT_CHANNELS).meta({
      description:
        'Where the money went: `b2c` (a phone), `b2b_paybill` (a PayBill and its account number), `b2b_till` (a till).',
      examples: ['b2c'],
    }),
    phone: z
      .string()
      .nullable()
      .meta({
        description: 'Normalised MSISDN (B2C); null for a PayBill or till.',
        examples: ['254712345678'],
      }),
    paybill: z
      .string()
      .nullable()
      .meta({ description: 'The PayBill paid (B2B).', examples: ['888880'] }),
    accountNumber: z
      .string()
      .nullable()
      .meta({ description: 'The account number at the PayBill (B2B).', examples: ['INV-2024-88'] }),
    till: z
      .string()
      .nullable()
      .meta({ description: 'The till paid (B2B).', examples: ['5123456'] }),
    purpose: z.enum([...PAYOUT_PURPOSES, 'BusinessPayBill', 'BusinessBuyGoods']).meta({
      description:
        "Daraja's CommandID: `BusinessPayment`, `SalaryPayment` or `PromotionPayment` for a phone; `BusinessPayBill` or `BusinessBuyGoods` for a PayBill or till.",
      examples: ['BusinessPayment'],
    }),
    remarks: z.string().meta({ examples: ['Refund INV001'] }),
    occasion: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    mode: z.enum(['test', 'live']),
    accountId: z
      .string()
      .nullable()
      .meta({ description: "The account paid from; null for the deployment's own." }),
    shortcode: z.string().meta({ description: 'PartyA, the shortcode paid from.', examples: ['600992'] }),
    requestedBy: z.string().meta({
      description: '`key:<public key>` or `user:<dashboard user id>`.',
      examples: ['key:pk_live_3kq…'],
    }),
    approval: z
      .object({
        decision: z.enum(['approved', 'rejected']).nullable(),
        decidedBy: z
          .string()
          .nullable()
          .meta({ examples: ['user:usr_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
        decidedAt: isoTime.nullable(),
      })
      .nullable()
      .meta({ description: 'Present when the policy wanted an approval.' }),
    conversationId: z
      .string()
      .nullable()
      .meta({ description: "Daraja's ConversationID.", examples: ['AG_20240706_2010364430d9bbdaf872'] }),
    originatorConversationId: z
      .string()
      .nullable()
      .meta({
        description:
          "The OriginatorConversationID Daraja knows it by: the payout's id for a phone; for a PayBill or till the one Daraja gave (its B2B request takes none), null until Daraja answers.",
        examples: ['5118-111210482-1'],
      }),
    mpesaReceiptNumber: z
      .string()
      .nullable()
      .meta({ examples: ['SG632NMUAB'] }),
    receiverName: z
      .string()
      .nullable()
      .meta({
        description: 'ReceiverPartyPublicName, as M-Pesa wrote it.',
        examples: ['254712345678 - J DOE'],
      }),
    reason: payoutReasonSchema.nullable().meta({ description: 'Set when failed or unknown.' }),
    batch: z
      .object({
        id: z.string().meta({ examples: ['pob_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
        line: z
          .number()
          .int()
          .meta({ description: 'Its line in the batch (the CSV line, or its place in `rows`).' }),
      })
      .nullable()
      .meta({
        description:
          'The batch it was asked for in (approved and sent with it); null for a payout of its own.',
      }),
    createdAt: isoTime,
    updatedAt: isoTime,
    submittedAt: isoTime.nullable().meta({ description: 'When it was sent to Daraja (once).' }),
    settledAt: isoTime.nullable(),
  })
  .meta({
    id: 'Payout',
    description: 'Money sent to a phone (B2C) or to a PayBill or till (B2B), as the merchant sees it.',
  });

export const payoutResponseSchema = z.object({ payout: payoutSchema }).meta({ id: 'PayoutResponse' });
export const payoutPageSchema = z
  .object({
    data: z.array(payoutSchema).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'PayoutPage' });

export const payoutHistorySchema = z
  .object({
    statusChanges: z.array(
      z.object({
        fromStatus: z.string().nullable(),
        toStatus: z.string(),
        source: z.string().meta({
          description:
            '`request`, `approval`, `send`, `result`, `queue_timeout`, `status_query`, `refused`, `rejected`, `not_sent`, `answer_lost`, `result_overdue`.',
        }),
        actor: z.string().nullable().meta({ description: 'Who, for a request, an approval or a rejection.' }),
        resultCode: z.string().nullable(),
        resultDesc: z.string().nullable(),
        createdAt: isoTime,
      }),
    ),
    results: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['result', 'timeout', 'status']),
        receivedAt: isoTime,
        sourceIp: z.string(),
        outcome: z.string().nullable(),
        body: z.string().meta({ description: 'As Safaricom sent it, phone numbers masked, cut at 4 KiB.' }),
      }),
    ),
  })
  .meta({ id: 'PayoutHistory', description: "A payout's status changes and the results Safaricom posted." });

export type PayoutView = z.output<typeof payoutSchema>;
export type { PayoutStatus };
