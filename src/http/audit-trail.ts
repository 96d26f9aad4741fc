// The audit entry of a declared operation (src/core/audit.ts): who (the dashboard user, the
// admin token, or the public key that signed), what (the declared action, its target and the
// declared fields, secrets masked), when, and from where (the caller's address as TRUST_PROXY
// reads it, and the request id). Written before the answer goes out, so an operator who sees
// "done" finds it in the trail; a failed write is logged and does not undo what was done.
import type { Request, Response } from 'express';
import { auditDetails, type AuditRecord, type AuditSpec } from '../core/audit';
import { currentRequestId } from '../request-context';

export type RecordAudit = (entry: AuditRecord) => Promise<void>;

function actorOf(req: Request): AuditRecord['actor'] {
  if (req.principal) return { kind: 'dashboard_user', id: req.principal.userId, label: req.principal.email };
  if (req.project) return { kind: 'api_key', id: req.project.publicKey, label: req.project.publicKey };
  return { kind: 'admin_token', id: null, label: 'admin token' };
}

/** The id of what the answer made or changed: its one object with an id. */
function answeredId(answer: unknown): string | undefined {
  if (!answer || typeof answer !== 'object') return undefined;
  for (const value of Object.values(answer as Record<string, unknown>))
    if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string')
      return (value as { id: string }).id;
  return undefined;
}

/**
 * Holds the answer of `res` (json or end) until `release`: the entry is written first. Returns
 * what the handler answered, once it has.
 */
export function holdAnswer(res: Response) {
  const json = res.json.bind(res);
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let send: (() => void) | undefined;
  let answer: unknown;
  res.json = (body: unknown) => {
    answer = body;
    send = () => void json(body);
    return res;
  };
  res.end = ((...args: unknown[]) => {
    send = () => void end(...args);
    return res;
  }) as Response['end'];
  const restore = () => {
    res.json = json;
    res.end = end as Response['end'];
  };
  return {
    answered: () => send !== undefined,
    answer: () => answer,
    /** Sends what the handler answered (or nothing, when it threw: the error handler answers). */
    release() {
      restore();
      send?.();
    },
  };
}

export function auditEntry(
  spec: AuditSpec,
  req: Request,
  call: { params?: unknown; body?: unknown },
  answer: unknown,
): AuditRecord {
  const params = (call.params ?? {}) as { id?: string };
  const body = (call.body ?? {}) as { mode?: string };
  const targetId = params.id ?? answeredId(answer) ?? null;
  const answeredMode = (answer as { mode?: unknown } | undefined)?.mode;
  return {
    at: new Date(),
    actor: actorOf(req),
    action: spec.action,
    projectId: req.project?.id ?? (spec.targetIsProject ? targetId : null),
    mode: req.project?.mode ?? body.mode ?? (typeof answeredMode === 'string' ? answeredMode : null),
    targetId,
    details: auditDetails(call.body, spec.fields),
    sourceIp: req.ip ?? null,
    requestId: currentRequestId() ?? null,
  };
}
