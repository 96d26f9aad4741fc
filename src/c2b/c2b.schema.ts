// Requests and answers of an account's C2B settings (c2b.api.ts). The URLs registered with
// Daraja carry a token and are never shown; the validation endpoint's secret is shown once.
import { z } from 'zod';
import { C2B_RESPONSE_TYPES, C2B_VERSIONS } from '../mpesa/mpesa.service';
import { expecting, text } from '../validation';
import { patternProblem } from './c2b.rules';

const ACCOUNT_ID = 'an M-Pesa account id (acc_…)';
const REFERENCE = '1–64 printable characters';
const AMOUNT = 'a whole number of KES from 1 to 999999';
const URL_TEXT = 'an https URL of at most 2048 characters';

const amountBound = (description: string) =>
  z
    .number(expecting(AMOUNT))
    .int(expecting(AMOUNT))
    .min(1, expecting(AMOUNT))
    .max(999_999, expecting(AMOUNT))
    .nullable()
    .optional()
    .meta({ description });

const validationBody = z
  .strictObject({
    billReferencePattern: text('a regular expression')
      .superRefine((value, ctx) => {
        const problem = patternProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: `must be ${problem}` });
      })
      .nullable()
      .optional()
      .meta({
        description:
          'The whole bill reference must match this regular expression (case-insensitive), else `C2B00012`.',
        examples: ['INV-\\d{1,6}'],
      }),
    billReferences: z
      .array(
        text(REFERENCE)
          .trim()
          .min(1, expecting(REFERENCE))
          .max(64, expecting(REFERENCE))
          .regex(/^[\x20-\x7E]+$/, expecting(REFERENCE)),
        expecting('a list of 1 to 1000 bill references'),
      )
      .min(1, expecting('a list of 1 to 1000 bill references'))
      .max(1000, expecting('a list of 1 to 1000 bill references'))
      .nullable()
      .optional()
      .meta({
        description: 'Only these bill references (case-insensitive), else `C2B00012`.',
        examples: [['HOUSE-1', 'HOUSE-2']],
      }),
    minAmount: amountBound('Smallest amount taken (whole KES), else `C2B00013`.'),
    maxAmount: amountBound('Largest amount taken (whole KES), else `C2B00013`.'),
    url: text(URL_TEXT)
      .max(2048, expecting(URL_TEXT))
      .nullable()
      .optional()
      .meta({
        description:
          'Your own endpoint, asked after the rules pass: a POST of the validation body as Safaricom sent it, signed like webhooks ' +
          '(`webhook-id`, `webhook-timestamp`, `webhook-signature` with the `validationSecret` answered here once). Answer ' +
          '`{"ResultCode":"0"}` to accept or `{"ResultCode":"C2B00011"…"C2B00016"}` to refuse, within `C2B_VALIDATION_TIMEOUT_MS` (5 s); ' +
          'on a timeout or any other answer the account’s `responseType` decides.',
        examples: ['https://shop.example.com/mpesa/validate'],
      }),
  })
  .refine(
    (rules) => rules.minAmount == null || rules.maxAmount == null || rules.minAmount <= rules.maxAmount,
    'minAmount must not be above maxAmount',
  );

export const enableC2bBody = z.strictObject({
  version: z.enum(C2B_VERSIONS, expecting('v1 or v2')).meta({
    description:
      'The C2B product version enabled on your Daraja app: `v2` (MSISDN masked) for apps made since 2023, `v1` (MSISDN hashed) for older ones. The other version is refused by Daraja ("no apiproduct match found").',
    examples: ['v2'],
  }),
  responseType: z.enum(C2B_RESPONSE_TYPES, expecting('Completed or Cancelled')).default('Completed').meta({
    description:
      'What Safaricom does with a payment when validation does not answer within about 8 s, and what this service answers when your own endpoint does not: `Completed` takes the payment, `Cancelled` refuses it.',
  }),
  validation: validationBody.nullable().optional().meta({
    description:
      'Validation rules (Safaricom calls validation only once External Validation is enabled on the shortcode, by request). Left out or null: every payment is accepted.',
  }),
});
export type EnableC2bInput = z.output<typeof enableC2bBody>;
export type ValidationInput = NonNullable<EnableC2bInput['validation']>;

export const c2bAccountParams = z.object({
  id: text(ACCOUNT_ID)
    .regex(/^acc_[0-9a-z]+$/, expecting(ACCOUNT_ID))
    .meta({ examples: ['acc_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const c2bSettingSchema = z
  .object({
    accountId: z.string().meta({ examples: ['acc_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    enabled: z.boolean().meta({
      description: 'Confirmations become payments only while on; otherwise they are stored as refused.',
    }),
    version: z.enum(C2B_VERSIONS).nullable(),
    responseType: z.enum(C2B_RESPONSE_TYPES).nullable(),
    registeredAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When Daraja last accepted our URLs for this account.' }),
    lastError: z
      .object({
        code: z.string().meta({ examples: ['c2b_version_mismatch'] }),
        message: z.string(),
        darajaErrorCode: z.string().nullable(),
        at: z.iso.datetime(),
      })
      .nullable()
      .meta({ description: 'The last registration Daraja refused, explained; null once one succeeds.' }),
    validation: z.object({
      enabled: z.boolean(),
      billReferencePattern: z.string().nullable(),
      billReferences: z.array(z.string()).nullable(),
      minAmount: z.number().int().nullable(),
      maxAmount: z.number().int().nullable(),
      url: z.string().nullable(),
      timeoutMs: z.number().int().meta({ description: '`C2B_VALIDATION_TIMEOUT_MS`.' }),
    }),
  })
  .meta({ id: 'C2bSetting', description: "An account's C2B: its registration and validation." });
export type C2bSettingView = z.output<typeof c2bSettingSchema>;

export const c2bSettingResponseSchema = z
  .object({
    c2b: c2bSettingSchema,
    validationSecret: z
      .string()
      .optional()
      .meta({
        description:
          'Shown once, when a new validation `url` is set: verify the `webhook-signature` of validation calls with it (any Standard Webhooks library).',
        examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      }),
  })
  .meta({ id: 'C2bSettingResponse' });
