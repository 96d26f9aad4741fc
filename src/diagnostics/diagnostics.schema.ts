// The answer of GET /api/v1/diagnostics: what a support engineer would check on a deployment,
// one finding per check, each with its fix. Nothing secret: no key, token or credential.
import { z } from 'zod';
import { ENVIRONMENTS, MODES } from '../core/scope';

export const FINDING_STATUSES = ['ok', 'warn', 'fail'] as const;

export const findingSchema = z
  .object({
    check: z.string().meta({
      description: 'What was checked.',
      examples: [
        'mode',
        'callback_url',
        'trust_proxy',
        'callback_allowlist',
        'daraja_credentials',
        'webhook_endpoint',
        'c2b',
      ],
    }),
    status: z
      .enum(FINDING_STATUSES)
      .meta({ description: '`fail`: payments will go wrong; `warn`: they may; `ok`: as it should be.' }),
    message: z.string().meta({ description: 'What was found, in words.' }),
    fix: z.string().nullable().meta({ description: 'What to change, when something should change.' }),
  })
  .meta({ id: 'DiagnosticFinding' });

export const diagnosticsSchema = z
  .object({
    project: z.object({
      id: z.string(),
      mode: z
        .enum(MODES)
        .meta({ description: 'The mode of the key that asked: the checks are of that mode.' }),
    }),
    service: z.object({
      mpesaEnvironment: z
        .enum(ENVIRONMENTS)
        .meta({ description: '`MPESA_ENVIRONMENT`: the deployment’s own account.' }),
      simulatorEnabled: z.boolean(),
      callbackBaseUrl: z.string().meta({
        description:
          'Where Daraja is told to post callbacks (`CALLBACK_BASE_URL`, or this server in simulator mode).',
      }),
      signatureToleranceSeconds: z.number().int().meta({
        description: '`SIGNATURE_TOLERANCE_SECONDS`: how far a client’s clock may be from the service’s.',
      }),
      time: z.iso.datetime().meta({ description: 'The service’s clock when it answered.' }),
    }),
    findings: z.array(findingSchema),
  })
  .meta({
    id: 'Diagnostics',
    description: 'The deployment as the service sees it, for the keys’ project and mode.',
  });

export type Finding = z.output<typeof findingSchema>;
export type Diagnostics = z.output<typeof diagnosticsSchema>;
