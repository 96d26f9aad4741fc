// Payloads of the project stream (project-stream.ts): the handshake it validates and the
// events it sends, shown in the OpenAPI document from these same schemas.
import { z } from 'zod';
import { merchantTransactionSchema } from '../payments/transaction.schema';
import { text } from '../validation';

export const projectStreamAuth = z
  .object({
    publicKey: text('the public key of the mode to follow (pk_test_… or pk_live_…)').min(1).max(128),
    timestamp: text('unix seconds, as a string').max(12),
    signature: text('hex HMAC-SHA256').max(128),
  })
  .meta({
    id: 'ProjectStreamAuth',
    description:
      'The handshake `auth` of the `/projects` namespace. `signature` is HMAC-SHA256 (hex) with the secret key over ' +
      '"<timestamp>\\nGET\\n/socket.io/projects\\n" — the REST signing string for a GET of that path with an empty body.',
  });

/** The dashboard's handshake: its session cookie names the user; these name what to follow. */
export const projectStreamSessionAuth = z
  .strictObject({
    projectId: text('a project id (prj_…)').regex(/^prj_[0-9a-z]+$/),
    mode: z.enum(['test', 'live']),
  })
  .meta({
    id: 'ProjectStreamSessionAuth',
    description:
      "The handshake `auth` of the `/projects` namespace from a signed-in dashboard page: the session cookie authenticates it (from the service's own origin only), " +
      'and the project must be one its user may see.',
  });

export const PROJECT_STREAM_ERRORS = [
  'session_invalid',
  'project_not_found',
  'signature_missing',
  'signature_expired',
  'signature_invalid',
  'api_key_unknown',
  'project_disabled',
  'rate_limited',
  'service_unavailable',
] as const;

export const projectStreamError = z
  .object({
    code: z.enum(PROJECT_STREAM_ERRORS),
    message: z.string(),
    retryAfterSeconds: z
      .number()
      .int()
      .optional()
      .meta({ description: 'With `rate_limited`: seconds until this address or key may try again.' }),
  })
  .meta({
    id: 'ProjectStreamError',
    description:
      'A refused handshake: `err.data` of the client’s `connect_error`. The codes are the REST error codes.',
  });

export type ProjectStreamError = z.output<typeof projectStreamError>;

export const streamTransaction = z.object({ transaction: merchantTransactionSchema }).meta({
  id: 'StreamTransaction',
  description:
    'A payment of the project as it now is: sent when it is created, when Daraja answers its push, and on every change.',
});

export const streamEvent = z
  .object({
    id: z.string().meta({
      description: 'The event id, also the `webhook-id` of its deliveries.',
      examples: ['evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'],
    }),
    type: z.string().meta({ examples: ['transaction.completed'] }),
    transactionId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    payload: z
      .string()
      .meta({ description: 'The exact JSON body every webhook delivery of this event carries.' }),
  })
  .meta({
    id: 'StreamEvent',
    description:
      'An event recorded in the project’s outbox, sent once it is committed (deliveries to endpoints follow).',
  });

export const streamCallback = z
  .object({
    id: z
      .string()
      .nullable()
      .meta({ description: '`cbk_…`; null when the source was refused (nothing was stored).' }),
    transactionId: z.string(),
    receivedAt: z.iso.datetime(),
    sourceIp: z.string(),
    allowed: z.boolean().meta({
      description: 'false: the source address is not on the allowlist; it was answered 403 and not stored.',
    }),
    outcome: z.string().meta({
      description: '`applied`, `enriched`, `duplicate`, `orphan`, …; `refused` when not allowed.',
      examples: ['applied'],
    }),
    body: z.string().meta({
      description:
        'The body as received, phone numbers masked (in JSON, a masked number becomes a string), cut at 4 KiB; empty when refused.',
    }),
  })
  .meta({
    id: 'StreamCallback',
    description:
      'An M-Pesa callback that arrived for one of the project’s payments: did Safaricom call, and what did it say.',
  });
