// A project and its M-Pesa accounts as answers show them (never a secret). Kept in the kernel
// because three features answer with them and none may import another: projects (its own
// API), accounts (the accounts API) and operators (the dashboard session's projects).
import { z } from 'zod';
import { ENVIRONMENTS } from './scope';

const masked = (description: string) =>
  z
    .string()
    .nullable()
    .meta({ description: `${description} Masked: only the last four characters.`, examples: ['••••Vs0V'] });

export const accountSchema = z
  .object({
    id: z.string().meta({ examples: ['acc_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    name: z.string().meta({ examples: ['Main PayBill'] }),
    environment: z.enum(ENVIRONMENTS),
    mode: z.enum(['test', 'live']).meta({ description: 'Follows from the environment.' }),
    shortcode: z.string().meta({ examples: ['174379'] }),
    tillNumber: z
      .string()
      .nullable()
      .meta({ examples: [null] }),
    consumerKey: masked('The consumer key.'),
    consumerSecret: masked('The consumer secret.'),
    passkey: masked('The passkey.'),
    initiatorName: z
      .string()
      .nullable()
      .meta({ examples: [null] }),
    initiatorPassword: masked("The initiator's password."),
    initiatorCredential: masked('The ready-made SecurityCredential.'),
    securityCertificate: z
      .object({
        fingerprint: z.string().meta({
          description: 'SHA-256 of the certificate.',
          examples: [
            '0C:B8:B1:72:B2:61:32:A4:41:DE:92:8A:81:C7:02:9D:C4:95:B6:D0:BE:B0:6C:55:43:35:BC:FE:53:E6:53:98',
          ],
        }),
        validTo: z.iso.datetime().meta({ examples: ['2030-01-01T00:00:00.000Z'] }),
      })
      .nullable()
      .meta({
        description: "The account's own certificate, when it has one (else its environment's is used).",
      }),
    isDefault: z.boolean(),
    disabledAt: z.iso
      .datetime()
      .nullable()
      .meta({
        description: 'When it was disabled: it takes no new payment. Null while enabled.',
        examples: [null],
      }),
    createdAt: z.iso.datetime().meta({ examples: ['2025-01-01T08:00:00.000Z'] }),
    updatedAt: z.iso.datetime().meta({ examples: ['2025-01-01T08:00:00.000Z'] }),
  })
  .meta({ id: 'MpesaAccount', description: 'A Daraja account of a project. Credentials are write-only.' });

export type AccountView = z.output<typeof accountSchema>;

const keySchema = z
  .object({
    publicKey: z
      .string()
      .meta({ description: 'Sent as `X-Api-Key` on signed requests.', examples: ['pk_test_Jx2…'] }),
    createdAt: z.iso.datetime().meta({
      description: 'When this pair was issued (created or rotated).',
      examples: ['2025-01-01T08:00:00.000Z'],
    }),
  })
  .meta({ id: 'ProjectKey' });

const retiringKeySchema = z
  .object({
    mode: z.enum(['test', 'live']),
    publicKey: z.string().meta({ examples: ['pk_test_Hq8…'] }),
    createdAt: z.iso.datetime().meta({ description: 'When this pair was issued.' }),
    retiredAt: z.iso.datetime().meta({ description: 'When a roll replaced it.' }),
    expiresAt: z.iso.datetime().meta({
      description: 'When it stops working: its secret signs until then, beside the new pair.',
      examples: ['2025-01-02T08:00:00.000Z'],
    }),
  })
  .meta({ id: 'RetiringKey' });

export const projectSchema = z
  .object({
    id: z.string().meta({ examples: ['prj_0mbq3k2a1c4d5e6f7a8b9c0d1e2f3'] }),
    name: z.string().meta({ examples: ['My shop'] }),
    publicKey: z
      .string()
      .nullable()
      .meta({
        description:
          "The public key of the deployment's default mode (test in simulator and sandbox deployments, live in production ones).",
        examples: ['pk_test_Jx2…'],
      }),
    keys: z.object({ test: keySchema.nullable(), live: keySchema.nullable() }).meta({
      description: 'The public key of each mode; null where none was issued yet (rotate to issue one).',
    }),
    retiringKeys: z.array(retiringKeySchema).meta({
      description:
        'Pairs replaced by a roll with a grace period that still work, soonest to stop first; a pair leaves this list when it stops.',
    }),
    accounts: z.array(accountSchema).meta({ description: 'Its M-Pesa accounts of both modes, masked.' }),
    disabledAt: z.iso
      .datetime()
      .nullable()
      .meta({ examples: [null] }),
    createdAt: z.iso.datetime().meta({ examples: ['2025-01-01T08:00:00.000Z'] }),
  })
  .meta({
    id: 'Project',
    description: 'A merchant project: its public keys and M-Pesa accounts (never a secret).',
  });

export type ProjectView = z.output<typeof projectSchema>;
