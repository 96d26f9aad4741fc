// Requests and answers of the M-Pesa accounts API (account.routes.ts). Credentials go in and
// never come out: answers show the last four characters at most.
import { z } from 'zod';
import { ENVIRONMENTS } from '../core/scope';
import { expecting, text } from '../validation';
import { accountSchema } from '../core/project.view';

export { accountSchema };

const NAME = '1–60 characters';
const CREDENTIAL = 'a Daraja credential (1–512 characters)';
const SHORTCODE = '5 to 7 digits (your PayBill, or the Head Office shortcode of a till)';
const TILL = '5 to 8 digits (the till number customers pay)';
const ACCOUNT_ID = 'an M-Pesa account id (acc_…)';
const CERTIFICATE = 'a PEM certificate (-----BEGIN CERTIFICATE-----…), at most 16 KB';

const credential = (description: string, example: string) =>
  text(CREDENTIAL)
    .min(1, expecting(CREDENTIAL))
    .max(512, expecting(CREDENTIAL))
    .meta({ description, examples: [example] });

const fields = {
  name: text(NAME)
    .trim()
    .min(1, expecting(NAME))
    .max(60, expecting(NAME))
    .meta({ description: 'Your label for it.', examples: ['Main PayBill'] }),
  environment: z.enum(ENVIRONMENTS, expecting('simulator, sandbox or production')).meta({
    description:
      "`simulator` (this service's own Daraja simulator) and `sandbox` (sandbox.safaricom.co.ke) are test mode: managed with test keys. `production` (api.safaricom.co.ke) is live mode: live keys.",
  }),
  consumerKey: credential(
    'The Daraja app\'s consumer key (developer.safaricom.co.ke, "My Apps").',
    'GvzjNnYgNJtwgwfLBkZh65VPwfuKvs0V',
  ),
  consumerSecret: credential("The Daraja app's consumer secret.", 'oOpJICRVlyrGSAkM'),
  shortcode: text(SHORTCODE)
    .regex(/^\d{5,7}$/, expecting(SHORTCODE))
    .meta({
      description:
        'BusinessShortCode: the PayBill number, or for a till (Buy Goods) the Head Office / store number it was set up under at Go Live (not the till number itself).',
      examples: ['174379'],
    }),
  passkey: credential(
    'The Lipa Na M-Pesa Online passkey issued for this shortcode (not for the till).',
    'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
  ),
  tillNumber: text(TILL)
    .regex(/^\d{5,8}$/, expecting(TILL))
    .nullable()
    .meta({
      description:
        'For `channel: "till"` payments: sent as PartyB, with the shortcode above as BusinessShortCode.',
      examples: ['5050505'],
    }),
  initiatorName: text(CREDENTIAL)
    .min(1)
    .max(128)
    .nullable()
    .meta({
      description:
        'The initiator (an M-Pesa org portal API user) of the Daraja APIs that need one: Transaction Status (`POST /api/v1/transactions/status-queries`); later B2C and reversals.',
      examples: ['testapi'],
    }),
  initiatorPassword: credential(
    "The initiator's password. Sealed in the vault, and encrypted into Daraja's `SecurityCredential` at each call with the certificate of the account's environment (RSA PKCS#1 v1.5).",
    'Safaricom999!*!',
  ).nullable(),
  initiatorCredential: credential(
    'A ready-made `SecurityCredential` (the password already encrypted, e.g. by the Daraja portal), sent as it is. Used only when there is no `initiatorPassword`.',
    'ClONZiMYBpc65lmpJ7nvnrDmUe0WvHvA5QbOsPjEo92B6IGFwDdvdeJIFL0kgwsEKWu6SQKG4ZZUxjC',
  ).nullable(),
  securityCertificate: text(CERTIFICATE)
    .min(1, expecting(CERTIFICATE))
    .max(16_384, expecting(CERTIFICATE))
    .nullable()
    .meta({
      description:
        "The certificate to encrypt `initiatorPassword` with, replacing the environment's (`MPESA_SANDBOX_CERTIFICATE`, `MPESA_PRODUCTION_CERTIFICATE`; a simulator account uses the simulator's own). One that does not parse is refused with `422 mpesa_certificate_invalid`.",
      examples: [null],
    }),
  isDefault: z.boolean(expecting('true or false')).meta({
    description:
      'Used by initiates of its mode that name no account. The first account of a mode is the default.',
  }),
};

export const createAccountBody = z.strictObject({
  name: fields.name,
  environment: fields.environment,
  consumerKey: fields.consumerKey,
  consumerSecret: fields.consumerSecret,
  shortcode: fields.shortcode,
  passkey: fields.passkey,
  tillNumber: fields.tillNumber.optional(),
  initiatorName: fields.initiatorName.optional(),
  initiatorPassword: fields.initiatorPassword.optional(),
  initiatorCredential: fields.initiatorCredential.optional(),
  securityCertificate: fields.securityCertificate.optional(),
  isDefault: fields.isDefault.optional(),
});
export type CreateAccountInput = z.infer<typeof createAccountBody>;

export const updateAccountBody = z
  .strictObject({
    name: fields.name.optional(),
    consumerKey: fields.consumerKey.optional(),
    consumerSecret: fields.consumerSecret.optional(),
    shortcode: fields.shortcode.optional(),
    passkey: fields.passkey.optional(),
    tillNumber: fields.tillNumber.optional(),
    initiatorName: fields.initiatorName.optional(),
    initiatorPassword: fields.initiatorPassword.optional(),
    initiatorCredential: fields.initiatorCredential.optional(),
    securityCertificate: fields.securityCertificate.optional(),
    isDefault: z.literal(true, expecting('true (make another account the default to change it)')).optional(),
    disabled: z
      .boolean(expecting('true or false'))
      .optional()
      .meta({
        description:
          'A disabled account takes no new payment (an initiate naming it is refused with `409 mpesa_account_disabled`) and stops being the default; ' +
          'payments made through it still reconcile through it. `false` enables it again.',
      }),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateAccountInput = z.infer<typeof updateAccountBody>;

export const accountIdParams = z.object({
  id: text(ACCOUNT_ID)
    .regex(/^acc_[0-9a-z]+$/, expecting(ACCOUNT_ID))
    .meta({ examples: ['acc_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const accountResponseSchema = z
  .object({ account: accountSchema })
  .meta({ id: 'MpesaAccountResponse' });
export const accountListSchema = z
  .object({ data: z.array(accountSchema).meta({ description: "This mode's accounts, newest first." }) })
  .meta({ id: 'MpesaAccountList' });

export const accountCheckSchema = z
  .object({
    accountId: z.string(),
    environment: z.enum(ENVIRONMENTS),
    verdict: z.enum(['accepted', 'rejected', 'unreachable']).meta({
      description:
        '`accepted`: Daraja issued a token for these credentials. `rejected`: Daraja refused them. `unreachable`: Daraja did not answer, so nothing is known.',
    }),
    accepted: z.boolean(),
    code: z
      .string()
      .nullable()
      .meta({ description: 'Our error code when not accepted.', examples: ['mpesa_credentials_rejected'] }),
    darajaHttpStatus: z.number().int().nullable().optional(),
    message: z.string().meta({ description: 'The verdict in words, with what to do about it.' }),
    checkedAt: z.iso.datetime(),
    latencyMs: z.number().int().meta({ description: 'How long the OAuth call took.' }),
  })
  .meta({
    id: 'MpesaAccountCheck',
    description: 'The answer of a live OAuth call with an account’s credentials.',
  });
export type AccountCheckView = z.output<typeof accountCheckSchema>;
