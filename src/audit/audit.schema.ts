// Requests and answers of the audit trail (audit.routes.ts).
import { z } from 'zod';
import { ACTOR_KINDS } from '../core/audit';
import { expecting, text } from '../validation';

const LIMIT = 'a whole number from 1 to 100';
const CURSOR = 'a nextCursor value from a previous page';
const PROJECT_ID = 'a project id (prj_…)';
const ACTION = 'an action name such as project.keys_rotated';

const filters = {
  projectId: text(PROJECT_ID)
    .regex(/^prj_[0-9a-z]+$/, expecting(PROJECT_ID))
    .optional()
    .meta({ description: "Only this project's entries." }),
  action: text(ACTION)
    .regex(/^[a-z_]+\.[a-z_]+$/, expecting(ACTION))
    .optional()
    .meta({ description: 'Only entries of this action.', examples: ['project.keys_rotated'] }),
};

export const auditQuery = z.strictObject({
  ...filters,
  limit: z.coerce
    .number(expecting(LIMIT))
    .int(expecting(LIMIT))
    .min(1, expecting(LIMIT))
    .max(100, expecting(LIMIT))
    .default(50),
  cursor: text(CURSOR)
    .regex(/^aud_[0-9a-z]+$/, expecting(CURSOR))
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});
export type AuditQuery = z.output<typeof auditQuery>;

export const auditExportQuery = z.strictObject(filters);
export type AuditExportQuery = z.output<typeof auditExportQuery>;

export const auditEntrySchema = z
  .object({
    id: z.string().meta({ examples: ['aud_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    at: z.iso.datetime().meta({ description: 'When it was done.' }),
    actor: z
      .object({
        kind: z.enum(ACTOR_KINDS),
        id: z
          .string()
          .nullable()
          .meta({ description: 'The user id or public key; null for the admin token.' }),
        label: z.string().meta({
          description: "The user's email, the public key, or `admin token`.",
          examples: ['owner@shop.example'],
        }),
      })
      .meta({ description: 'Who did it.' }),
    action: z.string().meta({ description: 'What was done.', examples: ['project.keys_rotated'] }),
    projectId: z.string().nullable(),
    mode: z.string().nullable(),
    targetId: z
      .string()
      .nullable()
      .meta({ description: 'What it was done to: a project, account, endpoint, user or event id.' }),
    details: z.record(z.string(), z.unknown()).meta({
      description: 'The inputs that say what changed; secrets only as "(changed)".',
      examples: [{ mode: 'live', graceSeconds: 86400 }],
    }),
    sourceIp: z
      .string()
      .nullable()
      .meta({ description: 'Where from: the caller’s address as TRUST_PROXY reads it.' }),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry', description: 'One operator action in the audit trail.' });
export type AuditEntryView = z.output<typeof auditEntrySchema>;

export const auditPageSchema = z
  .object({
    data: z.array(auditEntrySchema).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AuditPage' });

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actorKind',
  'actor',
  'action',
  'projectId',
  'mode',
  'targetId',
  'details',
  'sourceIp',
  'requestId',
] as const;
