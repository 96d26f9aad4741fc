// Four eyes on money out (docs/payouts.md "Safety settings"): a payout or a refund is approved
// (or rejected) by a dashboard user other than the one who asked, and in live mode by an
// operator. An API key never approves: whoever holds it could approve what it asked for. One
// rule for every kind of money out, so payouts and refunds cannot drift apart.
import type { Request } from 'express';
import type { Mode } from './scope';

/** Who decides: a dashboard user (never an API key), and the projects it may see. */
export interface Approver {
  userId: string;
  role: 'operator' | 'member';
  projectIds: 'all' | readonly string[];
}

export const userActor = (userId: string) => `user:${userId}`;

/** Who asks for money out: the dashboard session's user, or the API key (which never approves). */
export const requesterActor = (req: Request): string =>
  req.principal ? userActor(req.principal.userId) : `key:${req.project!.publicKey}`;

/** The approver a request speaks for: routes that decide take dashboard sessions only. */
export const approverOf = (req: Request): Approver => ({
  userId: req.principal!.userId,
  role: req.principal!.role,
  projectIds: req.principal!.projectIds,
});

/** Why `approver` may not `action` what `requestedBy` asked for in `mode`; undefined when it may. */
export function fourEyesRefusal(
  requestedBy: string,
  approver: Approver,
  mode: Mode,
  action: string,
  what: string,
): { reason: 'requester' | 'role'; message: string } | undefined {
  if (requestedBy === userActor(approver.userId))
    return {
      reason: 'requester',
      message: `The user who asked for a ${what} may not ${action} it (four eyes)`,
    };
  if (mode === 'live' && approver.role !== 'operator')
    return { reason: 'role', message: `Only an operator may ${action} a live ${what}` };
  return undefined;
}

/** Whether `approver` may see a project at all (the same answer as "no such thing" otherwise). */
export const mayDecideIn = (approver: Approver, projectId: string) =>
  approver.projectIds === 'all' || approver.projectIds.includes(projectId);
