// What an operation says about its audit entry (src/core/operation.ts, `audit`), and the entry
// the HTTP edge writes for it once the operation succeeded (src/http/operation.mount.ts). In the
// kernel because every feature declares with it and the edge and the audit feature both read it.

/** Declared on an operation an operator would want to look back at: key rolls, account changes, replays. */
export interface AuditSpec {
  /** What was done, `thing.verb`: `project.keys_rotated`, `mpesa_account.updated`. */
  action: string;
  /** Body fields that say what changed; secrets among them are written as "(changed)", never their value. */
  fields?: readonly string[];
  /** The path's `:id` (or the answer's object) is a project: it is the entry's project too. */
  targetIsProject?: boolean;
}

export const ACTOR_KINDS = ['dashboard_user', 'admin_token', 'api_key'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** One audit entry as the edge records it. */
export interface AuditRecord {
  at: Date;
  actor: { kind: ActorKind; id: string | null; label: string };
  action: string;
  projectId: string | null;
  mode: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  sourceIp: string | null;
  requestId: string | null;
}

/** Fields whose values never reach a log or an audit entry, only the fact they changed. */
const SECRET_FIELDS = new Set([
  'consumerKey',
  'consumerSecret',
  'passkey',
  'initiatorCredential',
  'password',
  'secret',
]);

/** The declared fields of a body, secrets replaced by "(changed)"; absent fields left out. */
export function auditDetails(body: unknown, fields: readonly string[] = []): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  const details: Record<string, unknown> = {};
  for (const field of fields) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined) continue;
    details[field] = SECRET_FIELDS.has(field) && value !== null ? '(changed)' : value;
  }
  return details;
}
