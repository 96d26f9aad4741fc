// A status query ("did receipt X pay us?", src/status-queries) as answers, its event and its
// webhook show it. In the kernel because two features describe it: status-queries (its API)
// and webhooks (the event log and the documented webhook payloads), and neither may import the other.
import { z } from 'zod';

export const STATUS_QUERY_STATUSES = ['pending', 'found', 'not_found', 'failed', 'timed_out'] as const;
export type StatusQueryStatus = (typeof STATUS_QUERY_STATUSES)[number];

const nullableText = (description: string, example: string | null) =>
  z
    .string()
    .nullable()
    .meta({ description, examples: [example] });

export const statusQuerySchema = z
  .object({
    id: z.string().meta({ examples: ['tsq_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    receipt: z.string().meta({ description: 'The receipt asked about.', examples: ['UJ22T8IYOU'] }),
    accountId: z
      .string()
      .nullable()
      .meta({ description: "The M-Pesa account asked through; null for the deployment's own." }),
    shortcode: z
      .string()
      .meta({ description: 'The shortcode asked for (Daraja `PartyA`).', examples: ['600100'] }),
    status: z.enum(STATUS_QUERY_STATUSES).meta({
      description:
        '`pending` until M-Pesa answers; `found` (M-Pesa knows the receipt: `transaction` says what it was), `not_found` ' +
        '(ResultCode 2032: no such receipt, a normal answer), `failed` (M-Pesa or Daraja refused the query: `failure` says why) ' +
        "or `timed_out` (M-Pesa's queue gave up: ask again). A Result arriving after `timed_out` still settles it.",
    }),
    found: z.boolean().nullable().meta({
      description: '`true` when found, `false` when M-Pesa has no such receipt, null while unknown.',
    }),
    transaction: z
      .object({
        receipt: z.string().meta({ description: "M-Pesa's ReceiptNo.", examples: ['UJ22T8IYOU'] }),
        amount: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'Whole KES; null when M-Pesa reported something else (see `amountText`).' }),
        amountText: nullableText('The amount exactly as M-Pesa reported it.', '10'),
        status: nullableText("M-Pesa's TransactionStatus.", 'Completed'),
        debitParty: nullableText(
          'Who paid, as M-Pesa names them (DebitPartyName).',
          '254712345678 - JOHN DOE',
        ),
        creditParty: nullableText('Who was paid (CreditPartyName).', '600100 - SHOP'),
        initiatedTime: nullableText('YYYYMMDDHHmmss, East Africa Time.', '20261202140403'),
        finalisedTime: nullableText('YYYYMMDDHHmmss, East Africa Time.', '20261202140405'),
        reason: nullableText("M-Pesa's ReasonType.", 'Pay Merchant via API'),
      })
      .nullable()
      .meta({ description: 'What M-Pesa says the receipt was, when found.' }),
    result: z
      .object({
        code: z.string().meta({ examples: ['0'] }),
        description: z
          .string()
          .nullable()
          .meta({ examples: ['The service request is processed successfully.'] }),
      })
      .nullable()
      .meta({ description: "M-Pesa's ResultCode and ResultDesc, once a Result came." }),
    failure: z
      .object({
        code: z.string().meta({
          description:
            '`initiator_invalid` (2001), `credential_locked` (8006), `mpesa_refused` (another code), `queue_timeout`, or the ' +
            "error code Daraja's refusal of the request mapped to (`mpesa_request_rejected`, `mpesa_unavailable`, …).",
          examples: ['initiator_invalid'],
        }),
        message: z.string(),
        darajaErrorCode: z
          .string()
          .nullable()
          .meta({ examples: [null] }),
      })
      .nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
  })
  .meta({
    id: 'StatusQuery',
    description: 'One "did receipt X pay us?" asked of M-Pesa (Transaction Status).',
  });

export type StatusQueryView = z.output<typeof statusQuerySchema>;
